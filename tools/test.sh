#!/usr/bin/env bash
# Runs every pgark test (unit tests and the real-PostgreSQL integration tests, which start
# their own throwaway cluster) and ends with the line "N passed, N failed".
#   tools/test.sh            everything (what CI runs)
#   tools/test.sh unit       the unit tests only: seconds, no server (a quick loop)
#   tools/test.sh NAME...    those meson tests (roundtrip, cli, mcp, engine_core, ...)
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

results=build/test-results
rm -rf "$results" && mkdir -p "$results"
selection=()
if [[ ${1:-} == unit ]]; then
  selection=(--suite unit)
elif (($#)); then
  selection=("$@")
fi
GTEST_OUTPUT="xml:$PWD/$results/" meson test -C build --print-errorlogs --num-processes 2 \
  "${selection[@]}"
status=$?
python3 tools/test_summary.py "$results" build/meson-logs/testlog.json
summary=$?
if [[ $status -ne 0 || $summary -ne 0 ]]; then exit 1; fi
