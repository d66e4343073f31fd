#!/bin/bash
# SPDX-License-Identifier: MIT
# Malformed scenarios (issue 21): every file in scenarios/invalid-sections/ (one problem of
# one section each) and scenarios/invalid-format/ is refused by vpnsim validate, vpnsim run
# --dry-run and vpnsim run alike: exit 2 (not a crash, not a hang, not accepted), exactly its
# "# expect: LINE:COL ID" errors as "file:line:col: error ID: ..." (ID YAML: a YAML syntax
# error, "file:line:col: message"), each "# expect-text:" in the messages, and a run that
# writes no output.
set -u
. "$(dirname "$0")/lib.sh"

files=(scenarios/invalid-sections/*.yaml)
ok $([ ${#files[@]} -ge 50 ]; echo $?) "at least 50 files in scenarios/invalid-sections/ (${#files[@]})"

for f in "${files[@]}" scenarios/invalid-format/*.yaml; do
  sed -nE 's/^# expect: ([0-9]+:[0-9]+) ([A-Z0-9-]+|YAML)$/\1 \2/p' "$f" | sort >"$tmp/want"
  ok $([ -s "$tmp/want" ]; echo $?) "$f: states the errors it must produce"
  for cmd in validate dry-run run; do
    rm -rf "$tmp/out"
    case $cmd in
    validate) args=(validate "$f") ;;
    dry-run) args=(run --dry-run "$f") ;;
    run) args=(run --out "$tmp/out" "$f") ;;
    esac
    timeout 20 "$vs" "${args[@]}" >"$tmp/stdout" 2>"$tmp/err"
    rc=$?
    { sed -nE "s|^$f:([0-9]+:[0-9]+): error ([A-Z0-9-]+): .*|\1 \2|p" "$tmp/err"
      sed -nE "s|^$f:([0-9]+:[0-9]+): ([^ew]).*|\1 YAML|p" "$tmp/err"; } | sort >"$tmp/got"
    ok $([ $rc = 2 ]; echo $?) "$f: $cmd exits 2" \
      "exit $rc$([ $rc = 124 ] && echo ' (hung)')$([ $rc -gt 128 ] && [ $rc != 124 ] && echo ' (crashed)')" \
      "$(head -5 "$tmp/err")"
    ok $(cmp -s "$tmp/want" "$tmp/got"; echo $?) "$f: $cmd: every error at its line:col, and no other" \
      "want: $(cat "$tmp/want")" "got: $(cat "$tmp/err")"
    missing=
    while IFS= read -r text; do
      grep -qF -- "$text" "$tmp/err" || missing="$missing[$text] "
    done < <(sed -n 's/^# expect-text: //p' "$f")
    ok $([ -z "$missing" ]; echo $?) "$f: $cmd says every expect-text" "missing: $missing" \
      "$(cat "$tmp/err")"
    if [ $cmd = run ]; then
      ok $([ ! -s "$tmp/stdout" ] && [ -z "$(ls -A "$tmp/out" 2>/dev/null)" ]; echo $?) \
        "$f: run reports nothing and writes no output" "$(head -3 "$tmp/stdout")"
    fi
  done
done

echo "1..$n"
