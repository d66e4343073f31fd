# SPDX-License-Identifier: MIT
# What every script test (tests/*.t) starts with, sourced after its `set` line:
#   . "$(dirname "$0")/lib.sh"
# top: the repository (VPNSIM_TOP), vs: the binary under test (VPNSIM), the working
# folder is top, tmp: a scratch folder removed at exit, and ok, the TAP line writer.
top=${VPNSIM_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
vs=${VPNSIM:-$top/build/vpnsim}
cd "$top" || exit 1
n=0
# ok STATUS DESCRIPTION [DIAGNOSTIC...]: "ok N - DESCRIPTION" when STATUS is 0, else
# "not ok N - DESCRIPTION" and each non-empty diagnostic as "# " comment lines.
ok() {
  n=$((n + 1))
  if [ "$1" = 0 ]; then echo "ok $n - $2"; else
    echo "not ok $n - $2"
    shift 2
    for d in "$@"; do [ -n "$d" ] && printf '%s\n' "$d" | sed 's/^/# /'; done
  fi
  return 0
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# check_copy SRC OUT [SED-ARGS...]: a scenario copied to OUT with the bases it is built on
# (extends:, docs/scenario-format.md) copied beside it at the same relative places, each
# file through `sed SED-ARGS` when given: a test's variant of a check scenario, wherever
# the line it changes is (the scenario or a base).
check_copy() {
  local src=$1 out=$2 sdir odir f e rel
  shift 2
  sdir=$(dirname "$src") odir=$(dirname "$out") f=$src
  while e=$(sed -n 's/^extends: *//p' "$f" | tr -d "\"'") && [ -n "$e" ]; do
    rel=$(realpath -m --relative-to="$sdir" "$(dirname "$f")/$e")
    mkdir -p "$(dirname "$odir/$rel")"
    if (($#)); then sed "$@" "$sdir/$rel" >"$odir/$rel"; else cp "$sdir/$rel" "$odir/$rel"; fi
    f=$sdir/$rel
  done
  if (($#)); then sed "$@" "$src" >"$out"; else cp "$src" "$out"; fi
}
