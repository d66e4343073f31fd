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
#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace ns3;

namespace {

uint64_t g_left;
void Step()
{
  if (--g_left)
    Simulator::Schedule(NanoSeconds(1), &Step);
}

double now_s()
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
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

struct Udp {
  Ptr<Socket> tx;
  Ipv4Address dst;
  uint64_t left, rx = 0, rx_bytes = 0, tapped = 0;
  std::vector<uint8_t> payload, rxbuf, tapbuf;
};
Udp g_udp;

void UdpSend()
{
  Ptr<Packet> p = Create<Packet>(g_udp.payload.data(), (uint32_t)g_udp.payload.size());
  g_udp.tx->SendTo(p, 0, InetSocketAddress(g_udp.dst, 9));
  if (--g_udp.left)
    Simulator::Schedule(NanoSeconds(1144), &UdpSend);
}

void UdpRecv(Ptr<Socket> s)
{
  Address from;
  Ptr<Packet> p;
  while ((p = s->RecvFrom(from))) {
    uint32_t n = p->GetSize();
    p->CopyData(g_udp.rxbuf.data(), n);
    g_udp.rx++;
    g_udp.rx_bytes += n;
  }
}

void Tap(Ptr<const Packet> p)
{
  uint32_t n = p->GetSize();
  if (g_udp.tapbuf.size() < n)
    g_udp.tapbuf.resize(n);
  p->CopyData(g_udp.tapbuf.data(), n);
  g_udp.tapped += g_udp.tapbuf[0] + 1;
}

Ptr<Node> make_node()
{
  Ptr<Node> n = CreateObject<Node>();
  InternetStackHelper stack;
  Ipv4StaticRoutingHelper sr;
  stack.SetRoutingHelper(sr);
  stack.SetIpv6StackInstall(false);
  stack.Install(n);
  return n;
}

double bench_udp(uint64_t n, bool copy)
{
  GlobalValue::Bind("ChecksumEnabled", BooleanValue(false));
  Ptr<Node> a = make_node(), b = make_node();
  Ptr<PointToPointChannel> ch = CreateObject<PointToPointChannel>();
  ch->SetAttribute("Delay", TimeValue(MilliSeconds(1)));
  Ptr<Node> ends[2] = {a, b};
  const char *addr[2] = {"10.0.0.1", "10.0.0.2"};
  for (int i = 0; i < 2; i++) {
    Ptr<PointToPointNetDevice> d = CreateObject<PointToPointNetDevice>();
    d->SetAddress(Mac48Address::Allocate());
    d->SetDataRate(DataRate("10Gbps"));
    Ptr<DropTailQueue<Packet>> q = CreateObject<DropTailQueue<Packet>>();
    q->SetMaxSize(QueueSize("100p"));
    d->SetQueue(q);
    ends[i]->AddDevice(d);
    d->Attach(ch);
    Ptr<Ipv4> ip = ends[i]->GetObject<Ipv4>();
    uint32_t ifi = ip->AddInterface(d);
    ip->AddAddress(ifi, Ipv4InterfaceAddress(Ipv4Address(addr[i]), Ipv4Mask("255.255.255.252")));
    ip->SetUp(ifi);
    if (copy) {
      d->TraceConnectWithoutContext("PhyTxBegin", MakeCallback(&Tap));
      d->TraceConnectWithoutContext("PhyRxEnd", MakeCallback(&Tap));
    }
  }
  g_udp = Udp();
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
