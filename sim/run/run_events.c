/* SPDX-License-Identifier: MIT */
/* The event types readers of the event log use, by the names their emitters define. */
#include "sim/run/run_events.h"

#include "models/bgp/bgp_fsm.h"
#include "models/bgp/bgp_rib.h"
#include "models/endpoint/ep_bgp.h"
#include "models/endpoint/ep_ike.h"
#include "models/ike/ikev2_sa.h"

const RunEventTypes run_event_types = {
    .ike_sa_established = IKE_EV_SA_ESTABLISHED,
    .ike_sa_deleted = IKE_EV_SA_DELETED,
    .ike_give_up = IKE_EV_GIVE_UP,
    .child_sa_established = EP_IKE_EV_CHILD_ESTABLISHED,
    .child_sa_deleted = EP_IKE_EV_CHILD_DELETED,
    .ike_message = EP_IKE_EV_MESSAGE,
    .tunnel_up = "tunnel.up",
    .tunnel_down = "tunnel.down",
    .tunnel_stats = "tunnel.stats",
    .ping_sent = "ping.sent",
    .ping_reply = "ping.reply",
    .flow_stats = "flow.stats",
    .flow_gap = "flow.gap",
    .bgp_session_state = BGP_EV_SESSION_STATE,
    .bgp_update_rx = BGP_EV_UPDATE_RX,
    .bgp_update_tx = BGP_EV_UPDATE_TX,
    .bgp_notification_rx = BGP_EV_NOTIFICATION_RX,
    .bgp_notification_tx = BGP_EV_NOTIFICATION_TX,
    .bgp_route_learned = BGP_EV_ROUTE_LEARNED,
    .bgp_route_withdrawn = BGP_EV_ROUTE_WITHDRAWN,
    .bgp_route_installed = EP_BGP_EV_ROUTE_INSTALLED,
    .bgp_route_removed = EP_BGP_EV_ROUTE_REMOVED,
};
