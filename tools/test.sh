#!/usr/bin/env bash
# Runs every pgark test (unit tests and the real-PostgreSQL integration tests, which start
# their own throwaway cluster) and ends with the line "N passed, N failed".
#   tools/test.sh            everything (what CI runs)
#   tools/test.sh unit       the unit tests only: seconds, no server (a quick loop)
#   tools/test.sh NAME...    those meson tests (roundtrip, cli, mcp, engine_core, ...), and
#                            "fuzz": every fuzz target for 10 s (tools/fuzz.sh)
#   tools/test.sh --sanitize [NAME...]
#                            the same in ./build-asan, built with AddressSanitizer and
#                            UndefinedBehaviorSanitizer (any finding fails its test); run it
#                            after every change to a parser
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
builddir=build
if [[ ${1:-} == --sanitize ]]; then
  shift
  builddir=build-asan
  if [[ ! -f $builddir/build.ninja ]]; then
    meson setup "$builddir" -Db_sanitize=address,undefined -Db_lundef=false \
      --buildtype=debugoptimized >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
  fi
  ninja -C "$builddir" >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
fi

results=$builddir/test-results
rm -rf "$results" && mkdir -p "$results"
selection=()
fuzz=1
if (($#)); then  # "unit" names the unit suite; any other name one test
  fuzz=0
  for name in "$@"; do
    case $name in
      fuzz) fuzz=1 ;;
      unit) mapfile -t -O "${#selection[@]}" selection < <(meson test -C "$builddir" --list \
              --suite unit 2>/dev/null | sed -n 's|^.*:unit / ||p') ;;
      *) selection+=("$name") ;;
    esac
  done
fi
status=0
if ((fuzz)); then
  # The fuzz targets' sanitizer build (several minutes) runs behind the tests, at the lowest
  # priority: it takes the cycles they leave idle; tools/fuzz.sh below finds it done.
  nice -n 19 bash tools/fuzz.sh --build-only >/dev/null 2>&1 &
  fuzz_build=$!
fi
if ((${#selection[@]})) || (($# == 0)); then
  GTEST_OUTPUT="xml:$PWD/$results/" meson test -C "$builddir" --print-errorlogs \
    --num-processes 2 "${selection[@]}"
  status=$?
  testlog=$builddir/meson-logs/testlog.json
else
  testlog=$results/none.json  # no meson test ran
  : > "$testlog"
fi
# The parsers of untrusted input under libFuzzer, ASan and UBSan: 10 s per target.
if ((fuzz)); then
  [[ -n ${fuzz_build:-} ]] && wait "$fuzz_build"  # a failed build is reported by the run below
  GTEST_OUTPUT="xml:$PWD/$results/" bash tools/fuzz.sh --seconds 10 || status=1
fi
python3 tools/test_summary.py "$results" "$testlog"
summary=$?
if [[ $status -ne 0 || $summary -ne 0 ]]; then exit 1; fi
