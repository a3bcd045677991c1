#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *
errno_name (int err)
{
  static char unknown[16];
  const char *name = strerrorname_np (err);

  if (name != NULL)
    return name;
  snprintf (unknown, sizeof unknown, "E%d", err);
  return unknown;
}

void
json_errno (struct json *j, int err)
{
  if (err == 0)
    json_null (j, "errno");
  else
    json_string (j, "errno", errno_name (err));
  json_int (j, "errnoNum", err);
}

char *
read_file (const char *path, size_t *len)
{
  size_t cap = 4096, used = 0;
  char *buf;
  int fd, saved;

  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return NULL;
  buf = malloc (cap);
  if (buf == NULL)
    goto fail;
  for (;;)
    {
      ssize_t n;

      if (cap - used < 2)
        {
          char *bigger = realloc (buf, cap * 2);
          if (bigger == NULL)
            goto fail;
          buf = bigger;
          cap *= 2;
        }
      n = read (fd, buf + used, cap - used - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        goto fail;
      if (n == 0)
        break;
      used += (size_t) n;
    }
  close (fd);
  buf[used] = '\0';
  if (len != NULL)
    *len = used;
  return buf;

fail:
  saved = errno;
  free (buf);
  close (fd);
  errno = saved;
  return NULL;
}

char **
split_list (const char *list)
{
  size_t items = 1, size = strlen (list) + 1;
  char **out, *copy, *save = NULL;
  size_t i = 0;

  for (const char *p = list; *p; p++)
    if (*p == ',')
      items++;
  out = malloc ((items + 1) * sizeof (char *) + size);
  if (out == NULL)
    die (1, "out of memory");
  copy = (char *) (out + items + 1);
  memcpy (copy, list, size);
  for (char *tok = strtok_r (copy, ",", &save); tok != NULL; tok = strtok_r (NULL, ",", &save))
    out[i++] = tok;
  out[i] = NULL;
  return out;
}

bool
parse_ll (const char *s, long long *out)
{
  char *end;

  errno = 0;
  *out = strtoll (s, &end, 0);
  return errno == 0 && end != s && *end == '\0';
}

bool
parse_ull (const char *s, unsigned long long *out)
{
  char *end;

  /* strtoull accepts "-1" and wraps it; numbers here are never negative. */
  if (strchr (s, '-') != NULL)
    return false;
  errno = 0;
  *out = strtoull (s, &end, 0);
  return errno == 0 && end != s && *end == '\0';
}

void
die (int code, const char *fmt, ...)
{
  va_list ap;

  fflush (stdout);
  fputs ("probe: ", stderr);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  exit (code);
}
