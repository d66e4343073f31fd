/* SPDX-License-Identifier: MIT */
/* Tests of expectation evaluation: every kind passing and failing on synthetic event
 * logs and counters, with the expected/observed text and the deciding event. */
#include "sim/run/expect.h"

#include <glib.h>
#include <string.h>

#define S(x) ((int64_t)(x) * 1000000000)
#define MS(x) ((int64_t)(x) * 1000000)

static ScnEventLog *log_new(void)
{
  ScnEventLog *log = scn_eventlog_new();
  VsEvent ev;
  /* 0 */ ev = vs_event(S(2), "site1-vpn", "ike.message");
  vs_event_str(&ev, "connection", "c1");
  vs_event_str(&ev, "exchange", "IKE_SA_INIT");
  vs_event_str(&ev, "notifies", "NAT_DETECTION_SOURCE_IP NAT_DETECTION_DESTINATION_IP");
  scn_eventlog_add(log, &ev);
  /* 1 */ ev = vs_event(S(2) + MS(40), "site1-vpn", "ike.message");
  vs_event_str(&ev, "connection", "c1");
  vs_event_str(&ev, "exchange", "IKE_AUTH");
  vs_event_str(&ev, "notifies", "");
  scn_eventlog_add(log, &ev);
  /* 2 */ ev = vs_event(S(2) + MS(80), "vgw1/0", "ike.sa.established");
  vs_event_str(&ev, "connection", "c1");
  scn_eventlog_add(log, &ev);
  /* 3 */ ev = vs_event(S(2) + MS(80), "vgw1/0", "child.sa.established");
  vs_event_str(&ev, "connection", "c1");
  scn_eventlog_add(log, &ev);
  /* 4 */ ev = vs_event(S(2) + MS(80), "vgw1/0", "tunnel.up");
  vs_event_str(&ev, "connection", "c1");
  scn_eventlog_add(log, &ev);
  /* pings 5..12: four sent, three answered (20, 30, 40 ms) */
  for (int i = 0; i < 4; i++) {
    ev = vs_event(S(10 + i), "vm1", "ping.sent");
    vs_event_str(&ev, "flow", "p1");
    vs_event_uint(&ev, "seq", (uint64_t)i);
    scn_eventlog_add(log, &ev);
    if (i < 3) {
      ev = vs_event(S(10 + i) + MS(20 + 10 * i), "vm1", "ping.reply");
      vs_event_str(&ev, "flow", "p1");
      vs_event_uint(&ev, "seq", (uint64_t)i);
      vs_event_int(&ev, "rtt_ns", MS(20 + 10 * i));
      scn_eventlog_add(log, &ev);
    }
  }
  /* 12 */ ev = vs_event(S(30), "pc1", "flow.stats");
  vs_event_str(&ev, "flow", "u1");
  vs_event_uint(&ev, "bytes", 62500000); /* 500 Mbit */
  vs_event_int(&ev, "duration_ns", S(1));
  scn_eventlog_add(log, &ev);
  /* 13 */ ev = vs_event(S(40), "vgw1/0", "tunnel.down");
  vs_event_str(&ev, "connection", "c1");
  vs_event_str(&ev, "reason", "dpd");
  scn_eventlog_add(log, &ev);
  /* 14 */ ev = vs_event(S(40), "vgw1/0", "child.sa.deleted");
  vs_event_str(&ev, "connection", "c1");
  scn_eventlog_add(log, &ev);
  /* 15 */ ev = vs_event(S(50), "site1-vpn", "ike.message");
  vs_event_str(&ev, "connection", "c1");
  vs_event_str(&ev, "exchange", "CREATE_CHILD_SA");
  vs_event_str(&ev, "notifies", "NO_PROPOSAL_CHOSEN");
  scn_eventlog_add(log, &ev);
  return log;
}

static const ScnCounter counters[] = {
    {"vgw1/0", "drops.no_tunnel", 3},
    {"vgw1/1", "drops.no_tunnel", 2},
    {"vgw1/0", "drops.ts_mismatch", 0},
};

typedef struct {
  ScnExpect x;
  bool pass;
  const char *observed; /* substring */
  long event;           /* deciding event, or -1 */
} Case;

static ScnBound bound(ScnCmp op, double v, const char *text)
{
  return (ScnBound){true, op, v, text};
}

static void run_cases(const Case *cases, size_t n, const ScnExpectInput *in)
{
  for (size_t i = 0; i < n; i++) {
    ScnResult r;
    scn_expect_eval(&cases[i].x, (unsigned)i + 1, in, &r);
    if (r.pass != cases[i].pass || !strstr(r.observed, cases[i].observed) ||
        r.event_seq != cases[i].event)
      g_error("case %zu (%s): pass %d (want %d), observed '%s' (want '%s'), event %ld (want "
              "%ld), decided by '%s'",
              i, r.name, r.pass, cases[i].pass, r.observed, cases[i].observed, r.event_seq,
              cases[i].event, r.decided_by);
    g_assert_nonnull(r.expected);
    g_assert_nonnull(r.decided_by);
    g_assert_cmpuint(r.index, ==, i + 1);
    scn_result_clear(&r);
  }
}

static void test_states(void)
{
  g_autoptr(ScnEventLog) log = log_new();
  ScnExpectInput in = {.events = log, .end_ns = S(60)};
  const Case cases[] = {
      {{.kind = SCN_EXP_TUNNEL, .connection = "c1", .state = "connected", .has_by = true,
        .by_ns = S(10)}, true, "connected", 4},
      {{.kind = SCN_EXP_TUNNEL, .connection = "c1", .state = "connected", .has_by = true,
        .by_ns = S(1)}, false, "disconnected", -1},
      {{.kind = SCN_EXP_TUNNEL, .connection = "c1", .state = "connected"}, false,
       "disconnected", 13},
      {{.kind = SCN_EXP_TUNNEL, .connection = "c1", .state = "disconnected"}, true,
       "disconnected", 13},
      {{.kind = SCN_EXP_TUNNEL, .connection = "other", .state = "connected"}, false,
       "disconnected", -1},
      {{.kind = SCN_EXP_SA, .connection = "c1", .state = "established", .has_by = true,
        .by_ns = S(3)}, true, "established (1 live)", 2},
      {{.kind = SCN_EXP_SA, .sa_child = true, .connection = "c1", .state = "established"},
       false, "deleted (0 live)", 14},
      {{.kind = SCN_EXP_SA, .sa_child = true, .connection = "c1", .state = "deleted"}, true,
       "deleted", 14},
      {{.kind = SCN_EXP_SA, .connection = "c1", .state = "deleted", .has_by = true,
        .by_ns = S(1)}, true, "deleted (0 live)", -1},
  };
  run_cases(cases, G_N_ELEMENTS(cases), &in);
}

static void test_ike(void)
{
  g_autoptr(ScnEventLog) log = log_new();
  ScnExpectInput in = {.events = log, .end_ns = S(60)};
  const Case cases[] = {
      {{.kind = SCN_EXP_IKE, .exchange = "IKE_AUTH", .seen = true}, true, "count 1", 1},
      {{.kind = SCN_EXP_IKE, .exchange = "IKE_AUTH", .connection = "c2", .seen = true}, false,
       "count 0", -1},
      {{.kind = SCN_EXP_IKE, .exchange = "INFORMATIONAL", .seen = true}, false, "count 0", -1},
      {{.kind = SCN_EXP_IKE, .notifies = {"AUTHENTICATION_FAILED", "NO_PROPOSAL_CHOSEN"},
        .n_notifies = 2, .seen = false}, false, "count 1", 15},
      {{.kind = SCN_EXP_IKE, .notifies = {"AUTHENTICATION_FAILED", "NO_PROPOSAL_CHOSEN"},
        .n_notifies = 2, .seen = false, .has_by = true, .by_ns = S(45)}, true, "count 0", -1},
      {{.kind = SCN_EXP_IKE, .exchange = "IKE_SA_INIT", .notifies = {"NAT_DETECTION_SOURCE_IP"},
        .n_notifies = 1, .seen = true}, true, "count 1", 0},
      {{.kind = SCN_EXP_IKE, .seen = true, .count = bound(SCN_CMP_GE, 3, ">= 3")}, true,
       "count 3", 0},
      {{.kind = SCN_EXP_IKE, .seen = true, .count = bound(SCN_CMP_EQ, 2, "== 2")}, false,
       "count 3", 0},
  };
  run_cases(cases, G_N_ELEMENTS(cases), &in);
}

static void test_traffic(void)
{
  g_autoptr(ScnEventLog) log = log_new();
  ScnExpectInput in = {.events = log, .end_ns = S(60)};
  const Case cases[] = {
      {{.kind = SCN_EXP_PING, .flow = "p1", .success_ratio = bound(SCN_CMP_GE, 0.75, ">= 0.75")},
       true, "successRatio 0.75 (3/4), rttAvg 30ms, rttMax 40ms", 11},
      {{.kind = SCN_EXP_PING, .flow = "p1", .success_ratio = bound(SCN_CMP_GE, 0.95, ">= 0.95")},
       false, "successRatio 0.75 (3/4)", 11},
      {{.kind = SCN_EXP_PING, .flow = "p1", .rtt_max = bound(SCN_CMP_LT, 0.035, "< 35ms")},
       false, "rttMax 40ms", 11},
      {{.kind = SCN_EXP_PING, .flow = "p1", .rtt_avg = bound(SCN_CMP_LE, 0.030, "<= 30ms")},
       true, "rttAvg 30ms", 11},
      /* by 11.025 s: two sent, one answered (the second at 11.030 s) */
      {{.kind = SCN_EXP_PING, .flow = "p1", .has_by = true, .by_ns = S(11) + MS(25),
        .success_ratio = bound(SCN_CMP_GE, 0.5, ">= 0.5")}, true, "(1/2)", 7},
      {{.kind = SCN_EXP_PING, .flow = "nope", .success_ratio = bound(SCN_CMP_GE, 0, ">= 0")},
       false, "no echo request sent", -1},
      {{.kind = SCN_EXP_THROUGHPUT, .flow = "u1", .rate = bound(SCN_CMP_GE, 450e6, ">= 450Mbps")},
       true, "rate 500Mbps (62500000 bytes in 1s)", 12},
      {{.kind = SCN_EXP_THROUGHPUT, .flow = "u1", .rate = bound(SCN_CMP_GE, 600e6, ">= 600Mbps")},
       false, "rate 500Mbps", 12},
      {{.kind = SCN_EXP_THROUGHPUT, .flow = "u1", .has_by = true, .by_ns = S(20),
        .rate = bound(SCN_CMP_GE, 1, ">= 1bps")}, false, "no traffic measured", -1},
  };
  run_cases(cases, G_N_ELEMENTS(cases), &in);
}

/* outage: the ping flow of log_new (replies at 10.02, 11.03, 12.04 s; the request at 13 s
 * unanswered), and a failover from vgw1/0 (down at 30 s) to vgw1/1 (up at 42.5 s) */
/* p2sClient, p2sConnections: laptop1 connects and later drops; 198.51.100.51 is refused */
static void p2s_ev(ScnEventLog *log, int64_t t, const char *type, const char *client,
                   const char *peer_ip, const char *address, const char *reason, unsigned n)
{
  VsEvent ev = vs_event(t, "vgw1/0", type);
  vs_event_str(&ev, "client", client);
  vs_event_str(&ev, "peer_ip", peer_ip);
  if (address)
    vs_event_str(&ev, "address", address);
  if (reason)
    vs_event_str(&ev, "reason", reason);
  if (n != ~0u)
    vs_event_uint(&ev, "connections", n);
  scn_eventlog_add(log, &ev);
}

static void test_p2s(void)
{
  g_autoptr(ScnEventLog) log = scn_eventlog_new();
  p2s_ev(log, S(2), "p2s.connected", "laptop1", "198.51.100.50", "172.16.201.1", NULL, 1); /* 0 */
  p2s_ev(log, S(3), "p2s.refused", "", "198.51.100.51", NULL, "certificate revoked", ~0u); /* 1 */
  p2s_ev(log, S(10), "p2s.disconnected", "laptop1", "198.51.100.50", "172.16.201.1",
         "gateway instance down", 0); /* 2 */
  ScnExpectInput in = {.events = log, .end_ns = S(20)};
  ScnExpect c1 = {.kind = SCN_EXP_P2S_CLIENT, .p2s_client = "laptop1", .p2s_state = "connected",
                  .has_by = true, .by_ns = S(5), .has_p2s_address = true,
                  .p2s_address = {0xac10c901}};
  strcpy(c1.p2s_peer_ip, "198.51.100.50");
  ScnExpect c2 = c1;
  c2.p2s_address.v = 0xac10c902;
  ScnExpect c3 = c1;
  c3.has_by = false; /* at the end: dropped */
  ScnExpect r1 = {.kind = SCN_EXP_P2S_CLIENT, .p2s_client = "laptop2", .p2s_state = "refused",
                  .p2s_reason = "revoked"};
  strcpy(r1.p2s_peer_ip, "198.51.100.51");
  ScnExpect r2 = r1;
  r2.p2s_reason = "untrusted";
  ScnExpect n1 = {.kind = SCN_EXP_P2S_CONNECTIONS, .node = "vgw1", .has_by = true, .by_ns = S(5),
                  .count = bound(SCN_CMP_EQ, 1, "== 1")};
  ScnExpect n2 = n1;
  n2.has_by = false;
  const Case cases[] = {
      {c1, true, "connected with address 172.16.201.1", 0},
      {c2, false, "connected with address 172.16.201.1", 0},
      {c3, false, "disconnected", 2},
      {r1, true, "refused: certificate revoked", 1},
      {r2, false, "never connected", -1},
      {n1, true, "1 connected", 0},
      {n2, false, "0 connected", 2},
  };
  run_cases(cases, G_N_ELEMENTS(cases), &in);
}

static void tunnel_ev(ScnEventLog *log, int64_t t, const char *node, bool up)
{
  VsEvent ev = vs_event(t, node, up ? "tunnel.up" : "tunnel.down");
  vs_event_str(&ev, "connection", "c1");
  scn_eventlog_add(log, &ev);
}

static void test_outage(void)
{
  g_autoptr(ScnEventLog) log = log_new();
  ScnExpectInput in = {.events = log, .end_ns = S(60)};
  const Case flows[] = {
      {{.kind = SCN_EXP_OUTAGE, .flow = "p1", .longest = bound(SCN_CMP_LT, 1.5, "< 1.5s")},
       true, "longest gap 1.01s (from 10.020000000s to 11.030000000s), 3 replies", 8},
      {{.kind = SCN_EXP_OUTAGE, .flow = "p1", .longest = bound(SCN_CMP_LT, 1, "< 1s")}, false,
       "longest gap 1.01s", 8},
      {{.kind = SCN_EXP_OUTAGE, .flow = "nope", .longest = bound(SCN_CMP_LT, 1, "< 1s")}, false,
       "no echo request sent", -1},
  };
  run_cases(flows, G_N_ELEMENTS(flows), &in);
  /* a flow whose replies stop: the gap runs to its last request */
  g_autoptr(ScnEventLog) cut = scn_eventlog_new();
  for (int i = 0; i < 10; i++) {
    VsEvent ev = vs_event(S(i), "vm1", "ping.sent");
    vs_event_str(&ev, "flow", "p2");
    scn_eventlog_add(cut, &ev);
    if (i < 2) {
      ev = vs_event(S(i) + MS(10), "vm1", "ping.reply");
      vs_event_str(&ev, "flow", "p2");
      scn_eventlog_add(cut, &ev);
    }
  }
  ScnExpectInput in_cut = {.events = cut, .end_ns = S(60)};
  const Case cut_cases[] = {
      {{.kind = SCN_EXP_OUTAGE, .flow = "p2", .longest = bound(SCN_CMP_LT, 5, "< 5s")}, false,
       "longest gap 7.99s (from 1.010000000s to 9.000000000s, no reply after), 2 replies", -1},
  };
  run_cases(cut_cases, G_N_ELEMENTS(cut_cases), &in_cut);
  g_autoptr(ScnEventLog) fo = scn_eventlog_new();
  tunnel_ev(fo, S(1), "vgw1/0", true);      /* 0 */
  tunnel_ev(fo, S(30), "vgw1/0", false);    /* 1 */
  tunnel_ev(fo, S(42) + MS(500), "vgw1/1", true); /* 2 */
  ScnExpectInput in_fo = {.events = fo, .end_ns = S(60)};
  const Case conns[] = {
      {{.kind = SCN_EXP_OUTAGE, .connection = "c1", .longest = bound(SCN_CMP_LT, 15, "< 15s")},
       true, "longest down 12.5s (from 30.000000000s to 42.500000000s)", 2},
      {{.kind = SCN_EXP_OUTAGE, .connection = "c1", .longest = bound(SCN_CMP_LT, 10, "< 10s")},
       false, "longest down 12.5s", 2},
      {{.kind = SCN_EXP_OUTAGE, .connection = "c1", .node = "vgw1/0",
        .longest = bound(SCN_CMP_GE, 30, ">= 30s")}, true, "longest down 30s (from 30.000000000s to 60.000000000s, still down)", -1},
      {{.kind = SCN_EXP_OUTAGE, .connection = "c1", .node = "vgw1/1",
        .longest = bound(SCN_CMP_LT, 1, "< 1s")}, true, "never down after it first came up", -1},
      {{.kind = SCN_EXP_OUTAGE, .connection = "c1", .node = "vgw1/1", .has_by = true,
        .by_ns = S(40), .longest = bound(SCN_CMP_LT, 1, "< 1s")}, false, "never up", -1},
      {{.kind = SCN_EXP_OUTAGE, .connection = "other", .longest = bound(SCN_CMP_LT, 1, "< 1s")},
       false, "never up", -1},
  };
  run_cases(conns, G_N_ELEMENTS(conns), &in_fo);
  /* a udp flow: flow.gap at its end (45.5 s), overall and per instance crossed */
  g_autoptr(ScnEventLog) gl = scn_eventlog_new();
  struct { const char *via; int64_t longest, from, to; bool open; uint64_t packets; } gaps[] = {
      {NULL, MS(20), S(5), S(5) + MS(20), false, 10000},
      {"vgw1/0", S(15), S(30), S(45), true, 6250},
      {"vgw1/1", S(25), S(5), S(30), false, 3750},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(gaps); i++) {
    VsEvent ev = vs_event(S(45) + MS(500), "pc1", "flow.gap");
    vs_event_str(&ev, "flow", "u2");
    if (gaps[i].via)
      vs_event_str(&ev, "via", gaps[i].via);
    vs_event_int(&ev, "longest_ns", gaps[i].longest);
    vs_event_int(&ev, "from_ns", gaps[i].from);
    vs_event_int(&ev, "to_ns", gaps[i].to);
    vs_event_bool(&ev, "open", gaps[i].open);
    vs_event_uint(&ev, "packets", gaps[i].packets);
    scn_eventlog_add(gl, &ev);
  }
  ScnExpectInput in_gl = {.events = gl, .end_ns = S(60)};
  const Case udp[] = {
      {{.kind = SCN_EXP_OUTAGE, .flow = "u2", .flow_udp = true,
        .longest = bound(SCN_CMP_LT, 1, "< 1s")},
       true, "longest gap 20ms (from 5.000000000s to 5.020000000s), 10000 datagrams received", 0},
      {{.kind = SCN_EXP_OUTAGE, .flow = "u2", .flow_udp = true,
        .longest = bound(SCN_CMP_LT, 0.01, "< 10ms")}, false, "longest gap 20ms", 0},
      {{.kind = SCN_EXP_OUTAGE, .flow = "u2", .flow_udp = true, .node = "vgw1/0",
        .longest = bound(SCN_CMP_LT, 1, "< 1s")},
       false, "longest gap 15s (from 30.000000000s to 45.000000000s, none after), 6250", 1},
      {{.kind = SCN_EXP_OUTAGE, .flow = "u2", .flow_udp = true, .node = "vgw1/1",
        .longest = bound(SCN_CMP_GE, 20, ">= 20s")}, true, "longest gap 25s", 2},
      {{.kind = SCN_EXP_OUTAGE, .flow = "u2", .flow_udp = true, .node = "vgw2/0",
        .longest = bound(SCN_CMP_LT, 1, "< 1s")}, false,
       "no datagram of the flow crossed the instance", -1},
      {{.kind = SCN_EXP_OUTAGE, .flow = "u2", .flow_udp = true, .has_by = true, .by_ns = S(40),
        .longest = bound(SCN_CMP_LT, 1, "< 1s")}, false, "the flow did not end by then", -1},
  };
  run_cases(udp, G_N_ELEMENTS(udp), &in_gl);
  /* the tunnel state per instance */
  const Case states[] = {
      {{.kind = SCN_EXP_TUNNEL, .connection = "c1", .state = "connected"}, true, "connected", 2},
      {{.kind = SCN_EXP_TUNNEL, .connection = "c1", .node = "vgw1/0", .state = "connected"},
       false, "disconnected", 1},
      {{.kind = SCN_EXP_TUNNEL, .connection = "c1", .node = "vgw1/1", .state = "connected",
        .has_by = true, .by_ns = S(40)}, false, "disconnected", -1},
      {{.kind = SCN_EXP_TUNNEL, .connection = "c1", .node = "vgw1/1", .state = "connected"},
       true, "connected", 2},
  };
  run_cases(states, G_N_ELEMENTS(states), &in_fo);
}

/* tunnel.stats snapshots of one connection, counts since the start: the gateway sends
 * (egress) all along but receives (ingress) only until 10 s; the device the other way
 * round. Snapshots at 5, 10, 20 and 30 s. */
static void stats(ScnEventLog *log, int64_t t, const char *node, uint64_t eg, uint64_t in)
{
  VsEvent ev = vs_event(t, node, "tunnel.stats");
  vs_event_str(&ev, "connection", "c1");
  vs_event_bool(&ev, "up", true);
  vs_event_uint(&ev, "egress_packets", eg);
  vs_event_uint(&ev, "egress_bytes", eg * 100);
  vs_event_uint(&ev, "ingress_packets", in);
  vs_event_uint(&ev, "ingress_bytes", in * 100);
  scn_eventlog_add(log, &ev);
}

static void test_both_ways(void)
{
  g_autoptr(ScnEventLog) log = scn_eventlog_new();
  /* 0, 1 */ stats(log, S(5), "vgw1/0", 50, 40);
  stats(log, S(5), "site1-vpn", 40, 50);
  /* 2, 3 */ stats(log, S(10), "vgw1/0", 100, 90);
  stats(log, S(10), "site1-vpn", 90, 100);
  /* 4, 5: the direction device -> gateway is black-holed from 10 s */
  stats(log, S(20), "vgw1/0", 200, 90);
  stats(log, S(20), "site1-vpn", 190, 200);
  /* 6: another connection */
  VsEvent ev = vs_event(S(20), "vgw1/0", "tunnel.stats");
  vs_event_str(&ev, "connection", "c2");
  vs_event_uint(&ev, "egress_packets", 7);
  vs_event_uint(&ev, "ingress_packets", 7);
  scn_eventlog_add(log, &ev);
  /* 7, 8 */ stats(log, S(30), "vgw1/0", 300, 90);
  stats(log, S(30), "site1-vpn", 290, 300);
  ScnExpectInput in = {.events = log, .end_ns = S(30)};
  const Case cases[] = {
      /* up to 10 s both ways on both ends: decided by the last endpoint's end snapshot */
      {{.kind = SCN_EXP_TRAFFIC, .connection = "c1", .has_by = true, .by_ns = S(10)}, true,
       "vgw1/0: 100 packets egress, 90 ingress; site1-vpn: 90 packets egress, 100 ingress", 3},
      /* 5..10 s: the difference of the snapshots */
      {{.kind = SCN_EXP_TRAFFIC, .connection = "c1", .has_from = true, .from_ns = S(5),
        .has_by = true, .by_ns = S(10), .packets = bound(SCN_CMP_GE, 50, ">= 50")}, true,
       "vgw1/0: 50 packets egress, 50 ingress", 3},
      {{.kind = SCN_EXP_TRAFFIC, .connection = "c1", .has_from = true, .from_ns = S(5),
        .has_by = true, .by_ns = S(10), .packets = bound(SCN_CMP_GE, 51, ">= 51")}, false,
       "vgw1/0: 50 packets egress, 50 ingress", 2},
      /* 10..30 s: the gateway receives nothing; it decides */
      {{.kind = SCN_EXP_TRAFFIC, .connection = "c1", .has_from = true, .from_ns = S(10)}, false,
       "vgw1/0: 200 packets egress, 0 ingress; site1-vpn: 200 packets egress, 200 ingress", 7},
      /* the device alone sees traffic both ways */
      {{.kind = SCN_EXP_TRAFFIC, .connection = "c1", .node = "site1-vpn", .has_from = true,
        .from_ns = S(10)}, true, "site1-vpn: 200 packets egress, 200 ingress", 8},
      /* a gateway's name covers its instances */
      {{.kind = SCN_EXP_TRAFFIC, .connection = "c1", .node = "vgw1", .has_from = true,
        .from_ns = S(20)}, false, "vgw1/0: 100 packets egress, 0 ingress", 7},
      /* between snapshots: the latest at or before each bound (12 s -> 10 s, 25 s -> 20 s) */
      {{.kind = SCN_EXP_TRAFFIC, .connection = "c1", .node = "site1-vpn", .has_from = true,
        .from_ns = S(12), .has_by = true, .by_ns = S(25)}, true,
       "site1-vpn: 100 packets egress, 100 ingress", 5},
      {{.kind = SCN_EXP_TRAFFIC, .connection = "c2"}, true, "vgw1/0: 7 packets egress, 7 ingress",
       6},
      {{.kind = SCN_EXP_TRAFFIC, .connection = "c3"}, false, "no tunnel.stats", -1},
      {{.kind = SCN_EXP_TRAFFIC, .connection = "c1", .has_by = true, .by_ns = S(4)}, false,
       "no tunnel.stats", -1},
  };
  run_cases(cases, G_N_ELEMENTS(cases), &in);
}

static void test_counters_events(void)
{
  g_autoptr(ScnEventLog) log = log_new();
  ScnExpectInput in = {.events = log, .end_ns = S(60), .counters = counters,
                       .n_counters = G_N_ELEMENTS(counters)};
  const Case cases[] = {
      {{.kind = SCN_EXP_COUNTER, .counter = "drops.no_tunnel", .value = bound(SCN_CMP_EQ, 5, "== 5")},
       true, "5", -1},
      {{.kind = SCN_EXP_COUNTER, .counter = "drops.no_tunnel", .node = "vgw1/1",
        .value = bound(SCN_CMP_EQ, 0, "== 0")}, false, "2", -1},
      /* a gateway's name covers its instances */
      {{.kind = SCN_EXP_COUNTER, .counter = "drops.no_tunnel", .node = "vgw1",
        .value = bound(SCN_CMP_EQ, 5, "== 5")}, true, "5", -1},
      {{.kind = SCN_EXP_COUNTER, .counter = "drops.no_tunnel", .node = "vgw",
        .value = bound(SCN_CMP_EQ, 0, "== 0")}, true, "0", -1},
      {{.kind = SCN_EXP_EVENT, .event_type = "tunnel.down", .node = "vgw1", .seen = true}, true,
       "count 1", 13},
      {{.kind = SCN_EXP_COUNTER, .counter = "drops.ts_mismatch", .value = bound(SCN_CMP_EQ, 0, "== 0")},
       true, "0", -1},
      {{.kind = SCN_EXP_COUNTER, .counter = "drops.unknown", .value = bound(SCN_CMP_GT, 0, "> 0")},
       false, "0", -1},
      {{.kind = SCN_EXP_EVENT, .event_type = "tunnel.down", .seen = true,
        .match = {{"reason", "dpd"}}, .n_match = 1}, true, "count 1", 13},
      {{.kind = SCN_EXP_EVENT, .event_type = "tunnel.down", .seen = true,
        .match = {{"reason", "reset"}}, .n_match = 1}, false, "count 0", -1},
      {{.kind = SCN_EXP_EVENT, .event_type = "tunnel.down", .seen = false, .has_by = true,
        .by_ns = S(39)}, true, "count 0", -1},
      {{.kind = SCN_EXP_EVENT, .event_type = "tunnel.down", .seen = false}, false, "count 1", 13},
      {{.kind = SCN_EXP_EVENT, .event_type = "ping.sent", .node = "vm1", .seen = true,
        .count = bound(SCN_CMP_EQ, 4, "== 4")}, true, "count 4", 5},
      {{.kind = SCN_EXP_EVENT, .event_type = "ping.sent", .node = "pc1", .seen = true}, false,
       "count 0", -1},
      /* integer attributes match by their text form */
      {{.kind = SCN_EXP_EVENT, .event_type = "ping.reply", .seen = true,
        .match = {{"seq", "2"}}, .n_match = 1}, true, "count 1", 10},
  };
  run_cases(cases, G_N_ELEMENTS(cases), &in);
  /* an expectation the loader could not fill in fails without being evaluated */
  ScnExpect partial[] = {{.kind = SCN_EXP_TUNNEL, .state = "connected"},
                         {.kind = SCN_EXP_THROUGHPUT, .flow = "u1"},
                         {.kind = SCN_EXP_COUNTER, .value = bound(SCN_CMP_EQ, 0, "== 0")},
                         {.kind = SCN_EXP_EVENT, .seen = false},
                         {.kind = SCN_EXP_PING}};
  for (size_t i = 0; i < G_N_ELEMENTS(partial); i++) {
    ScnResult r;
    scn_expect_eval(&partial[i], 1, &in, &r);
    g_assert_false(r.pass);
    g_assert_cmpstr(r.observed, ==, "not evaluated");
    scn_result_clear(&r);
  }
  /* no event log at all is an empty log */
  ScnExpectInput none = {.end_ns = S(1)};
  ScnExpect x = {.kind = SCN_EXP_EVENT, .event_type = "tunnel.up", .seen = false};
  ScnResult r;
  scn_expect_eval(&x, 1, &none, &r);
  g_assert_true(r.pass);
  scn_result_clear(&r);
}

static void test_validation(void)
{
  g_autoptr(GwDiags) d = gw_diags_new();
  gw_diags_add(d, "GW-SKU-010", GW_SEV_WARNING, (GwLoc){"s.yaml", 3, 4}, "warning only");
  ScnExpectInput in = {.validation = d};
  ScnExpect valid = {.kind = SCN_EXP_VALIDATION, .valid = true};
  ScnExpect invalid = {.kind = SCN_EXP_VALIDATION, .valid = false};
  ScnExpect pol = {.kind = SCN_EXP_VALIDATION, .valid = false, .rules = {"GW-POL-002"},
                   .n_rules = 1};
  /* warnings: each named rule must have warned */
  ScnExpect warned = {.kind = SCN_EXP_VALIDATION, .valid = true, .warnings = {"GW-SKU-010"},
                      .n_warnings = 1};
  ScnExpect warned7 = {.kind = SCN_EXP_VALIDATION, .valid = true, .warnings = {"GW-POL-007"},
                       .n_warnings = 1};
  ScnResult r;
  scn_expect_eval(&valid, 1, &in, &r);
  g_assert_true(r.pass);
  g_assert_cmpstr(r.observed, ==, "valid");
  scn_result_clear(&r);
  scn_expect_eval(&warned, 1, &in, &r);
  g_assert_true(r.pass);
  g_assert_cmpstr(r.expected, ==, "valid, warnings of GW-SKU-010");
  g_assert_cmpstr(r.observed, ==, "valid, warnings of GW-SKU-010");
  scn_result_clear(&r);
  scn_expect_eval(&warned7, 1, &in, &r);
  g_assert_false(r.pass);
  g_assert_cmpstr(r.observed, ==, "valid, warnings of GW-SKU-010");
  scn_result_clear(&r);
  scn_expect_eval(&invalid, 1, &in, &r);
  g_assert_false(r.pass);
  scn_result_clear(&r);
  gw_diags_add(d, "GW-POL-004", GW_SEV_ERROR, (GwLoc){"s.yaml", 9, 7}, "lifetime too short");
  scn_expect_eval(&invalid, 1, &in, &r);
  g_assert_true(r.pass);
  g_assert_cmpstr(r.observed, ==, "invalid with GW-POL-004 (1 error)");
  g_assert_cmpstr(r.decided_by, ==, "GW-POL-004 at s.yaml:9:7");
  scn_result_clear(&r);
  scn_expect_eval(&pol, 1, &in, &r); /* invalid, but not for the named rule */
  g_assert_false(r.pass);
  scn_result_clear(&r);
  gw_diags_add(d, "GW-POL-002", GW_SEV_ERROR, (GwLoc){"s.yaml", 8, 7}, "missing field");
  scn_expect_eval(&pol, 1, &in, &r);
  g_assert_true(r.pass);
  scn_result_clear(&r);
  ScnExpectInput none = {0};
  scn_expect_eval(&valid, 1, &none, &r);
  g_assert_false(r.pass);
  g_assert_cmpstr(r.observed, ==, "not validated");
  scn_result_clear(&r);
}

/* BGP: a session coming up and going down, routes installed into tunnels and removed */
static ScnEventLog *bgp_log(void)
{
  ScnEventLog *log = scn_eventlog_new();
  VsEvent ev;
  /* 0 */ ev = vs_event(S(1), "vgw1/0", "bgp.session.state");
  vs_event_str(&ev, "peer", "c1");
  vs_event_str(&ev, "old_state", "Idle");
  vs_event_str(&ev, "new_state", "Connect");
  scn_eventlog_add(log, &ev);
  /* 1 */ ev = vs_event(S(2), "vgw1/0", "bgp.session.state");
  vs_event_str(&ev, "peer", "c1");
  vs_event_str(&ev, "old_state", "OpenConfirm");
  vs_event_str(&ev, "new_state", "Established");
  scn_eventlog_add(log, &ev);
  /* 2 */ ev = vs_event(S(2), "vgw1/0", "bgp.route.installed");
  vs_event_str(&ev, "prefix", "192.168.1.0/24");
  vs_event_str(&ev, "tunnel", "c1");
  vs_event_str(&ev, "as_path", "65010");
  scn_eventlog_add(log, &ev);
  /* 3 */ ev = vs_event(S(2), "vgw1/0", "bgp.route.installed");
  vs_event_str(&ev, "prefix", "192.168.2.0/24");
  vs_event_str(&ev, "tunnel", "c1");
  vs_event_str(&ev, "as_path", "65010 65010");
  scn_eventlog_add(log, &ev);
  /* 4 */ ev = vs_event(S(20), "vgw1/0", "bgp.route.removed");
  vs_event_str(&ev, "prefix", "192.168.1.0/24");
  vs_event_str(&ev, "tunnel", "c1");
  scn_eventlog_add(log, &ev);
  /* 5 */ ev = vs_event(S(20), "vgw1/0", "bgp.route.installed");
  vs_event_str(&ev, "prefix", "192.168.1.0/24");
  vs_event_str(&ev, "tunnel", "c2");
  vs_event_str(&ev, "as_path", "65010 65010");
  scn_eventlog_add(log, &ev);
  /* 6 */ ev = vs_event(S(30), "vgw1/0", "bgp.session.state");
  vs_event_str(&ev, "peer", "c1");
  vs_event_str(&ev, "old_state", "Established");
  vs_event_str(&ev, "new_state", "Idle");
  scn_eventlog_add(log, &ev);
  return log;
}

static void test_bgp(void)
{
  g_autoptr(ScnEventLog) log = bgp_log();
  ScnExpectInput in = {.events = log, .end_ns = S(60)};
  Ipv4Prefix p1 = ipv4_prefix_make(ipv4_addr(192, 168, 1, 0), 24);
  Ipv4Prefix p9 = ipv4_prefix_make(ipv4_addr(192, 168, 9, 0), 24);
  const Case cases[] = {
      {{.kind = SCN_EXP_BGP_SESSION, .node = "vgw1", .bgp_state = "Established", .has_by = true,
        .by_ns = S(5)}, true, "c1 Established", 1},
      {{.kind = SCN_EXP_BGP_SESSION, .node = "vgw1", .bgp_peer = "c1", .bgp_state = "Established"},
       false, "c1 Idle", 6},
      {{.kind = SCN_EXP_BGP_SESSION, .node = "vgw1", .bgp_peer = "c2", .bgp_state = "Idle"},
       true, "Idle (no session changed state)", -1},
      {{.kind = SCN_EXP_BGP_SESSION, .node = "site1-vpn", .bgp_state = "Established"}, false,
       "Idle", -1},
      {{.kind = SCN_EXP_BGP_ROUTE, .node = "vgw1", .has_prefix = true, .prefix = p1,
        .present = true, .as_path = "65010", .bgp_tunnel = "c1", .has_by = true, .by_ns = S(5)},
       true, "into c1, AS path \"65010\"", 2},
      {{.kind = SCN_EXP_BGP_ROUTE, .node = "vgw1", .has_prefix = true, .prefix = p1,
        .present = true, .bgp_tunnel = "c1"}, false, "into c2", 5},
      {{.kind = SCN_EXP_BGP_ROUTE, .node = "vgw1", .has_prefix = true, .prefix = p1,
        .present = false, .bgp_tunnel = "c1"}, true, "into c2", 5},
      {{.kind = SCN_EXP_BGP_ROUTE, .node = "vgw1", .has_prefix = true, .prefix = p1,
        .present = true, .as_path = "65010"}, false, "AS path \"65010 65010\"", 5},
      {{.kind = SCN_EXP_BGP_ROUTE, .node = "vgw1", .has_prefix = true, .prefix = p9,
        .present = false}, true, "not routed from BGP", -1},
      {{.kind = SCN_EXP_BGP_ROUTES, .node = "vgw1", .routes = bound(SCN_CMP_EQ, 2, "== 2")},
       true, "2", 5},
      {{.kind = SCN_EXP_BGP_ROUTES, .node = "vgw1", .routes = bound(SCN_CMP_EQ, 1, "== 1"),
        .has_by = true, .by_ns = S(1)}, false, "0", -1},
  };
  run_cases(cases, G_N_ELEMENTS(cases), &in);
}

static void test_plan(void)
{
  g_autoptr(ScnEventLog) log = log_new();
  ScnExpect xs[] = {
      {.kind = SCN_EXP_TUNNEL, .connection = "c1", .state = "connected", .has_by = true,
       .by_ns = S(10)},
      {.kind = SCN_EXP_TUNNEL, .connection = "c1", .state = "connected"},
  };
  ScnPlan plan = {.name = "t", .file = "t.yaml", .seed = 7, .expects = xs, .n_expects = 2};
  ScnExpectInput in = {.events = log, .end_ns = S(60)};
  g_autoptr(ScnResults) res = scn_expect_evaluate(&plan, &in);
  g_assert_cmpuint(res->n, ==, 2);
  g_assert_cmpuint(scn_results_failed(res), ==, 1);
  g_assert_cmpstr(res->items[0].name, ==, "tunnel c1 is connected by 10s");
  g_assert_cmpstr(res->items[0].decided_by, ==,
                  "event #4 at 2.080000000s: tunnel.up on vgw1/0");
  g_assert_cmpstr(res->items[1].name, ==, "tunnel c1 is connected at the end");
  g_assert_cmpuint(res->seed, ==, 7);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/expect/states", test_states);
  g_test_add_func("/expect/ike", test_ike);
  g_test_add_func("/expect/traffic", test_traffic);
  g_test_add_func("/expect/both-ways", test_both_ways);
  g_test_add_func("/expect/outage", test_outage);
  g_test_add_func("/expect/p2s", test_p2s);
  g_test_add_func("/expect/counters-events", test_counters_events);
  g_test_add_func("/expect/validation", test_validation);
  g_test_add_func("/expect/plan", test_plan);
  g_test_add_func("/expect/bgp", test_bgp);
  return g_test_run();
}
