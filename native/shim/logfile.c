/*
 * Docker's json-file log driver, byte for byte where it matters to readers:
 *
 *   {"log":"hello\n","stream":"stdout","time":"2026-01-02T03:04:05.123456789Z"}
 *
 * One entry per line (the "\n" kept inside "log"); a line longer than 16 KiB
 * is written as 16 KiB pieces without "\n" (docker's partial messages). The
 * string escaping follows moby's jsonlog writer: \" \\ \n \r, other control
 * bytes and < > & as \u00XX, invalid UTF-8 as \ufffd, U+2028/9 escaped.
 *
 * Rotation as docker's: before writing an entry, if the file has reached
 * max_size, FILE.(n-2) → FILE.(n-1) … FILE → FILE.1 and a fresh FILE is
 * opened. The entry goes whole into one file, so a reader that concatenates
 * FILE.(n-1) … FILE.1 FILE sees every line, in order, once.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim.h"

/* Worst case: every byte escaped as \u00XX, plus the envelope. */
static char entry[LINE_MAX_BYTES * 6 + 256];

int logfile_open(struct logfile *lf, const char *path) {
  char copy[4096], copy2[4096];
  if (strlen(path) >= sizeof copy) {
    errno = ENAMETOOLONG;
    return -1;
  }
  strcpy(copy, path);
  strcpy(copy2, path);
  const char *base = basename(copy);
  if (strlen(base) + 8 >= sizeof lf->name) {
    errno = ENAMETOOLONG;
    return -1;
  }
  strcpy(lf->name, base);
  /* Renames go through the directory's fd: the shim chdirs to its state
   * directory, and a relative --log must keep meaning what the caller meant. */
  lf->dir_fd = open(dirname(copy2), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lf->dir_fd < 0) return -1;
  lf->fd = openat(lf->dir_fd, lf->name, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (lf->fd < 0) return -1;
  struct stat st;
  if (fstat(lf->fd, &st) < 0) return -1;
  lf->size = st.st_size;
  return 0;
}

static void rotate(struct logfile *lf) {
  if (lf->max_files <= 1) {
    /* docker: with max-file 1 the file is truncated in place. */
    if (ftruncate(lf->fd, 0) < 0) warn_err(errno, "truncate log %s", lf->name);
    lf->size = 0;
    return;
  }
  char from[300], to[300];
  for (int i = lf->max_files - 1; i >= 1; i--) {
    if (i == 1)
      snprintf(from, sizeof from, "%s", lf->name);
    else
      snprintf(from, sizeof from, "%s.%d", lf->name, i - 1);
    snprintf(to, sizeof to, "%s.%d", lf->name, i);
    if (renameat(lf->dir_fd, from, lf->dir_fd, to) < 0 && errno != ENOENT)
      warn_err(errno, "rotate log %s to %s", from, to);
  }
  int fd = openat(lf->dir_fd, lf->name, O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) {
    /* Keep writing to the renamed file rather than dropping lines. */
    warn_err(errno, "open log %s after rotation", lf->name);
    return;
  }
  close(lf->fd);
  lf->fd = fd;
  lf->size = 0;
}

/* Length of the valid UTF-8 sequence at s (as Go's utf8.DecodeRune accepts
 * it), or 0 when the byte starts no valid sequence. */
static size_t utf8_len(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F; /* no UTF-16 surrogates */
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F; /* nothing above U+10FFFF */
  } else {
    return 0;
  }
  if (n < len || s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < len; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  return len;
}

static size_t escape(char *out, const unsigned char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if (c >= 0x20 && c != '\\' && c != '"' && c != '<' && c != '>' && c != '&') {
        out[o++] = (char)c;
      } else if (c == '\\' || c == '"') {
        out[o++] = '\\';
        out[o++] = (char)c;
      } else if (c == '\n') {
        out[o++] = '\\';
        out[o++] = 'n';
      } else if (c == '\r') {
        out[o++] = '\\';
        out[o++] = 'r';
      } else {
        memcpy(out + o, "\\u00", 4);
        out[o + 4] = hex[c >> 4];
        out[o + 5] = hex[c & 0xF];
        o += 6;
      }
      i++;
      continue;
    }
    size_t len = utf8_len(s + i, n - i);
    if (len == 0) {
      memcpy(out + o, "\\ufffd", 6);
      o += 6;
      i++;
    } else if (len == 3 && c == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) {
      /* U+2028/U+2029 end lines in JavaScript; Go escapes them. */
      memcpy(out + o, s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
      o += 6;
      i += 3;
    } else {
      memcpy(out + o, s + i, len);
      o += len;
      i += len;
    }
  }
  return o;
}

void logfile_write(struct logfile *lf, const char *stream, const char *data, size_t len,
                   const struct timespec *ts) {
  if (lf->fd < 0) return;
  if (len > LINE_MAX_BYTES + 1) len = LINE_MAX_BYTES + 1; /* callers never pass more */
  char when[64];
  format_time(when, sizeof when, ts);
  size_t o = 0;
  memcpy(entry, "{\"log\":\"", 8);
  o = 8;
  o += escape(entry + o, (const unsigned char *)data, len);
  o += (size_t)snprintf(entry + o, sizeof entry - o, "\",\"stream\":\"%s\",\"time\":\"%s\"}\n", stream, when);
  if (lf->max_size > 0 && lf->size >= lf->max_size) rotate(lf);
  /* One write per entry: O_APPEND puts it at the end whole, so a reader
   * never sees two entries interleaved. */
  if (write_all(lf->fd, entry, o) < 0) {
    static int last_err;
    if (errno != last_err) warn_err(errno, "write log %s", lf->name); /* once per cause, not per line */
    last_err = errno;
    return;
  }
  lf->size += (long long)o;
}
