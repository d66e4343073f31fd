/* SPDX-License-Identifier: MIT */
/* The event types readers of the event log use, by the names their emitters define. */
#include "sim/run/run_events.h"

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
};
