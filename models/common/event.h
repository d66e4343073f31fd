/* SPDX-License-Identifier: MIT */
/* Typed events: every state change of an engine or model (SA established, rekeyed,
 * deleted; tunnel up/down; BGP state; route learned; packet dropped with a reason) is one
 * event with a type from its module's table, the simulated time, the emitting node and a
 * few typed attributes. Reports, timelines and expectations are built from events, never
 * from log text. Engines emit through a sink the caller gives them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VS_EVENT_MAX_ATTRS 12

typedef enum {
  VS_ATTR_STR,  /* borrowed string: the sink copies what it keeps */
  VS_ATTR_INT,  /* signed 64-bit */
  VS_ATTR_UINT, /* unsigned 64-bit (SPIs, counters) */
  VS_ATTR_HEX,  /* unsigned 64-bit shown as 0x%016 (SPIs, cookies) */
  VS_ATTR_BOOL,
} VsAttrKind;

typedef struct {
  const char *key; /* static string, lower_snake_case: "spi", "reason", "exchange" */
  VsAttrKind kind;
  union {
    const char *s;
    int64_t i;
    uint64_t u;
    bool b;
  } v;
} VsAttr;

typedef struct {
  int64_t time_ns;    /* simulated time (wall time since start in live mode) */
  const char *node;   /* emitting node's name, e.g. "vgw1/0" or "site1-vpn" */
  const char *type;   /* dotted, from the module's static table: "ike.sa.established" */
  unsigned n_attrs;
  VsAttr attrs[VS_EVENT_MAX_ATTRS];
} VsEvent;

/* Where engines send events. The event and its strings are only valid during the call. */
typedef struct {
  void (*emit)(void *user, const VsEvent *ev);
  void *user;
} VsEventSink;

/* Builders: start an event, add attributes (silently capped at VS_EVENT_MAX_ATTRS, which
 * a test of each module's events must never reach), emit. */
static inline VsEvent vs_event(int64_t time_ns, const char *node, const char *type)
{
  VsEvent ev = {.time_ns = time_ns, .node = node, .type = type};
  return ev;
}
static inline void vs_event_str(VsEvent *ev, const char *key, const char *s)
{
  if (ev->n_attrs < VS_EVENT_MAX_ATTRS)
    ev->attrs[ev->n_attrs++] = (VsAttr){.key = key, .kind = VS_ATTR_STR, .v.s = s ? s : ""};
}
static inline void vs_event_int(VsEvent *ev, const char *key, int64_t i)
{
  if (ev->n_attrs < VS_EVENT_MAX_ATTRS)
    ev->attrs[ev->n_attrs++] = (VsAttr){.key = key, .kind = VS_ATTR_INT, .v.i = i};
}
static inline void vs_event_uint(VsEvent *ev, const char *key, uint64_t u)
{
  if (ev->n_attrs < VS_EVENT_MAX_ATTRS)
    ev->attrs[ev->n_attrs++] = (VsAttr){.key = key, .kind = VS_ATTR_UINT, .v.u = u};
}
static inline void vs_event_hex(VsEvent *ev, const char *key, uint64_t u)
{
  if (ev->n_attrs < VS_EVENT_MAX_ATTRS)
    ev->attrs[ev->n_attrs++] = (VsAttr){.key = key, .kind = VS_ATTR_HEX, .v.u = u};
}
static inline void vs_event_bool(VsEvent *ev, const char *key, bool b)
{
  if (ev->n_attrs < VS_EVENT_MAX_ATTRS)
    ev->attrs[ev->n_attrs++] = (VsAttr){.key = key, .kind = VS_ATTR_BOOL, .v.b = b};
}
static inline void vs_event_emit(const VsEventSink *sink, const VsEvent *ev)
{
  if (sink && sink->emit)
    sink->emit(sink->user, ev);
}
/* The attribute named key, or NULL. */
static inline const VsAttr *vs_event_attr(const VsEvent *ev, const char *key)
{
  for (unsigned i = 0; i < ev->n_attrs; i++) {
    const char *a = ev->attrs[i].key, *b = key;
    while (*a && *a == *b)
      a++, b++;
    if (*a == *b)
      return &ev->attrs[i];
  }
  return NULL;
}
