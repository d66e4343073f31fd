#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The conformance catalogue on the command line: vpnsim list checks in its three formats,
# and docs/conformance.md is exactly the generator's output.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
echo "1..6"
out=$("$vs" list checks); rc=$?
ok $([[ $rc == 0 ]] && grep -qE '^[0-9]+ checks: [0-9]+ active, [0-9]+ pending$' <<<"$out"; echo $?) \
  "list checks: a text table with the counts" "$out"
ok $(grep -qE '^IKE-001 +active +initiator ' <<<"$out"; echo $?) "list checks: ID, status, role, statement"
"$vs" list checks --format json >"$tmp/c.json"; rc=$?
res=$(perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>); my @c = @{$j->{checks}};
  my $p = grep { $_->{status} eq "pending" } @c;
  print scalar(@c), " ", $j->{total}, " ", $p, " ", $j->{pending}, "\n"' <"$tmp/c.json" 2>&1)
read -r a b c d <<<"$res"
ok $([[ $rc == 0 && $a == "$b" && $c == "$d" && $a -ge 60 ]]; echo $?) "list checks --format json parses and its counts agree" "$res"
# every pending check says what it waits for (there are some), every active one has
# scenarios and waits for nothing
res=$(perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>); my @bad;
  for my $c (@{$j->{checks}}) {
    push @bad, $c->{id} if $c->{status} eq "pending" ? !length($c->{waitsFor} // "")
      : (exists $c->{waitsFor} || !@{$c->{scenarios} // []});
  }
  print "@bad"' <"$tmp/c.json" 2>&1)
ok $([[ -z $res ]] && grep -q '"status":"pending"' "$tmp/c.json"; echo $?) \
  "pending checks carry what they wait for, active ones their scenarios" "$res"
"$vs" list checks --format markdown >"$tmp/conformance.md"
ok $(cmp -s "$tmp/conformance.md" "$top/docs/conformance.md"; echo $?) \
  "docs/conformance.md is up to date (regenerate: vpnsim list checks --format markdown > docs/conformance.md)" \
  "$(diff "$tmp/conformance.md" "$top/docs/conformance.md" | head -20)"
out=$("$vs" list skus --format markdown 2>&1); rc=$?
ok $([[ $rc == 2 ]] && grep -q "for 'list rules' and 'list checks' only" <<<"$out"; echo $?) \
  "--format markdown is refused for other catalogues" "$out"
