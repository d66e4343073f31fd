/* SPDX-License-Identifier: MIT */
/* Live mode: a simulated node on a TAP interface opened by the wrapper answers a UDP echo
 * from a Linux socket in a network namespace this test creates (and always removes). */
#include "sim/engine/net.h"
#include "sim/engine/pcap_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define ECHO_PORT 7
#define MSG "hello from linux"

/* Names derived from the pid of the process that owns the namespace (the test parent). */
static void names(pid_t owner, char ns[32], char ifname[16])
{
  g_snprintf(ns, 32, "vpnsim-live-%d", (int)owner);
  g_snprintf(ifname, 16, "vst%d", (int)owner % 100000000);
}

/* Run a command; returns its exit status (or -1), stderr in *err when asked. */
static int run(char **err, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int run(char **err, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *cmd = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_auto(GStrv) argv = NULL;
  if (!g_shell_parse_argv(cmd, NULL, &argv, NULL))
    return -1;
  int status = 0;
  char *e = NULL;
  if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                    NULL, &e, &status, NULL))
    return -1;
  if (err)
    *err = e;
  else
    g_free(e);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- the simulated side (runs in the test's subprocess) ---- */

typedef struct {
  int echoed;
} Echo;

static void echo_rx(NetUdpSocket *s, const uint8_t *data, size_t len, Ipv4Addr src, uint16_t sport,
                    void *user)
{
  Echo *e = user;
  if (net_udp_send_to(s, data, len, src, sport) == NET_OK)
    e->echoed++;
}

/* The Linux side, in a forked child inside the namespace: send, wait for the echo. */
static int linux_side(const char *ns)
{
  g_autofree char *path = g_strdup_printf("/run/netns/%s", ns);
  int nsfd = open(path, O_RDONLY | O_CLOEXEC);
  if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) != 0)
    return 10;
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  if (s < 0)
    return 11;
  struct timeval tv = {.tv_sec = 0, .tv_usec = 500000};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(ECHO_PORT),
                           .sin_addr.s_addr = htonl(0x0a4d0002)}; /* 10.77.0.2 */
  for (int attempt = 0; attempt < 8; attempt++) {
    if (sendto(s, MSG, strlen(MSG), 0, (struct sockaddr *)&to, sizeof to) < 0)
      return 12;
    char buf[128];
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      continue;
    if (n == (ssize_t)strlen(MSG) && memcmp(buf, MSG, (size_t)n) == 0 &&
        from.sin_addr.s_addr == to.sin_addr.s_addr && from.sin_port == to.sin_port)
      return 0;
    return 13;
  }
  return 14; /* no echo */
}

static void live_body(void)
{
  char ns[32], ifname[16];
  names(getppid(), ns, ifname);
  NetWorldOptions o = {.seed = 1, .realtime = true};
  NetWorld *w = net_world_new_ex(&o);
  g_assert_nonnull(w);
  NetNode *n = net_node_new(w, "sim");
  NetStatus st;
  NetDev *d = net_live_tap_new(n, ifname, &st);
  if (!d)
    g_error("net_live_tap_new: %s: %s", net_status_name(st), net_world_last_error(w));
  g_assert_cmpint(net_dev_linktype(d), ==, NET_LINKTYPE_ETHERNET);
  g_assert_cmpint(net_dev_add_address(d, (Ipv4Addr){0x0a4d0002}, 24), ==, NET_OK);
  Echo e = {0};
  g_assert_nonnull(net_udp_new(n, (Ipv4Addr){0}, ECHO_PORT, echo_rx, &e));
  /* a pcap of the live interface, both directions */
  g_autofree char *dir = g_dir_make_tmp("net_live_XXXXXX", NULL);
  g_autofree char *pcap = g_build_filename(dir, "live.pcap", NULL);
  g_autoptr(GError) perr = NULL;
  NetPcap *pc = net_pcap_open(pcap, NET_LINKTYPE_ETHERNET, 0, &perr);
  g_assert_no_error(perr);
  g_assert_cmpint(net_dev_tap_add(d, NET_TAP_TX | NET_TAP_RX, net_pcap_tap, pc), ==, NET_OK);
  /* the Linux end of the TAP goes into the namespace */
  g_autofree char *err = NULL;
  if (run(&err, "ip link set %s netns %s", ifname, ns) != 0)
    g_error("moving %s: %s", ifname, err);
  g_assert_cmpint(run(NULL, "ip -n %s addr add 10.77.0.1/24 dev %s", ns, ifname), ==, 0);
  g_assert_cmpint(run(NULL, "ip -n %s link set %s up", ns, ifname), ==, 0);
  pid_t child = fork();
  g_assert_cmpint(child, >=, 0);
  if (child == 0)
    _exit(linux_side(ns));
  /* realtime: 4 s of simulated time is 4 s of wall time, enough for 8 tries of 0.5 s */
  int status = 0;
  for (int i = 1; i <= 40; i++) {
    g_assert_cmpint(net_world_run_until(w, i * 100000000LL), ==, NET_OK);
    if (waitpid(child, &status, WNOHANG) == child)
      break;
    status = -1;
  }
  if (status == -1) {
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
  }
  g_test_message("echoed %d, linux side exit %d", e.echoed, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  g_assert_true(WIFEXITED(status));
  g_assert_cmpint(WEXITSTATUS(status), ==, 0);
  g_assert_cmpint(e.echoed, >=, 1);
  net_world_free(w);
  g_assert_true(net_pcap_close(pc, &perr));
  /* tshark: the request from Linux and the echo from the node, nothing malformed */
  const char *argv[] = {"/usr/bin/tshark", "-n", "-r", pcap, "-o", "ip.check_checksum:TRUE",
                        "-o", "udp.check_checksum:TRUE", "-T", "fields", "-e", "ip.src", "-e",
                        "udp.srcport", "-e", "_ws.malformed", "-e", "ip.checksum.status", "-e",
                        "udp.checksum.status", "-Y", "udp.port == 7 || _ws.malformed", NULL};
  char *out = NULL;
  int status2 = 0;
  g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                             NULL, &status2, NULL));
  g_assert_true(g_spawn_check_wait_status(status2, NULL));
  g_test_message("tshark:\n%s", out);
  /* ip.src, udp.srcport, malformed (empty), checksum statuses 1 = good */
  g_assert_nonnull(strstr(out, "10.77.0.1\t"));
  g_assert_nonnull(strstr(out, "10.77.0.2\t7\t\t1\t1\n"));
  g_assert_null(strstr(out, "\t0\n"));
  g_free(out);
  g_unlink(pcap);
  g_rmdir(dir);
}

static void test_live_udp_echo(void)
{
  if (g_test_subprocess()) {
    live_body();
    return;
  }
  if (geteuid() != 0) {
    g_test_skip("live mode needs root (TAP device and network namespace)");
    return;
  }
  if (access("/dev/net/tun", R_OK | W_OK) != 0) {
    g_test_skip("no /dev/net/tun");
    return;
  }
  char ns[32], ifname[16];
  names(getpid(), ns, ifname);
  g_autofree char *err = NULL;
  if (run(&err, "ip netns add %s", ns) != 0) {
    g_autofree char *why = g_strdup_printf("network namespaces unavailable: %s", err ? g_strstrip(err) : "ip failed");
    g_test_skip(why);
    return;
  }
  g_test_trap_subprocess(NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  /* cleanup whatever happened: the namespace (and the TAP if it got there), and the TAP
   * if it stayed behind in this namespace */
  run(NULL, "ip netns del %s", ns);
  run(NULL, "ip link del %s", ifname);
  g_autofree char *nspath = g_strdup_printf("/run/netns/%s", ns);
  g_autofree char *ifpath = g_strdup_printf("/sys/class/net/%s", ifname);
  g_assert_false(g_file_test(nspath, G_FILE_TEST_EXISTS));
  g_assert_false(g_file_test(ifpath, G_FILE_TEST_EXISTS));
  g_test_trap_assert_passed();
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/net/live/udp-echo", test_live_udp_echo);
  return g_test_run();
}
