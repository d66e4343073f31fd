/* SPDX-License-Identifier: MIT */
/* The event log of a run: every VsEvent (models/common/event.h) the engines and models
 * emit, deep-copied in emission order, written as events.jsonl (one JSON object per line,
 * fixed key order and number forms) and as a human timeline.txt. */
#pragma once

#include "models/common/event.h"

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct ScnEventLog ScnEventLog;

ScnEventLog *scn_eventlog_new(void);
void scn_eventlog_free(ScnEventLog *log);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ScnEventLog, scn_eventlog_free)

/* Keep a deep copy of ev (node, type, keys and string values are copied). */
void scn_eventlog_add(ScnEventLog *log, const VsEvent *ev);
/* A sink that adds to the log, for the engines. */
VsEventSink scn_eventlog_sink(ScnEventLog *log);

size_t scn_eventlog_len(const ScnEventLog *log);
/* The memory the log holds for its events: the events and their string values (names,
 * kept once each, left out). A soak benchmark tells the log's growth from a leak's. */
size_t scn_eventlog_bytes(const ScnEventLog *log);
/* The i-th event (its sequence number is i); valid until the log is freed. */
const VsEvent *scn_eventlog_get(const ScnEventLog *log, size_t i);

/* An attribute's value as text: strings as they are, integers in decimal, hex as
 * 0x%016, booleans true/false. buf holds at least SCN_ATTR_BUFSZ bytes. */
#define SCN_ATTR_BUFSZ 24
const char *scn_attr_text(const VsAttr *a, char buf[SCN_ATTR_BUFSZ]);

/* Simulated time as seconds with nine decimals: "12.000500000". */
char *scn_time_format(int64_t ns, char *buf, size_t size);

/* One event as a JSON object without newline:
 * {"seq":3,"time_ns":1500000000,"node":"vgw1/0","type":"tunnel.up","attrs":{"connection":"c"}}
 * attrs in emission order; INT and UINT as JSON integers, HEX as a "0x..." string. */
char *scn_event_json(const VsEvent *ev, size_t seq);
/* One timeline line without newline: "   1.500000000  vgw1/0  tunnel.up  connection=c". */
char *scn_event_text(const VsEvent *ev);

/* The whole log in each form (g_free). */
char *scn_eventlog_jsonl(const ScnEventLog *log);
char *scn_eventlog_timeline(const ScnEventLog *log);
/* Write DIR/events.jsonl and DIR/timeline.txt (DIR must exist). */
bool scn_eventlog_write(const ScnEventLog *log, const char *dir, GError **error);

/* Streaming (live mode): DIR/events.jsonl and DIR/timeline.txt are created now with the
 * events logged so far, and every event added later is appended to both and flushed at
 * once, so they can be read (tail -f, jq) while the run goes on. When closed they hold
 * the same bytes scn_eventlog_write would write. A write error is kept and reported by
 * scn_eventlog_stream_close. */
bool scn_eventlog_stream_open(ScnEventLog *log, const char *dir, GError **error);
bool scn_eventlog_streaming(const ScnEventLog *log);
/* Flush and close the streamed files; false with error when a write failed. True and
 * nothing done when the log is not streaming. */
bool scn_eventlog_stream_close(ScnEventLog *log, GError **error);
