#include "json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void
json_init (struct json *j, FILE *out)
{
  j->out = out;
  j->depth = 0;
  j->first[0] = true;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if the
   bytes there are not valid UTF-8. Overlong forms and surrogates count as
   invalid, as a strict JSON parser would see them. */
static size_t
utf8_sequence (const unsigned char *s, size_t n)
{
  size_t len;
  uint32_t cp, min;

  if (s[0] < 0x80)
    return 1;
  if ((s[0] & 0xe0) == 0xc0)
    len = 2, cp = s[0] & 0x1f, min = 0x80;
  else if ((s[0] & 0xf0) == 0xe0)
    len = 3, cp = s[0] & 0x0f, min = 0x800;
  else if ((s[0] & 0xf8) == 0xf0)
    len = 4, cp = s[0] & 0x07, min = 0x10000;
  else
    return 0;
  if (len > n)
    return 0;
  for (size_t i = 1; i < len; i++)
    {
      if ((s[i] & 0xc0) != 0x80)
        return 0;
      cp = (cp << 6) | (s[i] & 0x3f);
    }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return len;
}

static void
write_escaped (FILE *out, const char *value, size_t n)
{
  const unsigned char *s = (const unsigned char *) value;
  size_t i = 0;

  fputc ('"', out);
  while (i < n)
    {
      unsigned char c = s[i];
      size_t len;

      switch (c)
        {
        case '"': fputs ("\\\"", out); i++; continue;
        case '\\': fputs ("\\\\", out); i++; continue;
        case '\n': fputs ("\\n", out); i++; continue;
        case '\r': fputs ("\\r", out); i++; continue;
        case '\t': fputs ("\\t", out); i++; continue;
        case '\b': fputs ("\\b", out); i++; continue;
        case '\f': fputs ("\\f", out); i++; continue;
        default: break;
        }
      if (c < 0x20 || c == 0x7f)
        {
          fprintf (out, "\\u%04x", c);
          i++;
          continue;
        }
      len = utf8_sequence (s + i, n - i);
      if (len == 0)
        {
          /* File contents and paths are bytes, not text. Rather than emit
             invalid UTF-8 (which a reader would replace silently), mark the
             byte with U+FFFD so the damage is visible. */
          fputs ("\\ufffd", out);
          i++;
          continue;
        }
      fwrite (s + i, 1, len, out);
      i += len;
    }
  fputc ('"', out);
}

/* Writes the separator and the key (if any) that precede a value. */
static void
prefix (struct json *j, const char *key)
{
  if (!j->first[j->depth])
    fputc (',', j->out);
  j->first[j->depth] = false;
  if (key != NULL)
    {
      write_escaped (j->out, key, strlen (key));
      fputc (':', j->out);
    }
}

static void
push (struct json *j, const char *key, char open)
{
  prefix (j, key);
  fputc (open, j->out);
  if (j->depth >= JSON_MAX_DEPTH)
    {
      /* A programming error in the probe, not a runtime condition. */
      fputs ("probe: json nesting too deep\n", stderr);
      abort ();
    }
  j->depth++;
  j->first[j->depth] = true;
}

static void
pop (struct json *j, char close)
{
  fputc (close, j->out);
  if (j->depth > 0)
    j->depth--;
}

void json_object_begin (struct json *j, const char *key) { push (j, key, '{'); }
void json_object_end (struct json *j) { pop (j, '}'); }
void json_array_begin (struct json *j, const char *key) { push (j, key, '['); }
void json_array_end (struct json *j) { pop (j, ']'); }

void
json_string (struct json *j, const char *key, const char *value)
{
  if (value == NULL)
    {
      json_null (j, key);
      return;
    }
  json_string_len (j, key, value, strlen (value));
}

void
json_string_len (struct json *j, const char *key, const char *value, size_t len)
{
  prefix (j, key);
  write_escaped (j->out, value, len);
}

void
json_int (struct json *j, const char *key, long long value)
{
  prefix (j, key);
  fprintf (j->out, "%lld", value);
}

void
json_bool (struct json *j, const char *key, bool value)
{
  prefix (j, key);
  fputs (value ? "true" : "false", j->out);
}

void
json_null (struct json *j, const char *key)
{
  prefix (j, key);
  fputs ("null", j->out);
}

bool
json_finish (struct json *j)
{
  fputc ('\n', j->out);
  return fflush (j->out) == 0 && !ferror (j->out);
}
