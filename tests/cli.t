#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The command line contract: help, version, exit statuses 0/2/3, messages that say what
# is wrong and where, and the README's first command (the dry run of the bundled scenario).
set -uo pipefail
top=${VPNSIM_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
vpnsim=${VPNSIM:-$top/build/vpnsim}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0
# t DESCRIPTION EXPECTED_RC GREP_PATTERN -- COMMAND...: runs, checks status and output
t() {
  local desc=$1 want=$2 pat=$3; shift 4
  local out rc
  out=$("$@" 2>&1); rc=$?
  n=$((n + 1))
  if [[ $rc == "$want" ]] && grep -qE -- "$pat" <<<"$out"; then
    echo "ok $n - $desc"
  else
    echo "not ok $n - $desc"
    echo "# exit $rc (want $want), output must match /$pat/:"
    sed 's/^/#   /' <<<"$out"
  fi
}
echo "1..19"
t "--help lists every command" 0 'conformance' -- "$vpnsim" --help
t "--help lists live mode, implemented (issue #11)" 0 'live +SCENARIO --attach NODE=IFNAME \[--duration' -- "$vpnsim" --help
t "--version" 0 '^vpnsim [0-9]+\.[0-9]+\.[0-9]+$' -- "$vpnsim" --version
t "no command: usage, exit 2" 2 'Usage: vpnsim COMMAND' -- "$vpnsim"
t "unknown command with a hint" 2 "unknown command 'valdate' \(did you mean 'validate'\?\)" -- "$vpnsim" valdate
t "unknown option" 2 'Unknown option --frobnicate' -- "$vpnsim" run --frobnicate x.yaml
t "run without a scenario" 2 'missing SCENARIO' -- "$vpnsim" run
t "bad --seed" 2 "seed must be an integer" -- "$vpnsim" run --seed=-4 x.yaml
t "bad --until" 2 "until must be a duration" -- "$vpnsim" run --until=soon x.yaml
t "bad --format with a hint" 2 "unknown format 'jsno'.*did you mean 'json'" -- "$vpnsim" run --format jsno x.yaml
t "README command: dry run of the bundled scenario" 0 'scenario: s2s-ikev2-default' -- \
  "$vpnsim" run --dry-run "$top/scenarios/site-to-site/ikev2-default.yaml"
t "a missing scenario file: exit 2" 2 'No such file' -- "$vpnsim" run --dry-run "$tmp/none.yaml"
printf 'name: x\nconnections:\n  - name: a\n    sharedKey: [unclosed\n' >"$tmp/broken.yaml"
t "broken YAML: file:line:col, exit 2" 2 "broken.yaml:5:1: " -- "$vpnsim" run --dry-run "$tmp/broken.yaml"
printf -- '- just\n- a list\n' >"$tmp/list.yaml"
t "a scenario that is not a mapping: exit 2" 2 'list.yaml:1:1: error GW-SCN-001: a scenario is a mapping' -- \
  "$vpnsim" run --dry-run "$tmp/list.yaml"
t "run (not a dry run) of a broken scenario: nothing runs, exit 2" 2 "broken.yaml:5:1: " -- \
  "$vpnsim" run --out "$tmp/out" "$tmp/broken.yaml"
t "list needs a catalogue" 2 'say which catalogue' -- "$vpnsim" list
t "list of an unknown catalogue" 2 "unknown catalogue 'routers'" -- "$vpnsim" list routers
t "live needs --attach" 2 'missing --attach' -- "$vpnsim" live x.yaml
t "conformance --jobs must be positive" 2 'jobs must be at least 1' -- "$vpnsim" conformance --jobs 0
