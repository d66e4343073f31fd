/* SPDX-License-Identifier: MIT */
/* One pcap file per link through libpcap (pcap_open_dead + pcap_dump), stamped with the
 * simulated time in nanoseconds, fed by the engine's packet taps. */
#pragma once

#include "sim/engine/net.h"

#include <glib.h>
#include <stdint.h>

typedef struct NetPcap NetPcap;

/* LINKTYPE_RAW for NET_LINKTYPE_RAW_IPV4, LINKTYPE_ETHERNET for NET_LINKTYPE_ETHERNET;
 * nanosecond time stamps; snaplen 0 means 65535. */
NetPcap *net_pcap_open(const char *path, NetLinkType lt, uint32_t snaplen, GError **error);
/* Flush and close; false (with error) when the data could not be written. NULL is a no-op. */
gboolean net_pcap_close(NetPcap *p, GError **error);
void net_pcap_write(NetPcap *p, int64_t t_ns, const uint8_t *frame, size_t len);
/* Live mode: flush the file header now and every packet as it is written, so the file
 * can be read (tshark -r) while the run goes on. Off by default (a simulated run writes
 * through libpcap's buffer and flushes at the close). */
void net_pcap_set_flush(NetPcap *p, gboolean each_packet);
uint64_t net_pcap_count(const NetPcap *p);
/* A NetTapFn: user is the NetPcap; writes what it is given. */
void net_pcap_tap(NetDev *d, NetTapDir dir, int64_t t_ns, const uint8_t *frame, size_t len,
                  void *user);
/* Capture a whole link into p: every frame once, as each device transmits it onto the
 * wire (frames the link then loses are in the capture, as on a real wire tap). */
NetStatus net_pcap_attach_link(NetPcap *p, NetLink *l);
