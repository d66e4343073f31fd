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
#include "bench/ns3_ref.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace ns3;
using namespace ns3ref;

namespace {

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
