/* SPDX-License-Identifier: MIT */
/* Recursive-descent JSON checker following the RFC 8259 grammar (sections 2 to 7). */
#include "tests/lib/tu_json.h"

#include <glib.h>
#include <string.h>

typedef struct {
  const char *p, *end, *start;
  int depth;
} J;

static void ws(J *j)
{
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
    j->p++;
}

static bool lit(J *j, const char *s)
{
  size_t n = strlen(s);
  if ((size_t)(j->end - j->p) < n || memcmp(j->p, s, n) != 0)
    return false;
  j->p += n;
  return true;
}

static bool value(J *j);

static bool string(J *j)
{
  if (j->p >= j->end || *j->p != '"')
    return false;
  j->p++;
  while (j->p < j->end && *j->p != '"') {
    unsigned char c = (unsigned char)*j->p;
    if (c < 0x20) /* RFC 8259 7: control characters must be escaped */
      return false;
    if (c == '\\') {
      j->p++;
      if (j->p >= j->end)
        return false;
      if (*j->p == 'u') {
        for (int i = 1; i <= 4; i++)
          if (j->p + i >= j->end || !g_ascii_isxdigit(j->p[i]))
            return false;
        j->p += 5;
        continue;
      }
      if (!strchr("\"\\/bfnrt", *j->p))
        return false;
    }
    j->p++;
  }
  if (j->p >= j->end)
    return false;
  j->p++;
  return true;
}

static bool number(J *j)
{
  /* number = [ minus ] int [ frac ] [ exp ]; int = zero / ( digit1-9 *DIGIT ) */
  if (j->p < j->end && *j->p == '-')
    j->p++;
  if (j->p >= j->end || !g_ascii_isdigit(*j->p))
    return false;
  if (*j->p == '0')
    j->p++;
  else
    while (j->p < j->end && g_ascii_isdigit(*j->p))
      j->p++;
  if (j->p < j->end && *j->p == '.') {
    j->p++;
    if (j->p >= j->end || !g_ascii_isdigit(*j->p))
      return false;
    while (j->p < j->end && g_ascii_isdigit(*j->p))
      j->p++;
  }
  if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
    j->p++;
    if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
      j->p++;
    if (j->p >= j->end || !g_ascii_isdigit(*j->p))
      return false;
    while (j->p < j->end && g_ascii_isdigit(*j->p))
      j->p++;
  }
  return true;
}

static bool members(J *j, char close, bool object)
{
  j->p++;
  ws(j);
  if (j->p < j->end && *j->p == close) {
    j->p++;
    return true;
  }
  for (;;) {
    ws(j);
    if (object) {
      if (!string(j))
        return false;
      ws(j);
      if (j->p >= j->end || *j->p != ':')
        return false;
      j->p++;
    }
    if (!value(j))
      return false;
    ws(j);
    if (j->p < j->end && *j->p == ',') {
      j->p++;
      continue;
    }
    if (j->p < j->end && *j->p == close) {
      j->p++;
      return true;
    }
    return false;
  }
}

static bool value(J *j)
{
  ws(j);
  if (j->p >= j->end || ++j->depth > 256)
    return false;
  bool ok;
  switch (*j->p) {
  case '{': ok = members(j, '}', true); break;
  case '[': ok = members(j, ']', false); break;
  case '"': ok = string(j); break;
  case 't': ok = lit(j, "true"); break;
  case 'f': ok = lit(j, "false"); break;
  case 'n': ok = lit(j, "null"); break;
  default: ok = number(j); break;
  }
  j->depth--;
  return ok;
}

bool tu_json_valid(const char *text, size_t len, size_t *err_at)
{
  J j = {text, text + len, text, 0};
  bool ok = value(&j);
  ws(&j);
  ok = ok && j.p == j.end;
  if (!ok && err_at)
    *err_at = (size_t)(j.p - j.start);
  return ok;
}
