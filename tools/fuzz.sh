#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer (in ./build-fuzz) and runs each from its seed corpus
# (tests/fuzz/corpus/<target>) for a while. Prints one line per target; exits 1 if any target
# crashed, leaked, hit undefined behaviour, ran out of memory or timed out.
#   tools/fuzz.sh [--seconds N] [TARGET...]     N seconds each (default 10); all targets
#   tools/fuzz.sh --build-only                    only builds them (tools/test.sh does that
#                                                 behind the other tests, at low priority)
# With GTEST_OUTPUT=xml:DIR/ (tools/test.sh), also writes DIR/fuzz_test.xml, one test case per
# target. New inputs go to a scratch directory, never into the repository; a crashing input is
# kept in build-fuzz/crashes/ and named in the output.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=10
build_only=0
if [[ ${1:-} == --build-only ]]; then build_only=1; shift; fi
if [[ ${1:-} == --seconds ]]; then seconds=$2; shift 2; fi
targets=("$@")
((${#targets[@]})) || targets=(csv_reader json_records manifest archive copy_text sql_statements
                                cron json_rpc http_auth s3_xml)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
checks=$work/checks.jsonl
: > "$checks"
record() {  # record NAME ok|fail MESSAGE
  python3 tests/junit_report.py add "$checks" "$1" "$2" "$3"
}
report() {
  [[ -n ${GTEST_OUTPUT:-} ]] &&
    python3 tests/junit_report.py write "$checks" "${GTEST_OUTPUT#xml:}fuzz_test.xml" Fuzz
}

build() {
  if [[ ! -f build-fuzz/build.ninja ]]; then
    CXX=clang++ CC=clang meson setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined \
      -Db_lundef=false --buildtype=debugoptimized >/dev/null || return 1
  fi
  local names=("${targets[@]/#/tests/fuzz/}")
  ninja -C build-fuzz "${names[@]/%/_fuzz}" >"$work/build.log" 2>&1 ||
    { tail -20 "$work/build.log" >&2; return 1; }
}
if ! build; then
  echo "fuzz: the fuzz targets did not build (clang, libfuzzer-14-dev: tools/setup.sh)" >&2
  ((build_only)) && exit 1
  record build fail "the fuzz targets did not build"
  report
  exit 1
fi
((build_only)) && exit 0

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
mkdir -p build-fuzz/crashes
failed=0
for t in "${targets[@]}"; do
  mkdir -p "$work/$t"
  log=$work/$t.log
  "build-fuzz/tests/fuzz/${t}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -artifact_prefix="build-fuzz/crashes/$t-" -print_final_stats=1 \
    "$work/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  if ((rc == 0)); then
    echo "fuzz: $t: ok, ${runs:-?} inputs in ${seconds} s"
    record "$t" ok ""
  else
    failed=1
    artifact=$(grep -o 'Test unit written to [^ ]*' "$log" | tail -1)
    echo "fuzz: $t: FAILED ($artifact)" >&2
    grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -5 >&2
    record "$t" fail "$(grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -5) $artifact"
  fi
done
report
exit $failed
