/* Reading the launch plan: NUL-terminated fields, see core.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

int plan_read(struct plan *p, int fd) {
  size_t cap = 16384;
  p->buf = malloc(cap);
  p->len = 0;
  p->pos = 0;
  if (!p->buf) return -1;
  for (;;) {
    if (p->len == cap) {
      cap *= 2;
      char *bigger = realloc(p->buf, cap);
      if (!bigger) return -1;
      p->buf = bigger;
    }
    ssize_t n = read(fd, p->buf + p->len, cap - p->len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) break;
    p->len += (size_t)n;
  }
  return 0;
}

const char *plan_str(struct plan *p, const char *op) {
  if (p->pos >= p->len) fail("plan", NULL, 0, "plan ends inside op \"%s\"", op);
  char *s = p->buf + p->pos;
  char *nul = memchr(s, '\0', p->len - p->pos);
  if (!nul) fail("plan", NULL, 0, "unterminated field in op \"%s\"", op);
  p->pos = (size_t)(nul - p->buf) + 1;
  return s;
}

long long plan_int(struct plan *p, const char *op) {
  const char *s = plan_str(p, op);
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 0);
  if (errno || *s == '\0' || *end != '\0') fail("plan", NULL, 0, "bad number \"%s\" in op \"%s\"", s, op);
  return v;
}

uint64_t plan_u64(struct plan *p, const char *op) {
  const char *s = plan_str(p, op);
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 0);
  if (errno || *s == '\0' || *end != '\0') fail("plan", NULL, 0, "bad number \"%s\" in op \"%s\"", s, op);
  return (uint64_t)v;
}

char **plan_list(struct plan *p, const char *op) {
  long long n = plan_int(p, op);
  if (n < 0 || n > 100000) fail("plan", NULL, 0, "bad list length in op \"%s\"", op);
  char **v = calloc((size_t)n + 1, sizeof(char *));
  if (!v) fail("plan", NULL, ENOMEM, "out of memory");
  for (long long i = 0; i < n; i++) v[i] = (char *)plan_str(p, op);
  return v;
}
