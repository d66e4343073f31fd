#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The catalogue's self-test (issue 20): every active check names the gateway fault under
# which it must fail (its check: block's fault:, conformance/checks/: an impairment,
# faults: {gatewayImpair} or {bgpRulesOff}, or a change of the scenario), and each check, its scenarios edited so,
# must fail: exit 1 with a failed expectation ("not ok", and the row's text when it gives
# one), or exit 2 with the cloud's refusal when the row says "exit2:". tests/conformance-
# catalogue.t runs the checks as written (they pass); this runs them once more, broken.
# A row without an edit is a check that cannot be made to fail yet: a TODO point naming why.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cp -r profiles "$tmp/profiles"
"$vs" list checks --format json >"$tmp/c.json" || { echo "not ok 1 - list checks"; echo "1..1"; exit 0; }
# ID, edit, fails, scenarios (space-separated), fault, separated by US (0x1f: no field is
# lost when one is empty); edit "-" when the row has none, "MISSING" when an active check has
# no row
perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>);
  for my $c (@{$j->{checks}}) {
    next unless $c->{status} eq "active";
    my $e = exists $c->{fault} ? ($c->{faultEdit} // "-") : "MISSING";
    print join("\x1f", $c->{id}, $e, $c->{faultFails} // "", join(" ", @{$c->{scenarios}}), $c->{fault} // ""), "\n";
  }' <"$tmp/c.json" >"$tmp/plan"
# The scenario without its check: block (the catalogue entry, which a run ignores): the
# edits apply to the scenario alone.
scen() { awk '/^check:/ { skip = 1; next } skip && /^[^ ]/ { skip = 0 } !skip' "$1"; }
# The bases of a scenario (extends:, recursively), relative to its folder.
bases() {
  local f=$1 dir rel=. e
  dir=$(dirname "$1")
  while e=$(sed -n 's/^extends: *//p' "$f" | tr -d "\"'") && [ -n "$e" ]; do
    rel=$(realpath -m --relative-to="$dir" "$(dirname "$f")/$e")
    echo "$rel"
    f=$dir/$rel
  done
}
jobs_file=$tmp/jobs
: >"$jobs_file"
declare -A changed
while IFS=$'\x1f' read -r id edit fails scens fault; do
  d=$tmp/s/$id
  mkdir -p "$d"
  changed[$id]=1
  [[ $edit == MISSING || $edit == - ]] && continue
  for s in $scens; do
    b=$d/$(basename "$s")
    # the bases the scenario is built on (extends:), copied beside it at the same relative
    # places; a sed edit applies to them too, wherever the line it changes is
    sdir=$(dirname "$s") same=1
    for rel in $(bases "$s"); do
      mkdir -p "$(dirname "$d/$rel")"
      case $edit in
        "sed -E: "*) sed -E "${edit#sed -E: }" "$sdir/$rel" >"$d/$rel" ;;
        "sed: "*) sed "${edit#sed: }" "$sdir/$rel" >"$d/$rel" ;;
        *) cp "$sdir/$rel" "$d/$rel" ;;
      esac
      cmp -s "$sdir/$rel" "$d/$rel" || same=0
    done
    case $edit in
      "gatewayImpair: "*) { scen "$s"; printf 'faults: {gatewayImpair: [%s]}\n' "${edit#gatewayImpair: }"; } >"$b" ;;
      "bgpRulesOff: "*) { scen "$s"; printf 'faults: {bgpRulesOff: [%s]}\n' "${edit#bgpRulesOff: }"; } >"$b" ;;
      "append: "*) { scen "$s"; printf '%s\n' "${edit#append: }"; } >"$b" ;;
      "sed -E: "*) scen "$s" | sed -E "${edit#sed -E: }" >"$b" ;;
      "sed: "*) scen "$s" | sed "${edit#sed: }" >"$b" ;;
      *) echo "bad edit kind" >"$b.bad" ;;
    esac
    scen "$s" | cmp -s - "$b" && [ $same = 1 ] && changed[$id]=0
    echo "$b" >>"$jobs_file"
  done
done <"$tmp/plan"
# every edited scenario at once, two at a time (the machine's cores): the report on
# stdout (TAP), the cloud's findings on stderr, the exit status beside them
export vs
xargs -P 2 -I{} sh -c '"$vs" run "{}" --out "{}.out" --format tap >"{}.tap" 2>"{}.err"; echo $? >"{}.rc"' <"$jobs_file"
nmiss=0 ntodo=0 nrows=0
while IFS=$'\x1f' read -r id edit fails scens fault; do
  nrows=$((nrows + 1))
  if [[ $edit == MISSING ]]; then
    nmiss=$((nmiss + 1))
    ok 1 "$id: names the gateway fault under which it fails (its check: block's fault:)"
    continue
  fi
  if [[ $edit == - ]]; then
    ntodo=$((ntodo + 1))
    n=$((n + 1)); echo "not ok $n - $id: fails under a named fault # TODO $fault"
    continue
  fi
  res=1 why=""
  for s in $scens; do
    b=$tmp/s/$id/$(basename "$s")
    [ -e "$b.bad" ] && { why="unknown edit kind: $edit"; break; }
    rc=$(cat "$b.rc" 2>/dev/null)
    case $fails in
      exit2:*) [[ $rc == 2 ]] && grep -qF -- "${fails#exit2:}" "$b.err" && res=0 ;;
      "") [[ $rc == 1 ]] && grep -q "^not ok" "$b.tap" && res=0 ;;
      *) [[ $rc == 1 ]] && grep "^not ok" "$b.tap" | grep -qF -- "$fails" && res=0 ;;
    esac
    why+="$(basename "$s"): exit $rc
$(grep -h "^not ok\|error" "$b.tap" "$b.err" | head -5)
"
  done
  [[ ${changed[$id]} == 0 ]] && { res=1; why="the edit leaves a scenario unchanged: $edit"; }
  ok $res "$id fails when $fault" "$why"
done <"$tmp/plan"
ok $([ "$nmiss" = 0 ]; echo $?) "every active check names its fault ($nrows active, $nmiss without, $ntodo that cannot fail yet)"
echo "1..$n"
