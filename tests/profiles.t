#!/bin/bash
# SPDX-License-Identifier: MIT
# Every device profile in profiles/ loads and is used: a copy of the bundled
# ikev2-default scenario that names the profile and leaves its proposals to it validates
# (exit 0), its dry run shows the profile's own first IKE proposal, the profile's name is
# its file name, and every [tag] its comments cite is defined in its header (the source
# of each value, docs/scenario-format.md "Profiles"). A profile with an unknown algorithm
# is refused, so the loop above can fail.
set -u
. "$(dirname "$0")/lib.sh"

mkdir -p "$tmp/s"
ln -s "$top/profiles" "$tmp/s/profiles"
# the scenario without its own proposal lists (and their comment): the profile's are used
sed '/# facts 2.5, the recommended device settings/,/espProposals:/d' \
  scenarios/site-to-site/ikev2-default.yaml >"$tmp/base.yaml"
ok $(! grep -q 'Proposals:' "$tmp/base.yaml"; echo $?) "the base scenario names no proposals"

count=0
for f in profiles/*.yaml; do
  p=$(basename "$f" .yaml)
  count=$((count + 1))
  ok $(grep -qx "name: $p" "$f"; echo $?) "$p: name matches the file name"
  sed "s/profile: strongswan-5.9/profile: $p/" "$tmp/base.yaml" >"$tmp/s/$p.yaml"
  "$vs" validate "$tmp/s/$p.yaml" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  ok $([ $rc = 0 ] && ! grep -q ': error ' "$tmp/err"; echo $?) "$p: a scenario using it validates" \
    "exit $rc" "$(cat "$tmp/err")"
  "$vs" run --dry-run "$tmp/s/$p.yaml" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  # the first token (the cipher) of the profile's first IKE proposal is what the plan shows
  first=$(sed -n '/^  ikeProposals:/{n;s/^ *- *//;s/-.*//;p;q}' "$f")
  ok $([ $rc = 0 ] && grep -q "(profile $p)" "$tmp/out" &&
       grep -Eq "^    IKE proposals +$first-" "$tmp/out"; echo $?) \
    "$p: the dry run uses the profile's proposals ($first...)" "exit $rc" "$(cat "$tmp/out" "$tmp/err")"
  defined=$(sed -nE 's/^#   \[([a-z0-9]+)\].*/\1/p' "$f" | sort -u)
  # a citation opens a comment or follows "; ", ", " or "(" (strongSwan's "[4h]" after a
  # key name is that key's default, not a source)
  used=$(sed -n '/^device:/,$p' "$f" | grep -o '^ *#.*' |
    grep -oE '(# |; |, |\()\[[a-z0-9]+\]' | grep -oE '[a-z0-9]+' | sort -u)
  missing=$(comm -13 <(echo "$defined") <(echo "$used"))
  ok $([ -n "$defined" ] && [ -n "$used" ] && [ -z "$missing" ]; echo $?) \
    "$p: every cited source is defined in the header" "undefined: $missing"
done
ok $([ $count -ge 8 ]; echo $?) "at least 8 profiles (strongSwan, libreswan and 6 devices): $count"

# a broken profile is refused, in the profile
mkdir -p "$tmp/b/profiles"
sed 's/aes128-sha1-modp1024/aes128-sha1-modp9999/' profiles/mikrotik-routeros-7.yaml \
  >"$tmp/b/profiles/mikrotik-routeros-7.yaml"
sed "s/profile: strongswan-5.9/profile: mikrotik-routeros-7/" "$tmp/base.yaml" >"$tmp/b/s.yaml"
"$vs" validate "$tmp/b/s.yaml" >"$tmp/out" 2>"$tmp/err"
rc=$?
ok $([ $rc = 2 ] && grep -q 'profiles/mikrotik-routeros-7.yaml:[0-9]*:[0-9]*: error' "$tmp/err"; echo $?) \
  "a profile with an unknown group: exit 2, the error in the profile" "exit $rc" "$(cat "$tmp/err")"

echo "1..$n"
