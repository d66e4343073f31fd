#!/bin/bash
# SPDX-License-Identifier: MIT
# vpnsim conformance --shard K/N and --merge: the shards of a selection hold every check
# once, sizes differing by at most one; merging them gives the report of the unsharded
# run (byte for byte but the output folders), in device mode the same matrix; a merge
# refuses a missing, repeated or foreign shard and a report that is not a shard's; the
# progress line appears on a terminal and never in a pipe.
set -u
. "$(dirname "$0")/lib.sh"
export VPNSIM_TOP=$top
cd "$tmp" || exit 1
echo "1..18"

sel="CFG-00 TS-00"
"$vs" conformance $sel -o full -f json >/dev/null 2>full.err
ok $? "the unsharded selection runs" "$(cat full.err)"
for k in 1 2 3; do "$vs" conformance $sel --shard $k/3 -o s$k >s$k.tap 2>s$k.err; done
ids() { sed -n 's/^\(not \)\{0,1\}ok [0-9]* - \([A-Z0-9-]*\) .*/\2/p' "$@"; }
all=$(ids full/conformance.tap | sort)
got=$(ids s1.tap s2.tap s3.tap | sort)
ok $([ -n "$all" ] && [ "$all" = "$got" ]; echo $?) "the three shards hold every check of the selection once" \
  "unsharded: $(echo $all)" "shards: $(echo $got)"
c1=$(ids s1.tap | wc -l) c3=$(ids s3.tap | wc -l)
ok $([ $((c1 - c3)) -ge 0 ] && [ $((c1 - c3)) -le 1 ]; echo $?) "shard sizes differ by at most one ($c1 .. $c3)"
ok $(grep -q '"shard":"2/3"' s2/conformance.json; echo $?) "a shard's conformance.json says which shard it is"
"$vs" conformance $sel --shard 1/3 -o again >/dev/null 2>&1
ok $(cmp -s <(ids s1.tap) <(ids again/conformance.tap); echo $?) "the same shard selects the same checks again"

mv s2 moved # a shard's folder moved (a CI artifact downloaded elsewhere)
"$vs" conformance --merge s1 moved s3 -o m -f json >m.json 2>m.err
ok $? "the merge of all three shards passes" "$(cat m.err)"
norm() { sed 's#"out":"[^"]*/\([A-Z]*-[0-9]*\)#"out":"\1#g' "$1"; }
ok $(cmp -s <(norm full/conformance.json) <(norm m/conformance.json | sed 's/,"shard":"[^"]*"//'); echo $?) \
  "the merged JSON is the unsharded run's (but the output folders)" \
  "$(diff <(norm full/conformance.json) <(norm m/conformance.json) | head -6)"
ok $(cmp -s full/conformance.tap m/conformance.tap; echo $?) "the merged TAP is the unsharded run's" \
  "$(diff full/conformance.tap m/conformance.tap | head -6)"

"$vs" conformance --merge s1 s3 -o bad >/dev/null 2>err
ok $([ $? = 2 ] && grep -q 'shard 2/3 missing' err; echo $?) "a missing shard is refused (exit 2)" "$(cat err)"
"$vs" conformance --merge s1 s1 moved -o bad >/dev/null 2>err
ok $([ $? = 2 ] && grep -q 'both shard 1/3' err; echo $?) "a repeated shard is refused" "$(cat err)"
"$vs" conformance $sel --shard 1/2 -o t1 >/dev/null 2>&1
"$vs" conformance --merge t1 moved s3 -o bad >/dev/null 2>err
ok $([ $? = 2 ] && grep -q 'not one split' err; echo $?) "shards of different splits are refused" "$(cat err)"
"$vs" conformance --merge full -o bad >/dev/null 2>err
ok $([ $? = 2 ] && grep -q 'not written by a sharded run' err; echo $?) "an unsharded report is refused" "$(cat err)"

# device mode: the merged shards give the unsharded matrix
"$vs" conformance --device strongswan-5.9 POL-00 -o dfull >/dev/null 2>&1
"$vs" conformance --device strongswan-5.9 POL-00 --shard 1/2 -o d1 >/dev/null 2>&1
"$vs" conformance --device strongswan-5.9 POL-00 --shard 2/2 -o d2 >/dev/null 2>&1
"$vs" conformance --merge d1 d2 -o dm >/dev/null 2>dm.err
ok $([ -s dm/matrix.txt ] && cmp -s dfull/matrix.txt dm/matrix.txt; echo $?) \
  "device-mode shards merge into the unsharded matrix" \
  "$(cat dm.err; diff dfull/matrix.txt dm/matrix.txt | head -8)"

# the progress line: on a terminal only
script -qec "'$vs' conformance CFG-001 -o tty" /dev/null >tty.out 2>&1
ok $(grep -q 'scenario runs' tty.out; echo $?) "a terminal sees the progress line" "$(head -c 400 tty.out)"
ok $(! grep -q 'scenario runs' full.err s1.err; echo $?) "a pipe never gets the progress line" "$(head -c 400 full.err)"

# index.html (and the matrix page) link every check's report and folder, and the links hold
links_ok() { # links_ok PAGE: every relative href of the page names an existing file or folder
  local page=$1 dir bad=
  dir=$(dirname "$page")
  for h in $(grep -o 'href="[^"#]*"' "$page" | sed 's/href="//; s/"$//'); do
    [ -e "$dir/$h" ] || bad="$bad $h"
  done
  echo "$bad"
}
b=$(links_ok full/index.html)
ok $([ -z "$b" ] && [ "$(grep -c 'report.html' full/index.html)" -ge "$(ids full/conformance.tap | wc -l)" ]; echo $?) \
  "index.html links a report for every check, and every link holds" "broken:$b"
b=$(links_ok m/index.html)
ok $([ -z "$b" ] && grep -q 'moved/' m/index.html; echo $?) "the merged index.html links into the shards' folders" "broken:$b"
b=$(links_ok dm/matrix.html)
ok $([ -z "$b" ] && grep -q 'report.html">POL-00' dm/matrix.html; echo $?) "the matrix page links each row's report" "broken:$b"
