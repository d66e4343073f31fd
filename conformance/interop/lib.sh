# SPDX-License-Identifier: MIT
# The interop harness: network namespaces, a TAP/veth wiring, private strongSwan charons
# (own mount namespace with a private /run, own strongswan.conf and vici socket, ESP in
# userspace through kernel-libipsec, bypass-lan off) driven with swanctl --uri, and
# vpnsim live; everything created is recorded and removed at exit, also on failure.
# Facts: ../shared/reference/strongswan-in-netns.md (kernel XFRM SAs cannot be installed
# on these machines; one setting per line in swanctl.conf).
#
# Use from a TAP script test (bash):
#   . "$(dirname "$0")/lib.sh"
#   ix_init                      # SKIPs the whole file (1..0 # SKIP why) when it cannot run
#   ix_ns_add dev                # namespace "$IX_ID-dev", lo up
#   ix_charon_start dev          # a charon in it; config in $IX_TMP/dev/
#   ix_swanctl dev --list-sas    # swanctl on its vici socket
#   ok/not_ok ...                # TAP lines (ix_ok COND DESC)
# Names: every namespace is "$IX_ID-<name>" with IX_ID=vsi<pid>, so concurrent runs (other
# worktrees, prove -j2) never collide; interface names live inside those namespaces.
set -uo pipefail

IX_TOP=${VPNSIM_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
IX_VPNSIM=${VPNSIM:-$IX_TOP/build/vpnsim}
IX_CHARON=${IX_CHARON:-/usr/lib/ipsec/charon}
IX_ID=vsi$$
IX_TMP=
IX_NS=()     # namespaces created (full names)
IX_PIDS=()   # background processes started (charons, vpnsim)
IX_N=0       # TAP test counter
IX_FAILED=0

# ---- TAP ----
ix_plan() { echo "1..$1"; }
ix_ok() { # ix_ok STATUS DESC [DIAG]: STATUS 0 is ok
  IX_N=$((IX_N + 1))
  if [[ $1 == 0 ]]; then
    echo "ok $IX_N - $2"
  else
    echo "not ok $IX_N - $2"
    IX_FAILED=1
    [[ -n ${3:-} ]] && sed 's/^/# /' <<<"$3"
  fi
  return 0
}
ix_todo() { IX_N=$((IX_N + 1)); echo "not ok $IX_N - $1 # TODO $2"; }
ix_skip() { IX_N=$((IX_N + 1)); echo "ok $IX_N - $1 # SKIP $2"; }
ix_diag() { sed 's/^/# /' <<<"$*"; }

# ---- preconditions and cleanup ----
# Why the suite cannot run here, or nothing.
ix_unable() {
  (( EUID == 0 )) || { echo "needs root (network namespaces, TAP, charon)"; return; }
  command -v ip >/dev/null || { echo "no ip(8)"; return; }
  [[ -x $IX_CHARON ]] || { echo "no strongSwan charon at $IX_CHARON"; return; }
  command -v swanctl >/dev/null || { echo "no swanctl"; return; }
  [[ -e /usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so ]] ||
    { echo "no kernel-libipsec plugin (libcharon-extra-plugins)"; return; }
  [[ -r /dev/net/tun ]] || { echo "no /dev/net/tun"; return; }
  local e
  if ! e=$(ip netns add "$IX_ID-probe" 2>&1); then echo "network namespaces unavailable: $e"; return; fi
  ip netns del "$IX_ID-probe"
}

ix_init() {
  local why
  why=$(ix_unable)
  if [[ -n $why ]]; then
    echo "1..0 # SKIP $why"
    exit 0
  fi
  IX_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vpnsim-interop.XXXXXX")
  trap ix_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# Stop a process and wait for it: TERM, then KILL after 3 s.
ix_stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 30; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

# Everything this run created, in reverse: processes (ours, and any left inside our
# namespaces), then the namespaces (their interfaces go with them), then the files.
ix_cleanup() {
  local rc=$? p ns
  for ((p = ${#IX_PIDS[@]} - 1; p >= 0; p--)); do ix_stop_pid "${IX_PIDS[p]}"; done
  IX_PIDS=()
  for ns in "${IX_NS[@]}"; do
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
  done
  for ns in "${IX_NS[@]}"; do ip netns del "$ns" 2>/dev/null; done
  IX_NS=()
  # IX_KEEP=DIR keeps a copy of the run's files (configs, charon logs, vpnsim outputs)
  [[ -n ${IX_KEEP:-} && -n $IX_TMP && -d $IX_TMP ]] && mkdir -p "$IX_KEEP" &&
    cp -r "$IX_TMP/." "$IX_KEEP/" 2>/dev/null
  [[ -n $IX_TMP && -d $IX_TMP ]] && rm -rf "$IX_TMP"
  exit "$rc"
}

# What of this run is still there (namespaces named $IX_ID-*, processes using our
# folder); empty when clean.
ix_leftovers() {
  local id=${1:-$IX_ID} tmp=${2:-$IX_TMP}
  ip netns list 2>/dev/null | awk -v id="$id-" 'index($1, id) == 1 {print "namespace " $1}'
  [[ -n $tmp ]] && pgrep -af -- "$tmp" 2>/dev/null | grep -v -e '^[0-9]* pgrep' | sed 's/^/process /'
  return 0
}

# ---- namespaces and wiring ----
ix_ns() { echo "$IX_ID-$1"; }
ix_ns_add() {
  local ns
  ns=$(ix_ns "$1")
  ip netns add "$ns" || return 1
  IX_NS+=("$ns")
  ip -n "$ns" link set lo up
}
ix_in() { local ns; ns=$(ix_ns "$1"); shift; ip netns exec "$ns" "$@"; }

# A veth pair between two namespaces: ix_veth NS_A IF_A NS_B IF_B
ix_veth() {
  ip link add "$2" netns "$(ix_ns "$1")" type veth peer name "$4" netns "$(ix_ns "$3")" &&
    ip -n "$(ix_ns "$1")" link set "$2" up && ip -n "$(ix_ns "$3")" link set "$4" up
}

# The live wiring: in namespace SIM a persistent TAP (vpnsim live opens it by name) and a
# bridge joining it to a veth whose other end, IF in namespace DEV, is the real device's
# interface: ix_live_wire SIM TAP DEV IF
ix_live_wire() {
  local sim dev
  sim=$(ix_ns "$1") dev=$(ix_ns "$3")
  ip -n "$sim" tuntap add dev "$2" mode tap &&
    ip -n "$sim" link add br0 type bridge forward_delay 0 stp_state 0 &&
    ip link add wire0 netns "$sim" type veth peer name "$4" netns "$dev" &&
    ip -n "$sim" link set "$2" master br0 && ip -n "$sim" link set wire0 master br0 &&
    ip -n "$sim" link set "$2" up && ip -n "$sim" link set wire0 up &&
    ip -n "$sim" link set br0 up && ip -n "$dev" link set "$4" up
}

# ---- strongSwan ----
# The plugins of the installed strongSwan (crypto support differs between machines:
# GCM and ECP need the gcm/openssl plugins of libstrongswan-standard-plugins).
ix_has_plugin() { [[ -e /usr/lib/ipsec/plugins/libstrongswan-$1.so ]]; }

# Write NAME's strongswan.conf: vici socket in its folder, kernel-libipsec, bypass-lan off,
# a log file.
ix_charon_conf() {
  local d=$IX_TMP/$1
  mkdir -p "$d/conf.d"
  # The packaged per-plugin settings first (which plugins load: the modular list), then
  # this peer's own; later settings win.
  cat >"$d/strongswan.conf" <<EOC
charon {
  load_modular = yes
  plugins {
    include /etc/strongswan.d/charon/*.conf
  }
}
charon {
  install_virtual_ip = no
  retransmit_tries = 2
  retransmit_timeout = 0.5
  retransmit_base = 1.4
  plugins {
    vici {
      socket = unix://$d/charon.vici
    }
    kernel-libipsec {
      load = yes
    }
    bypass-lan {
      load = no
    }
    forecast {
      load = no
    }
  }
  filelog {
    log {
      path = $d/charon.log
      flush_line = yes
      default = 1
      ike = 2
      time_format = %T
    }
  }
}
swanctl {
  load = pem pkcs1 pkcs8 x509 pubkey random nonce
  socket = unix://$d/charon.vici
}
EOC
}

# Start a charon in namespace NS for peer NAME (default NS): its own mount namespace with
# a private /run (charon.pid), its strongswan.conf; waits for the vici socket.
ix_charon_start() {
  local ns=$1 name=${2:-$1} d=$IX_TMP/${2:-$1} i
  ix_charon_conf "$name"
  STRONGSWAN_CONF=$d/strongswan.conf ip netns exec "$(ix_ns "$ns")" \
    unshare -m --propagation private sh -c 'mount -t tmpfs tmpfs /run && exec "$0"' "$IX_CHARON" \
    >"$d/charon.out" 2>&1 &
  IX_PIDS+=($!)
  echo $! >"$d/pid"
  for ((i = 0; i < 100; i++)); do
    [[ -S $d/charon.vici ]] && return 0
    kill -0 "$(cat "$d/pid")" 2>/dev/null || break
    sleep 0.05
  done
  echo "# charon $name did not start:" >&2
  sed 's/^/#   /' "$d/charon.out" "$d/charon.log" >&2 2>/dev/null
  return 1
}

# The pid of the unshare process that became charon (exec keeps the pid).
ix_charon_pid() { cat "$IX_TMP/$1/pid"; }

# swanctl on NAME's charon.
# swanctl on NAME's charon: ix_swanctl NAME --COMMAND [ARGS...] (the command comes first,
# then --uri: swanctl parses the command's options after it).
ix_swanctl() {
  local name=$1 d=$IX_TMP/$1 cmd=$2
  shift 2
  STRONGSWAN_CONF=$d/strongswan.conf swanctl "$cmd" --uri "unix://$d/charon.vici" "$@"
}

# Load NAME's swanctl.conf (written by the caller to $IX_TMP/NAME/swanctl.conf).
ix_swanctl_load() {
  ix_swanctl "$1" --load-all --noprompt --file "$IX_TMP/$1/swanctl.conf"
}

# Echo requests from namespace NS, source address SRC, to DST: COUNT requests INTERVAL
# seconds apart, each waiting up to 1 s; prints "sent N received M" (ping(8) is not
# installed on these machines: Perl's core Net::Ping, raw ICMP as root).
ix_ping() {
  local ns=$1 src=$2 dst=$3 count=${4:-3} interval=${5:-0.2}
  ix_in "$ns" perl -MNet::Ping -MTime::HiRes=sleep -e '
    my ($src, $dst, $n, $iv) = @ARGV;
    my $p = Net::Ping->new("icmp", 1);
    $p->bind($src) if $src ne "-";
    my $ok = 0;
    for my $i (1 .. $n) { $ok++ if $p->ping($dst); sleep($iv) if $i < $n; }
    print "sent $n received $ok\n";
    exit($ok ? 0 : 1);' "$src" "$dst" "$count" "$interval"
}

# Wait up to SECONDS for a command to succeed: ix_wait SECONDS CMD...
ix_wait() {
  local t=$1 i
  shift
  for ((i = 0; i < t * 10; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

# ---- vpnsim live ----
# Start vpnsim live in namespace NS: ix_vpnsim_start NS OUT SCENARIO ARGS...; its output
# in OUT/vpnsim.out; waits until its TAP carries the simulated side (the log line).
ix_vpnsim_start() {
  local ns=$1 out=$2 i
  shift 2
  mkdir -p "$out"
  ip netns exec "$(ix_ns "$ns")" "$IX_VPNSIM" live --out "$out" "$@" >"$out/vpnsim.out" 2>&1 &
  IX_PIDS+=($!)
  IX_VPNSIM_PID=$!
  for ((i = 0; i < 100; i++)); do
    grep -q 'running in real time' "$out/vpnsim.out" 2>/dev/null && return 0
    kill -0 "$IX_VPNSIM_PID" 2>/dev/null || break
    sleep 0.05
  done
  return 1
}

# ---- one check of a live scenario against a charon (gateway.t, ikev1.t, bgp.t, ...) ----
# They use SCN (the scenario), DEV and GW (the device's and the gateway's public addresses)
# and set OUT (the run's folder). A check NAME has the charon "dev-NAME" in namespace dev.

# swanctl.conf of the device towards the gateway:
#   ix_swanctl_conf VERSION IKE_PROPOSALS ESP_PROPOSALS PSK LOCAL_TS REMOTE_TS [EXTRA_IKE] [EXTRA_CHILD]
ix_swanctl_conf() {
  cat <<EOC
connections {
  s2s {
    version = $1
    local_addrs = $DEV
    remote_addrs = $GW
    proposals = $2
${7:-}
    local {
      auth = psk
      id = $DEV
    }
    remote {
      auth = psk
      id = $GW
    }
    children {
      net {
        # a route-based gateway without policy-based selectors takes any-to-any only
        # (interop-failures 1, catalogue TS-002): specific prefixes get TS_UNACCEPTABLE
        local_ts = $5
        remote_ts = $6
        esp_proposals = $3
${8:-}
      }
    }
  }
}
secrets {
  ike-gw {
    id = $GW
    secret = "$4"
  }
}
EOC
}

# A variant of the scenario: sed expressions applied to it; the expectations appended.
# (Device profiles are looked up in "profiles/" beside a scenario and above it.)
ix_variant() { # ix_variant NAME SED_EXPR EXPECT_YAML
  local f=$IX_TMP/$1.yaml
  [[ -e $IX_TMP/profiles ]] || ln -s "$IX_TOP/profiles" "$IX_TMP/profiles"
  sed -e "$2" "$SCN" >"$f"
  printf '%s\n' "$3" >>"$f"
  echo "$f"
}
# Start a check: vpnsim live on SCENARIO for DURATION, a fresh charon with CONF.
ix_check_start() { # ix_check_start NAME SCENARIO DURATION CONF
  OUT=$IX_TMP/$1
  ix_vpnsim_start sim "$OUT" "$2" --attach site1-vpn=tap0 --duration "$3" ||
    { ix_diag "vpnsim live did not start:"; ix_diag "$(cat "$OUT/vpnsim.out")"; return 1; }
  ix_charon_start dev "dev-$1" || return 1
  printf '%s\n' "$4" >"$IX_TMP/dev-$1/swanctl.conf"
  ix_swanctl_load "dev-$1" >/dev/null 2>&1
}
# End it: vpnsim ended by SIGINT first (outputs and report written; VS_RC is its exit
# status, 0: the scenario's expectations held), then the charon: a charon that stops
# deletes its SAs, and the tunnel's state at the end is what the expectations read.
ix_check_finish() { # ix_check_finish NAME
  kill -INT "$IX_VPNSIM_PID" 2>/dev/null
  wait "$IX_VPNSIM_PID"; VS_RC=$?
  ix_stop_pid "$(ix_charon_pid "dev-$1")"
}
ix_sas() { ix_swanctl "dev-$1" --list-sas 2>/dev/null; }
ix_charon_log() { cat "$IX_TMP/dev-$1/charon.log" 2>/dev/null; }
ix_check_diag() { # what a failed point shows: the SAs, charon's log, vpnsim's last lines
  echo "list-sas:"; ix_sas "$1"; echo "charon.log (tail):"; ix_charon_log "$1" | tail -15
  echo "vpnsim:"; tail -5 "$OUT/vpnsim.out"
}
