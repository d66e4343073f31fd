// SPDX-License-Identifier: MIT
// The plain ns-3 C++ reference for bench/tunnel_vs_plain_bench.c: the topology of a
// one-tunnel vpnsim scenario (host, on-premises device, internet router, gateway, VM)
// as plain IPv4 forwarding without IPsec: host and device on a CSMA LAN (10 Gb/s, 1 us),
// device - router - gateway over point-to-point links (10 Gb/s, 1 ms, 100-packet
// DropTail, no queue disc), gateway and VM on a CSMA LAN; static routes; checksums off.
//
//   ns3_chain_bench N SIZE GAP_NS [copy]   N UDP datagrams of SIZE bytes, one every
//                                          GAP_NS; "copy": a trace callback copies every
//                                          frame out on every device, as vpnsim's taps do
// Prints "BENCH ns3.chain[.tracecopy] <simulated packets per wall second> pkt/s".
#include <ns3/core-module.h>
#include <ns3/csma-module.h>
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

double now_s()
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Udp {
  Ptr<Socket> tx;
  Ipv4Address dst;
  uint64_t left, gap_ns, rx = 0, tapped = 0;
  std::vector<uint8_t> payload, rxbuf, tapbuf;
};
Udp g_udp;

void UdpSend()
{
  Ptr<Packet> p = Create<Packet>(g_udp.payload.data(), (uint32_t)g_udp.payload.size());
  g_udp.tx->SendTo(p, 0, InetSocketAddress(g_udp.dst, 9));
  if (--g_udp.left)
    Simulator::Schedule(NanoSeconds(g_udp.gap_ns), &UdpSend);
}

void UdpRecv(Ptr<Socket> s)
{
  Address from;
  Ptr<Packet> p;
  while ((p = s->RecvFrom(from))) {
    p->CopyData(g_udp.rxbuf.data(), p->GetSize());
    g_udp.rx++;
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

Ptr<Node> make_node(bool fwd)
{
  Ptr<Node> n = CreateObject<Node>();
  InternetStackHelper stack;
  Ipv4StaticRoutingHelper sr;
  stack.SetRoutingHelper(sr);
  stack.SetIpv6StackInstall(false);
  stack.Install(n);
  n->GetObject<Ipv4>()->SetAttribute("IpForward", BooleanValue(fwd));
  return n;
}

uint32_t add_if(Ptr<Node> n, Ptr<NetDevice> d, const char *addr, const char *mask, bool copy)
{
  Ptr<Ipv4> ip = n->GetObject<Ipv4>();
  uint32_t ifi = ip->AddInterface(d);
  ip->AddAddress(ifi, Ipv4InterfaceAddress(Ipv4Address(addr), Ipv4Mask(mask)));
  ip->SetUp(ifi);
  if (copy) {
    d->TraceConnectWithoutContext("PhyTxBegin", MakeCallback(&Tap));
    d->TraceConnectWithoutContext("PhyRxEnd", MakeCallback(&Tap));
  }
  return ifi;
}

Ptr<NetDevice> p2p_dev(Ptr<Node> n, Ptr<PointToPointChannel> ch)
{
  Ptr<PointToPointNetDevice> d = CreateObject<PointToPointNetDevice>();
  d->SetAddress(Mac48Address::Allocate());
  d->SetDataRate(DataRate("10Gbps"));
  Ptr<DropTailQueue<Packet>> q = CreateObject<DropTailQueue<Packet>>();
  q->SetMaxSize(QueueSize("100p"));
  d->SetQueue(q);
  n->AddDevice(d);
  d->Attach(ch);
  return d;
}

Ptr<NetDevice> csma_dev(Ptr<Node> n, Ptr<CsmaChannel> ch)
{
  Ptr<CsmaNetDevice> d = CreateObject<CsmaNetDevice>();
  d->SetAddress(Mac48Address::Allocate());
  Ptr<DropTailQueue<Packet>> q = CreateObject<DropTailQueue<Packet>>();
  q->SetMaxSize(QueueSize("100p"));
  d->SetQueue(q);
  n->AddDevice(d);
  d->Attach(ch);
  return d;
}

double bench_chain(uint64_t n, uint32_t size, uint64_t gap_ns, bool copy)
{
  GlobalValue::Bind("ChecksumEnabled", BooleanValue(false));
  Ptr<Node> host = make_node(false), dev = make_node(true), rtr = make_node(true),
            gw = make_node(true), vm = make_node(false);
  Ptr<CsmaChannel> lan1 = CreateObject<CsmaChannel>(), lan2 = CreateObject<CsmaChannel>();
  for (Ptr<CsmaChannel> c : {lan1, lan2}) {
    c->SetAttribute("DataRate", DataRateValue(DataRate("10Gbps")));
    c->SetAttribute("Delay", TimeValue(MicroSeconds(1)));
  }
  Ptr<PointToPointChannel> up = CreateObject<PointToPointChannel>(),
                           az = CreateObject<PointToPointChannel>();
  for (Ptr<PointToPointChannel> c : {up, az})
    c->SetAttribute("Delay", TimeValue(MilliSeconds(1)));
  uint32_t h0 = add_if(host, csma_dev(host, lan1), "192.168.1.10", "255.255.255.0", copy);
  uint32_t d0 = add_if(dev, csma_dev(dev, lan1), "192.168.1.1", "255.255.255.0", copy);
  uint32_t d1 = add_if(dev, p2p_dev(dev, up), "198.51.100.20", "255.255.255.252", copy);
  uint32_t r0 = add_if(rtr, p2p_dev(rtr, up), "198.51.100.21", "255.255.255.252", copy);
  uint32_t r1 = add_if(rtr, p2p_dev(rtr, az), "203.0.113.9", "255.255.255.252", copy);
  uint32_t g0 = add_if(gw, p2p_dev(gw, az), "203.0.113.10", "255.255.255.252", copy);
  uint32_t g1 = add_if(gw, csma_dev(gw, lan2), "10.1.1.1", "255.255.255.0", copy);
  uint32_t v0 = add_if(vm, csma_dev(vm, lan2), "10.1.1.4", "255.255.255.0", copy);
  (void)d0, (void)r0, (void)r1, (void)g0, (void)g1, (void)v0;
  Ipv4StaticRoutingHelper sr;
  Ipv4Address any("0.0.0.0"), zero_mask("0.0.0.0");
  sr.GetStaticRouting(host->GetObject<Ipv4>())->SetDefaultRoute(Ipv4Address("192.168.1.1"), h0);
  sr.GetStaticRouting(dev->GetObject<Ipv4>())->SetDefaultRoute(Ipv4Address("198.51.100.21"), d1);
  sr.GetStaticRouting(rtr->GetObject<Ipv4>())
      ->AddNetworkRouteTo(Ipv4Address("10.1.0.0"), Ipv4Mask("255.255.0.0"),
                          Ipv4Address("203.0.113.10"), r1);
  sr.GetStaticRouting(vm->GetObject<Ipv4>())->SetDefaultRoute(Ipv4Address("10.1.1.1"), v0);
  (void)any, (void)zero_mask;
  g_udp = Udp();
  g_udp.payload.assign(size, 0x5a);
  g_udp.rxbuf.resize(65536);
  g_udp.left = n;
  g_udp.gap_ns = gap_ns;
  g_udp.dst = Ipv4Address("10.1.1.4");
  Ptr<Socket> rx = Socket::CreateSocket(vm, UdpSocketFactory::GetTypeId());
  rx->Bind(InetSocketAddress(Ipv4Address::GetAny(), 9));
  rx->SetRecvCallback(MakeCallback(&UdpRecv));
  g_udp.tx = Socket::CreateSocket(host, UdpSocketFactory::GetTypeId());
  g_udp.tx->Bind();
  Simulator::Schedule(MilliSeconds(10), &UdpSend);
  double t0 = now_s();
  Simulator::Run();
  double t = now_s() - t0;
  if (g_udp.rx * 10 < n * 9) { /* the first datagrams wait for ARP: ns-3 queues 3 */
    fprintf(stderr, "ns3_chain_bench: %llu of %llu datagrams arrived\n",
            (unsigned long long)g_udp.rx, (unsigned long long)n);
    exit(1);
  }
  g_udp.tx = nullptr;
  Simulator::Destroy();
  return (double)g_udp.rx / t;
}

} // namespace

int main(int argc, char **argv)
{
  if (argc < 4) {
    fprintf(stderr, "usage: ns3_chain_bench N SIZE GAP_NS [copy]\n");
    return 2;
  }
  bool copy = argc >= 5 && strcmp(argv[4], "copy") == 0;
  double r = bench_chain(strtoull(argv[1], nullptr, 10), (uint32_t)atoi(argv[2]),
                         strtoull(argv[3], nullptr, 10), copy);
  printf("BENCH ns3.chain%s %.0f pkt/s\n", copy ? ".tracecopy" : "", r);
  return 0;
}
