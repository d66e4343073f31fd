// SPDX-License-Identifier: MIT
// The plain ns-3 C++ reference for bench/net_bench.c: the same event chain and the same
// one-link UDP loop, written directly against ns-3 with nothing of vpnsim in between.
//
//   ns3_plain_bench                  all measurements once, BENCH lines
//   ns3_plain_bench events N         N chained events
//   ns3_plain_bench udp N [copy]     N UDP datagrams; "copy": a trace callback copies
//                                    every frame out on both devices, as the taps do
//
// The UDP set-up is the one the wrapper builds: point-to-point devices with a 100-packet
// DropTail queue, no queue disc, static routing, IPv4 only, checksums off.
#include "bench/ns3_ref.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace ns3;
using namespace ns3ref;

namespace {

uint64_t g_left;
void Step()
{
  if (--g_left)
    Simulator::Schedule(NanoSeconds(1), &Step);
}

double bench_events(uint64_t n)
{
  g_left = n;
  Simulator::Schedule(NanoSeconds(1), &Step);
  double t0 = now_s();
  Simulator::Run();
  double t = now_s() - t0;
  Simulator::Destroy();
  return t * 1e9 / (double)n;
}

double bench_udp(uint64_t n, bool copy)
{
  GlobalValue::Bind("ChecksumEnabled", BooleanValue(false));
  // IpForward as ns-3 leaves it (on)
  Ptr<Node> a = make_node(true), b = make_node(true);
  Ptr<PointToPointChannel> ch = CreateObject<PointToPointChannel>();
  ch->SetAttribute("Delay", TimeValue(MilliSeconds(1)));
  Ptr<Node> ends[2] = {a, b};
  const char *addr[2] = {"10.0.0.1", "10.0.0.2"};
  for (int i = 0; i < 2; i++)
    add_if(ends[i], p2p_dev(ends[i], ch), addr[i], "255.255.255.252", copy);
  g_udp = Udp();
  g_udp.gap_ns = 1144;
  g_udp.payload.assign(1400, 0x5a);
  g_udp.rxbuf.resize(65536);
  g_udp.left = n;
  g_udp.dst = Ipv4Address(addr[1]);
  Ptr<Socket> rx = Socket::CreateSocket(b, UdpSocketFactory::GetTypeId());
  rx->Bind(InetSocketAddress(Ipv4Address::GetAny(), 9));
  rx->SetRecvCallback(MakeCallback(&UdpRecv));
  g_udp.tx = Socket::CreateSocket(a, UdpSocketFactory::GetTypeId());
  g_udp.tx->Bind();
  Simulator::Schedule(NanoSeconds(0), &UdpSend);
  double t0 = now_s();
  Simulator::Run();
  double t = now_s() - t0;
  if (g_udp.rx != n) {
    fprintf(stderr, "ns3_plain_bench: %llu of %llu datagrams arrived\n",
            (unsigned long long)g_udp.rx, (unsigned long long)n);
    exit(1);
  }
  g_udp.tx = nullptr;
  Simulator::Destroy();
  return (double)n / t;
}

} // namespace

int main(int argc, char **argv)
{
  if (argc >= 3 && strcmp(argv[1], "events") == 0) {
    printf("BENCH ns3.events.chain %.1f ns/event\n", bench_events(strtoull(argv[2], nullptr, 10)));
    return 0;
  }
  if (argc >= 3 && strcmp(argv[1], "udp") == 0) {
    bool copy = argc >= 4 && strcmp(argv[3], "copy") == 0;
    printf("BENCH ns3.udp%s %.0f pkt/s\n", copy ? ".tracecopy" : "",
           bench_udp(strtoull(argv[2], nullptr, 10), copy));
    return 0;
  }
  if (argc != 1) {
    fprintf(stderr, "usage: ns3_plain_bench [events N | udp N [copy]]\n");
    return 2;
  }
  printf("BENCH ns3.events.chain %.1f ns/event\n", bench_events(2000000));
  printf("BENCH ns3.udp %.0f pkt/s\n", bench_udp(100000, false));
  printf("BENCH ns3.udp.tracecopy %.0f pkt/s\n", bench_udp(100000, true));
  return 0;
}
