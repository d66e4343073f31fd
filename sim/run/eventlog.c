/* SPDX-License-Identifier: MIT */
/* The event log: deep copies of events in emission order, and their JSONL and timeline
 * text forms. */
#include "sim/run/eventlog.h"

#include "models/common/json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* One streamed file (scn_eventlog_stream_open). */
typedef struct {
  FILE *f;
  char *path;
  int err; /* the first errno of a failed write, 0 */
} EvStream;

struct ScnEventLog {
  GArray *events;        /* VsEvent, strings pointing into 'strings' */
  GStringChunk *strings; /* the copies: node, type, keys, string values */
  size_t value_bytes;    /* of the string values copied into 'strings' */
  bool streaming;
  EvStream jsonl, timeline;
};

/* the first line of timeline.txt */
#define TIMELINE_HEADER_FMT "# %-12s %-12s %-22s attributes\n"

ScnEventLog *scn_eventlog_new(void)
{
  ScnEventLog *log = g_new0(ScnEventLog, 1);
  log->events = g_array_new(FALSE, TRUE, sizeof(VsEvent));
  log->strings = g_string_chunk_new(4096);
  return log;
}

static void stream_end(EvStream *st)
{
  if (st->f)
    fclose(st->f);
  st->f = NULL;
  g_clear_pointer(&st->path, g_free);
}

void scn_eventlog_free(ScnEventLog *log)
{
  if (!log)
    return;
  stream_end(&log->jsonl);
  stream_end(&log->timeline);
  g_array_unref(log->events);
  g_string_chunk_free(log->strings);
  g_free(log);
}

/* Append one line and flush it, so a reader sees whole lines as they come. */
static void stream_line(EvStream *st, const char *line)
{
  if (!st->f || st->err)
    return;
  if (fputs(line, st->f) == EOF || fputc('\n', st->f) == EOF || fflush(st->f) == EOF)
    st->err = errno ? errno : EIO;
}

static void stream_event(ScnEventLog *log, size_t i)
{
  const VsEvent *ev = scn_eventlog_get(log, i);
  g_autofree char *j = scn_event_json(ev, i);
  g_autofree char *t = scn_event_text(ev);
  stream_line(&log->jsonl, j);
  stream_line(&log->timeline, t);
}

/* Names repeat (nodes, types, keys): keep one copy of each. */
static const char *keep(ScnEventLog *log, const char *s)
{
  return g_string_chunk_insert_const(log->strings, s ? s : "");
}

void scn_eventlog_add(ScnEventLog *log, const VsEvent *ev)
{
  g_return_if_fail(log && ev);
  VsEvent c = *ev;
  c.node = keep(log, ev->node);
  c.type = keep(log, ev->type);
  if (c.n_attrs > VS_EVENT_MAX_ATTRS)
    c.n_attrs = VS_EVENT_MAX_ATTRS;
  for (unsigned i = 0; i < c.n_attrs; i++) {
    c.attrs[i].key = keep(log, ev->attrs[i].key);
    if (c.attrs[i].kind == VS_ATTR_STR) {
      c.attrs[i].v.s = g_string_chunk_insert(log->strings, ev->attrs[i].v.s ? ev->attrs[i].v.s : "");
      log->value_bytes += strlen(c.attrs[i].v.s) + 1;
    }
  }
  g_array_append_val(log->events, c);
  if (log->streaming)
    stream_event(log, log->events->len - 1);
}

static void sink_emit(void *user, const VsEvent *ev)
{
  scn_eventlog_add(user, ev);
}

VsEventSink scn_eventlog_sink(ScnEventLog *log)
{
  return (VsEventSink){sink_emit, log};
}

size_t scn_eventlog_len(const ScnEventLog *log)
{
  return log ? log->events->len : 0;
}

size_t scn_eventlog_bytes(const ScnEventLog *log)
{
  return log ? log->events->len * sizeof(VsEvent) + log->value_bytes : 0;
}

const VsEvent *scn_eventlog_get(const ScnEventLog *log, size_t i)
{
  g_return_val_if_fail(log && i < log->events->len, NULL);
  return &g_array_index(log->events, VsEvent, i);
}

const char *scn_attr_text(const VsAttr *a, char buf[SCN_ATTR_BUFSZ])
{
  switch (a->kind) {
  case VS_ATTR_STR:
    return a->v.s ? a->v.s : "";
  case VS_ATTR_INT:
    g_snprintf(buf, SCN_ATTR_BUFSZ, "%" PRId64, a->v.i);
    return buf;
  case VS_ATTR_UINT:
    g_snprintf(buf, SCN_ATTR_BUFSZ, "%" PRIu64, a->v.u);
    return buf;
  case VS_ATTR_HEX:
    g_snprintf(buf, SCN_ATTR_BUFSZ, "0x%016" PRIx64, a->v.u);
    return buf;
  case VS_ATTR_BOOL:
    return a->v.b ? "true" : "false";
  }
  return "";
}

char *scn_time_format(int64_t ns, char *buf, size_t size)
{
  const char *sign = ns < 0 ? "-" : "";
  uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
  g_snprintf(buf, size, "%s%" PRIu64 ".%09" PRIu64, sign, u / 1000000000u, u % 1000000000u);
  return buf;
}

char *scn_event_json(const VsEvent *ev, size_t seq)
{
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "{\"seq\":%zu,\"time_ns\":%" PRId64 ",\"node\":", seq, ev->time_ns);
  vs_json_str(s, ev->node);
  g_string_append(s, ",\"type\":");
  vs_json_str(s, ev->type);
  g_string_append(s, ",\"attrs\":{");
  for (unsigned i = 0; i < ev->n_attrs && i < VS_EVENT_MAX_ATTRS; i++) {
    const VsAttr *a = &ev->attrs[i];
    char buf[SCN_ATTR_BUFSZ];
    if (i)
      g_string_append_c(s, ',');
    vs_json_str(s, a->key);
    g_string_append_c(s, ':');
    switch (a->kind) {
    case VS_ATTR_STR:
    case VS_ATTR_HEX:
      vs_json_str(s, scn_attr_text(a, buf));
      break;
    case VS_ATTR_INT:
    case VS_ATTR_UINT:
    case VS_ATTR_BOOL:
      g_string_append(s, scn_attr_text(a, buf));
      break;
    }
  }
  g_string_append(s, "}}");
  return g_string_free(s, FALSE);
}

/* A value in key=value form: bare when it is plain, else double-quoted with \" \\ \n. */
static void text_value(GString *s, const char *v)
{
  bool plain = *v != '\0';
  for (const char *p = v; *p && plain; p++)
    plain = (unsigned char)*p > ' ' && *p != '"' && *p != '=' && *p != '\\' && *p != 0x7f;
  if (plain) {
    g_string_append(s, v);
    return;
  }
  g_string_append_c(s, '"');
  for (const char *p = v; *p; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_printf(s, "\\%c", *p);
    else if (*p == '\n')
      g_string_append(s, "\\n");
    else if ((unsigned char)*p < ' ' || *p == 0x7f)
      g_string_append_printf(s, "\\x%02x", (unsigned char)*p);
    else
      g_string_append_c(s, *p);
  }
  g_string_append_c(s, '"');
}

char *scn_event_text(const VsEvent *ev)
{
  char t[32];
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "%14s  %-12s %-22s", scn_time_format(ev->time_ns, t, sizeof t),
                         ev->node ? ev->node : "", ev->type ? ev->type : "");
  for (unsigned i = 0; i < ev->n_attrs && i < VS_EVENT_MAX_ATTRS; i++) {
    char buf[SCN_ATTR_BUFSZ];
    g_string_append_printf(s, " %s=", ev->attrs[i].key);
    text_value(s, scn_attr_text(&ev->attrs[i], buf));
  }
  /* no trailing blanks when there are no attributes */
  while (s->len && s->str[s->len - 1] == ' ')
    g_string_truncate(s, s->len - 1);
  return g_string_free(s, FALSE);
}

char *scn_eventlog_jsonl(const ScnEventLog *log)
{
  GString *s = g_string_new(NULL);
  for (size_t i = 0; i < scn_eventlog_len(log); i++) {
    g_autofree char *line = scn_event_json(scn_eventlog_get(log, i), i);
    g_string_append(s, line);
    g_string_append_c(s, '\n');
  }
  return g_string_free(s, FALSE);
}

char *scn_eventlog_timeline(const ScnEventLog *log)
{
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, TIMELINE_HEADER_FMT, "time (s)", "node", "event");
  for (size_t i = 0; i < scn_eventlog_len(log); i++) {
    g_autofree char *line = scn_event_text(scn_eventlog_get(log, i));
    g_string_append(s, line);
    g_string_append_c(s, '\n');
  }
  return g_string_free(s, FALSE);
}

bool scn_eventlog_write(const ScnEventLog *log, const char *dir, GError **error)
{
  g_autofree char *jsonl = scn_eventlog_jsonl(log);
  g_autofree char *text = scn_eventlog_timeline(log);
  g_autofree char *p1 = g_build_filename(dir, "events.jsonl", NULL);
  g_autofree char *p2 = g_build_filename(dir, "timeline.txt", NULL);
  return g_file_set_contents(p1, jsonl, -1, error) && g_file_set_contents(p2, text, -1, error);
}

static bool stream_start(EvStream *st, const char *dir, const char *name, GError **error)
{
  st->path = g_build_filename(dir, name, NULL);
  st->err = 0;
  st->f = fopen(st->path, "w");
  if (!st->f) {
    int e = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: %s", st->path,
                g_strerror(e));
    return false;
  }
  return true;
}

bool scn_eventlog_stream_open(ScnEventLog *log, const char *dir, GError **error)
{
  g_return_val_if_fail(log && dir && !log->streaming, false);
  if (!stream_start(&log->jsonl, dir, "events.jsonl", error) ||
      !stream_start(&log->timeline, dir, "timeline.txt", error)) {
    stream_end(&log->jsonl);
    stream_end(&log->timeline);
    return false;
  }
  /* the header line, then what was logged before */
  g_autofree char *head = g_strdup_printf(TIMELINE_HEADER_FMT, "time (s)", "node", "event");
  head[strlen(head) - 1] = '\0';
  stream_line(&log->timeline, head);
  log->streaming = true;
  for (size_t i = 0; i < scn_eventlog_len(log); i++)
    stream_event(log, i);
  return true;
}

bool scn_eventlog_streaming(const ScnEventLog *log)
{
  return log && log->streaming;
}

static bool stream_close(EvStream *st, GError **error)
{
  bool ok = true;
  if (st->f && !st->err && fflush(st->f) == EOF)
    st->err = errno ? errno : EIO;
  if (st->f && fclose(st->f) == EOF && !st->err)
    st->err = errno ? errno : EIO;
  st->f = NULL;
  if (st->err) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(st->err), "%s: write failed: %s",
                st->path, g_strerror(st->err));
    ok = false;
  }
  g_clear_pointer(&st->path, g_free);
  return ok;
}

bool scn_eventlog_stream_close(ScnEventLog *log, GError **error)
{
  g_return_val_if_fail(log, false);
  if (!log->streaming)
    return true;
  log->streaming = false;
  GError *e = NULL;
  bool ok = stream_close(&log->jsonl, error);
  /* the second file is closed too; its error is reported when the first had none */
  if (!stream_close(&log->timeline, ok ? error : &e))
    ok = false;
  g_clear_error(&e);
  return ok;
}
