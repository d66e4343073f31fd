#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every user-facing make target finds a rule for each of its prerequisites on a tree that
# has never been built (issue 24: `make run`, `make bench` and `make install` asked for an
# absolute build/vpnsim no rule makes, and passed only where it already existed). The
# targets are planned with `make -n` into a build directory that does not exist, so the
# test costs no build and still fails the way a fresh clone did.
set -uo pipefail
top=${VPNSIM_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
fresh=build/never-built-$$
targets=(all run bench install tests fuzz pcaps)
echo "1..${#targets[@]}"
n=0
for t in "${targets[@]}"; do
  n=$((n + 1))
  out=$(make -C "$top" -n NO_DEPS=1 B="$fresh" FB="$fresh/fuzz" "$t" 2>&1 >/dev/null); rc=$?
  if ((rc == 0)); then
    echo "ok $n - make $t has a rule for every prerequisite on a never-built tree"
  else
    echo "not ok $n - make $t cannot be planned on a never-built tree"
    sed 's/^/# /' <<<"$out"
  fi
done
rm -rf "${top:?}/$fresh"
