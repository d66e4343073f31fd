/* SPDX-License-Identifier: MIT */
/* A hostile IKEv2/ESP peer for the live-mode robustness test (issue 21): it reads real
 * IKE and ESP messages from captures (vpnsim's reference pcaps), mutates them as a
 * fuzzer would (bit flips, interesting bytes, truncation, extension, length fields,
 * exchange types, flags, SPIs, spliced chunks) or makes random ones, and sends them as
 * raw IPv4 datagrams to a gateway: IKE on UDP 500, IKE on UDP 4500 behind the non-ESP
 * marker, ESP in UDP 4500 and raw ESP (IP protocol 50), a share of them from spoofed
 * source addresses. Deterministic for a seed; prints what it sent per class.
 *
 *   hostile_peer --src IP --dst IP --count N [--seed S] [--rate PPS] [--spoof PERCENT]
 *                PCAP...
 *
 * Needs CAP_NET_RAW. --rate 0 (the default) sends as fast as the socket takes them. */
#include "models/common/drbg.h"
#include "models/common/inet.h"
#include "models/common/ipv4.h"
#include "models/common/wire.h"

#include <errno.h>
#include <glib.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { K_IKE500, K_IKE4500, K_ESP_UDP, K_ESP_RAW, K__COUNT };
static const char *const kind_name[] = {"ike_udp500", "ike_udp4500", "esp_udp4500", "esp_raw"};

typedef struct {
  GPtrArray *seeds[K__COUNT]; /* GBytes: IKE messages (no marker), ESP payloads */
  Drbg *rng;
} Gen;

/* The IP payload of one captured frame, for the link types vpnsim and tcpdump write. */
static const uint8_t *ip_of(int dlt, const uint8_t *f, size_t n, size_t *len)
{
  size_t off = 0;
  if (dlt == DLT_EN10MB)
    off = 14;
  else if (dlt == DLT_PPP)
    off = 2;
  else if (dlt == DLT_LINUX_SLL)
    off = 16;
  else if (dlt != DLT_RAW && dlt != 101 /* LINKTYPE_RAW */)
    return NULL;
  if (n < off + 20 || (f[off] >> 4) != 4)
    return NULL;
  *len = n - off;
  return f + off;
}

static void load_pcap(Gen *g, const char *file)
{
  char err[PCAP_ERRBUF_SIZE];
  pcap_t *p = pcap_open_offline(file, err);
  if (!p) {
    fprintf(stderr, "hostile_peer: %s: %s\n", file, err);
    exit(2);
  }
  int dlt = pcap_datalink(p);
  struct pcap_pkthdr *h;
  const uint8_t *f;
  while (pcap_next_ex(p, &h, &f) == 1) {
    size_t n;
    const uint8_t *ip = ip_of(dlt, f, h->caplen, &n);
    if (!ip)
      continue;
    size_t ihl = (size_t)(ip[0] & 15) * 4;
    uint8_t proto = ip[9];
    if (ihl < 20 || n < ihl)
      continue;
    const uint8_t *pl = ip + ihl;
    size_t pn = n - ihl;
    if (proto == 50 && pn >= 8) {
      g_ptr_array_add(g->seeds[K_ESP_RAW], g_bytes_new(pl, pn));
    } else if (proto == 17 && pn > 8) {
      uint16_t sport = wire_load_be16(pl), dport = wire_load_be16(pl + 2);
      const uint8_t *u = pl + 8;
      size_t un = pn - 8;
      if (sport == 500 || dport == 500)
        g_ptr_array_add(g->seeds[K_IKE500], g_bytes_new(u, un));
      else if ((sport == 4500 || dport == 4500) && un > 4 && !memcmp(u, "\0\0\0\0", 4))
        g_ptr_array_add(g->seeds[K_IKE4500], g_bytes_new(u + 4, un - 4));
      else if ((sport == 4500 || dport == 4500) && un >= 8)
        g_ptr_array_add(g->seeds[K_ESP_UDP], g_bytes_new(u, un));
    }
  }
  pcap_close(p);
}

static uint32_t rnd(Gen *g, uint32_t bound)
{
  return (uint32_t)drbg_uniform(g->rng, bound);
}

/* One mutated message from a seed of the kind (or from a neighbouring kind's seeds, or
 * random bytes), at most cap octets. */
static size_t mutate(Gen *g, int kind, uint8_t *out, size_t cap)
{
  GPtrArray *s = g->seeds[kind];
  if (!s->len)
    s = g->seeds[kind <= K_IKE4500 ? (kind ^ 1) : (kind == K_ESP_UDP ? K_ESP_RAW : K_ESP_UDP)];
  size_t n;
  if (!s->len || rnd(g, 20) == 0) {
    n = 1 + rnd(g, 600);
    drbg_bytes(g->rng, out, n);
    return n;
  }
  gsize sn;
  const uint8_t *b = g_bytes_get_data(g_ptr_array_index(s, rnd(g, s->len)), &sn);
  n = sn < cap ? sn : cap;
  memcpy(out, b, n);
  static const uint8_t interesting[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x10, 0x20};
  unsigned ops = 1 + rnd(g, 4);
  for (unsigned o = 0; o < ops && n; o++) {
    switch (rnd(g, 10)) {
    case 0: /* flip bits */
      for (unsigned k = 1 + rnd(g, 8); k; k--)
        out[rnd(g, (uint32_t)n)] ^= (uint8_t)(1u << rnd(g, 8));
      break;
    case 1: /* interesting bytes */
      out[rnd(g, (uint32_t)n)] = interesting[rnd(g, sizeof interesting)];
      break;
    case 2: /* truncate */
      n = rnd(g, (uint32_t)n + 1);
      break;
    case 3: { /* extend with random bytes */
      size_t add = 1 + rnd(g, 200);
      if (n + add > cap)
        add = cap - n;
      drbg_bytes(g->rng, out + n, add);
      n += add;
      break;
    }
    case 4: /* the IKE header's length, or a payload length near the front */
      if (n >= 28)
        wire_store_be32(out + 24, rnd(g, 2) ? (uint32_t)rnd(g, 70000) : (uint32_t)n + rnd(g, 9) - 4);
      else if (n >= 4)
        wire_store_be16(out + 2, (uint16_t)rnd(g, 65536));
      break;
    case 5: /* exchange type and flags */
      if (n >= 20) {
        out[18] = rnd(g, 2) ? (uint8_t)(34 + rnd(g, 6)) : (uint8_t)rnd(g, 256);
        out[19] = (uint8_t)rnd(g, 256);
      }
      break;
    case 6: /* SPIs (IKE: 16 octets, ESP: the first 4) */
      drbg_bytes(g->rng, out, n < 16 ? n : (kind >= K_ESP_UDP ? 4 : 16));
      break;
    case 7: { /* splice a chunk of another seed */
      gsize on;
      const uint8_t *ob = g_bytes_get_data(g_ptr_array_index(s, rnd(g, s->len)), &on);
      if (on) {
        size_t at = rnd(g, (uint32_t)n + 1), from = rnd(g, (uint32_t)on), len = 1 + rnd(g, (uint32_t)(on - from));
        if (at + len > cap)
          len = cap - at;
        memcpy(out + at, ob + from, len);
        if (at + len > n)
          n = at + len;
      }
      break;
    }
    case 8: /* the next-payload chain */
      if (n >= 17)
        out[16] = (uint8_t)rnd(g, 256);
      break;
    default: /* a byte anywhere */
      out[rnd(g, (uint32_t)n)] = (uint8_t)rnd(g, 256);
    }
  }
  return n;
}

static void usage(void)
{
  fprintf(stderr, "usage: hostile_peer --src IP --dst IP --count N [--seed S] [--rate PPS] "
                  "[--spoof PERCENT] PCAP...\n");
  exit(2);
}

int main(int argc, char **argv)
{
  Ipv4Addr src = {0}, dst = {0};
  unsigned long count = 0, seed = 1, rate = 0, spoof = 5;
  int i = 1;
  for (; i < argc && !strncmp(argv[i], "--", 2); i += 2) {
    if (i + 1 >= argc)
      usage();
    const char *o = argv[i], *v = argv[i + 1];
    if (!strcmp(o, "--src") && ipv4_addr_parse(v, &src) == IPV4_PARSE_OK)
      continue;
    if (!strcmp(o, "--dst") && ipv4_addr_parse(v, &dst) == IPV4_PARSE_OK)
      continue;
    char *end;
    unsigned long x = strtoul(v, &end, 10);
    if (*end)
      usage();
    if (!strcmp(o, "--count"))
      count = x;
    else if (!strcmp(o, "--seed"))
      seed = x;
    else if (!strcmp(o, "--rate"))
      rate = x;
    else if (!strcmp(o, "--spoof") && x <= 100)
      spoof = x;
    else
      usage();
  }
  if (!src.v || !dst.v || !count || i >= argc)
    usage();
  Gen g = {.rng = drbg_new_stream(seed, "hostile-peer")};
  for (int k = 0; k < K__COUNT; k++)
    g.seeds[k] = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  for (; i < argc; i++)
    load_pcap(&g, argv[i]);
  size_t total_seeds = 0;
  for (int k = 0; k < K__COUNT; k++)
    total_seeds += g.seeds[k]->len;
  if (!total_seeds) {
    fprintf(stderr, "hostile_peer: no IKE or ESP message in the captures\n");
    return 2;
  }
  int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW); /* IP_HDRINCL */
  if (fd < 0) {
    fprintf(stderr, "hostile_peer: raw socket: %s\n", strerror(errno));
    return 3;
  }
  int buf = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(dst.v)};
  unsigned long sent[K__COUNT] = {0}, spoofed = 0, failed = 0;
  uint8_t msg[2048], pkt[2200];
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (unsigned long n = 0; n < count; n++) {
    static const unsigned share[K__COUNT] = {35, 25, 15, 25}; /* percent */
    unsigned r = rnd(&g, 100), kind = 0;
    while (kind < K__COUNT - 1 && r >= share[kind])
      r -= share[kind++];
    size_t mn = mutate(&g, (int)kind, msg, 1400);
    bool sp = rnd(&g, 100) < spoof;
    Ipv4Addr s = sp ? (Ipv4Addr){0x0a000000u | rnd(&g, 1u << 24)} : src;
    WireWriter w;
    wire_writer_init(&w);
    uint8_t proto = kind == K_ESP_RAW ? 50 : 17;
    size_t plen = kind == K_ESP_RAW ? mn : 8 + mn + (kind == K_IKE4500 ? 4 : 0);
    InetIpv4Header ih = {.ihl_bytes = 20, .total_len = (uint16_t)(20 + plen), .id = (uint16_t)n,
                         .ttl = 64, .proto = proto, .src = s, .dst = dst};
    inet_ipv4_encode(&w, &ih);
    if (kind == K_ESP_RAW) {
      wire_put_bytes(&w, msg, mn);
    } else {
      uint8_t body[2048 + 4];
      size_t bn = 0;
      if (kind == K_IKE4500)
        memset(body, 0, 4), bn = 4;
      memcpy(body + bn, msg, mn);
      bn += mn;
      uint16_t sport = (uint16_t)(kind == K_IKE500 ? 500 : 4500);
      /* a source port apart from the real device's sockets, now and then its own */
      if (rnd(&g, 4))
        sport = (uint16_t)(20000 + rnd(&g, 40000));
      inet_udp_encode(&w, s, dst, sport, kind == K_IKE500 ? 500 : 4500, body, bn);
    }
    size_t pn;
    g_autofree uint8_t *b = wire_writer_steal(&w, &pn);
    memcpy(pkt, b, pn);
    if (sendto(fd, pkt, pn, 0, (struct sockaddr *)&to, sizeof to) < 0) {
      failed++;
      if (errno == ENOBUFS || errno == EAGAIN)
        usleep(100);
      continue;
    }
    sent[kind]++;
    spoofed += sp;
    if (rate && (n + 1) % 100 == 0) {
      /* pace in batches of 100: sleep until the batch is due */
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      double due = (double)(n + 1) / (double)rate;
      double el = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
      if (due > el)
        usleep((useconds_t)((due - el) * 1e6));
    }
  }
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double el = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  unsigned long total = 0;
  for (int k = 0; k < K__COUNT; k++) {
    printf("sent.%s %lu\n", kind_name[k], sent[k]);
    total += sent[k];
  }
  printf("sent.total %lu\nsent.spoofed %lu\nsend_failed %lu\nseeds %zu\nseconds %.3f\n", total,
         spoofed, failed, total_seeds, el);
  close(fd);
  for (int k = 0; k < K__COUNT; k++)
    g_ptr_array_unref(g.seeds[k]);
  drbg_free(g.rng);
  return 0;
}
