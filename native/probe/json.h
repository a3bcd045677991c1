/*
 * A tiny streaming JSON writer for the probe. Tests parse everything the
 * probe prints, so the writer owns commas, nesting and escaping and the
 * subcommands never format JSON by hand.
 *
 * Every value function takes a key: pass a key inside an object, NULL inside
 * an array or at the top level.
 */
#ifndef BERTH_PROBE_JSON_H
#define BERTH_PROBE_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
  FILE *out;
  int depth;
  /* first[d] is true until the container at depth d holds one value. */
  bool first[JSON_MAX_DEPTH + 1];
};

void json_init (struct json *j, FILE *out);
void json_object_begin (struct json *j, const char *key);
void json_object_end (struct json *j);
void json_array_begin (struct json *j, const char *key);
void json_array_end (struct json *j);
/* A NULL value is written as null. */
void json_string (struct json *j, const char *key, const char *value);
/* A string of len bytes, which may hold NUL bytes. */
void json_string_len (struct json *j, const char *key, const char *value, size_t len);
void json_int (struct json *j, const char *key, long long value);
void json_bool (struct json *j, const char *key, bool value);
void json_null (struct json *j, const char *key);
/* Ends the top-level value with a newline and flushes; false if output failed. */
bool json_finish (struct json *j);

#endif
