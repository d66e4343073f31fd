// SPDX-License-Identifier: MIT
// Ipv4StaticRouting with indexed lookups (see fast_routing.h).
//
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
#include "sim/engine/fast_routing.h"

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
        rc = Recent{d, m_gen, false, {}};
        for (int len : m_lens)
        {
            auto it = m_by_len[len].find(d & mask_of(len));
            if (it == m_by_len[len].end())
                continue;
            rc.found = true;
            rc.hit = it->second;
            break;
        }
    }
    if (!rc.found)
        return true;
    const Hit& h = rc.hit;
    out = Create<Ipv4Route>();
    out->SetDestination(Ipv4Address(h.dest));
    out->SetSource(m_ip->SourceAddressSelection(h.iface, Ipv4Address(h.dest)));
    out->SetGateway(Ipv4Address(h.gateway));
    out->SetOutputDevice(m_ip->GetNetDevice(h.iface));
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
    Appending([&] { Ipv4StaticRouting::NotifyInterfaceUp(interface); });
}

void FastStaticRouting::NotifyInterfaceDown(uint32_t interface)
{
    m_stale = m_keys_stale = true;
    Ipv4StaticRouting::NotifyInterfaceDown(interface);
}

void FastStaticRouting::NotifyAddAddress(uint32_t interface, Ipv4InterfaceAddress address)
{
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
