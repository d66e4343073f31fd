#!/bin/bash
# SPDX-License-Identifier: MIT
# No pre-shared key leaks (issue 21): every bundled scenario is run, validated and dry-run,
# and none of its keys (every sharedKey value in the file: devices, connections and the
# timeline's setSharedKey) appears, as text or as hex, in anything the program wrote other
# than the key tables a user asks for (ikev2_decryption_table, esp_sa): events.jsonl,
# timeline.txt, the reports, README, stdout and stderr, and the bytes of every pcap (IKEv2
# never sends the PSK, only an AUTH computed from it, RFC 7296 2.15). A canary first proves
# the search finds a planted key in each kind of output, so the test can fail.
set -u
. "$(dirname "$0")/lib.sh"

# The sharedKey values of a scenario file, one a line: quoted ("..." or '...') or plain,
# in block or flow style.
keys_of() {
  grep -oE "sharedKey:[[:space:]]*(\"[^\"]*\"|'[^']*'|[^][,{}#[:space:]]+)" "$1" |
    sed -E "s/^sharedKey:[[:space:]]*//; s/^\"(.*)\"\$/\\1/; s/^'(.*)'\$/\\1/" | sort -u
}

# leaks KEYFILE FILE...: print "FILE: KEY" for every key found in a file, as its bytes
# (grep -a reads pcaps as text) or as lowercase or uppercase hex. The key tables are skipped.
leaks() {
  local kf=$1 f k hex
  shift
  for f in "$@"; do
    case $(basename "$f") in ikev2_decryption_table | esp_sa) continue ;; esac
    while IFS= read -r k; do
      [ -n "$k" ] || continue
      hex=$(printf '%s' "$k" | od -An -tx1 | tr -d ' \n')
      if [ "$(grep -c -F -a -- "$k" "$f")" != 0 ] ||
         [ "$(grep -c -F -a -i -- "$hex" "$f")" != 0 ]; then
        echo "$f: $k"
      fi
    done <"$kf"
  done
}

# The canary: a key planted in a text output, a pcap's bytes and as hex is found, and one
# in a key table is not.
mkdir -p "$tmp/canary"
printf 'Canary.key.1\n' >"$tmp/canary.keys"
printf '{"seq":0,"attrs":{"psk":"Canary.key.1"}}\n' >"$tmp/canary/events.jsonl"
printf '\xd4\xc3\xb2\xa1\x02\x00Canary.key.1\x00\xff' >"$tmp/canary/link.pcap"
printf 'psk=%s\n' "$(printf 'Canary.key.1' | od -An -tx1 | tr -d ' \n')" >"$tmp/canary/timeline.txt"
printf '0x0 0x1 Canary.key.1\n' >"$tmp/canary/ikev2_decryption_table"
leaks "$tmp/canary.keys" "$tmp/canary"/* >"$tmp/canary.out"
ok $([ "$(wc -l <"$tmp/canary.out")" = 3 ] && ! grep -q ikev2_decryption_table "$tmp/canary.out"; echo $?) \
  "canary: a planted key is found in a text output, a pcap and as hex; the key tables are not searched" \
  "$(cat "$tmp/canary.out")"

for f in scenarios/site-to-site/*.yaml tests/fixtures/scenario/tour.yaml; do
  b=$(basename "$f" .yaml)
  keys_of "$f" >"$tmp/$b.keys"
  ok $([ -s "$tmp/$b.keys" ]; echo $?) "$f: has keys to look for ($(wc -l <"$tmp/$b.keys"))"
  "$vs" validate "$f" >"$tmp/$b.validate.stdout" 2>"$tmp/$b.validate.stderr"
  "$vs" run --dry-run "$f" >"$tmp/$b.dry.stdout" 2>"$tmp/$b.dry.stderr"
  out=("$tmp/$b.validate.stdout" "$tmp/$b.validate.stderr" "$tmp/$b.dry.stdout" "$tmp/$b.dry.stderr")
  # the tour holds every documented form, setLoss too, which a run refuses: only loaded here
  if [ "$f" != tests/fixtures/scenario/tour.yaml ]; then
    "$vs" run "$f" --out "$tmp/$b.run" >"$tmp/$b.run.stdout" 2>"$tmp/$b.run.stderr"
    rc=$?
    ok $([ $rc -le 1 ] && [ -s "$tmp/$b.run/events.jsonl" ] && ls "$tmp/$b.run"/*.pcap >/dev/null 2>&1
         echo $?) "$f: ran and wrote its outputs (exit $rc)" "$(cat "$tmp/$b.run.stderr")"
    out+=("$tmp/$b.run.stdout" "$tmp/$b.run.stderr" "$tmp/$b.run"/*)
  fi
  leaks "$tmp/$b.keys" "${out[@]}" >"$tmp/$b.leaks"
  ok $([ ! -s "$tmp/$b.leaks" ]; echo $?) \
    "$f: no key in ${#out[@]} outputs (stdout, stderr, events, timeline, reports, README, pcaps)" \
    "$(sed "s|$tmp/||" "$tmp/$b.leaks")"
done

echo "1..$n"
