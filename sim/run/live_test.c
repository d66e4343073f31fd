/* SPDX-License-Identifier: MIT */
/* Tests of live mode's command-line side: --attach NODE=IFNAME parsing (a table of
 * malformed values) and the checks against the plan (unknown device, twice attached). */
#include "sim/run/live.h"
#include "sim/scenario/scenario.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

static void test_parse(void)
{
  static const struct {
    const char *arg;
    bool ok;
    const char *device, *ifname;
  } cases[] = {
      {"site1-vpn=tap0", true, "site1-vpn", "tap0"},
      {"a=b", true, "a", "b"},
      {"a=123456789012345", true, "a", "123456789012345"}, /* 15 bytes: IFNAMSIZ - 1 */
      {"a=1234567890123456", false, NULL, NULL},            /* 16 bytes: too long */
      {"site1-vpn", false, NULL, NULL},                     /* no '=' */
      {"=tap0", false, NULL, NULL},                         /* no node */
      {"site1-vpn=", false, NULL, NULL},                    /* no interface */
      {"a=x/y", false, NULL, NULL},                         /* not an interface name */
      {"a=b=c", false, NULL, NULL},
      {"", false, NULL, NULL},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *s = g_strdup(cases[i].arg);
    ScnLiveAttach a = {0};
    bool ok = scn_live_parse_attach(s, &a);
    g_test_message("'%s' -> %d", cases[i].arg, ok);
    g_assert_cmpint(ok, ==, cases[i].ok);
    if (ok) {
      g_assert_cmpstr(a.device, ==, cases[i].device);
      g_assert_cmpstr(a.ifname, ==, cases[i].ifname);
    }
  }
  g_assert_false(scn_live_parse_attach(NULL, &(ScnLiveAttach){0}));
}

static void test_check(void)
{
  g_autofree char *path = tu_top_path("scenarios/live/strongswan-s2s.yaml");
  g_autoptr(GError) err = NULL;
  g_autoptr(GwDiags) diags = gw_diags_new();
  g_autoptr(ScnPlan) plan = scn_plan_load_file(path, NULL, diags, &err);
  g_assert_no_error(err);
  g_assert_cmpuint(gw_diags_count(diags, GW_SEV_ERROR), ==, 0);

  ScnLive live = {.attach = {{"site1-vpn", "tap0"}}, .n_attach = 1};
  char *why = NULL;
  g_assert_true(scn_live_check(&live, plan, &why));
  g_assert_null(why);

  live.attach[0].device = "site2-vpn";
  g_assert_false(scn_live_check(&live, plan, &why));
  g_assert_nonnull(strstr(why, "no device 'site2-vpn' (its devices: site1-vpn)"));
  g_free(why);

  live.attach[0].device = "site1-vpn";
  live.attach[1] = (ScnLiveAttach){"site1-vpn", "tap1"};
  live.n_attach = 2;
  g_assert_false(scn_live_check(&live, plan, &why));
  g_assert_nonnull(strstr(why, "attached twice"));
  g_free(why);
}

/* A device with a tunnel to each instance of an active-active gateway is attached (both
 * instances answer on the interface); a second tunnel that does not end on the same
 * gateway is refused before the run, at the device. */
static void test_check_two_peers(void)
{
  g_autofree char *path = tu_top_path("scenarios/live/strongswan-active-active.yaml");
  g_autoptr(GError) err = NULL;
  g_autoptr(GwDiags) diags = gw_diags_new();
  g_autoptr(ScnPlan) plan = scn_plan_load_file(path, NULL, diags, &err);
  g_assert_no_error(err);
  g_assert_cmpuint(gw_diags_count(diags, GW_SEV_ERROR), ==, 0);
  g_assert_cmpuint(plan->n_devices, ==, 1);
  g_assert_true(plan->devices[0].cfg.has_peer2);

  ScnLive live = {.attach = {{"site1-vpn", "tap0"}}, .n_attach = 1};
  char *why = NULL;
  g_assert_true(scn_live_check(&live, plan, &why));
  g_assert_null(why);

  plan->devices[0].cfg.peer2 = ipv4_addr(203, 0, 113, 99);
  g_assert_false(scn_live_check(&live, plan, &why));
  g_assert_nonnull(strstr(why, "strongswan-active-active.yaml:"));
  g_assert_nonnull(strstr(why, "--attach site1-vpn=tap0: the device's tunnels end at 203.0.113.10 "
                               "and 203.0.113.99, not both a simulated gateway's public IPs"));
  g_free(why);
}

/* The live scenario with a timeline appended, loaded as "variant.yaml"; *lines: the
 * scenario's own lines (the timeline starts on the next one). */
static ScnPlan *variant(const char *timeline, unsigned *lines)
{
  g_autofree char *path = tu_top_path("scenarios/live/strongswan-s2s.yaml");
  g_autofree char *profiles = tu_top_path("profiles");
  g_autofree char *text = NULL;
  g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
  *lines = 0;
  for (const char *p = text; *p; p++)
    *lines += *p == '\n';
  g_autofree char *all = g_strconcat(text, timeline, NULL);
  const char *const dirs[] = {profiles, NULL};
  ScnLoadOptions o = {.profile_dirs = dirs};
  g_autoptr(GError) err = NULL;
  g_autoptr(GwDiags) diags = gw_diags_new();
  ScnPlan *plan = scn_plan_load_string("variant.yaml", all, strlen(all), &o, diags, &err);
  g_assert_no_error(err);
  g_assert_cmpuint(gw_diags_count(diags, GW_SEV_ERROR), ==, 0);
  return plan;
}

/* A ping (or UDP, TCP flow) from a host behind the replaced device would log ping.sent
 * for packets that are never sent: refused with its location and the host's name. Traffic
 * to that host, and any traffic when the device is simulated, is not. */
static void test_check_phantom(void)
{
  ScnLive live = {.attach = {{"site1-vpn", "tap0"}}, .n_attach = 1};
  static const struct {
    const char *timeline;
    unsigned line;     /* of the refused entry, counted from "timeline:" as 1 */
    const char *error; /* after "variant.yaml:LINE:5: "; NULL: accepted */
  } cases[] = {
      {"timeline:\n  - at: 2s\n    ping: {from: pc1, to: vm1, count: 3}\n", 2,
       "ping from 'pc1': the host is behind 'site1-vpn', which live mode replaces by the real "
       "device on tap0, so nothing would be sent"},
      {"timeline:\n  - {at: 1s, ping: {from: vm1, to: pc1}}\n"
       "  - {at: 2s, udp: {from: pc1, to: vm1, rate: 8kbps, duration: 1s}}\n",
       3, "udp from 'pc1'"},
      {"timeline:\n  - {at: 2s, tcp: {from: pc1, to: vm1, bytes: 1000}}\n", 2, "tcp from 'pc1'"},
      {"timeline:\n  - {at: 1s, ping: {from: vm1, to: pc1}}\n", 0, NULL},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    unsigned lines = 0;
    g_autoptr(ScnPlan) plan = variant(cases[i].timeline, &lines);
    char *why = NULL;
    bool ok = scn_live_check(&live, plan, &why);
    g_test_message("case %zu: %s", i, why ? why : "accepted");
    if (!cases[i].error) {
      g_assert_true(ok);
      g_assert_null(why);
    } else {
      g_assert_false(ok);
      g_assert_nonnull(why);
      g_autofree char *want =
          g_strdup_printf("variant.yaml:%u:5: %s", lines + cases[i].line, cases[i].error);
      g_assert_true(g_str_has_prefix(why, want));
      g_clear_pointer(&why, g_free);
    }
    /* not attached: the device is simulated and the pings are real ones */
    ScnLive none = {0};
    g_assert_true(scn_live_check(&none, plan, &why));
    g_assert_null(why);
  }
}

/* ike.message as gw_ike emits it */
static VsEvent msg(int64_t t, const char *dir, const char *x, bool resp, uint32_t id,
                   const char *notifies, uint16_t port, uint16_t peer_port)
{
  VsEvent ev = vs_event(t, "vgw1/0", "ike.message");
  vs_event_str(&ev, "connection", "vgw1-site1");
  vs_event_str(&ev, "dir", dir);
  vs_event_str(&ev, "exchange", x);
  vs_event_bool(&ev, "response", resp);
  vs_event_uint(&ev, "msg_id", id);
  vs_event_str(&ev, "notifies", notifies);
  vs_event_str(&ev, "peer", "198.51.100.20");
  vs_event_uint(&ev, "port", port);
  vs_event_uint(&ev, "peer_port", peer_port);
  return ev;
}

/* The line an event gives (NULL: none), compared with want. */
static void line_is(ScnLiveConsole *c, VsEvent ev, const char *want)
{
  g_autofree char *got = scn_live_console_line(c, &ev);
  g_test_message("%s -> %s", ev.type, got ? got : "(none)");
  g_assert_cmpstr(got, ==, want);
}

/* The terminal of a live run: one line per exchange (at its response; retransmissions of
 * the request and repeated responses add none), per tunnel state change and per first
 * drop of each reason on a node; nothing else, and never an attribute it does not name. */
static void test_console(void)
{
  g_autoptr(ScnLiveConsole) c = scn_live_console_new();
  const int64_t S = 1000000000;
  /* the peer's IKE_SA_INIT, retransmitted once, refused with NO_PROPOSAL_CHOSEN */
  line_is(c, msg(S, "received", "IKE_SA_INIT", false, 0, "NAT_DETECTION_SOURCE_IP", 500, 40000), NULL);
  line_is(c, msg(S + 1, "received", "IKE_SA_INIT", false, 0, "NAT_DETECTION_SOURCE_IP", 500, 40000), NULL);
  line_is(c, msg(S + 1, "sent", "IKE_SA_INIT", true, 0, "NO_PROPOSAL_CHOSEN", 500, 40000),
          "   1.000s vgw1/0     vgw1-site1: IKE_SA_INIT from 198.51.100.20:40000 (msg 0): refused "
          "[request: NAT_DETECTION_SOURCE_IP; response: NO_PROPOSAL_CHOSEN]");
  line_is(c, msg(S + 2, "sent", "IKE_SA_INIT", true, 0, "NO_PROPOSAL_CHOSEN", 500, 40000), NULL);
  /* our IKE_AUTH, answered without notifies; the same message ID the other way is
   * another exchange */
  line_is(c, msg(2 * S, "sent", "IKE_AUTH", false, 1, "INITIAL_CONTACT", 4500, 4500), NULL);
  line_is(c, msg(2 * S, "received", "IKE_AUTH", false, 1, "", 4500, 4500), NULL);
  line_is(c, msg(2 * S + 1500000, "received", "IKE_AUTH", true, 1, "", 4500, 4500),
          "   2.002s vgw1/0     vgw1-site1: IKE_AUTH to 198.51.100.20:4500 (msg 1): done "
          "[request: INITIAL_CONTACT]");
  line_is(c, msg(2 * S + 2000000, "sent", "IKE_AUTH", true, 1, "", 4500, 4500),
          "   2.002s vgw1/0     vgw1-site1: IKE_AUTH from 198.51.100.20:4500 (msg 1): done");
  /* a key-looking attribute is never printed */
  VsEvent ev = msg(3 * S, "sent", "INFORMATIONAL", false, 2, "", 4500, 4500);
  vs_event_str(&ev, "sk_ei", "SECRETKEY");
  line_is(c, ev, NULL);
  ev = msg(3 * S, "received", "INFORMATIONAL", true, 2, "", 4500, 4500);
  vs_event_str(&ev, "sk_ei", "SECRETKEY");
  line_is(c, ev, "   3.000s vgw1/0     vgw1-site1: INFORMATIONAL to 198.51.100.20:4500 (msg 2): done");

  ev = vs_event(4 * S, "vgw1/0", "tunnel.up");
  vs_event_str(&ev, "connection", "vgw1-site1");
  line_is(c, ev, "   4.000s vgw1/0     tunnel vgw1-site1 up");
  ev = vs_event(5 * S, "vgw1/0", "tunnel.down");
  vs_event_str(&ev, "connection", "vgw1-site1");
  vs_event_str(&ev, "reason", "peer dead (DPD)");
  line_is(c, ev, "   5.000s vgw1/0     tunnel vgw1-site1 down: peer dead (DPD)");

  /* drops: the first of each reason on a node */
  ev = vs_event(6 * S, "vgw1/0", "gw.dataplane.drop");
  vs_event_str(&ev, "tunnel", "vgw1-site1");
  vs_event_str(&ev, "reason", "tunnel_down");
  line_is(c, ev, "   6.000s vgw1/0     first packet drop: tunnel_down on vgw1-site1; more of this "
                 "reason are only counted");
  line_is(c, ev, NULL);
  ev = vs_event(6 * S, "vgw1/0", "gw.dataplane.drop");
  vs_event_str(&ev, "reason", "esp");
  vs_event_str(&ev, "esp_status", "unknown_spi");
  vs_event_str(&ev, "detail", "SA without tunnel");
  line_is(c, ev, "   6.000s vgw1/0     first packet drop: esp (unknown_spi), SA without tunnel; "
                 "more of this reason are only counted");
  ev = vs_event(7 * S, "vgw1/0", "ike.drop");
  vs_event_str(&ev, "reason", "unknown SPI");
  vs_event_str(&ev, "connection", "vgw1-site1");
  line_is(c, ev, "   7.000s vgw1/0     first IKE drop: unknown SPI on vgw1-site1; more of this "
                 "reason are only counted");
  line_is(c, ev, NULL);

  ev = vs_event(8 * S, "vgw1/0", "ike.give_up");
  vs_event_str(&ev, "exchange", "IKE_SA_INIT");
  vs_event_uint(&ev, "retransmissions", 5);
  vs_event_str(&ev, "peer", "198.51.100.20");
  vs_event_str(&ev, "connection", "vgw1-site1");
  line_is(c, ev, "   8.000s vgw1/0     vgw1-site1: IKE_SA_INIT to 198.51.100.20: no answer after 5 "
                 "retransmissions, gave up");
  /* everything else stays in the event log */
  line_is(c, vs_event(9 * S, "vgw1/0", "ike.sa.state"), NULL);
  line_is(c, vs_event(9 * S, "vpnsim", "live.stopped"), NULL);
}

/* An IKEv1 engine's ike.message, as ikev1_sa.c's ev_message writes it. */
static VsEvent msg1(int64_t t, const char *dir, const char *x, uint32_t id, int number,
                    const char *notify)
{
  VsEvent ev = vs_event(t, "vgw1/0", "ike.message");
  vs_event_hex(&ev, "spi_i", 0x1122334455667788u);
  vs_event_str(&ev, "exchange", x);
  vs_event_str(&ev, "dir", dir);
  vs_event_uint(&ev, "msg_id", id);
  if (number)
    vs_event_int(&ev, "number", number);
  if (notify)
    vs_event_str(&ev, "notify", notify);
  vs_event_str(&ev, "peer", "198.51.100.20");
  vs_event_uint(&ev, "port", 500);
  vs_event_uint(&ev, "peer_port", 500);
  vs_event_str(&ev, "connection", "vgw1-site1");
  return ev;
}

/* IKEv1: one line per main mode (at message 6) and quick mode (at message 3), whoever
 * began it; informationals at each message but R-U-THERE (its ACK tells) */
static void test_console_ikev1(void)
{
  g_autoptr(ScnLiveConsole) c = scn_live_console_new();
  const int64_t S = 1000000000;
  const char *mm = "Identity Protection (Main Mode)";
  for (int n = 1; n <= 5; n++)
    line_is(c, msg1(S, n % 2 ? "received" : "sent", mm, 0, n, NULL), NULL);
  line_is(c, msg1(S, "sent", mm, 0, 6, NULL),
          "   1.000s vgw1/0     vgw1-site1: Identity Protection (Main Mode) from "
          "198.51.100.20:500 (msg 0): done");
  line_is(c, msg1(2 * S, "sent", "Quick Mode", 7, 1, NULL), NULL);
  line_is(c, msg1(2 * S, "received", "Quick Mode", 7, 2, NULL), NULL);
  line_is(c, msg1(2 * S, "sent", "Quick Mode", 7, 3, NULL),
          "   2.000s vgw1/0     vgw1-site1: Quick Mode to 198.51.100.20:500 (msg 7): done");
  line_is(c, msg1(3 * S, "received", "Informational", 9, 0, "R-U-THERE"), NULL);
  line_is(c, msg1(3 * S, "sent", "Informational", 10, 0, "R-U-THERE-ACK"),
          "   3.000s vgw1/0     vgw1-site1: Informational to 198.51.100.20:500 (msg 10): "
          "R-U-THERE-ACK");
  line_is(c, msg1(4 * S, "received", "Informational", 11, 0, NULL),
          "   4.000s vgw1/0     vgw1-site1: Informational from 198.51.100.20:500 (msg 11): "
          "delete");
  line_is(c, msg1(5 * S, "sent", "Informational", 0, 0, "NO-PROPOSAL-CHOSEN"),
          "   5.000s vgw1/0     vgw1-site1: Informational to 198.51.100.20:500 (msg 0): "
          "NO-PROPOSAL-CHOSEN");
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/live/parse-attach", test_parse);
  g_test_add_func("/live/check", test_check);
  g_test_add_func("/live/check-phantom-traffic", test_check_phantom);
  g_test_add_func("/live/check-two-peers", test_check_two_peers);
  g_test_add_func("/live/console", test_console);
  g_test_add_func("/live/console-ikev1", test_console_ikev1);
  return g_test_run();
}
