#!/usr/bin/env bash
# qfc as a CI gate for a qfilecopy receiver: the steps both CI templates run (github-actions.yml,
# gitlab-ci.yml), kept in one script so that they can be run, and tested, anywhere.
#
#   1. certify the receiver under change, with the project's expectations file if it has one;
#   2. certify the receiver of the base revision too, when given, and diff the two runs
#      (diff.md is the pull-request comment);
#   3. fuzz the receiver under change for a budget.
# Every step runs even when an earlier one fails; the script exits 1 when any failed (a new
# failure against the expectations, a regression against the base, a fuzz finding), 2 on bad
# configuration, 0 otherwise.
#
# Configuration (environment):
#   QFC              how to run qfc (default: npx qfc)
#   QFC_RECEIVER     the receiver command under change (required)
#   QFC_BASE_RECEIVER  the base revision's receiver command (optional: no diff without it)
#   QFC_EXPECT       the expectations file (optional)
#   QFC_OUT          where reports go (default: qfc-reports)
#   QFC_FUZZ_SECONDS fuzzing budget in seconds (default 60; 0 skips fuzzing)
#   QFC_FUZZ_RUNS    a budget of runs instead of seconds (deterministic, with QFC_FUZZ_SEED)
#   QFC_FUZZ_SEED    the campaign's seed (default: a new one each run)
#   QFC_ONLY         case ids or globs to certify, separated by spaces (default: all)
set -uo pipefail

qfc=${QFC:-npx qfc}
out=${QFC_OUT:-qfc-reports}
if [[ -z "${QFC_RECEIVER:-}" ]]; then
  echo "qfc-gate: QFC_RECEIVER must name the receiver command under change" >&2
  exit 2
fi
if [[ -n "${QFC_EXPECT:-}" && ! -f "$QFC_EXPECT" ]]; then
  echo "qfc-gate: QFC_EXPECT names no file: $QFC_EXPECT" >&2
  exit 2
fi
mkdir -p "$out" || exit 2

only=()
for id in ${QFC_ONLY:-}; do only+=(--only "$id"); done
expect=()
[[ -n "${QFC_EXPECT:-}" ]] && expect=(--expect "$QFC_EXPECT")

failed=0
step() {
  local name=$1
  shift
  echo "qfc-gate: $name: $*" >&2
  "$@"
  local status=$?
  # 2 is bad usage: the gate is misconfigured, which must not pass for a red or green verdict.
  if [[ $status -eq 2 ]]; then
    echo "qfc-gate: $name: bad usage (exit 2)" >&2
    exit 2
  fi
  if [[ $status -ne 0 ]]; then
    echo "qfc-gate: $name: failed (exit $status)" >&2
    failed=1
  fi
}

# shellcheck disable=SC2086 # $qfc is a command line on purpose (npx qfc, node path/qfc.js)
step certify $qfc certify --receiver "$QFC_RECEIVER" "${only[@]}" "${expect[@]}" --out "$out/certify"

if [[ -n "${QFC_BASE_RECEIVER:-}" ]]; then
  # The base revision's verdicts are what the diff compares with; its own failures are not this change's.
  # shellcheck disable=SC2086
  $qfc certify --receiver "$QFC_BASE_RECEIVER" "${only[@]}" --out "$out/base" >&2
  [[ -f "$out/base/results.json" ]] || { echo "qfc-gate: the base receiver gave no report" >&2; exit 2; }
  # shellcheck disable=SC2086
  step diff $qfc diff "$out/base" "$out/certify" --out "$out/diff"
fi

if [[ -n "${QFC_FUZZ_RUNS:-}" || "${QFC_FUZZ_SECONDS:-60}" != 0 ]]; then
  budget=(--seconds "${QFC_FUZZ_SECONDS:-60}")
  [[ -n "${QFC_FUZZ_RUNS:-}" ]] && budget=(--runs "$QFC_FUZZ_RUNS" --jobs 1)
  seed=()
  [[ -n "${QFC_FUZZ_SEED:-}" ]] && seed=(--seed "$QFC_FUZZ_SEED")
  # Findings go beside the reports (the CI keeps them as artifacts), not into the checkout's corpus.
  # shellcheck disable=SC2086
  step fuzz $qfc fuzz --engine pbt --receiver "$QFC_RECEIVER" "${budget[@]}" "${seed[@]}" --corpus "$out/findings" --out "$out/fuzz"
fi

exit $failed
