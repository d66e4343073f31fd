#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The harness leaves nothing behind: a child script builds the whole setup (namespaces,
# persistent TAP, bridge, veth, a charon, vpnsim live) and then fails, or is killed by
# SIGTERM or SIGINT; afterwards no namespace of its, no process it started and no folder
# of its is left, and the interfaces went with the namespaces.
. "$(dirname "$0")/lib.sh"
ix_init
ix_plan 6
child=$(dirname "$0")/cleanup-child.sh

for how in fail term int; do
  rec=$IX_TMP/rec-$how
  : >"$rec"
  # a background job starts with SIGINT ignored (and bash cannot trap an ignored signal):
  # perl restores the default disposition before it becomes the child
  perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or die' bash "$child" "$rec" "$how" \
    >"$IX_TMP/child-$how.out" 2>&1 &
  cpid=$!
  for ((i = 0; i < 100; i++)); do grep -q ready "$rec" && break; sleep 0.05; done
  grep -q ready "$rec"
  ix_ok $? "$how: the child built namespaces, wiring, charon and vpnsim live" "$(cat "$IX_TMP/child-$how.out")"
  case $how in term) kill -TERM "$cpid" ;; int) kill -INT "$cpid" ;; esac
  t0=$SECONDS
  wait "$cpid"
  crc=$?
  left=
  id=$(awk '$1 == "id" {print $2}' "$rec") tmp=$(awk '$1 == "tmp" {print $2}' "$rec")
  [[ -n $id ]] || left+="no record"$'\n'
  left+=$(ix_leftovers "$id" "$tmp")
  while read -r k v; do
    case $k in
      pid) kill -0 "$v" 2>/dev/null && left+="process $v still running"$'\n' ;;
      ns) [[ -e /run/netns/$v ]] && left+="namespace $v"$'\n' ;;
    esac
  done <"$rec"
  [[ -n $tmp && -e $tmp ]] && left+="folder $tmp"$'\n'
  [[ $(grep -c '^pid' "$rec") == 2 && $(grep -c '^ns' "$rec") == 2 ]] || left+="record incomplete"$'\n'
  # the child ended by the way asked, at once (not after its 30 s wait)
  want=1; case $how in term) want=143 ;; int) want=130 ;; esac
  [[ $crc == "$want" ]] || left+="child exit $crc, not $want"$'\n'
  (( SECONDS - t0 <= 10 )) || left+="the child took $((SECONDS - t0)) s to end"$'\n'
  [[ -z ${left//$'\n'/} ]]
  ix_ok $? "$how: nothing left behind (namespaces, their TAP/bridge/veth, charon, vpnsim, files)" "$left"
done
