/* SPDX-License-Identifier: MIT */
/* Why an IKE datagram was dropped, counted per node (counters "ike.drops.<name>"): the
 * engine's reasons (ikev2_sa.c, also the ike.drop event's) and the gateway's, before a
 * datagram reaches an engine (models/gateway/gw_ike.c). A flood is counted in full, while
 * only the first IKE_DROP_EVENTS_MAX drops of each reason per connection are events. */
#pragma once

#include "models/common/names.h"

typedef enum {
  IKE_DROP_HEADER = 0,          /* the IKE header does not decode */
  IKE_DROP_UNKNOWN_SPI,         /* no IKE SA with these SPIs */
  IKE_DROP_UNEXPECTED_RESPONSE, /* a response to no outstanding request */
  IKE_DROP_MSG_ID,              /* a request outside the window (RFC 7296 2.3) */
  IKE_DROP_MALFORMED_INIT,      /* an IKE_SA_INIT that does not decode */
  IKE_DROP_INTEGRITY,           /* SK's integrity check failed */
  IKE_DROP_MALFORMED,           /* a protected message that does not decode */
  IKE_DROP_PAYLOAD_RULES,       /* payloads the exchange does not allow (RFC 7296 3) */
  IKE_DROP_HALF_OPEN_LIMIT,     /* IKE_SA_INIT while IkeConfig.half_open_max are half open */
  IKE_DROP_COOKIE,              /* IKE_SA_INIT without our cookie past the threshold:
                                   answered with N(COOKIE), no state kept (RFC 7296 2.6) */
  IKE_DROP_NO_CONNECTION,       /* gateway: from an address no connection names */
  IKE_DROP_MODE,                /* gateway: the connection mode refuses it */
  IKE_DROP__COUNT
} IkeDropReason;

extern const NameTable ike_drop_reason_names; /* "header", "unknown_spi", ... */

/* Events per reason and connection before the counters carry a flood alone. */
#define IKE_DROP_EVENTS_MAX 16
