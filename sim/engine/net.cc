// SPDX-License-Identifier: MIT
// The ns-3 wrapper: the one C++ file of vpnsim, implementing sim/engine/net.h over ns-3 3.37; every
// extern "C" entry point catches C++ exceptions, and packets leave as byte buffers.
#include "sim/engine/net.h"

#include <ns3/arp-cache.h>
#include <ns3/arp-l3-protocol.h>
#include <ns3/boolean.h>
#include <ns3/csma-channel.h>
#include <ns3/csma-net-device.h>
#include <ns3/data-rate.h>
#include <ns3/drop-tail-queue.h>
#include <ns3/error-model.h>
#include <ns3/ethernet-header.h>
#include <ns3/ethernet-trailer.h>
#include <ns3/event-impl.h>
#include <ns3/fd-net-device.h>
#include <ns3/global-value.h>
#include <ns3/inet-socket-address.h>
#include <ns3/internet-stack-helper.h>
#include <ns3/ip-l4-protocol.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/ipv4-route.h>
#include <ns3/ipv4-routing-protocol.h>
#include <ns3/ipv6-header.h>
#include <ns3/ipv4-header.h>
#include <ns3/ipv4-interface.h>
#include <ns3/ipv4-raw-socket-factory.h>
#include <ns3/ipv4-static-routing-helper.h>
#include <ns3/ipv4-routing-table-entry.h>
#include <ns3/ipv4-static-routing.h>
#include <ns3/ipv4.h>
#include <ns3/mac48-address.h>
#include <ns3/node.h>
#include <ns3/point-to-point-channel.h>
#include <ns3/point-to-point-net-device.h>
#include <ns3/ppp-header.h>
#include <ns3/random-variable-stream.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>
#include <ns3/socket.h>
#include <ns3/string.h>
#include <ns3/object-factory.h>
#include <ns3/rtt-estimator.h>
#include <ns3/tcp-congestion-ops.h>
#include <ns3/tcp-header.h>
#include <ns3/tcp-l4-protocol.h>
#include <ns3/tcp-option-rfc793.h>
#include <ns3/tcp-recovery-ops.h>
#include <ns3/tcp-socket-base.h>
#include <ns3/tcp-socket-factory.h>
#include <ns3/tcp-socket-state.h>
#include <ns3/tcp-tx-buffer.h>
#include <ns3/udp-socket-factory.h>
#include <ns3/uinteger.h>
#include <ns3/virtual-net-device.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <map>
#include <memory>
#include <string>
#include <sys/ioctl.h>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>
#include <vector>
#include <ns3/buffer.h>
#include <ns3/crc32.h>
#include <array>
#include <dlfcn.h>
#include <immintrin.h>

// ---- indexed static routing (issue 19: the internet router of a P2S population) ----
// Ipv4StaticRouting with indexed lookups, for nodes with thousands of interfaces and routes
// (the internet router of a P2S population: one access link and one /32 route per client).
// ns-3 3.37's static routing scans every route per packet (LookupStatic) and per added
// route (the duplicate check of AddNetworkRouteTo), and its local delivery test
// (Ipv4L3Protocol::IsDestinationAddress, weak end-system model) every address of every
// interface, which made a run quadratic in its clients. This subclass answers the three
// from hash indexes, and picks exactly the route ns-3's scan picks (see below);
// anything else (multicast, an output interface asked for, non-contiguous masks) goes to
// the base class unchanged.

#include <ns3/ipv4-routing-helper.h>
#include <ns3/ipv4-static-routing.h>

#include <cstdint>
#include <list>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace vpnsim {

class FastStaticRouting : public ns3::Ipv4StaticRouting
{
  public:
    static ns3::TypeId GetTypeId();

    ns3::Ptr<ns3::Ipv4Route> RouteOutput(ns3::Ptr<ns3::Packet> p,
                                         const ns3::Ipv4Header& header,
                                         ns3::Ptr<ns3::NetDevice> oif,
                                         ns3::Socket::SocketErrno& sockerr) override;
    bool RouteInput(ns3::Ptr<const ns3::Packet> p,
                    const ns3::Ipv4Header& header,
                    ns3::Ptr<const ns3::NetDevice> idev,
                    UnicastForwardCallback ucb,
                    MulticastForwardCallback mcb,
                    LocalDeliverCallback lcb,
                    ErrorCallback ecb) override;
    void NotifyInterfaceUp(uint32_t interface) override;
    void NotifyInterfaceDown(uint32_t interface) override;
    void NotifyAddAddress(uint32_t interface, ns3::Ipv4InterfaceAddress address) override;
    void NotifyRemoveAddress(uint32_t interface, ns3::Ipv4InterfaceAddress address) override;
    void SetIpv4(ns3::Ptr<ns3::Ipv4> ipv4) override;

    // The base class's table edits are not virtual: these hide them, so that every edit
    // made through a FastStaticRouting pointer keeps the indexes right.
    void AddNetworkRouteTo(ns3::Ipv4Address network, ns3::Ipv4Mask mask, ns3::Ipv4Address next,
                           uint32_t interface, uint32_t metric = 0);
    void AddNetworkRouteTo(ns3::Ipv4Address network, ns3::Ipv4Mask mask, uint32_t interface,
                           uint32_t metric = 0);
    void RemoveRoute(uint32_t i);

    // The base class's table (its private m_networkRoutes, see fast_routing.cc).
    using NetworkRoutes = std::list<std::pair<ns3::Ipv4RoutingTableEntry*, uint32_t>>;

  protected:
    void DoDispose() override;

  private:
    struct Hit
    {
        uint32_t dest;    // the entry's GetDest()
        uint32_t gateway; // its GetGateway()
        uint32_t iface;
        uint32_t metric;
    };

    // What the base class's duplicate check (LookupRoute) compares.
    struct Key
    {
        uint32_t dest, mask, gateway, iface, metric;
        bool operator==(const Key& o) const
        {
            return dest == o.dest && mask == o.mask && gateway == o.gateway &&
                   iface == o.iface && metric == o.metric;
        }
    };

    struct KeyHash
    {
        size_t operator()(const Key& k) const;
    };

    NetworkRoutes& Routes();
    template <typename F>
    void Appending(F base_call);
    void Index(const ns3::Ipv4RoutingTableEntry& r, uint32_t metric);
    void Rebuild();
    // LookupStatic (dest, nullptr): false when the indexes cannot answer (use the base)
    bool Lookup(ns3::Ipv4Address dest, ns3::Ptr<ns3::Ipv4Route>& out);

    ns3::Ptr<ns3::Ipv4> m_ip;
    bool m_stale = true;     // the lookup indexes need a rebuild
    bool m_usable = false;   // every mask contiguous
    bool m_weak_es = true;   // Ipv4's WeakEsModel when indexed
    bool m_keys_stale = true;
    std::unordered_map<uint32_t, Hit> m_by_len[33]; // network -> the route ns-3 picks
    std::vector<int> m_lens;                        // lengths present, longest first
    std::unordered_set<uint32_t> m_local;           // every local and broadcast address
    std::unordered_set<Key, KeyHash> m_keys;        // the routes in the table
    // the last lookups (a flow asks for one destination packet after packet): valid while
    // m_gen is the indexes' generation. The route built for a hit is kept with it and handed
    // out again (ns-3 reads an Ipv4Route, never changes one): its source address depends on
    // the interface's addresses, and every address or interface change moves m_gen.
    struct Recent
    {
        uint32_t dest;
        uint64_t gen; // 0: empty
        bool found;
        Hit hit;
        ns3::Ptr<ns3::Ipv4Route> route;
    };
    Recent m_recent[16] = {};
    uint64_t m_gen = 1;
};

// The helper that installs it (InternetStackHelper::SetRoutingHelper).
class FastStaticRoutingHelper : public ns3::Ipv4RoutingHelper
{
  public:
    FastStaticRoutingHelper* Copy() const override;
    ns3::Ptr<ns3::Ipv4RoutingProtocol> Create(ns3::Ptr<ns3::Node> node) const override;
};

} // namespace vpnsim

// What ns-3 3.37 does, and what the indexes reproduce:
// - Ipv4StaticRouting::LookupStatic (dest, no output interface) walks the routes in table
//   order. Among the routes that match, the longest mask wins; among those of that length
//   the one taken last with the lowest metric ("metric > shortest: skip", so a later route
//   of equal metric replaces an earlier one), except that a matching /32 ends the walk at
//   once: the first matching /32 in table order wins. The index keeps, per mask length and
//   network, exactly that route, and a lookup tries the lengths present from the longest.
//   The Ipv4Route is then built as LookupStatic builds it, with the node's own source
//   address selection.
// - Ipv4L3Protocol::IsDestinationAddress under the weak end-system model (ns-3's default)
//   is true for a multicast or limited-broadcast address and for the local or broadcast
//   address of any address on any interface, whatever the incoming interface: one set.
// - AddNetworkRouteTo appends a route unless an equal one (LookupRoute: destination, mask,
//   gateway, interface, metric) is in the table: a set of those keys. The base class's own
//   code still adds every route (its NotifyAddAddress and NotifyInterfaceUp decide which):
//   it runs against an empty table, and what it appended is checked against the set and
//   moved to the end of the real table, as its scan would have done.
// Every change reaches one of the overrides below; an append updates the indexes, anything
// else has them rebuilt before the next lookup.

#include <ns3/boolean.h>
#include <ns3/ipv4-route.h>
#include <ns3/ipv4-routing-table-entry.h>
#include <ns3/ipv4.h>
#include <ns3/net-device.h>

#include <algorithm>
#include <functional>

using namespace ns3;

// The base class keeps its table private; a pointer to that member, formed in an explicit
// instantiation (where access is not checked, C++17 [temp.spec]/6), reaches it. Its type is
// spelled out here: if ns-3 changes it, this stops compiling rather than misbehaving.
namespace {
struct RoutesTag
{
    using type = vpnsim::FastStaticRouting::NetworkRoutes Ipv4StaticRouting::*;
    friend type routes_member(RoutesTag);
};
template <typename Tag, typename Tag::type M>
struct Reach
{
    friend typename Tag::type routes_member(Tag) { return M; }
};
template struct Reach<RoutesTag, &Ipv4StaticRouting::m_networkRoutes>;
} // namespace

namespace vpnsim {

NS_OBJECT_ENSURE_REGISTERED(FastStaticRouting);

TypeId FastStaticRouting::GetTypeId()
{
    static TypeId tid = TypeId("vpnsim::FastStaticRouting")
                            .SetParent<Ipv4StaticRouting>()
                            .SetGroupName("Internet")
                            .AddConstructor<FastStaticRouting>();
    return tid;
}

// Ipv4Mask::GetPrefixLength: the number of left shifts until the mask is zero.
static int prefix_length(uint32_t m)
{
    return m ? 32 - __builtin_ctz(m) : 0;
}

static uint32_t mask_of(int len)
{
    return len ? ~0u << (32 - len) : 0;
}

size_t FastStaticRouting::KeyHash::operator()(const Key& k) const
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (uint32_t v : {k.dest, k.mask, k.gateway, k.iface, k.metric})
        h = (h ^ v) * 0x100000001b3ull;
    return (size_t)(h ^ (h >> 29));
}

FastStaticRouting::NetworkRoutes& FastStaticRouting::Routes()
{
    return this->*routes_member(RoutesTag{});
}

// A route appended at the end of the table, into the lookup index.
void FastStaticRouting::Index(const Ipv4RoutingTableEntry& r, uint32_t metric)
{
    m_gen++;
    uint32_t mask = r.GetDestNetworkMask().Get();
    int len = prefix_length(mask);
    if (mask != mask_of(len))
    {
        m_usable = false; // a non-contiguous mask: the base class answers
        return;
    }
    Hit h = {r.GetDest().Get(), r.GetGateway().Get(), r.GetInterface(), metric};
    uint32_t key = r.GetDestNetwork().Get() & mask;
    auto it = m_by_len[len].find(key);
    if (it == m_by_len[len].end())
    {
        if (m_by_len[len].empty())
        {
            m_lens.push_back(len);
            std::sort(m_lens.begin(), m_lens.end(), std::greater<int>());
        }
        m_by_len[len].emplace(key, h);
    }
    else if (len < 32 && metric <= it->second.metric)
        it->second = h; // the last of the lowest metric; a /32: the first
}

void FastStaticRouting::Rebuild()
{
    m_stale = false;
    m_gen++;
    m_usable = true;
    for (auto& m : m_by_len)
        m.clear();
    m_lens.clear();
    m_local.clear();
    if (!m_ip)
    {
        m_usable = false;
        return;
    }
    BooleanValue weak;
    m_ip->GetAttribute("WeakEsModel", weak);
    m_weak_es = weak.Get();
    for (uint32_t i = 0; i < m_ip->GetNInterfaces(); i++)
        for (uint32_t a = 0; a < m_ip->GetNAddresses(i); a++)
        {
            Ipv4InterfaceAddress ia = m_ip->GetAddress(i, a);
            m_local.insert(ia.GetLocal().Get());
            m_local.insert(ia.GetBroadcast().Get());
        }
    for (const auto& v : Routes())
        if (m_usable)
            Index(*v.first, v.second);
}

template <typename F>
void FastStaticRouting::Appending(F base_call)
{
    NetworkRoutes& routes = Routes();
    if (m_keys_stale)
    {
        m_keys.clear();
        for (const auto& v : routes)
        {
            const Ipv4RoutingTableEntry* e = v.first;
            m_keys.insert({e->GetDest().Get(), e->GetDestNetworkMask().Get(),
                           e->GetGateway().Get(), e->GetInterface(), v.second});
        }
        m_keys_stale = false;
    }
    NetworkRoutes table;
    table.swap(routes); // the base class adds to an empty table ...
    try
    {
        base_call();
    }
    catch (...)
    {
        table.splice(table.end(), routes);
        routes.swap(table);
        m_stale = m_keys_stale = true;
        throw;
    }
    // ... and what it added that the table held already goes again
    for (auto it = routes.begin(); it != routes.end();)
    {
        const Ipv4RoutingTableEntry* e = it->first;
        Key k = {e->GetDest().Get(), e->GetDestNetworkMask().Get(), e->GetGateway().Get(),
                 e->GetInterface(), it->second};
        if (!m_keys.insert(k).second)
        {
            delete it->first;
            it = routes.erase(it);
            continue;
        }
        if (!m_stale && m_usable)
            Index(*e, it->second);
        ++it;
    }
    table.splice(table.end(), routes);
    routes.swap(table);
}

bool FastStaticRouting::Lookup(Ipv4Address dest, Ptr<Ipv4Route>& out)
{
    if (m_stale)
        Rebuild();
    if (!m_usable || dest.IsLocalMulticast())
        return false;
    out = nullptr;
    uint32_t d = dest.Get();
    Recent& rc = m_recent[(d ^ (d >> 8) ^ (d >> 16)) & 15];
    if (rc.gen != m_gen || rc.dest != d)
    {
        rc = Recent{d, m_gen, false, {}, nullptr};
        for (int len : m_lens)
        {
            auto it = m_by_len[len].find(d & mask_of(len));
            if (it == m_by_len[len].end())
                continue;
            rc.found = true;
            rc.hit = it->second;
            break;
        }
        if (rc.found)
        {
            const Hit& h = rc.hit;
            rc.route = Create<Ipv4Route>();
            rc.route->SetDestination(Ipv4Address(h.dest));
            rc.route->SetSource(m_ip->SourceAddressSelection(h.iface, Ipv4Address(h.dest)));
            rc.route->SetGateway(Ipv4Address(h.gateway));
            rc.route->SetOutputDevice(m_ip->GetNetDevice(h.iface));
        }
    }
    out = rc.route;
    return true;
}

Ptr<Ipv4Route> FastStaticRouting::RouteOutput(Ptr<Packet> p, const Ipv4Header& header,
                                              Ptr<NetDevice> oif, Socket::SocketErrno& sockerr)
{
    Ptr<Ipv4Route> rt;
    if (oif || !Lookup(header.GetDestination(), rt))
        return Ipv4StaticRouting::RouteOutput(p, header, oif, sockerr);
    sockerr = rt ? Socket::ERROR_NOTERROR : Socket::ERROR_NOROUTETOHOST;
    return rt;
}

bool FastStaticRouting::RouteInput(Ptr<const Packet> p, const Ipv4Header& header,
                                   Ptr<const NetDevice> idev, UnicastForwardCallback ucb,
                                   MulticastForwardCallback mcb, LocalDeliverCallback lcb,
                                   ErrorCallback ecb)
{
    Ipv4Address dst = header.GetDestination();
    if (m_stale)
        Rebuild();
    if (!m_usable || !m_weak_es || dst.IsMulticast())
        return Ipv4StaticRouting::RouteInput(p, header, idev, ucb, mcb, lcb, ecb);
    uint32_t iif = m_ip->GetInterfaceForDevice(idev);
    if (dst.IsBroadcast() || m_local.count(dst.Get()))
    {
        if (lcb.IsNull())
            return false;
        lcb(p, header, iif);
        return true;
    }
    if (!m_ip->IsForwarding(iif))
    {
        ecb(p, header, Socket::ERROR_NOROUTETOHOST);
        return true;
    }
    Ptr<Ipv4Route> rt;
    if (!Lookup(dst, rt))
        return Ipv4StaticRouting::RouteInput(p, header, idev, ucb, mcb, lcb, ecb);
    if (!rt)
        return false;
    ucb(rt, p, header);
    return true;
}

void FastStaticRouting::NotifyInterfaceUp(uint32_t interface)
{
    m_gen++;
    Appending([&] { Ipv4StaticRouting::NotifyInterfaceUp(interface); });
}

void FastStaticRouting::NotifyInterfaceDown(uint32_t interface)
{
    m_stale = m_keys_stale = true;
    Ipv4StaticRouting::NotifyInterfaceDown(interface);
}

void FastStaticRouting::NotifyAddAddress(uint32_t interface, Ipv4InterfaceAddress address)
{
    m_gen++; // a source address the kept routes chose may change
    if (!m_stale)
    {
        m_local.insert(address.GetLocal().Get());
        m_local.insert(address.GetBroadcast().Get());
    }
    Appending([&] { Ipv4StaticRouting::NotifyAddAddress(interface, address); });
}

void FastStaticRouting::NotifyRemoveAddress(uint32_t interface, Ipv4InterfaceAddress address)
{
    m_stale = m_keys_stale = true;
    Ipv4StaticRouting::NotifyRemoveAddress(interface, address);
}

void FastStaticRouting::SetIpv4(Ptr<Ipv4> ipv4)
{
    m_stale = m_keys_stale = true;
    m_ip = ipv4;
    Ipv4StaticRouting::SetIpv4(ipv4);
}

void FastStaticRouting::AddNetworkRouteTo(Ipv4Address network, Ipv4Mask mask, Ipv4Address next,
                                          uint32_t interface, uint32_t metric)
{
    Appending(
        [&] { Ipv4StaticRouting::AddNetworkRouteTo(network, mask, next, interface, metric); });
}

void FastStaticRouting::AddNetworkRouteTo(Ipv4Address network, Ipv4Mask mask,
                                          uint32_t interface, uint32_t metric)
{
    Appending([&] { Ipv4StaticRouting::AddNetworkRouteTo(network, mask, interface, metric); });
}

void FastStaticRouting::RemoveRoute(uint32_t i)
{
    m_stale = m_keys_stale = true;
    Ipv4StaticRouting::RemoveRoute(i);
}

void FastStaticRouting::DoDispose()
{
    m_ip = nullptr;
    for (auto& m : m_by_len)
        m.clear();
    m_local.clear();
    m_keys.clear();
    for (auto& r : m_recent)
        r = Recent{}; // the kept routes hold the output devices
    m_stale = m_keys_stale = true;
    Ipv4StaticRouting::DoDispose();
}

FastStaticRoutingHelper* FastStaticRoutingHelper::Copy() const
{
    return new FastStaticRoutingHelper(*this);
}

Ptr<Ipv4RoutingProtocol> FastStaticRoutingHelper::Create(Ptr<Node> node) const
{
    return CreateObject<FastStaticRouting>();
}

} // namespace vpnsim
// ---- end of indexed static routing ----


using namespace ns3;

// ---- TCP with a maximum segment size, as hosts' stacks have it ----
//
// ns-3's TCP (3.37) neither sends nor reads the MSS option (RFC 9293 3.7.1) and keeps
// the SegmentSize attribute (536 bytes by default) for the whole connection. A real host
// announces its interface MTU less 40 bytes in its SYN and sends no segment larger than
// the MSS its peer announced (less the 12 bytes of the timestamp option it carries), so a
// router or VPN device that lowers the MSS option of a SYN (MSS clamping) changes what the
// far host sends. VsTcpSocket is TcpSocketBase with that: its segment size is the MTU of
// the interface its route to the peer leaves by, less 52 (the MSS less the timestamp
// option), and drops to what a SYN or SYN-ACK from the peer announces; vs_tcp_mss_shim
// puts the MSS option into the SYNs the node's TCP sends. Hosts do no path MTU discovery
// (ns-3 has none): a packet too big for a tunnel further on is lost, as behind a PMTUD
// black hole, which is why Azure asks devices to clamp the MSS (facts 2.5).
namespace {
// The MTU a node's own TCP sees through a tunnel interface (net_tunnel_set_local_mtu):
// the data plane's tunnel MTU, while the interface itself takes whole packets for the
// data plane to check.
std::unordered_map<const NetDevice *, uint16_t> g_local_mtu;
} // namespace

namespace ns3 {
class VsTcpSocket : public TcpSocketBase {
public:
  static TypeId GetTypeId()
  {
    static TypeId tid = TypeId("ns3::VsTcpSocket")
                            .SetParent<TcpSocketBase>()
                            .SetGroupName("Internet")
                            .AddConstructor<VsTcpSocket>();
    return tid;
  }
  VsTcpSocket() = default;
  VsTcpSocket(const VsTcpSocket &o) : TcpSocketBase(o) {}
  // The segment size before the connection opens (CLOSED: allowed by SetSegSize).
  void SetOwnMss(uint16_t mss) { SetSegSize(PayloadFor(mss)); }
  // The MSS of the interface towards dst (RFC 9293 3.7.1: its MTU less 40), else 536.
  static uint16_t MssTowards(Ptr<Node> node, Ipv4Address dst)
  {
    Ptr<Ipv4> ip = node->GetObject<Ipv4>();
    Ipv4Header h;
    h.SetDestination(dst);
    h.SetProtocol(6);
    Socket::SocketErrno err;
    Ptr<Ipv4Route> r = ip && ip->GetRoutingProtocol()
                           ? ip->GetRoutingProtocol()->RouteOutput(nullptr, h, nullptr, err)
                           : nullptr;
    uint16_t mtu = r && r->GetOutputDevice() ? r->GetOutputDevice()->GetMtu() : 0;
    auto lm = r ? g_local_mtu.find(PeekPointer(r->GetOutputDevice())) : g_local_mtu.end();
    if (lm != g_local_mtu.end())
      mtu = std::min(mtu, lm->second);
    return mtu > 576 ? mtu - 40 : 536;
  }

protected:
  uint32_t PayloadFor(uint16_t mss) const
  {
    uint32_t opt = m_timestampEnabled ? 12 : 0; // timestamp option (10) and 2 NOPs
    return mss > opt + 64 ? mss - opt : 64;
  }
  void Lower(uint32_t size)
  {
    if (size < m_tcb->m_segmentSize) {
      m_tcb->m_segmentSize = size;
      m_txBuffer->SetSegmentSize(size);
    }
  }
  void DoForwardUp(Ptr<Packet> packet, const Address &from, const Address &to) override
  {
    TcpHeader h;
    uint16_t peer_mss = 0;
    if (packet->PeekHeader(h) && (h.GetFlags() & TcpHeader::SYN) && h.HasOption(TcpOption::MSS))
      peer_mss = DynamicCast<const TcpOptionMSS>(h.GetOption(TcpOption::MSS))->GetMSS();
    if (peer_mss && m_state != LISTEN)
      Lower(PayloadFor(peer_mss)); // SYN-ACK to our SYN (or a SYN crossing ours)
    m_pending_mss = m_state == LISTEN ? peer_mss : 0;
    m_pending_own = 0;
    if (m_state == LISTEN && InetSocketAddress::IsMatchingType(from))
      m_pending_own = MssTowards(m_node, InetSocketAddress::ConvertFrom(from).GetIpv4());
    TcpSocketBase::DoForwardUp(packet, from, to);
    m_pending_mss = m_pending_own = 0;
  }
  Ptr<TcpSocketBase> Fork() override
  {
    Ptr<VsTcpSocket> c = CopyObject<VsTcpSocket>(this);
    // The new connection: the MSS of its own route back to the peer, and no segment
    // larger than the MSS of the peer's SYN.
    if (m_pending_own) {
      c->m_tcb->m_segmentSize = PayloadFor(m_pending_own);
      c->m_txBuffer->SetSegmentSize(c->m_tcb->m_segmentSize);
    }
    if (m_pending_mss)
      c->Lower(PayloadFor(m_pending_mss));
    return c;
  }

private:
  uint16_t m_pending_mss = 0, m_pending_own = 0;
};
NS_OBJECT_ENSURE_REGISTERED(VsTcpSocket);
} // namespace ns3

namespace {

// A TCP socket of node n as TcpL4Protocol::CreateSocket makes one (the protocol's RTT
// estimator, congestion control and recovery types), but a VsTcpSocket, its segment size
// from the largest MTU of the node's interfaces (a listener's; see VsTcpSocket).
Ptr<Socket> vs_tcp_socket(Ptr<Node> node)
{
  Ptr<TcpL4Protocol> tcp = node->GetObject<TcpL4Protocol>();
  TypeIdValue rtt_t, cc_t, rec_t;
  tcp->GetAttribute("RttEstimatorType", rtt_t);
  tcp->GetAttribute("SocketType", cc_t);
  tcp->GetAttribute("RecoveryType", rec_t);
  ObjectFactory rf, cf, vf;
  rf.SetTypeId(rtt_t.Get());
  cf.SetTypeId(cc_t.Get());
  vf.SetTypeId(rec_t.Get());
  Ptr<VsTcpSocket> so = CreateObject<VsTcpSocket>();
  so->SetNode(node);
  so->SetTcp(tcp);
  so->SetRtt(rf.Create<RttEstimator>());
  so->SetCongestionControlAlgorithm(cf.Create<TcpCongestionOps>());
  so->SetRecoveryAlgorithm(vf.Create<TcpRecoveryOps>());
  tcp->AddSocket(so);
  Ptr<Ipv4> ip = node->GetObject<Ipv4>();
  uint16_t mtu = 0; // a connecting socket sets the MSS towards its peer before it connects
  for (uint32_t i = 1; ip && i < ip->GetNInterfaces(); i++)
    if (ip->IsUp(i) && ip->GetMtu(i) > mtu)
      mtu = ip->GetMtu(i);
  so->SetOwnMss(mtu > 576 ? mtu - 40 : 536);
  return so;
}

// Between the node's TCP and IPv4: a SYN leaves with the MSS option, its value the MTU of
// the interface it leaves by less 40 (RFC 9293 3.7.1: the IP and TCP headers).
struct MssShim {
  IpL4Protocol::DownTargetCallback down;
};

void vs_tcp_mss_shim(MssShim *m, Ptr<Packet> p, Ipv4Address src, Ipv4Address dst, uint8_t proto,
                     Ptr<Ipv4Route> route)
{
  TcpHeader h;
  if (proto == TcpL4Protocol::PROT_NUMBER && p->PeekHeader(h) &&
      (h.GetFlags() & TcpHeader::SYN) && !h.HasOption(TcpOption::MSS) && route &&
      route->GetOutputDevice()) {
    p->RemoveHeader(h);
    // The same header with the MSS option first (as Linux orders them) and ns-3's
    // end-of-list padding left to the serializer.
    TcpHeader o;
    o.SetSourcePort(h.GetSourcePort());
    o.SetDestinationPort(h.GetDestinationPort());
    o.SetSequenceNumber(h.GetSequenceNumber());
    o.SetAckNumber(h.GetAckNumber());
    o.SetFlags(h.GetFlags());
    o.SetWindowSize(h.GetWindowSize());
    o.SetUrgentPointer(h.GetUrgentPointer());
    Ptr<TcpOptionMSS> mss = CreateObject<TcpOptionMSS>();
    uint16_t mtu = route->GetOutputDevice()->GetMtu();
    auto lm = g_local_mtu.find(PeekPointer(route->GetOutputDevice()));
    if (lm != g_local_mtu.end())
      mtu = std::min(mtu, lm->second);
    mss->SetMSS(mtu > 576 ? mtu - 40 : 536);
    o.AppendOption(mss);
    for (const auto &opt : h.GetOptionList())
      if (opt->GetKind() != TcpOption::END)
        o.AppendOption(opt);
    // the checksum covers the pseudo header (RFC 9293 3.1); computed when it is enabled
    if (Node::ChecksumEnabled())
      o.EnableChecksums();
    o.InitializeChecksum(src, dst, proto);
    p->AddHeader(o);
  }
  m->down(p, src, dst, proto, route);
}

} // namespace

namespace {

// MRG32k3a (ns-3's generator) needs a seed in 1 .. m1-1, m1 = 4294967087.
constexpr uint64_t kMrgM1 = 4294967087ULL;
// Explicit random-stream numbers: ns-3 hands out automatic streams from a process-wide
// counter that never resets, so a second world in the same process would draw other
// numbers. Every random variable the wrapper creates gets an explicit stream instead.
constexpr int64_t kStreamsPerNode = 64;

class CEvent;
struct Tap {
  unsigned dirs;
  NetTapFn fn;
  void *user;
};

} // namespace

struct NetNode {
  NetWorld *w;
  std::string name;
  Ptr<Node> node;
  Ptr<Ipv4> ipv4;
  Ptr<vpnsim::FastStaticRouting> sr; // Ipv4StaticRouting, indexed (above)
  std::vector<NetRawSocket *> raws; // protocol sockets served by our own L4 handler
  std::vector<uint8_t> l4_protos;   // protocols our handler is registered for
  uint64_t drops[NET_DROP__COUNT] = {};
  uint64_t frags_tx = 0, frags_rx = 0; // IPv4 fragments sent and received
  bool frag_tx_hooked = false, frag_rx_hooked = false; // their traces connected (below)
  // The last IPv4 packet this node sent or forwarded: ns-3's ARP drop trace gives only the
  // payload, and its two causes (queue full, neighbour dead) are told apart by the entry
  // of the packet's next hop. ARP drops happen inside that same send.
  Ipv4Address out_src, out_dst;
  bool out_valid = false;
  std::unique_ptr<MssShim> mss_shim; // between the node's TCP and IPv4
};

struct NetDev {
  NetNode *n = nullptr;
  NetLink *link = nullptr;
  Ptr<NetDevice> dev;
  int32_t ifindex = -1;
  NetLinkType lt = NET_LINKTYPE_RAW_IPV4;
  bool ppp = false; // frames carry a 2-byte PPP header to strip
  std::vector<Tap> taps;
  bool tx_hooked = false, rx_hooked = false;
  int fd = -1; // live TAP (owned and closed by the FdNetDevice)
};

struct NetLink {
  NetWorld *w;
  std::vector<NetDev *> devs;
  bool up = true;
  double loss_rate = 0;
  std::vector<uint64_t> loss_index; // sorted
  uint64_t delivered = 0, lost = 0;
  Ptr<UniformRandomVariable> rng;
  bool ShouldLose();
};

struct NetUdpSocket {
  NetNode *n;
  Ptr<Socket> sock;
  NetUdpRxFn fn;
  void *user;
  uint16_t port = 0;
  int in_cb = 0;
  bool dead = false;
};

// Protocols ns-3 has no handler for (ESP) are received through our own IpL4Protocol, which
// sees packets after reassembly; protocols ns-3 handles itself (ICMP) through an ns-3 raw
// socket, which sees each fragment.
struct NetRawSocket {
  NetNode *n;
  Ptr<Socket> sock; // ns-3 raw socket path only
  NetRawRxFn fn;
  void *user;
  uint8_t proto;
  Ipv4Addr bound;
  int in_cb = 0;
  bool dead = false;
};

struct NetTcpSocket {
  NetNode *n;
  Ptr<Socket> sock;
  NetTcpCallbacks cbs{};
  void *user = nullptr;
  bool listener = false;
  bool connected = false;
  bool close_requested = false;
  bool fin_sent = false;
  std::vector<uint8_t> pending;
  size_t head = 0;
  int in_cb = 0;
  bool dead = false;
};

struct NetTunnel {
  NetNode *n;
  NetDev *dev;
  Ptr<VirtualNetDevice> vd;
  NetTunnelTxFn fn;
  void *user;
};

struct NetWorld {
  bool realtime = false;
  std::string last_error;
  std::vector<std::unique_ptr<NetNode>> nodes;
  std::map<std::string, NetNode *> by_name;
  std::vector<std::unique_ptr<NetLink>> links;
  std::vector<std::unique_ptr<NetDev>> devs;
  std::vector<std::unique_ptr<NetTunnel>> tunnels;
  std::unordered_set<NetUdpSocket *> udp;
  std::unordered_set<NetRawSocket *> raw;
  std::unordered_set<NetTcpSocket *> tcp;
  // Timer slots: an id is (generation << 32 | slot + 1), so a stale id never matches.
  struct Slot {
    CEvent *ev;
    uint32_t gen;
  };
  std::vector<Slot> slots;
  std::vector<uint32_t> free_slots;
  EventId stop_event;
  int64_t next_stream = 0;
  uint64_t next_mac = 1;
  uint32_t arp_pending = NET_ARP_PENDING_DEFAULT;
  NetDropFn drop_fn = nullptr;
  void *drop_user = nullptr;
  // Copy buffers, one per nesting depth: a C callback may send, which may call a tap.
  std::vector<std::vector<uint8_t>> bufs;
  size_t buf_depth = 0;
  bool fast_paths = false; // the fast paths bound in
  bool frag_rx_all = false; // every node counts the fragments it receives (see frag_hook_rx)

  void ReleaseSlot(uint32_t i)
  {
    slots[i].ev = nullptr;
    slots[i].gen++;
    free_slots.push_back(i);
  }
  Mac48Address NewMac()
  {
    // Locally administered unicast (02:...), numbered per world so that a world is
    // reproducible whatever ran before it in the process.
    uint8_t b[6] = {0x02, 0x00, (uint8_t)(next_mac >> 24), (uint8_t)(next_mac >> 16),
                    (uint8_t)(next_mac >> 8), (uint8_t)next_mac};
    next_mac++;
    Mac48Address m;
    m.CopyFrom(b);
    return m;
  }
};

static NetWorld *g_world;
// Node::ChecksumEnabled's answer (below, fast paths), -1: read ns-3's global value next time
static int g_checksum_enabled = -1;

namespace {

// A scratch buffer for the current callback depth.
class BufGuard
{
public:
  BufGuard(NetWorld *w, size_t n) : m_w(w)
  {
    if (w->bufs.size() <= w->buf_depth)
      w->bufs.resize(w->buf_depth + 1);
    m_buf = &w->bufs[w->buf_depth++];
    if (m_buf->size() < n)
      m_buf->resize(n);
  }
  ~BufGuard() { m_w->buf_depth--; }
  uint8_t *data() { return m_buf->data(); }

private:
  NetWorld *m_w;
  std::vector<uint8_t> *m_buf;
};

class CEvent : public EventImpl
{
public:
  CEvent(NetWorld *w, uint32_t slot, NetEventFn fn, void *user)
      : m_w(w), m_slot(slot), m_fn(fn), m_user(user)
  {
  }

protected:
  void Notify() override
  {
    m_w->ReleaseSlot(m_slot);
    m_fn(m_w, m_user);
  }

private:
  NetWorld *m_w;
  uint32_t m_slot;
  NetEventFn m_fn;
  void *m_user;
};

// The link's loss decision for every frame a receiver gets: down, index list, rate.
class NetLossModel : public ErrorModel
{
public:
  static TypeId GetTypeId()
  {
    static TypeId tid = TypeId("vpnsim::NetLossModel").SetParent<ErrorModel>().SetGroupName("Vpnsim");
    return tid;
  }
  NetLink *m_link = nullptr;

private:
  bool DoCorrupt(Ptr<Packet>) override { return m_link->ShouldLose(); }
  void DoReset() override {}
};

void set_error(NetWorld *w, const std::string &msg)
{
  if (w)
    w->last_error = msg;
}

#define GUARD_BEGIN try {
#define GUARD_END(w, ret)                                                                    \
  }                                                                                          \
  catch (const std::exception &e)                                                            \
  {                                                                                          \
    set_error((w), e.what());                                                                \
    return ret;                                                                              \
  }                                                                                          \
  catch (...)                                                                                \
  {                                                                                          \
    set_error((w), "unknown C++ exception");                                                 \
    return ret;                                                                              \
  }

void do_stop() { Simulator::Stop(); }

// ---- taps ----

void tap_deliver(NetDev *d, NetTapDir dir, Ptr<const Packet> p)
{
  NetWorld *w = d->n->w;
  uint32_t len = p->GetSize();
  BufGuard b(w, len);
  p->CopyData(b.data(), len);
  const uint8_t *f = b.data();
  size_t n = len;
  // RFC 1661 2: the PPP Protocol field, 0x0021 for IPv4, is the only framing ns-3 puts on
  // point-to-point links; the capture is LINKTYPE_RAW, so it goes.
  if (d->ppp && n >= 2 && f[0] == 0x00 && f[1] == 0x21) {
    f += 2;
    n -= 2;
  }
  int64_t now = Simulator::Now().GetNanoSeconds();
  for (size_t i = 0; i < d->taps.size(); i++) {
    const Tap t = d->taps[i];
    if (t.dirs & dir)
      t.fn(d, dir, now, f, n, t.user);
  }
}

void tap_tx(NetDev *d, Ptr<const Packet> p) { tap_deliver(d, NET_TAP_TX, p); }
void tap_rx(NetDev *d, Ptr<const Packet> p) { tap_deliver(d, NET_TAP_RX, p); }

// FdNetDevice has one trace with the whole Ethernet frame for both directions ("Sniffer"):
// a frame whose source address (IEEE 802.3 3.1.1: destination 6, source 6) is the
// device's own was sent by it.
void tap_fd_sniff(NetDev *d, Ptr<const Packet> p)
{
  uint8_t hdr[12];
  if (p->GetSize() < sizeof hdr)
    return;
  p->CopyData(hdr, sizeof hdr);
  uint8_t own[6];
  Mac48Address::ConvertFrom(d->dev->GetAddress()).CopyTo(own);
  tap_deliver(d, memcmp(hdr + 6, own, 6) == 0 ? NET_TAP_TX : NET_TAP_RX, p);
}

// ---- drops ----

void drop_note(NetNode *n, NetDropReason r, Ipv4Address src, Ipv4Address dst)
{
  n->drops[r]++;
  NetWorld *w = n->w;
  if (w->drop_fn) {
    NetDrop d{n, r, Ipv4Addr{src.Get()}, Ipv4Addr{dst.Get()}};
    w->drop_fn(&d, w->drop_user);
  }
}

void on_ip_drop(NetNode *n, const Ipv4Header &h, Ptr<const Packet>, Ipv4L3Protocol::DropReason why,
                Ptr<Ipv4>, uint32_t)
{
  NetDropReason r;
  switch (why) {
  case Ipv4L3Protocol::DROP_TTL_EXPIRED: r = NET_DROP_TTL_EXPIRED; break;
  case Ipv4L3Protocol::DROP_NO_ROUTE: r = NET_DROP_NO_ROUTE; break;
  case Ipv4L3Protocol::DROP_BAD_CHECKSUM: r = NET_DROP_BAD_CHECKSUM; break;
  case Ipv4L3Protocol::DROP_INTERFACE_DOWN: r = NET_DROP_INTERFACE_DOWN; break;
  case Ipv4L3Protocol::DROP_FRAGMENT_TIMEOUT: r = NET_DROP_FRAGMENT_TIMEOUT; break;
  case Ipv4L3Protocol::DROP_DUPLICATE: r = NET_DROP_DUPLICATE; break;
  case Ipv4L3Protocol::DROP_ROUTE_ERROR:
  default: r = NET_DROP_ROUTE_ERROR; break;
  }
  drop_note(n, r, h.GetSource(), h.GetDestination());
}

// ---- IPv4 fragments (net.fragments) ----
// Counted on Ipv4L3Protocol's "Tx" and "Rx" traces: each packet with its IPv4 header,
// fragments one by one (RFC 791 3.1: flags and fragment offset in octets 6-7; MF 0x2000,
// offset 0x1fff). Those traces cost every packet of every node something once connected:
// for "Tx" ns-3 copies the packet and serializes its header (CallTxTrace), "Rx" is a call
// (together about 5% of a bulk tunnel run, issue 23). So they are connected only where a
// fragment can pass, before it passes, and then stay connected:
// - "Tx" on a node from the first send that may leave as fragments: frag_watch sees every
//   packet just before SendRealOut gets it (SendOutgoing, UnicastForward, MulticastForward
//   fire there with the header and payload SendRealOut takes; the one other way in,
//   SendWithHeader, serves only raw sockets with IpHeaderInclude, which vpnsim never sets)
//   and hooks "Tx" when the header has MF or an offset already, or header and payload
//   exceed the outgoing MTU (SendRealOut fragments them).
// - "Rx" on every node from the first fragment any node sends (it arrives in a later
//   event), the first one a tunnel injects (net_tunnel_inject), and from the start in a
//   real-time world (a live TAP brings frames from outside).
// The counts are those of both traces connected from the start.
bool ip_is_fragment(Ptr<const Packet> p)
{
  uint8_t h[8];
  if (p->GetSize() < sizeof h)
    return false;
  p->CopyData(h, sizeof h);
  return (h[0] >> 4) == 4 && (((h[6] << 8) | h[7]) & 0x3fff) != 0;
}

void frag_hook_rx(NetWorld *w);

void on_ip_tx(NetNode *n, Ptr<const Packet> p, Ptr<Ipv4>, uint32_t)
{
  if (ip_is_fragment(p)) {
    n->frags_tx++;
    if (!n->w->frag_rx_all)
      frag_hook_rx(n->w);
  }
}

void on_ip_rx(NetNode *n, Ptr<const Packet> p, Ptr<Ipv4>, uint32_t)
{
  if (ip_is_fragment(p))
    n->frags_rx++;
}

void frag_hook_tx(NetNode *n)
{
  if (n->frag_tx_hooked)
    return;
  n->frag_tx_hooked = true;
  n->node->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
      "Tx", MakeBoundCallback(&on_ip_tx, n));
}

void frag_hook_rx_node(NetNode *n)
{
  if (n->frag_rx_hooked)
    return;
  n->frag_rx_hooked = true;
  n->node->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
      "Rx", MakeBoundCallback(&on_ip_rx, n));
}

void frag_hook_rx(NetWorld *w)
{
  w->frag_rx_all = true;
  for (auto &n : w->nodes)
    frag_hook_rx_node(n.get());
}

// A packet SendRealOut is about to get (payload p, header h, outgoing interface i).
void frag_watch(NetNode *n, const Ipv4Header &h, Ptr<const Packet> p, uint32_t i)
{
  if (n->frag_tx_hooked)
    return;
  if (!h.IsLastFragment() || h.GetFragmentOffset() != 0 || i >= n->ipv4->GetNInterfaces() ||
      p->GetSize() + h.GetSerializedSize() > n->ipv4->GetMtu(i))
    frag_hook_tx(n);
}

void on_ip_out(NetNode *n, const Ipv4Header &h, Ptr<const Packet> p, uint32_t i)
{
  frag_watch(n, h, p, i);
  n->out_src = h.GetSource();
  n->out_dst = h.GetDestination();
  n->out_valid = true;
}

// ArpL3Protocol "Drop": no room in the pending queue of a neighbour being resolved, or a
// neighbour whose resolution failed lately (ns-3 keeps it dead for DeadTimeout, 100 s).
void on_arp_drop(NetNode *n, Ptr<const Packet>)
{
  NetDropReason r = NET_DROP_ARP_QUEUE_FULL;
  Ipv4Address src, dst;
  if (n->out_valid) {
    src = n->out_src;
    dst = n->out_dst;
    Ipv4Header h;
    h.SetSource(src);
    h.SetDestination(dst);
    Socket::SocketErrno err;
    Ptr<Ipv4Route> rt = n->ipv4->GetRoutingProtocol()->RouteOutput(nullptr, h, nullptr, err);
    Ptr<Ipv4L3Protocol> l3 = n->node->GetObject<Ipv4L3Protocol>();
    int32_t i = rt ? l3->GetInterfaceForDevice(rt->GetOutputDevice()) : -1;
    Ptr<ArpCache> c = i >= 0 ? l3->GetInterface((uint32_t)i)->GetArpCache() : nullptr;
    Ipv4Address nh = rt && rt->GetGateway() != Ipv4Address::GetAny() ? rt->GetGateway() : dst;
    ArpCache::Entry *e = c ? c->Lookup(nh) : nullptr;
    if (e && e->IsDead())
      r = NET_DROP_ARP_UNREACHABLE;
  }
  drop_note(n, r, src, dst);
}

// ArpCache "Drop": the packets that waited for a neighbour that never answered (after
// MaxRetries requests); ns-3 puts the IPv4 header back on them for the trace.
void on_arp_cache_drop(NetNode *n, Ptr<const Packet> p)
{
  Ipv4Header h;
  if (p->GetSize() >= 20 && p->PeekHeader(h) == h.GetSerializedSize())
    drop_note(n, NET_DROP_ARP_NO_REPLY, h.GetSource(), h.GetDestination());
  else
    drop_note(n, NET_DROP_ARP_NO_REPLY, Ipv4Address::GetAny(), Ipv4Address::GetAny());
}

// A device queue's "Drop": the frame with its link header (RFC 1661 PPP, 2 bytes; or
// Ethernet II, 14 bytes); the IPv4 addresses when it carries IPv4.
void on_queue_drop(NetDev *d, Ptr<const Packet> p)
{
  Ipv4Address src, dst;
  Ptr<Packet> c = p->Copy();
  bool ip = false;
  if (d->ppp) {
    PppHeader ph;
    ip = c->GetSize() >= 2 + 20 && c->RemoveHeader(ph) == 2 && ph.GetProtocol() == 0x0021;
  } else if (d->lt == NET_LINKTYPE_ETHERNET) {
    EthernetHeader eh(false);
    ip = c->GetSize() >= 14 + 20 && c->RemoveHeader(eh) == 14 && eh.GetLengthType() == 0x0800;
  }
  Ipv4Header h;
  if (ip && c->PeekHeader(h) == h.GetSerializedSize()) {
    src = h.GetSource();
    dst = h.GetDestination();
  }
  drop_note(d->n, NET_DROP_QUEUE_FULL, src, dst);
}

void hook_queue(NetDev *d, Ptr<Queue<Packet>> q)
{
  q->TraceConnectWithoutContext("Drop", MakeBoundCallback(&on_queue_drop, d));
}

// ---- devices ----

NetDev *dev_attach(NetNode *n, NetLink *l, Ptr<NetDevice> dev, NetLinkType lt)
{
  auto d = std::make_unique<NetDev>();
  d->n = n;
  d->link = l;
  d->dev = dev;
  d->lt = lt;
  n->node->AddDevice(dev);
  d->ifindex = (int32_t)n->ipv4->AddInterface(dev);
  n->ipv4->SetUp(d->ifindex);
  // An Ethernet-like device resolves neighbours: a Linux-sized pending queue, and its
  // drops counted.
  Ptr<Ipv4L3Protocol> l3 = n->node->GetObject<Ipv4L3Protocol>();
  Ptr<ArpCache> cache = l3->GetInterface((uint32_t)d->ifindex)->GetArpCache();
  if (cache) {
    cache->SetAttribute("PendingQueueSize", UintegerValue(n->w->arp_pending));
    cache->TraceConnectWithoutContext("Drop", MakeBoundCallback(&on_arp_cache_drop, n));
  }
  NetDev *r = d.get();
  n->w->devs.push_back(std::move(d));
  if (l)
    l->devs.push_back(r);
  return r;
}

int64_t assign_stream(NetWorld *w) { return w->next_stream++; }

// ---- UDP ----

void udp_free_now(NetUdpSocket *s)
{
  s->sock->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
  s->sock->Close();
  s->n->w->udp.erase(s);
  delete s;
}

void udp_rx(NetUdpSocket *s, Ptr<Socket> sock)
{
  NetWorld *w = s->n->w;
  Address from;
  Ptr<Packet> p;
  s->in_cb++;
  while (!s->dead && (p = sock->RecvFrom(from))) {
    uint32_t len = p->GetSize();
    BufGuard b(w, len);
    p->CopyData(b.data(), len);
    InetSocketAddress ia = InetSocketAddress::ConvertFrom(from);
    s->fn(s, b.data(), len, Ipv4Addr{ia.GetIpv4().Get()}, ia.GetPort(), s->user);
  }
  if (--s->in_cb == 0 && s->dead)
    udp_free_now(s);
}

// ---- raw ----

void raw_free_now(NetRawSocket *s)
{
  if (s->sock) {
    s->sock->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    s->sock->Close();
  }
  s->n->w->raw.erase(s);
  delete s;
}

void raw_unlist(NetRawSocket *s)
{
  auto &v = s->n->raws;
  v.erase(std::remove(v.begin(), v.end(), s), v.end());
}

void raw_deliver(NetRawSocket *s, Ptr<Packet> p, const Ipv4Header &ip)
{
  NetWorld *w = s->n->w;
  uint32_t len = p->GetSize();
  BufGuard b(w, len);
  p->CopyData(b.data(), len);
  s->fn(s, b.data(), len, Ipv4Addr{ip.GetSource().Get()}, Ipv4Addr{ip.GetDestination().Get()},
        s->user);
}

void raw_rx(NetRawSocket *s, Ptr<Socket> sock)
{
  Address from;
  Ptr<Packet> p;
  s->in_cb++;
  while (!s->dead && (p = sock->RecvFrom(from))) {
    // ns-3 raw sockets hand up the packet with its IPv4 header.
    Ipv4Header ip;
    if (p->RemoveHeader(ip) == 0)
      continue;
    raw_deliver(s, p, ip);
  }
  if (--s->in_cb == 0 && s->dead)
    raw_free_now(s);
}

// The node's handler for a protocol ns-3 does not know: reassembled packets, every bound
// socket of that protocol gets its copy.
class NetProtoL4 : public IpL4Protocol
{
public:
  static TypeId GetTypeId()
  {
    static TypeId tid = TypeId("vpnsim::NetProtoL4").SetParent<IpL4Protocol>().SetGroupName("Vpnsim");
    return tid;
  }
  NetNode *m_node = nullptr;
  int m_proto = 0;
  int GetProtocolNumber() const override { return m_proto; }
  RxStatus Receive(Ptr<Packet> p, const Ipv4Header &ip, Ptr<Ipv4Interface>) override
  {
    // the receivers, taken first (a callback may close sockets); kept across packets so
    // that a packet costs no allocation
    std::vector<NetRawSocket *> snap;
    snap.swap(m_snap);
    snap.clear();
    for (NetRawSocket *s : m_node->raws)
      if (s->proto == m_proto && (s->bound.v == 0 || s->bound.v == ip.GetDestination().Get()))
        snap.push_back(s);
    for (NetRawSocket *s : snap)
      s->in_cb++;
    for (NetRawSocket *s : snap)
      if (!s->dead)
        raw_deliver(s, p, ip);
    for (NetRawSocket *s : snap)
      if (--s->in_cb == 0 && s->dead)
        raw_free_now(s);
    snap.swap(m_snap); // back for the next packet (a nested one took its own)
    // Nobody bound: dropped silently, as a gateway without a matching SA does (ns-3 would
    // otherwise answer with an ICMP *port* unreachable, which is wrong for ESP).
    return RX_OK;
  }
  RxStatus Receive(Ptr<Packet>, const Ipv6Header &, Ptr<Ipv6Interface>) override
  {
    return RX_ENDPOINT_UNREACH;
  }
  void SetDownTarget(DownTargetCallback cb) override { m_down = cb; }
  void SetDownTarget6(DownTargetCallback6 cb) override { m_down6 = cb; }
  DownTargetCallback GetDownTarget() const override { return m_down; }
  DownTargetCallback6 GetDownTarget6() const override { return m_down6; }

private:
  DownTargetCallback m_down;
  DownTargetCallback6 m_down6;
  std::vector<NetRawSocket *> m_snap; // Receive's list of receivers, reused
};

// ---- TCP ----

void tcp_setup(NetTcpSocket *s);

void tcp_detach(NetTcpSocket *s)
{
  Ptr<Socket> so = s->sock;
  so->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
  so->SetSendCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
  so->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                        MakeNullCallback<void, Ptr<Socket>>());
  so->SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(),
                         MakeNullCallback<void, Ptr<Socket>>());
  so->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address &>(),
                        MakeNullCallback<void, Ptr<Socket>, const Address &>());
}

void tcp_free_now(NetTcpSocket *s)
{
  tcp_detach(s);
  if (!s->fin_sent)
    s->sock->Close();
  s->n->w->tcp.erase(s);
  delete s;
}

// Run a C callback with the socket kept alive; free it afterwards if C asked to.
template <typename F> void tcp_call(NetTcpSocket *s, F f)
{
  s->in_cb++;
  f();
  if (--s->in_cb == 0 && s->dead)
    tcp_free_now(s);
}

void tcp_pump(NetTcpSocket *s)
{
  while (s->head < s->pending.size()) {
    uint32_t avail = s->sock->GetTxAvailable();
    if (avail == 0)
      break;
    size_t n = std::min<size_t>(avail, s->pending.size() - s->head);
    int rc = s->sock->Send(s->pending.data() + s->head, (uint32_t)n, 0);
    if (rc <= 0)
      break;
    s->head += (size_t)rc;
  }
  if (s->head == s->pending.size()) {
    s->pending.clear();
    s->head = 0;
  } else if (s->head > 65536 && s->head > s->pending.size() / 2) {
    s->pending.erase(s->pending.begin(), s->pending.begin() + (ptrdiff_t)s->head);
    s->head = 0;
  }
  if (s->close_requested && !s->fin_sent && s->pending.empty()) {
    s->fin_sent = true;
    s->sock->Close();
  }
}

void tcp_rx(NetTcpSocket *s, Ptr<Socket> sock)
{
  NetWorld *w = s->n->w;
  tcp_call(s, [&] {
    Ptr<Packet> p;
    while (!s->dead && (p = sock->Recv())) {
      uint32_t len = p->GetSize();
      if (len == 0)
        break;
      BufGuard b(w, len);
      p->CopyData(b.data(), len);
      if (s->cbs.data)
        s->cbs.data(s, b.data(), len, s->user);
    }
  });
}

void tcp_send_cb(NetTcpSocket *s, Ptr<Socket>, uint32_t) { tcp_pump(s); }

void tcp_connected(NetTcpSocket *s, Ptr<Socket>)
{
  s->connected = true;
  tcp_pump(s);
  tcp_call(s, [&] {
    if (s->cbs.connected)
      s->cbs.connected(s, s->user);
  });
}

void tcp_failed(NetTcpSocket *s, Ptr<Socket> so)
{
  set_error(s->n->w, "TCP connection failed (ns-3 errno " + std::to_string(so->GetErrno()) + ")");
  tcp_call(s, [&] {
    if (s->cbs.error)
      s->cbs.error(s, NET_ERR_STATE, s->user);
  });
}

void tcp_normal_close(NetTcpSocket *s, Ptr<Socket> so)
{
  tcp_rx(s, so); // anything still buffered comes before the end
  if (s->dead)
    return;
  tcp_call(s, [&] {
    if (s->cbs.closed)
      s->cbs.closed(s, s->user);
  });
}

void tcp_error_close(NetTcpSocket *s, Ptr<Socket> so)
{
  set_error(s->n->w, "TCP connection reset or timed out (ns-3 errno " +
                         std::to_string(so->GetErrno()) + ")");
  tcp_call(s, [&] {
    if (s->cbs.error)
      s->cbs.error(s, NET_ERR_STATE, s->user);
  });
}

bool tcp_accept_req(NetTcpSocket *, Ptr<Socket>, const Address &) { return true; }

// A socket of ours over an ns-3 one, listed in its world.
static NetTcpSocket *tcp_socket_new(NetNode *n, Ptr<Socket> so, const NetTcpCallbacks *cbs,
                                    void *user)
{
  auto *s = new NetTcpSocket();
  s->n = n;
  s->sock = so;
  s->cbs = *cbs;
  s->user = user;
  n->w->tcp.insert(s);
  return s;
}

void tcp_accepted(NetTcpSocket *l, Ptr<Socket> child, const Address &)
{
  NetTcpSocket *c = tcp_socket_new(l->n, child, &l->cbs, l->user);
  c->connected = true;
  tcp_setup(c);
  tcp_call(l, [&] {
    if (l->cbs.accepted)
      l->cbs.accepted(l, c, l->user);
  });
}

void tcp_setup(NetTcpSocket *s)
{
  s->sock->SetRecvCallback(MakeBoundCallback(&tcp_rx, s));
  s->sock->SetSendCallback(MakeBoundCallback(&tcp_send_cb, s));
  s->sock->SetCloseCallbacks(MakeBoundCallback(&tcp_normal_close, s),
                             MakeBoundCallback(&tcp_error_close, s));
}

// ---- tunnels ----

bool tun_tx(NetTunnel *t, Ptr<Packet> p, const Address &, const Address &, uint16_t proto)
{
  if (proto != 0x0800)
    return false;
  NetWorld *w = t->n->w;
  uint32_t len = p->GetSize();
  BufGuard b(w, len);
  p->CopyData(b.data(), len);
  t->fn(t, b.data(), len, t->user);
  return true;
}

} // namespace

bool NetLink::ShouldLose()
{
  uint64_t i = delivered++;
  bool lose = !up;
  if (loss_rate > 0 && rng->GetValue() < loss_rate) // drawn for every frame: stable stream
    lose = true;
  if (!loss_index.empty() && std::binary_search(loss_index.begin(), loss_index.end(), i))
    lose = true;
  if (lose)
    lost++;
  return lose;
}

// ======================================================================================
extern "C" {

const char *net_status_name(NetStatus s)
{
  switch (s) {
  case NET_OK: return "ok";
  case NET_ERR_INVALID: return "invalid";
  case NET_ERR_EXISTS: return "exists";
  case NET_ERR_NOT_FOUND: return "not-found";
  case NET_ERR_STATE: return "state";
  case NET_ERR_NOBUFS: return "nobufs";
  case NET_ERR_SYSTEM: return "system";
  case NET_ERR_INTERNAL: return "internal";
  }
  return "<unknown>";
}

const char *net_world_last_error(const NetWorld *w) { return w ? w->last_error.c_str() : ""; }

NetWorld *net_world_new(uint64_t seed)
{
  NetWorldOptions o{};
  o.seed = seed;
  return net_world_new_ex(&o);
}

NetWorld *net_world_new_ex(const NetWorldOptions *opt)
{
  if (!opt || g_world)
    return nullptr;
  GUARD_BEGIN
  auto w = std::make_unique<NetWorld>();
  w->realtime = opt->realtime;
  w->arp_pending = opt->arp_pending ? opt->arp_pending : NET_ARP_PENDING_DEFAULT;
  GlobalValue::Bind("SimulatorImplementationType",
                    StringValue(opt->realtime ? "ns3::RealtimeSimulatorImpl"
                                              : "ns3::DefaultSimulatorImpl"));
  GlobalValue::Bind("ChecksumEnabled", BooleanValue(!opt->no_checksums));
  g_checksum_enabled = -1; // the one place vpnsim binds it: Node::ChecksumEnabled reads it anew
  RngSeedManager::SetSeed((uint32_t)(opt->seed % (kMrgM1 - 1)) + 1);
  RngSeedManager::SetRun(opt->seed);
  Simulator::Now(); // instantiate the simulator with the settings above
  w->fast_paths = net_fast_paths_active();
  g_world = w.release();
  return g_world;
  GUARD_END(nullptr, nullptr)
}

void net_world_free(NetWorld *w)
{
  if (!w)
    return;
  try {
    for (auto &t : w->tunnels)
      g_local_mtu.erase(PeekPointer(t->vd));
    for (auto *s : std::vector<NetUdpSocket *>(w->udp.begin(), w->udp.end()))
      udp_free_now(s);
    for (auto *s : std::vector<NetRawSocket *>(w->raw.begin(), w->raw.end())) {
      raw_unlist(s);
      raw_free_now(s);
    }
    for (auto *s : std::vector<NetTcpSocket *>(w->tcp.begin(), w->tcp.end())) {
      tcp_detach(s);
      delete s;
    }
    w->tcp.clear();
    Simulator::Destroy();
  } catch (...) {
  }
  // A live TAP's descriptor belongs to its FdNetDevice, which closes it on dispose
  // (checked with strace: a second close here failed with EBADF), so nothing to do.
  if (g_world == w)
    g_world = nullptr;
  delete w;
}

NetStatus net_world_run_until(NetWorld *w, int64_t t_ns)
{
  if (!w)
    return NET_ERR_INVALID;
  GUARD_BEGIN
  int64_t now = Simulator::Now().GetNanoSeconds();
  if (t_ns < now)
    return NET_ERR_INVALID;
  w->stop_event = Simulator::Schedule(NanoSeconds(t_ns - now), &do_stop);
  Simulator::Run();
  Simulator::Cancel(w->stop_event);
  return NET_OK;
  GUARD_END(w, NET_ERR_INTERNAL)
}

NetStatus net_world_run(NetWorld *w)
{
  if (!w)
    return NET_ERR_INVALID;
  GUARD_BEGIN
  Simulator::Run();
  return NET_OK;
  GUARD_END(w, NET_ERR_INTERNAL)
}

void net_world_stop(NetWorld *w)
{
  if (!w)
    return;
  try {
    Simulator::Stop();
  } catch (...) {
  }
}

int64_t net_world_now(const NetWorld *w)
{
  if (!w)
    return 0;
  try {
    return Simulator::Now().GetNanoSeconds();
  } catch (...) {
    return 0;
  }
}

NetEventId net_schedule(NetWorld *w, int64_t delay_ns, NetEventFn fn, void *user)
{
  if (!w || !fn || delay_ns < 0)
    return 0;
  GUARD_BEGIN
  uint32_t i;
  if (!w->free_slots.empty()) {
    i = w->free_slots.back();
    w->free_slots.pop_back();
  } else {
    i = (uint32_t)w->slots.size();
    w->slots.push_back({nullptr, 1});
  }
  Ptr<CEvent> ev = Create<CEvent>(w, i, fn, user);
  w->slots[i].ev = PeekPointer(ev);
  Simulator::Schedule(NanoSeconds(delay_ns), Ptr<EventImpl>(ev));
  return ((uint64_t)w->slots[i].gen << 32) | (i + 1);
  GUARD_END(w, 0)
}

bool net_cancel(NetWorld *w, NetEventId id)
{
  if (!w || id == 0)
    return false;
  uint32_t i = (uint32_t)(id & 0xffffffffu) - 1;
  uint32_t gen = (uint32_t)(id >> 32);
  if (i >= w->slots.size() || w->slots[i].gen != gen || !w->slots[i].ev)
    return false;
  w->slots[i].ev->Cancel(); // the scheduler skips it and frees it at its time
  w->ReleaseSlot(i);
  return true;
}

NetNode *net_node_new(NetWorld *w, const char *name)
{
  if (!w || !name || !*name || w->by_name.count(name))
    return nullptr;
  GUARD_BEGIN
  auto n = std::make_unique<NetNode>();
  n->w = w;
  n->name = name;
  n->node = CreateObject<Node>();
  InternetStackHelper stack;
  vpnsim::FastStaticRoutingHelper sr;
  stack.SetRoutingHelper(sr);
  stack.SetIpv6StackInstall(false);
  stack.Install(n->node);
  int64_t base = (int64_t)w->nodes.size() * kStreamsPerNode + (1 << 20);
  stack.AssignStreams(NodeContainer(n->node), base);
  n->ipv4 = n->node->GetObject<Ipv4>();
  n->sr = DynamicCast<vpnsim::FastStaticRouting>(n->ipv4->GetRoutingProtocol());
  NetNode *r = n.get();
  Ptr<Ipv4L3Protocol> l3 = n->node->GetObject<Ipv4L3Protocol>();
  l3->TraceConnectWithoutContext("Drop", MakeBoundCallback(&on_ip_drop, r));
  l3->TraceConnectWithoutContext("SendOutgoing", MakeBoundCallback(&on_ip_out, r));
  l3->TraceConnectWithoutContext("UnicastForward", MakeBoundCallback(&on_ip_out, r));
  l3->TraceConnectWithoutContext("MulticastForward", MakeBoundCallback(&frag_watch, r));
  if (w->realtime) // frames from outside: fragments may arrive from the start
    frag_hook_tx(r);
  if (w->realtime || w->frag_rx_all)
    frag_hook_rx_node(r);
  Ptr<ArpL3Protocol> arp = n->node->GetObject<ArpL3Protocol>();
  arp->TraceConnectWithoutContext("Drop", MakeBoundCallback(&on_arp_drop, r));
  {
    Ptr<TcpL4Protocol> tcp = n->node->GetObject<TcpL4Protocol>();
    n->mss_shim = std::make_unique<MssShim>();
    n->mss_shim->down = tcp->GetDownTarget();
    tcp->SetDownTarget(MakeBoundCallback(&vs_tcp_mss_shim, n->mss_shim.get()));
  }
  // Linux sends the first ARP request of an unresolved neighbour at once (neigh_probe);
  // ns-3 waits a random 0..10 ms ("RequestJitter"), during which a fast flow fills the
  // pending queue.
  arp->SetAttribute("RequestJitter", StringValue("ns3::ConstantRandomVariable[Constant=0.0]"));
  w->by_name[r->name] = r;
  w->nodes.push_back(std::move(n));
  return r;
  GUARD_END(w, nullptr)
}

NetNode *net_node_find(NetWorld *w, const char *name)
{
  if (!w || !name)
    return nullptr;
  auto it = w->by_name.find(name);
  return it == w->by_name.end() ? nullptr : it->second;
}

const char *net_node_name(const NetNode *n) { return n ? n->name.c_str() : nullptr; }
NetWorld *net_node_world(const NetNode *n) { return n ? n->w : nullptr; }
size_t net_world_n_nodes(const NetWorld *w) { return w ? w->nodes.size() : 0; }
NetNode *net_world_node(NetWorld *w, size_t i)
{
  return w && i < w->nodes.size() ? w->nodes[i].get() : nullptr;
}

NAME_TABLE(net_drop_reason_names, "stack drop reason", {NET_DROP_ARP_QUEUE_FULL, "arp_queue_full"},
           {NET_DROP_ARP_NO_REPLY, "arp_no_reply"}, {NET_DROP_ARP_UNREACHABLE, "arp_unreachable"},
           {NET_DROP_TTL_EXPIRED, "ttl_expired"}, {NET_DROP_NO_ROUTE, "no_route"},
           {NET_DROP_BAD_CHECKSUM, "bad_checksum"}, {NET_DROP_INTERFACE_DOWN, "interface_down"},
           {NET_DROP_ROUTE_ERROR, "route_error"}, {NET_DROP_FRAGMENT_TIMEOUT, "fragment_timeout"},
           {NET_DROP_DUPLICATE, "duplicate"}, {NET_DROP_QUEUE_FULL, "queue_full"});

void net_world_set_drop_fn(NetWorld *w, NetDropFn fn, void *user)
{
  if (!w)
    return;
  w->drop_fn = fn;
  w->drop_user = user;
}

uint64_t net_node_drops(const NetNode *n, NetDropReason r)
{
  return n && (unsigned)r < NET_DROP__COUNT ? n->drops[r] : 0;
}

uint64_t net_node_fragments(const NetNode *n, bool sent)
{
  return !n ? 0 : sent ? n->frags_tx : n->frags_rx;
}

static NetLink *link_new(NetWorld *w, const NetLinkConfig *cfg)
{
  auto l = std::make_unique<NetLink>();
  l->w = w;
  l->loss_rate = cfg->loss_rate;
  if (cfg->n_loss_index)
    l->loss_index.assign(cfg->loss_index, cfg->loss_index + cfg->n_loss_index);
  std::sort(l->loss_index.begin(), l->loss_index.end());
  l->rng = CreateObject<UniformRandomVariable>();
  l->rng->SetStream(assign_stream(w));
  NetLink *r = l.get();
  w->links.push_back(std::move(l));
  return r;
}

static bool link_cfg_ok(const NetLinkConfig *cfg)
{
  return cfg && cfg->delay_ns >= 0 && cfg->loss_rate >= 0 && cfg->loss_rate <= 1 &&
         (cfg->n_loss_index == 0 || cfg->loss_index) && (cfg->mtu == 0 || cfg->mtu >= 68);
}

// What a point-to-point and a CSMA device share: a MAC, the MTU, a drop-tail queue of the
// link's length (its drops are hooked by the caller) and the link's loss model.
extern "C++" { // templates, inside the extern "C" entry points
template <class Dev>
static Ptr<DropTailQueue<Packet>> dev_setup(NetWorld *w, NetLink *l, Ptr<Dev> d,
                                             const NetLinkConfig *cfg)
{
  d->SetAddress(w->NewMac());
  d->SetMtu(cfg->mtu ? cfg->mtu : 1500);
  Ptr<DropTailQueue<Packet>> q = CreateObject<DropTailQueue<Packet>>();
  q->SetMaxSize(QueueSize(QueueSizeUnit::PACKETS, cfg->queue_packets ? cfg->queue_packets : 100));
  d->SetQueue(q);
  Ptr<NetLossModel> em = CreateObject<NetLossModel>();
  em->m_link = l;
  d->SetReceiveErrorModel(em);
  return q;
}
}

NetLink *net_link_p2p_new(NetWorld *w, NetNode *a, NetNode *b, const NetLinkConfig *cfg)
{
  if (!w || !a || !b || a == b || !link_cfg_ok(cfg))
    return nullptr;
  GUARD_BEGIN
  NetLink *l = link_new(w, cfg);
  Ptr<PointToPointChannel> ch = CreateObject<PointToPointChannel>();
  ch->SetAttribute("Delay", TimeValue(NanoSeconds(cfg->delay_ns)));
  NetNode *ends[2] = {a, b};
  for (NetNode *n : ends) {
    Ptr<PointToPointNetDevice> d = CreateObject<PointToPointNetDevice>();
    d->SetDataRate(DataRate(cfg->rate_bps ? cfg->rate_bps : 1000000000ULL));
    Ptr<DropTailQueue<Packet>> q = dev_setup(w, l, d, cfg);
    NetDev *nd = dev_attach(n, l, d, NET_LINKTYPE_RAW_IPV4);
    nd->ppp = true;
    hook_queue(nd, q);
    d->Attach(ch);
  }
  return l;
  GUARD_END(w, nullptr)
}

NetLink *net_link_csma_new(NetWorld *w, NetNode *const *nodes, size_t n, const NetLinkConfig *cfg)
{
  if (!w || !nodes || n < 2 || !link_cfg_ok(cfg))
    return nullptr;
  for (size_t i = 0; i < n; i++)
    if (!nodes[i])
      return nullptr;
  GUARD_BEGIN
  NetLink *l = link_new(w, cfg);
  Ptr<CsmaChannel> ch = CreateObject<CsmaChannel>();
  ch->SetAttribute("DataRate",
                   DataRateValue(DataRate(cfg->rate_bps ? cfg->rate_bps : 1000000000ULL)));
  ch->SetAttribute("Delay", TimeValue(NanoSeconds(cfg->delay_ns)));
  for (size_t i = 0; i < n; i++) {
    Ptr<CsmaNetDevice> d = CreateObject<CsmaNetDevice>();
    Ptr<DropTailQueue<Packet>> q = dev_setup(w, l, d, cfg);
    d->Attach(ch);
    // CSMA backoff draws random numbers: give it an explicit stream too.
    d->AssignStreams(assign_stream(w));
    w->next_stream += 4;
    hook_queue(dev_attach(nodes[i], l, d, NET_LINKTYPE_ETHERNET), q);
  }
  return l;
  GUARD_END(w, nullptr)
}

size_t net_link_n_devs(const NetLink *l) { return l ? l->devs.size() : 0; }
NetDev *net_link_dev(NetLink *l, size_t i) { return l && i < l->devs.size() ? l->devs[i] : nullptr; }
void net_link_set_up(NetLink *l, bool up)
{
  if (l)
    l->up = up;
}
bool net_link_is_up(const NetLink *l) { return l && l->up; }
uint64_t net_link_lost(const NetLink *l) { return l ? l->lost : 0; }

NetLinkType net_dev_linktype(const NetDev *d) { return d ? d->lt : NET_LINKTYPE_RAW_IPV4; }
NetNode *net_dev_node(const NetDev *d) { return d ? d->n : nullptr; }

NetStatus net_dev_add_address(NetDev *d, Ipv4Addr addr, unsigned plen)
{
  if (!d || plen > 32)
    return NET_ERR_INVALID;
  NetWorld *w = d->n->w;
  GUARD_BEGIN
  Ipv4InterfaceAddress ia(Ipv4Address(addr.v), Ipv4Mask(ipv4_mask(plen)));
  if (!d->n->ipv4->AddAddress(d->ifindex, ia))
    return NET_ERR_STATE;
  return NET_OK;
  GUARD_END(w, NET_ERR_INTERNAL)
}

Ipv4Addr net_dev_address(const NetDev *d)
{
  if (!d || d->n->ipv4->GetNAddresses(d->ifindex) == 0)
    return Ipv4Addr{0};
  return Ipv4Addr{d->n->ipv4->GetAddress(d->ifindex, 0).GetLocal().Get()};
}

NetStatus net_dev_tap_add(NetDev *d, unsigned dirs, NetTapFn fn, void *user)
{
  if (!d || !fn || dirs == 0 || (dirs & ~3u))
    return NET_ERR_INVALID;
  NetWorld *w = d->n->w;
  GUARD_BEGIN
  d->taps.push_back({dirs, fn, user});
  // Device traces, not ns-3's pcap helpers (see perf-limits: those cost 12.8 us a frame).
  // PhyTxBegin: the frame as it starts on the wire. Received intact: PhyRxEnd on
  // point-to-point (fires after the receive error model), MacRx elsewhere.
  bool is_virtual = DynamicCast<VirtualNetDevice>(d->dev) != nullptr;
  if (DynamicCast<FdNetDevice>(d->dev)) {
    if (!d->tx_hooked)
      d->tx_hooked = d->rx_hooked =
          d->dev->TraceConnectWithoutContext("Sniffer", MakeBoundCallback(&tap_fd_sniff, d));
    return d->tx_hooked ? NET_OK : NET_ERR_STATE;
  }
  if ((dirs & NET_TAP_TX) && !d->tx_hooked) {
    d->tx_hooked = d->dev->TraceConnectWithoutContext(is_virtual ? "MacTx" : "PhyTxBegin",
                                                      MakeBoundCallback(&tap_tx, d));
    if (!d->tx_hooked)
      return NET_ERR_STATE;
  }
  if ((dirs & NET_TAP_RX) && !d->rx_hooked) {
    const char *src = d->ppp ? "PhyRxEnd" : "MacRx";
    d->rx_hooked = d->dev->TraceConnectWithoutContext(src, MakeBoundCallback(&tap_rx, d));
    if (!d->rx_hooked)
      return NET_ERR_STATE;
  }
  return NET_OK;
  GUARD_END(w, NET_ERR_INTERNAL)
}

NetStatus net_route_add(NetNode *n, Ipv4Prefix dst, Ipv4Addr gw, NetDev *dev, uint32_t metric)
{
  if (!n || !dev || dev->n != n || dst.len > 32)
    return NET_ERR_INVALID;
  GUARD_BEGIN
  Ipv4Prefix p = ipv4_prefix_make(dst.addr, dst.len);
  if (gw.v == 0)
    n->sr->AddNetworkRouteTo(Ipv4Address(p.addr.v), Ipv4Mask(ipv4_mask(p.len)), dev->ifindex,
                             metric);
  else
    n->sr->AddNetworkRouteTo(Ipv4Address(p.addr.v), Ipv4Mask(ipv4_mask(p.len)),
                             Ipv4Address(gw.v), dev->ifindex, metric);
  return NET_OK;
  GUARD_END(n->w, NET_ERR_INTERNAL)
}

NetStatus net_route_remove(NetNode *n, Ipv4Prefix dst, Ipv4Addr gw, NetDev *dev)
{
  if (!n || !dev || dev->n != n || dst.len > 32)
    return NET_ERR_INVALID;
  GUARD_BEGIN
  Ipv4Prefix p = ipv4_prefix_make(dst.addr, dst.len);
  for (uint32_t i = 0; i < n->sr->GetNRoutes(); i++) {
    Ipv4RoutingTableEntry r = n->sr->GetRoute(i);
    if (r.GetDestNetwork().Get() == p.addr.v && r.GetDestNetworkMask().Get() == ipv4_mask(p.len) &&
        r.GetGateway().Get() == gw.v && (int32_t)r.GetInterface() == dev->ifindex) {
      n->sr->RemoveRoute(i);
      return NET_OK;
    }
  }
  return NET_ERR_NOT_FOUND;
  GUARD_END(n->w, NET_ERR_INTERNAL)
}

NetStatus net_route_default(NetNode *n, Ipv4Addr gw, NetDev *dev, uint32_t metric)
{
  return net_route_add(n, Ipv4Prefix{Ipv4Addr{0}, 0}, gw, dev, metric);
}

NetUdpSocket *net_udp_new(NetNode *n, Ipv4Addr addr, uint16_t port, NetUdpRxFn fn, void *user)
{
  if (!n || !fn)
    return nullptr;
  GUARD_BEGIN
  Ptr<Socket> so = Socket::CreateSocket(n->node, UdpSocketFactory::GetTypeId());
  if (so->Bind(InetSocketAddress(Ipv4Address(addr.v), port)) != 0) {
    set_error(n->w, "UDP bind failed");
    so->Close();
    return nullptr;
  }
  auto *s = new NetUdpSocket{n, so, fn, user};
  Address local;
  so->GetSockName(local);
  s->port = InetSocketAddress::ConvertFrom(local).GetPort();
  so->SetRecvCallback(MakeBoundCallback(&udp_rx, s));
  n->w->udp.insert(s);
  return s;
  GUARD_END(n->w, nullptr)
}

// A socket freed from inside its own receive callback is only marked: the callback frees it
// when it returns.
extern "C++" {
template <class S> static void sock_free_or_defer(S *s, void (*free_now)(S *))
{
  if (s->in_cb)
    s->dead = true;
  else
    free_now(s);
}
}

void net_udp_free(NetUdpSocket *s)
{
  if (!s)
    return;
  try {
    sock_free_or_defer(s, udp_free_now);
  } catch (...) {
  }
}

uint16_t net_udp_port(const NetUdpSocket *s) { return s ? s->port : 0; }

NetStatus net_udp_send_to(NetUdpSocket *s, const uint8_t *data, size_t len, Ipv4Addr dst,
                          uint16_t dport)
{
  if (!s || s->dead || (!data && len) || len > 65507)
    return NET_ERR_INVALID;
  GUARD_BEGIN
  Ptr<Packet> p = Create<Packet>(data, (uint32_t)len);
  if (s->sock->SendTo(p, 0, InetSocketAddress(Ipv4Address(dst.v), dport)) < 0)
    return NET_ERR_NOBUFS;
  return NET_OK;
  GUARD_END(s->n->w, NET_ERR_INTERNAL)
}

NetRawSocket *net_raw_new(NetNode *n, uint8_t proto, Ipv4Addr addr, NetRawRxFn fn, void *user)
{
  if (!n || !fn || proto == 6 || proto == 17)
    return nullptr;
  GUARD_BEGIN
  auto *s = new NetRawSocket{n, nullptr, fn, user, proto, addr};
  Ptr<Ipv4L3Protocol> l3 = n->node->GetObject<Ipv4L3Protocol>();
  bool ours = std::find(n->l4_protos.begin(), n->l4_protos.end(), proto) != n->l4_protos.end();
  if (!ours && l3->GetProtocol(proto)) {
    // ns-3 already handles it (ICMP): listen beside it with an ns-3 raw socket.
    Ptr<Socket> so = Socket::CreateSocket(n->node, Ipv4RawSocketFactory::GetTypeId());
    so->SetAttribute("Protocol", UintegerValue(proto));
    if (so->Bind(InetSocketAddress(Ipv4Address(addr.v), 0)) != 0) {
      so->Close();
      delete s;
      return nullptr;
    }
    s->sock = so;
    so->SetRecvCallback(MakeBoundCallback(&raw_rx, s));
  } else {
    if (!ours) {
      Ptr<NetProtoL4> h = CreateObject<NetProtoL4>();
      h->m_node = n;
      h->m_proto = proto;
      l3->Insert(h);
      n->l4_protos.push_back(proto);
    }
    n->raws.push_back(s);
  }
  n->w->raw.insert(s);
  return s;
  GUARD_END(n->w, nullptr)
}

void net_raw_free(NetRawSocket *s)
{
  if (!s)
    return;
  try {
    raw_unlist(s);
    sock_free_or_defer(s, raw_free_now);
  } catch (...) {
  }
}

NetStatus net_raw_send_to(NetRawSocket *s, const uint8_t *data, size_t len, Ipv4Addr dst)
{
  if (!s || s->dead || (!data && len) || len > 65515)
    return NET_ERR_INVALID;
  GUARD_BEGIN
  Ptr<Packet> p = Create<Packet>(data, (uint32_t)len);
  if (s->sock) {
    if (s->sock->SendTo(p, 0, InetSocketAddress(Ipv4Address(dst.v), 0)) < 0)
      return NET_ERR_NOBUFS;
    return NET_OK;
  }
  // Route first, as a raw socket does, to learn the source address when unbound.
  Ptr<Ipv4> ipv4 = s->n->ipv4;
  Ipv4Header h;
  h.SetDestination(Ipv4Address(dst.v));
  h.SetSource(Ipv4Address(s->bound.v));
  h.SetProtocol(s->proto);
  Socket::SocketErrno err;
  Ptr<Ipv4Route> route = ipv4->GetRoutingProtocol()->RouteOutput(p, h, nullptr, err);
  if (!route)
    return NET_ERR_NOBUFS;
  Ipv4Address src = s->bound.v ? Ipv4Address(s->bound.v) : route->GetSource();
  ipv4->Send(p, src, Ipv4Address(dst.v), s->proto, route);
  return NET_OK;
  GUARD_END(s->n->w, NET_ERR_INTERNAL)
}

NetTcpSocket *net_tcp_listen(NetNode *n, Ipv4Addr addr, uint16_t port, const NetTcpCallbacks *cbs,
                             void *user)
{
  if (!n || !cbs || port == 0)
    return nullptr;
  GUARD_BEGIN
  Ptr<Socket> so = vs_tcp_socket(n->node);
  if (so->Bind(InetSocketAddress(Ipv4Address(addr.v), port)) != 0 || so->Listen() != 0) {
    set_error(n->w, "TCP bind/listen failed");
    so->Close();
    return nullptr;
  }
  NetTcpSocket *s = tcp_socket_new(n, so, cbs, user);
  s->listener = true;
  so->SetAcceptCallback(MakeBoundCallback(&tcp_accept_req, s), MakeBoundCallback(&tcp_accepted, s));
  return s;
  GUARD_END(n->w, nullptr)
}

NetTcpSocket *net_tcp_connect(NetNode *n, Ipv4Addr dst, uint16_t dport, const NetTcpCallbacks *cbs,
                              void *user)
{
  if (!n || !cbs || dport == 0)
    return nullptr;
  GUARD_BEGIN
  Ptr<Socket> so = vs_tcp_socket(n->node);
  DynamicCast<VsTcpSocket>(so)->SetOwnMss(VsTcpSocket::MssTowards(n->node, Ipv4Address(dst.v)));
  if (so->Bind() != 0) {
    so->Close();
    return nullptr;
  }
  NetTcpSocket *s = tcp_socket_new(n, so, cbs, user);
  so->SetConnectCallback(MakeBoundCallback(&tcp_connected, s), MakeBoundCallback(&tcp_failed, s));
  tcp_setup(s);
  if (so->Connect(InetSocketAddress(Ipv4Address(dst.v), dport)) != 0) {
    set_error(n->w, "TCP connect failed");
    tcp_free_now(s);
    return nullptr;
  }
  return s;
  GUARD_END(n->w, nullptr)
}

void net_tcp_set_user(NetTcpSocket *s, void *user)
{
  if (s)
    s->user = user;
}

NetStatus net_tcp_send(NetTcpSocket *s, const uint8_t *data, size_t len)
{
  if (!s || s->listener || s->dead || (!data && len))
    return NET_ERR_INVALID;
  if (s->close_requested)
    return NET_ERR_STATE;
  GUARD_BEGIN
  s->pending.insert(s->pending.end(), data, data + len);
  if (s->connected)
    tcp_pump(s);
  return NET_OK;
  GUARD_END(s->n->w, NET_ERR_INTERNAL)
}

size_t net_tcp_pending(const NetTcpSocket *s) { return s ? s->pending.size() - s->head : 0; }

NetStatus net_tcp_close(NetTcpSocket *s)
{
  if (!s || s->dead)
    return NET_ERR_INVALID;
  GUARD_BEGIN
  s->close_requested = true;
  if (s->listener || s->connected)
    tcp_pump(s);
  return NET_OK;
  GUARD_END(s->n->w, NET_ERR_INTERNAL)
}

void net_tcp_free(NetTcpSocket *s)
{
  if (!s)
    return;
  try {
    if (s->in_cb)
      s->dead = true;
    else
      tcp_free_now(s);
  } catch (...) {
  }
}

bool net_tcp_peer(const NetTcpSocket *s, Ipv4Addr *addr, uint16_t *port)
{
  if (!s)
    return false;
  try {
    Address a;
    if (s->sock->GetPeerName(a) != 0)
      return false;
    InetSocketAddress ia = InetSocketAddress::ConvertFrom(a);
    if (addr)
      addr->v = ia.GetIpv4().Get();
    if (port)
      *port = ia.GetPort();
    return true;
  } catch (...) {
    return false;
  }
}

NetTunnel *net_tunnel_new(NetNode *n, Ipv4Addr addr, unsigned plen, uint32_t mtu,
                          NetTunnelTxFn fn, void *user)
{
  if (!n || !fn || plen > 32 || (mtu && mtu < 68))
    return nullptr;
  GUARD_BEGIN
  auto t = std::make_unique<NetTunnel>();
  t->n = n;
  t->fn = fn;
  t->user = user;
  t->vd = CreateObject<VirtualNetDevice>();
  t->vd->SetAddress(n->w->NewMac());
  t->vd->SetNeedsArp(false);
  t->vd->SetIsPointToPoint(true);
  t->vd->SetMtu(mtu ? mtu : 1400);
  t->vd->SetSendCallback(MakeBoundCallback(&tun_tx, t.get()));
  t->dev = dev_attach(n, nullptr, t->vd, NET_LINKTYPE_RAW_IPV4);
  if (addr.v && net_dev_add_address(t->dev, addr, plen) != NET_OK)
    return nullptr;
  NetTunnel *r = t.get();
  n->w->tunnels.push_back(std::move(t));
  return r;
  GUARD_END(n->w, nullptr)
}

NetDev *net_tunnel_dev(NetTunnel *t) { return t ? t->dev : nullptr; }

void net_tunnel_set_local_mtu(NetTunnel *t, uint32_t mtu)
{
  if (!t)
    return;
  if (mtu)
    g_local_mtu[PeekPointer(t->vd)] = (uint16_t)std::min<uint32_t>(mtu, 65535);
  else
    g_local_mtu.erase(PeekPointer(t->vd));
}

NetStatus net_tunnel_inject(NetTunnel *t, const uint8_t *packet, size_t len)
{
  if (!t || !packet)
    return NET_ERR_INVALID;
  // RFC 791 3.1: version 4, IHL >= 5 words, Total Length covers header and data. The
  // bytes come from a peer (a decrypted ESP payload): check before ns-3 parses them.
  if (len < 20 || (packet[0] >> 4) != 4 || (packet[0] & 0x0f) < 5 ||
      (size_t)(packet[0] & 0x0f) * 4 > len)
    return NET_ERR_INVALID;
  size_t total = ((size_t)packet[2] << 8) | packet[3];
  if (total < (size_t)(packet[0] & 0x0f) * 4 || total > len)
    return NET_ERR_INVALID;
  GUARD_BEGIN
  if (!t->n->w->frag_rx_all && ((((unsigned)packet[6] << 8) | packet[7]) & 0x3fff) != 0)
    frag_hook_rx(t->n->w); // a fragment arrives from the tunnel (see ip_is_fragment)
  Ptr<Packet> p = Create<Packet>(packet, (uint32_t)total);
  t->vd->Receive(p, 0x0800, t->vd->GetAddress(), t->vd->GetAddress(), NetDevice::PACKET_HOST);
  return NET_OK;
  GUARD_END(t->n->w, NET_ERR_INTERNAL)
}

NetDev *net_live_tap_new(NetNode *n, const char *ifname, NetStatus *status)
{
  NetStatus dummy;
  if (!status)
    status = &dummy;
  *status = NET_ERR_INVALID;
  if (!n || !ifname || !*ifname || strlen(ifname) >= IFNAMSIZ || !n->w->realtime)
    return nullptr;
  GUARD_BEGIN
  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    set_error(n->w, std::string("/dev/net/tun: ") + strerror(errno));
    *status = NET_ERR_SYSTEM;
    return nullptr;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  memcpy(ifr.ifr_name, ifname, strlen(ifname));
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    set_error(n->w, std::string("TUNSETIFF ") + ifname + ": " + strerror(errno));
    close(fd);
    *status = NET_ERR_SYSTEM;
    return nullptr;
  }
  Ptr<FdNetDevice> d = CreateObject<FdNetDevice>();
  d->SetAddress(n->w->NewMac());
  d->SetFileDescriptor(fd);
  NetDev *nd = dev_attach(n, nullptr, d, NET_LINKTYPE_ETHERNET);
  nd->fd = fd;
  *status = NET_OK;
  return nd;
  GUARD_END(n->w, nullptr)
}

// ---- TCP from a chosen local address (issue 15: BGP sessions over tunnels) ----

NetTcpSocket *net_tcp_connect_from(NetNode *n, Ipv4Addr src, Ipv4Addr dst, uint16_t dport,
                                   const NetTcpCallbacks *cbs, void *user)
{
  if (!n || !cbs || dport == 0)
    return nullptr;
  GUARD_BEGIN
  Ptr<Socket> so = vs_tcp_socket(n->node);
  DynamicCast<VsTcpSocket>(so)->SetOwnMss(VsTcpSocket::MssTowards(n->node, Ipv4Address(dst.v)));
  if (so->Bind(InetSocketAddress(Ipv4Address(src.v), 0)) != 0) {
    set_error(n->w, "TCP bind failed");
    so->Close();
    return nullptr;
  }
  auto *s = new NetTcpSocket();
  s->n = n;
  s->sock = so;
  s->cbs = *cbs;
  s->user = user;
  n->w->tcp.insert(s);
  so->SetConnectCallback(MakeBoundCallback(&tcp_connected, s), MakeBoundCallback(&tcp_failed, s));
  tcp_setup(s);
  /* TcpSocketBase::SetupEndpoint gives the connection the source the route to dst picks
   * (the first address of the interface, or one on-link with dst), whatever was bound.
   * When that is not src (two gateway instances' BGP addresses on one tunnel interface),
   * src is made the interface's first address for the call and the order put back: the
   * endpoint keeps src for the connection's life. */
  Ptr<Ipv4> ip = n->ipv4;
  int32_t oif = ip->GetInterfaceForAddress(Ipv4Address(src.v));
  std::vector<Ipv4InterfaceAddress> order;
  if (oif >= 0 && ip->GetRoutingProtocol()) {
    Ipv4Header h;
    h.SetDestination(Ipv4Address(dst.v));
    Socket::SocketErrno e;
    Ptr<Ipv4Route> rt = ip->GetRoutingProtocol()->RouteOutput(nullptr, h, nullptr, e);
    if (rt && rt->GetSource() != Ipv4Address(src.v) &&
        ip->GetInterfaceForDevice(rt->GetOutputDevice()) == oif) {
      while (ip->GetNAddresses(oif) > 0) {
        order.push_back(ip->GetAddress(oif, 0));
        ip->RemoveAddress(oif, 0);
      }
      for (const Ipv4InterfaceAddress &a : order)
        if (a.GetLocal() == Ipv4Address(src.v))
          ip->AddAddress(oif, a);
    }
  }
  int rc = so->Connect(InetSocketAddress(Ipv4Address(dst.v), dport));
  if (!order.empty()) {
    while (ip->GetNAddresses(oif) > 0)
      ip->RemoveAddress(oif, 0);
    for (const Ipv4InterfaceAddress &a : order)
      ip->AddAddress(oif, a);
  }
  if (rc != 0) {
    set_error(n->w, "TCP connect failed");
    tcp_free_now(s);
    return nullptr;
  }
  return s;
  GUARD_END(n->w, nullptr)
}

bool net_node_has_address(const NetNode *n, Ipv4Addr a)
{
  if (!n)
    return false;
  try {
    return n->ipv4->GetInterfaceForAddress(Ipv4Address(a.v)) >= 0;
  } catch (...) {
    return false;
  }
}

NetStatus net_dev_add_primary_address(NetDev *d, Ipv4Addr addr, unsigned plen)
{
  if (!d || plen > 32)
    return NET_ERR_INVALID;
  NetWorld *w = d->n->w;
  GUARD_BEGIN
  Ptr<Ipv4> ip = d->n->ipv4;
  std::vector<Ipv4InterfaceAddress> old;
  while (ip->GetNAddresses(d->ifindex) > 0) {
    old.push_back(ip->GetAddress(d->ifindex, 0));
    ip->RemoveAddress(d->ifindex, 0);
  }
  bool ok = ip->AddAddress(d->ifindex, Ipv4InterfaceAddress(Ipv4Address(addr.v), Ipv4Mask(ipv4_mask(plen))));
  for (const Ipv4InterfaceAddress &a : old)
    ip->AddAddress(d->ifindex, a);
  return ok ? NET_OK : NET_ERR_STATE;
  GUARD_END(w, NET_ERR_INTERNAL)
}

NetStatus net_dev_remove_address(NetDev *d, Ipv4Addr addr)
{
  if (!d)
    return NET_ERR_INVALID;
  NetWorld *w = d->n->w;
  GUARD_BEGIN
  Ptr<Ipv4> ip = d->n->ipv4;
  for (uint32_t i = 0; i < ip->GetNAddresses(d->ifindex); i++)
    if (ip->GetAddress(d->ifindex, i).GetLocal().Get() == addr.v)
      return ip->RemoveAddress(d->ifindex, i) ? NET_OK : NET_ERR_STATE;
  return NET_ERR_NOT_FOUND;
  GUARD_END(w, NET_ERR_INTERNAL)
}

} // extern "C"

// ---- fast paths (issue 23) ----
// Faster bodies for five ns-3 3.37 functions that dominate the per-packet profile of a tunnel
// run (issue 23), giving the same results bit for bit:
//
//   ns3::CRC32Calculate                    the Ethernet FCS of every CSMA frame: computed on
//                                          send and checked on receive whenever ChecksumEnabled
//                                          is on (vpnsim's default). ns-3 runs a byte-at-a-time
//                                          table loop: 35% of a tunnel run's samples.
//   ns3::Buffer::Iterator::CalculateIpChecksum   the UDP/TCP checksum (RFC 1071), ns-3 reading
//                                          one byte at a time through the zero-area test.
//   ns3::EthernetTrailer::CalcFcs, CheckFcs  the FCS of every CSMA frame, over a copy of the
//                                          frame in a buffer ns-3 allocates per call; here in
//                                          one kept buffer.
//   ns3::Node::ChecksumEnabled             asked by every IPv4, UDP and CSMA step of every
//                                          packet (about 15 times per tunnelled datagram);
//                                          ns-3 copies its global value out through an
//                                          attribute checker each time (two dynamic_casts,
//                                          2% of a tunnel run). The value is kept; vpnsim
//                                          binds it in net_world_new_ex only, which drops it.
//
// These definitions in the executable interpose on the shared library's (libns3-network calls
// both through its PLT, and the linker exports a symbol an executable defines that a shared
// library it links also has): the functions keep their names and signatures, so nothing else
// changes. net_fast_paths_active() tells whether the dynamic linker bound them here.
namespace {

// The reflected CRC-32 of IEEE 802.3 (polynomial 0xEDB88320), eight tables for slicing by 8.
using CrcTables = std::array<std::array<uint32_t, 256>, 8>;

constexpr CrcTables make_tables()
{
  CrcTables t{};
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++)
      c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; i++)
    for (int s = 1; s < 8; s++)
      t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
  return t;
}

constexpr CrcTables kCrc = make_tables();

uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
  while (n >= 8) {
    uint32_t a, b;
    memcpy(&a, p, 4);
    memcpy(&b, p + 4, 4);
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    a = __builtin_bswap32(a);
    b = __builtin_bswap32(b);
#endif
    a ^= crc;
    crc = kCrc[7][a & 0xff] ^ kCrc[6][(a >> 8) & 0xff] ^ kCrc[5][(a >> 16) & 0xff] ^
          kCrc[4][a >> 24] ^ kCrc[3][b & 0xff] ^ kCrc[2][(b >> 8) & 0xff] ^
          kCrc[1][(b >> 16) & 0xff] ^ kCrc[0][b >> 24];
    p += 8;
    n -= 8;
  }
  while (n--)
    crc = (crc >> 8) ^ kCrc[0][(crc ^ *p++) & 0xff];
  return crc;
}

// Folding with carry-less multiplication (Intel, "Fast CRC Computation for Generic
// Polynomials Using PCLMULQDQ Instruction", 2009; the reflected-domain constants k1..k5 and
// the Barrett pair of its appendix, as zlib's crc32_simd.c uses them). n >= 64, a multiple
// of 16; crc and the result are the running (not complemented) register.
__attribute__((target("pclmul,sse4.1"))) uint32_t crc32_clmul(uint32_t crc, const uint8_t *p,
                                                             size_t n)
{
  alignas(16) static const uint64_t k1k2[] = {0x0154442bd4, 0x01c6e41596};
  alignas(16) static const uint64_t k3k4[] = {0x01751997d0, 0x00ccaa009e};
  alignas(16) static const uint64_t k5k0[] = {0x0163cd6124, 0x0000000000};
  alignas(16) static const uint64_t poly[] = {0x01db710641, 0x01f7011641};
  __m128i x0, x1, x2, x3, x4, x5, x6, x7, x8, y5, y6, y7, y8;
  x1 = _mm_loadu_si128((const __m128i *)(p + 0x00));
  x2 = _mm_loadu_si128((const __m128i *)(p + 0x10));
  x3 = _mm_loadu_si128((const __m128i *)(p + 0x20));
  x4 = _mm_loadu_si128((const __m128i *)(p + 0x30));
  x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128((int)crc));
  x0 = _mm_load_si128((const __m128i *)k1k2);
  p += 64;
  n -= 64;
  while (n >= 64) { // four 128-bit lanes folded in parallel
    x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
    x6 = _mm_clmulepi64_si128(x2, x0, 0x00);
    x7 = _mm_clmulepi64_si128(x3, x0, 0x00);
    x8 = _mm_clmulepi64_si128(x4, x0, 0x00);
    x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
    x2 = _mm_clmulepi64_si128(x2, x0, 0x11);
    x3 = _mm_clmulepi64_si128(x3, x0, 0x11);
    x4 = _mm_clmulepi64_si128(x4, x0, 0x11);
    y5 = _mm_loadu_si128((const __m128i *)(p + 0x00));
    y6 = _mm_loadu_si128((const __m128i *)(p + 0x10));
    y7 = _mm_loadu_si128((const __m128i *)(p + 0x20));
    y8 = _mm_loadu_si128((const __m128i *)(p + 0x30));
    x1 = _mm_xor_si128(_mm_xor_si128(x1, x5), y5);
    x2 = _mm_xor_si128(_mm_xor_si128(x2, x6), y6);
    x3 = _mm_xor_si128(_mm_xor_si128(x3, x7), y7);
    x4 = _mm_xor_si128(_mm_xor_si128(x4, x8), y8);
    p += 64;
    n -= 64;
  }
  x0 = _mm_load_si128((const __m128i *)k3k4); // the four lanes into one
  x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
  x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
  x1 = _mm_xor_si128(_mm_xor_si128(x1, x2), x5);
  x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
  x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
  x1 = _mm_xor_si128(_mm_xor_si128(x1, x3), x5);
  x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
  x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
  x1 = _mm_xor_si128(_mm_xor_si128(x1, x4), x5);
  while (n >= 16) {
    x2 = _mm_loadu_si128((const __m128i *)p);
    x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
    x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
    x1 = _mm_xor_si128(_mm_xor_si128(x1, x2), x5);
    p += 16;
    n -= 16;
  }
  x2 = _mm_clmulepi64_si128(x1, x0, 0x10); // 128 bits to 64
  x3 = _mm_setr_epi32(~0, 0, ~0, 0);
  x1 = _mm_srli_si128(x1, 8);
  x1 = _mm_xor_si128(x1, x2);
  x0 = _mm_loadl_epi64((const __m128i *)k5k0);
  x2 = _mm_srli_si128(x1, 4);
  x1 = _mm_and_si128(x1, x3);
  x1 = _mm_clmulepi64_si128(x1, x0, 0x00);
  x1 = _mm_xor_si128(x1, x2);
  x0 = _mm_load_si128((const __m128i *)poly); // Barrett reduction to 32 bits
  x2 = _mm_and_si128(x1, x3);
  x2 = _mm_clmulepi64_si128(x2, x0, 0x10);
  x2 = _mm_and_si128(x2, x3);
  x2 = _mm_clmulepi64_si128(x2, x0, 0x00);
  x1 = _mm_xor_si128(x1, x2);
  return (uint32_t)_mm_extract_epi32(x1, 1);
}

bool have_clmul()
{
  static const bool have = [] {
    __builtin_cpu_init(); // may run before libgcc's constructor otherwise
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  }();
  return have;
}

uint32_t crc32_run(uint32_t crc, const uint8_t *p, size_t n)
{
  if (n >= 64 && have_clmul()) {
    size_t m = n & ~(size_t)15;
    crc = crc32_clmul(crc, p, m);
    p += m;
    n -= m;
  }
  return crc32_update(crc, p, n);
}

// The exact sum ns-3's loop forms, sum += ReadU16() (little-endian words from the start) with
// a last odd byte added as it is, over contiguous bytes whose first one is at an odd (high
// byte) or even (low byte) offset from the start of the checksummed range.
uint64_t word_sum(const uint8_t *p, size_t n, bool odd)
{
  uint64_t lo = 0, hi = 0;
  if (odd && n) {
    hi += (uint64_t)*p++ << 8;
    n--;
  }
  // Little-endian 64-bit loads, four words each: words 0 and 2 masked out to the 32-bit
  // lanes of one sum, words 1 and 3 of another, so the total is exact, not merely congruent
  // mod 0xffff. A lane gains at most 0xffff per load: 8,192 loads stay below 2^32, and the
  // lanes go into the 64-bit totals every 8,192 loads. Two loads at a time in 128-bit
  // vectors (GCC vector extensions: SSE2 on x86-64) where the byte order allows.
  const uint64_t m = 0x0000ffff0000ffffull;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  typedef uint64_t u64x2 __attribute__((vector_size(16)));
  while (n >= 16) {
    size_t k = n / 16 < 8192 ? n / 16 : 8192;
    u64x2 a = {0, 0}, b = {0, 0}, mm = {m, m};
    for (size_t i = 0; i < k; i++) {
      u64x2 v;
      memcpy(&v, p + 16 * i, 16);
      a += v & mm;
      b += (v >> 16) & mm;
    }
    for (int j = 0; j < 2; j++) {
      lo += (a[j] & 0xffffffffu) + (a[j] >> 32);
      hi += (b[j] & 0xffffffffu) + (b[j] >> 32);
    }
    p += 16 * k;
    n -= 16 * k;
  }
#endif
  while (n >= 8) {
    size_t k = n / 8 < 8192 ? n / 8 : 8192;
    uint64_t a = 0, b = 0;
    for (size_t i = 0; i < k; i++) {
      uint64_t v;
      memcpy(&v, p + 8 * i, 8);
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
      v = __builtin_bswap64(v);
#endif
      a += v & m;
      b += (v >> 16) & m;
    }
    lo += (a & 0xffffffffu) + (a >> 32);
    hi += (b & 0xffffffffu) + (b >> 32);
    p += 8 * k;
    n -= 8 * k;
  }
  while (n >= 4) {
    uint32_t v;
    memcpy(&v, p, 4);
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap32(v);
#endif
    lo += v & 0xffff;
    hi += v >> 16;
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    lo += (uint32_t)p[0] | (uint32_t)p[1] << 8;
    p += 2;
    n -= 2;
  }
  if (n)
    lo += *p;
  return lo + hi;
}

// The frame copy the FCS fast path computes over, grown to the largest frame seen.
uint8_t *fcs_scratch(uint32_t n)
{
  thread_local std::vector<uint8_t> b;
  if (b.size() < n)
    b.resize(n);
  return b.data();
}

} // namespace

namespace ns3 {

uint32_t CRC32Calculate(const uint8_t *data, int length)
{
  if (length <= 0)
    return 0;
  return ~crc32_run(0xffffffffu, data, (size_t)length);
}

uint16_t Buffer::Iterator::CalculateIpChecksum(uint16_t size, uint32_t initialChecksum)
{
  // ns-3 3.37 (buffer.cc): for each of size/2 words sum += ReadU16(), then a last odd byte
  // sum += ReadU8(), in a uint32_t; fold; complement. The iterator ends size bytes further.
  // Virtual positions [m_zeroStart, m_zeroEnd) read as zeros; positions from m_zeroEnd on
  // are stored (m_zeroEnd - m_zeroStart) bytes earlier in m_data.
  uint64_t s = 0;
  uint32_t cur = m_current, end = m_current + size;
  if (cur < m_zeroStart) {
    uint32_t stop = end < m_zeroStart ? end : m_zeroStart;
    s += word_sum(m_data + cur, stop - cur, false);
    cur = stop;
  }
  if (cur < end && cur < m_zeroEnd)
    cur = end < m_zeroEnd ? end : m_zeroEnd;
  if (cur < end)
    s += word_sum(m_data + (cur - (m_zeroEnd - m_zeroStart)), end - cur,
                  ((cur - m_current) & 1) != 0);
  m_current = end;
  uint32_t sum = initialChecksum + (uint32_t)s;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

uint16_t Buffer::Iterator::CalculateIpChecksum(uint16_t size)
{
  return CalculateIpChecksum(size, 0);
}

// The FCS of a CSMA frame: ns-3 copies the frame into a buffer it allocates and frees per
// call (a malloc of a frame's size, large enough to make glibc consolidate its fast bins:
// about 3% of a tunnel run); here into one kept buffer. Same CRC, same m_fcs, same answer.
void EthernetTrailer::CalcFcs(Ptr<const Packet> p)
{
  if (!m_calcFcs)
    return;
  uint32_t len = p->GetSize();
  uint8_t *b = fcs_scratch(len);
  p->CopyData(b, len);
  m_fcs = CRC32Calculate(b, (int)len);
}

bool EthernetTrailer::CheckFcs(Ptr<const Packet> p) const
{
  if (!m_calcFcs)
    return true;
  uint32_t len = p->GetSize();
  uint8_t *b = fcs_scratch(len);
  p->CopyData(b, len);
  return m_fcs == CRC32Calculate(b, (int)len);
}

bool Node::ChecksumEnabled()
{
  if (g_checksum_enabled < 0) {
    BooleanValue v;
    GlobalValue::GetValueByName("ChecksumEnabled", v);
    g_checksum_enabled = v.Get() ? 1 : 0;
  }
  return g_checksum_enabled != 0;
}

} // namespace ns3

extern "C" uint32_t net_crc32(const uint8_t *data, size_t n)
{
  return ~crc32_run(0xffffffffu, data, n);
}

static const char kCalcFcs[] = "_ZN3ns315EthernetTrailer7CalcFcsENS_3PtrIKNS_6PacketEEE";
static const char kCheckFcs[] = "_ZNK3ns315EthernetTrailer8CheckFcsENS_3PtrIKNS_6PacketEEE";

extern "C" bool net_fast_paths_active(void)
{
  // The dynamic linker binds a name to the first definition in load order: these are active
  // when both names resolve into the object that holds this function (the executable).
  Dl_info self, crc, sum, cs;
  void *c = dlsym(RTLD_DEFAULT, "_ZN3ns314CRC32CalculateEPKhi");
  void *s = dlsym(RTLD_DEFAULT, "_ZN3ns36Buffer8Iterator19CalculateIpChecksumEtj");
  void *e = dlsym(RTLD_DEFAULT, "_ZN3ns34Node15ChecksumEnabledEv");
  void *f = dlsym(RTLD_DEFAULT, kCalcFcs), *k = dlsym(RTLD_DEFAULT, kCheckFcs);
  Dl_info fi, ki;
  return c && s && e && f && k && dladdr((void *)&net_fast_paths_active, &self) &&
         dladdr(c, &crc) && dladdr(s, &sum) && dladdr(e, &cs) && dladdr(f, &fi) &&
         dladdr(k, &ki) && crc.dli_fbase == self.dli_fbase && sum.dli_fbase == self.dli_fbase &&
         cs.dli_fbase == self.dli_fbase && fi.dli_fbase == self.dli_fbase &&
         ki.dli_fbase == self.dli_fbase;
}

// For tests: compare the bodies above with ns-3's own, looked up in libns3-network itself,
// on pseudo-random buffers (data before and after a zero area of random sizes, random start
// and length). Returns the number of mismatches, or -1 when ns-3's originals are not found.
extern "C" int net_fast_paths_selftest(uint64_t seed, int rounds)
{
  void *lib = dlopen("libns3-network.so.37", RTLD_NOW | RTLD_NOLOAD);
  if (!lib)
    return -1;
  auto ns3_crc = (uint32_t (*)(const uint8_t *, int))dlsym(lib, "_ZN3ns314CRC32CalculateEPKhi");
  // Itanium C++ ABI: a member function takes the object as its first argument.
  auto ns3_sum = (uint16_t (*)(ns3::Buffer::Iterator *, uint16_t, uint32_t))dlsym(
      lib, "_ZN3ns36Buffer8Iterator19CalculateIpChecksumEtj");
  auto ns3_cs = (bool (*)())dlsym(lib, "_ZN3ns34Node15ChecksumEnabledEv");
  auto ns3_calc = (void (*)(ns3::EthernetTrailer *, ns3::Ptr<const ns3::Packet>))dlsym(lib, kCalcFcs);
  auto ns3_check =
      (bool (*)(const ns3::EthernetTrailer *, ns3::Ptr<const ns3::Packet>))dlsym(lib, kCheckFcs);
  dlclose(lib);
  if (!ns3_crc || !ns3_sum || !ns3_cs || !ns3_calc || !ns3_check ||
      (void *)ns3_crc == (void *)&ns3::CRC32Calculate)
    return -1;
  int bad = 0;
  {
    // the kept value follows a binding made the way net_world_new_ex makes it
    ns3::BooleanValue was;
    ns3::GlobalValue::GetValueByName("ChecksumEnabled", was);
    for (bool on : {!was.Get(), was.Get()}) {
      ns3::GlobalValue::Bind("ChecksumEnabled", ns3::BooleanValue(on));
      g_checksum_enabled = -1;
      if (ns3_cs() != on || ns3::Node::ChecksumEnabled() != on || ns3::Node::ChecksumEnabled() != on)
        bad++;
    }
  }
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  auto next = [&x]() {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  std::vector<uint8_t> buf(9100);
  for (int r = 0; r < rounds; r++) {
    size_t n = next() % 9000;
    for (size_t i = 0; i < n + 64; i++)
      buf[i] = (uint8_t)next();
    size_t off = next() % 64;
    if (ns3_crc(buf.data() + off, (int)n) != ns3::CRC32Calculate(buf.data() + off, (int)n))
      bad++;
    uint32_t head = next() % 1600, zero = next() % 1600, tail = next() % 1600;
    ns3::Buffer b(zero);
    b.AddAtStart(head);
    b.Begin().Write(buf.data(), head);
    b.AddAtEnd(tail);
    ns3::Buffer::Iterator t = b.End();
    t.Prev(tail);
    t.Write(buf.data() + head, tail);
    uint32_t total = head + zero + tail;
    uint32_t start = total ? next() % (total + 1) : 0;
    uint16_t len = (uint16_t)(next() % (total - start + 1));
    uint32_t init = (uint32_t)(next() % 3 == 0 ? next() : next() % 0x30000);
    ns3::Buffer::Iterator a = b.Begin(), c = b.Begin();
    a.Next(start);
    c.Next(start);
    uint16_t want = ns3_sum(&a, len, init), got = c.CalculateIpChecksum(len, init);
    if (want != got || a.GetDistanceFrom(b.Begin()) != c.GetDistanceFrom(b.Begin()))
      bad++;
    // the FCS of a frame of stored bytes, a zero area and stored bytes; checked against the
    // right value and a wrong one, with FCS on and off
    ns3::Ptr<ns3::Packet> pk = ns3::Create<ns3::Packet>(buf.data() + off, head);
    pk->AddAtEnd(ns3::Create<ns3::Packet>(zero));
    pk->AddAtEnd(ns3::Create<ns3::Packet>(buf.data(), tail));
    for (bool on : {true, false}) {
      ns3::EthernetTrailer t1, t2;
      t1.EnableFcs(on);
      t2.EnableFcs(on);
      ns3_calc(&t1, pk);
      t2.CalcFcs(pk);
      if (t1.GetFcs() != t2.GetFcs())
        bad++;
      for (uint32_t fcs : {t1.GetFcs(), t1.GetFcs() ^ (1u << (next() % 32))}) {
        t1.SetFcs(fcs);
        t2.SetFcs(fcs);
        if (ns3_check(&t1, pk) != t2.CheckFcs(pk))
          bad++;
      }
    }
  }
  return bad;
}
