// SPDX-License-Identifier: MIT
// Ipv4StaticRouting with indexed lookups, for nodes with thousands of interfaces and routes
// (the internet router of a P2S population: one access link and one /32 route per client).
// ns-3 3.37's static routing scans every route per packet (LookupStatic) and per added
// route (the duplicate check of AddNetworkRouteTo), and its local delivery test
// (Ipv4L3Protocol::IsDestinationAddress, weak end-system model) every address of every
// interface, which made a run quadratic in its clients. This subclass answers the three
// from hash indexes, and picks exactly the route ns-3's scan picks (see fast_routing.cc);
// anything else (multicast, an output interface asked for, non-contiguous masks) goes to
// the base class unchanged.
#ifndef VPNSIM_SIM_ENGINE_FAST_ROUTING_H
#define VPNSIM_SIM_ENGINE_FAST_ROUTING_H

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
    // m_gen is the indexes' generation
    struct Recent
    {
        uint32_t dest;
        uint64_t gen; // 0: empty
        bool found;
        Hit hit;
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

#endif
