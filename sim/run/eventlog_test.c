/* SPDX-License-Identifier: MIT */
/* Tests of the event log: deep copies, byte-exact events.jsonl and timeline.txt on
 * synthetic events, JSON escaping, every line parsed back by a strict JSON checker, and
 * the files written. */
#include "sim/run/eventlog.h"
#include "models/common/json.h"
#include "tests/lib/tu_json.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* Three events built from scratch buffers that are overwritten after each emit: the
 * log must have copied everything. */
static ScnEventLog *synthetic(void)
{
  ScnEventLog *log = scn_eventlog_new();
  VsEventSink sink = scn_eventlog_sink(log);
  char node[16], type[32], conn[32], key[16];

  strcpy(node, "vgw1/0");
  strcpy(type, "tunnel.up");
  strcpy(conn, "vgw1-site1");
  strcpy(key, "connection");
  VsEvent ev = vs_event(1500000000, node, type);
  vs_event_str(&ev, key, conn);
  vs_event_emit(&sink, &ev);
  memset(node, 'X', sizeof node - 1);
  memset(conn, 'Y', sizeof conn - 1);
  memset(key, 'Z', sizeof key - 1);

  strcpy(node, "site1-vpn");
  ev = vs_event(2000000001, node, "ike.sa.established");
  vs_event_hex(&ev, "spi_i", 0x0123456789abcdefULL);
  vs_event_uint(&ev, "bytes", 18446744073709551615ULL);
  vs_event_int(&ev, "delta", -42);
  vs_event_bool(&ev, "initiator", true);
  vs_event_str(&ev, "reason", "peer said \"no\"\n\ttab\\ \x01");
  vs_event_emit(&sink, &ev);
  memset(node, 'X', sizeof node - 1);

  ev = vs_event(0, "pc1", "ping.sent");
  vs_event_str(&ev, "flow", "");
  vs_event_emit(&sink, &ev);
  return log;
}

static const char expected_jsonl[] =
    "{\"seq\":0,\"time_ns\":1500000000,\"node\":\"vgw1/0\",\"type\":\"tunnel.up\","
    "\"attrs\":{\"connection\":\"vgw1-site1\"}}\n"
    "{\"seq\":1,\"time_ns\":2000000001,\"node\":\"site1-vpn\",\"type\":\"ike.sa.established\","
    "\"attrs\":{\"spi_i\":\"0x0123456789abcdef\",\"bytes\":18446744073709551615,"
    "\"delta\":-42,\"initiator\":true,\"reason\":\"peer said \\\"no\\\"\\n\\ttab\\\\ "
    "\\u0001\"}}\n"
    "{\"seq\":2,\"time_ns\":0,\"node\":\"pc1\",\"type\":\"ping.sent\",\"attrs\":{\"flow\":\"\"}}\n";

static const char expected_timeline[] =
    "# time (s)     node         event                  attributes\n"
    "   1.500000000  vgw1/0       tunnel.up              connection=vgw1-site1\n"
    "   2.000000001  site1-vpn    ike.sa.established     spi_i=0x0123456789abcdef "
    "bytes=18446744073709551615 delta=-42 initiator=true "
    "reason=\"peer said \\\"no\\\"\\n\\x09tab\\\\ \\x01\"\n"
    "   0.000000000  pc1          ping.sent              flow=\"\"\n";

/* What the log holds for its events: each event and its string values ("vgw1-site1",
 * the reason, the empty flow name), which a soak benchmark tells apart from a leak. */
static void test_bytes(void)
{
  g_autoptr(ScnEventLog) log = synthetic();
  size_t values = sizeof "vgw1-site1" + sizeof "peer said \"no\"\n\ttab\\ \x01" + sizeof "";
  g_assert_cmpuint(scn_eventlog_bytes(log), ==, 3 * sizeof(VsEvent) + values);
  g_assert_cmpuint(scn_eventlog_bytes(NULL), ==, 0);
}

static void test_copies(void)
{
  g_autoptr(ScnEventLog) log = synthetic();
  g_assert_cmpuint(scn_eventlog_len(log), ==, 3);
  const VsEvent *e = scn_eventlog_get(log, 0);
  g_assert_cmpstr(e->node, ==, "vgw1/0");
  g_assert_cmpstr(e->attrs[0].key, ==, "connection");
  g_assert_cmpstr(vs_event_attr(e, "connection")->v.s, ==, "vgw1-site1");
  g_assert_cmpint(scn_eventlog_get(log, 1)->time_ns, ==, 2000000001);
  g_assert_cmpstr(scn_eventlog_get(log, 1)->node, ==, "site1-vpn");
}

static void test_jsonl(void)
{
  g_autoptr(ScnEventLog) log = synthetic();
  g_autofree char *j = scn_eventlog_jsonl(log);
  g_assert_cmpstr(j, ==, expected_jsonl);
  /* each line is one JSON object */
  g_auto(GStrv) lines = g_strsplit(j, "\n", -1);
  unsigned n = 0;
  for (char **l = lines; *l && **l; l++, n++) {
    size_t at = 0;
    if (!tu_json_valid(*l, strlen(*l), &at))
      g_error("line %u is not JSON at %zu: %s", n, at, *l);
    g_assert_cmpint((*l)[0], ==, '{');
  }
  g_assert_cmpuint(n, ==, 3);
  /* the checker can fail */
  g_assert_false(tu_json_valid("{\"a\":1,}", 8, NULL));
  g_assert_false(tu_json_valid("{\"a\":\"\x01\"}", 9, NULL));
  g_assert_false(tu_json_valid("[01]", 4, NULL));
  g_assert_true(tu_json_valid(" [1.5e-3, null, {\"k\": [true]}] ", 30, NULL));
}

static void test_timeline(void)
{
  g_autoptr(ScnEventLog) log = synthetic();
  g_autofree char *t = scn_eventlog_timeline(log);
  g_assert_cmpstr(t, ==, expected_timeline);
  char buf[32];
  g_assert_cmpstr(scn_time_format(-1500000000, buf, sizeof buf), ==, "-1.500000000");
  g_assert_cmpstr(scn_time_format(INT64_MAX, buf, sizeof buf), ==, "9223372036.854775807");
}

static void test_json_helpers(void)
{
  GString *s = g_string_new(NULL);
  vs_json_str(s, "caf\xc3\xa9 \xff!"); /* valid UTF-8 kept, an invalid byte replaced */
  g_assert_cmpstr(s->str, ==, "\"caf\xc3\xa9 \\ufffd!\"");
  g_string_truncate(s, 0);
  vs_json_double(s, 0.95);
  g_string_append_c(s, ' ');
  vs_json_double(s, 412500000.0);
  g_string_append_c(s, ' ');
  vs_json_double(s, -0.0);
  g_string_append_c(s, ' ');
  vs_json_double(s, 1.0 / 0.0);
  g_assert_cmpstr(s->str, ==, "0.95 412500000 0 null");
  g_string_free(s, TRUE);
}

static void test_write(void)
{
  g_autoptr(ScnEventLog) log = synthetic();
  g_autofree char *dir = g_dir_make_tmp("evlog-XXXXXX", NULL);
  g_assert_nonnull(dir);
  g_autoptr(GError) err = NULL;
  g_assert_true(scn_eventlog_write(log, dir, &err));
  g_assert_no_error(err);
  g_autofree char *p1 = g_build_filename(dir, "events.jsonl", NULL);
  g_autofree char *p2 = g_build_filename(dir, "timeline.txt", NULL);
  g_autofree char *a = NULL, *b = NULL;
  g_assert_true(g_file_get_contents(p1, &a, NULL, NULL));
  g_assert_true(g_file_get_contents(p2, &b, NULL, NULL));
  g_assert_cmpstr(a, ==, expected_jsonl);
  g_assert_cmpstr(b, ==, expected_timeline);
  g_unlink(p1);
  g_unlink(p2);
  g_rmdir(dir);
  /* a folder that does not exist: an error, not a crash */
  g_autofree char *none = g_build_filename(dir, "missing", NULL);
  g_assert_false(scn_eventlog_write(log, none, &err));
  g_assert_nonnull(err);
}

static char *slurp(const char *dir, const char *name)
{
  g_autofree char *p = g_build_filename(dir, name, NULL);
  char *s = NULL;
  if (!g_file_get_contents(p, &s, NULL, NULL))
    return NULL;
  return s;
}

/* The first n lines of text (each with its newline). */
static char *first_lines(const char *text, unsigned n)
{
  const char *p = text;
  for (unsigned i = 0; i < n && *p; i++) {
    const char *nl = strchr(p, '\n');
    p = nl ? nl + 1 : p + strlen(p);
  }
  return g_strndup(text, (gsize)(p - text));
}

/* Live mode streams the log: the files exist as soon as streaming starts, with the events
 * logged before, and each later event is in both files the moment it is added (no
 * buffering until the end); closed, they are byte for byte what scn_eventlog_write gives. */
static void test_stream(void)
{
  g_autoptr(ScnEventLog) full = synthetic();
  g_autoptr(ScnEventLog) log = scn_eventlog_new();
  g_autofree char *dir = g_dir_make_tmp("evstream-XXXXXX", NULL);
  g_assert_nonnull(dir);
  g_autoptr(GError) err = NULL;
  g_assert_false(scn_eventlog_streaming(log));
  g_assert_true(scn_eventlog_stream_close(log, &err)); /* not streaming: nothing to do */
  scn_eventlog_add(log, scn_eventlog_get(full, 0)); /* before the stream opens */
  g_assert_true(scn_eventlog_stream_open(log, dir, &err));
  g_assert_no_error(err);
  g_assert_true(scn_eventlog_streaming(log));
  for (size_t i = 1; i <= scn_eventlog_len(full); i++) {
    g_autofree char *j = slurp(dir, "events.jsonl"), *t = slurp(dir, "timeline.txt");
    g_autofree char *wj = first_lines(expected_jsonl, (unsigned)i);
    g_autofree char *wt = first_lines(expected_timeline, (unsigned)i + 1); /* + the header */
    g_test_message("after %zu events", i);
    g_assert_cmpstr(j, ==, wj);
    g_assert_cmpstr(t, ==, wt);
    if (i < scn_eventlog_len(full))
      scn_eventlog_add(log, scn_eventlog_get(full, i));
  }
  g_assert_true(scn_eventlog_stream_close(log, &err));
  g_assert_no_error(err);
  g_assert_false(scn_eventlog_streaming(log));
  g_autofree char *j = slurp(dir, "events.jsonl"), *t = slurp(dir, "timeline.txt");
  g_assert_cmpstr(j, ==, expected_jsonl);
  g_assert_cmpstr(t, ==, expected_timeline);
  /* events after the close are kept in memory only */
  scn_eventlog_add(log, scn_eventlog_get(full, 0));
  g_autofree char *j2 = slurp(dir, "events.jsonl");
  g_assert_cmpstr(j2, ==, expected_jsonl);
  g_autofree char *p1 = g_build_filename(dir, "events.jsonl", NULL);
  g_autofree char *p2 = g_build_filename(dir, "timeline.txt", NULL);
  g_unlink(p1);
  g_unlink(p2);
  g_rmdir(dir);
  /* a folder that does not exist: an error naming the file, no stream */
  g_autofree char *none = g_build_filename(dir, "missing", NULL);
  g_assert_false(scn_eventlog_stream_open(log, none, &err));
  g_assert_nonnull(err);
  g_assert_nonnull(strstr(err->message, "events.jsonl"));
  g_assert_false(scn_eventlog_streaming(log));
}

/* A write that fails while streaming (a full disk: /dev/full) is reported at the close. */
static void test_stream_error(void)
{
  if (!g_file_test("/dev/full", G_FILE_TEST_EXISTS)) {
    g_test_skip("no /dev/full");
    return;
  }
  g_autofree char *dir = g_dir_make_tmp("evstream-XXXXXX", NULL);
  g_autofree char *p1 = g_build_filename(dir, "events.jsonl", NULL);
  g_autofree char *p2 = g_build_filename(dir, "timeline.txt", NULL);
  g_assert_cmpint(symlink("/dev/full", p1), ==, 0);
  g_autoptr(ScnEventLog) full = synthetic();
  g_autoptr(ScnEventLog) log = scn_eventlog_new();
  g_autoptr(GError) err = NULL;
  g_assert_true(scn_eventlog_stream_open(log, dir, &err));
  scn_eventlog_add(log, scn_eventlog_get(full, 0));
  g_assert_false(scn_eventlog_stream_close(log, &err));
  g_assert_nonnull(err);
  g_assert_nonnull(strstr(err->message, "events.jsonl: write failed"));
  g_unlink(p1);
  g_unlink(p2);
  g_rmdir(dir);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/eventlog/copies", test_copies);
  g_test_add_func("/eventlog/bytes", test_bytes);
  g_test_add_func("/eventlog/jsonl", test_jsonl);
  g_test_add_func("/eventlog/timeline", test_timeline);
  g_test_add_func("/eventlog/json-helpers", test_json_helpers);
  g_test_add_func("/eventlog/write", test_write);
  g_test_add_func("/eventlog/stream", test_stream);
  g_test_add_func("/eventlog/stream-error", test_stream_error);
  return g_test_run();
}
