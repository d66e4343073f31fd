#!/bin/bash
# SPDX-License-Identifier: MIT
# The teaching labs (scenarios/labs/) stay true: each lab's run block runs, its check block
# says "correct" for the teachers' answer below and "not yet" for a wrong one and for none.
set -u
. "$(dirname "$0")/lib.sh"
# The teachers' answer key: lab file, right answer, a wrong answer.
key=(
  "01-ike-handshake.md MODP_1024 ECP_256"
  "02-authentication-failure.md vgw1/0 site1-vpn"
  "03-dead-peer-detection.md 11 9"
  "04-nat-traversal.md 4500 500"
  "05-proposal-mismatch.md NO_PROPOSAL_CHOSEN INVALID_KE_PAYLOAD"
)
mkdir -p "$tmp/build" && ln -s "$vs" "$tmp/build/vpnsim"
ln -s "$top/scenarios" "$tmp/scenarios" && ln -s "$top/profiles" "$tmp/profiles"
cd "$tmp" || exit 1
labs=$(cd "$top/scenarios/labs" && ls [0-9]*.md)
echo "1..$((4 * ${#key[@]} + 1))"
block() { awk -v want="$2" '$0 == "```" want {f = 1; next} /^```/ {f = 0} f' "$top/scenarios/labs/$1"; }
answer() { block "$1" "sh check" | sed "s|^ANSWER=\"\"|ANSWER=\"$2\"|" | bash 2>&1 | tail -1; }
keyed=
for k in "${key[@]}"; do
  set -- $k
  keyed="$keyed $1"
  block "$1" sh | bash >run.out 2>&1
  ok $? "$1: the run block runs" "$(tail -5 run.out)"
  ok $([ "$(block "$1" "sh check" | grep -c '^ANSWER=""$')" = 1 ]; echo $?) "$1: one check block with an empty ANSWER"
  got=$(answer "$1" "$2")
  ok $([ "$got" = correct ]; echo $?) "$1: the key's answer $2 is correct" "said: $got"
  bad=$(answer "$1" "$3") none=$(answer "$1" "")
  ok $([ "$bad" = "not yet" ] && [ "$none" = "not yet" ]; echo $?) "$1: a wrong answer ($3) and no answer are not" \
    "wrong: $bad" "none: $none"
done
ok $([ "$(echo $labs)" = "$(echo $keyed)" ]; echo $?) "every lab has a key (labs: $(echo $labs))"
