// SPDX-License-Identifier: MIT
// What the plain ns-3 reference programs (bench/ns3_*_bench.cc) share: the wall clock, the
// UDP sender and receiver they time, the trace callback that copies every frame out (as
// vpnsim's taps do) and the nodes and devices set up as the wrapper sets up its own
// (IPv4 only, static routing, 100-packet DropTail queues, no queue disc). Header only:
// each reference is one program. Included inside an anonymous namespace's file only.
#pragma once

#include <ns3/core-module.h>
#include <ns3/csma-module.h>
#include <ns3/internet-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>

#include <chrono>
#include <cstdint>
#include <vector>

namespace ns3ref {

using namespace ns3;

inline double now_s()
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The one UDP flow a reference times: left datagrams of payload, one every gap_ns, to dst:9.
struct Udp {
  Ptr<Socket> tx;
  Ipv4Address dst;
  uint64_t left, gap_ns, rx = 0, rx_bytes = 0, tapped = 0;
  std::vector<uint8_t> payload, rxbuf, tapbuf;
};
inline Udp g_udp;

inline void UdpSend()
{
  Ptr<Packet> p = Create<Packet>(g_udp.payload.data(), (uint32_t)g_udp.payload.size());
  g_udp.tx->SendTo(p, 0, InetSocketAddress(g_udp.dst, 9));
  if (--g_udp.left)
    Simulator::Schedule(NanoSeconds(g_udp.gap_ns), &UdpSend);
}

inline void UdpRecv(Ptr<Socket> s)
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

// Copies every frame out, as the taps do.
inline void Tap(Ptr<const Packet> p)
{
  uint32_t n = p->GetSize();
  if (g_udp.tapbuf.size() < n)
    g_udp.tapbuf.resize(n);
  p->CopyData(g_udp.tapbuf.data(), n);
  g_udp.tapped += g_udp.tapbuf[0] + 1;
}

inline Ptr<Node> make_node(bool fwd)
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

// An IPv4 interface on d, up, with the tap on its device when copy.
inline uint32_t add_if(Ptr<Node> n, Ptr<NetDevice> d, const char *addr, const char *mask,
                       bool copy)
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

template <class Dev, class Channel> Ptr<NetDevice> add_dev(Ptr<Node> n, Ptr<Dev> d, Ptr<Channel> ch)
{
  d->SetAddress(Mac48Address::Allocate());
  Ptr<DropTailQueue<Packet>> q = CreateObject<DropTailQueue<Packet>>();
  q->SetMaxSize(QueueSize("100p"));
  d->SetQueue(q);
  n->AddDevice(d);
  d->Attach(ch);
  return d;
}

inline Ptr<NetDevice> p2p_dev(Ptr<Node> n, Ptr<PointToPointChannel> ch)
{
  Ptr<PointToPointNetDevice> d = CreateObject<PointToPointNetDevice>();
  d->SetDataRate(DataRate("10Gbps"));
  return add_dev(n, d, ch);
}

inline Ptr<NetDevice> csma_dev(Ptr<Node> n, Ptr<CsmaChannel> ch)
{
  return add_dev(n, CreateObject<CsmaNetDevice>(), ch);
}

} // namespace ns3ref
