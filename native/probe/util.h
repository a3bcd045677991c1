/* Helpers shared by the probe's subcommands. */
#ifndef BERTH_PROBE_UTIL_H
#define BERTH_PROBE_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"

/* Exit code for a mistake in how the probe was called (not in what it saw),
   so a test can tell "the probe was misused" from "the probe failed". */
#define PROBE_EXIT_USAGE 2

/* "EPERM" for EPERM; "E123" for an errno glibc has no name for. */
const char *errno_name (int err);

/* Writes "errno": "EPERM" and "errnoNum": 1, or null and 0 when err is 0. */
void json_errno (struct json *j, int err);

/* Reads a whole file (procfs files report size 0, so this reads until EOF).
   Returns a NUL-terminated buffer the caller frees, with the byte count in
   *len (if len is not NULL), or NULL with errno set. */
char *read_file (const char *path, size_t *len);

/* Splits "a,b,c" into a NULL-terminated array of strings; empty items are
   dropped. The array and its strings are one allocation: free the array. */
char **split_list (const char *list);

/* Parses a whole string as a number (base prefixes allowed); false if it is
   not one. */
bool parse_ll (const char *s, long long *out);
bool parse_ull (const char *s, unsigned long long *out);

/* Prints "probe: <what>: <message>" to stderr and exits with code. */
void die (int code, const char *fmt, ...) __attribute__ ((noreturn, format (printf, 2, 3)));

#endif
