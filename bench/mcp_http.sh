#!/usr/bin/env bash
# Load on `pgark mcp --http`: 50 concurrent sessions mixing db_list_backups, db_validate_backup
# and db_describe_backup while four of them run db_backup_full at once. Prints the latency
# percentiles of each tool (list must stay fast while backups run), the error count and the
# server's peak RSS. Starts its own throwaway cluster with a ~1M-row database. Not a test: it
# asserts nothing.
#
#   bench/mcp_http.sh [SESSIONS [ROUNDS]]   (default 50 sessions, 20 rounds each)
set -euo pipefail
cd "$(dirname "$0")/.."
sessions=${1:-50}
rounds=${2:-20}
bash tools/setup.sh
[[ -d tests/mcp/node_modules/@modelcontextprotocol/sdk ]] || (cd tests/mcp && npm ci --no-audit --no-fund --silent)
pgark=${PGARK_BIN:-$PWD/build/tools/pgark}
source tools/throwaway_cluster.sh
start_throwaway_cluster pgark-mcp-bench 5436
createdb bench
pgbench -i -s 10 -q bench >/dev/null 2>&1
backups=$cluster_dir/backups && mkdir -m 700 "$backups"
# Something to list, validate and describe.
"$pgark" --db "dbname=bench" --backup-dir "$backups" --quiet backup full >/dev/null
"$pgark" --db "dbname=bench" --backup-dir "$backups" --quiet backup table pgbench_branches >/dev/null
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
PGARK_MCP_TOKEN=$token "$pgark" --db "dbname=bench" --backup-dir "$backups" mcp \
  --http 127.0.0.1:0 2>"$cluster_dir/mcp.log" &
server=$!
for _ in $(seq 50); do grep -q 'serving MCP on' "$cluster_dir/mcp.log" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$cluster_dir/mcp.log")
PGARK_MCP_TOKEN=$token node bench/mcp_http_load.mjs "$url" "$sessions" "$rounds"
echo "server peak RSS: $(awk '/VmHWM/ {printf "%.1f MB", $2 / 1024}' /proc/$server/status)"
echo "server threads at the end: $(awk '/Threads/ {print $2}' /proc/$server/status)"
kill -TERM $server
wait $server || true
