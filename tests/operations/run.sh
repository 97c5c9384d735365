#!/usr/bin/env bash
# Operations tests (issue 21): installs smtp-server and a Prometheus text parser from the npm
# registry (once, from package-lock.json), starts a throwaway PostgreSQL cluster with a small
# database, and runs operations.test.mjs (which starts the SMTP server and the webhook
# receiver itself). About a minute: a scheduled run waits for cron's next minute. A JUnit
# report goes where GTEST_OUTPUT points (tools/test.sh).
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
if [[ ! -d node_modules/smtp-server || ! -d node_modules/parse-prometheus-text-format ]]; then
  npm ci --no-audit --no-fund --silent
fi
source "$root/tools/throwaway_cluster.sh"
start_throwaway_cluster pgark-ops-test 5438
createdb shop
psql -X -q -v ON_ERROR_STOP=1 -d shop -f "$root/tools/demo/writing.sql" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d shop -c "
  CREATE TABLE tiny (id int PRIMARY KEY, v text);
  INSERT INTO tiny SELECT g, 'row ' || g FROM generate_series(1, 200) g;" >/dev/null
export PGARK_TEST_DB="host=$PGHOST port=$PGPORT user=postgres dbname=shop"
export PGARK_BIN=${PGARK_BIN:-$root/build/tools/pgark}
reporters=(--test-reporter=spec --test-reporter-destination=stdout)
if [[ -n "${GTEST_OUTPUT:-}" && $(node -p 'process.versions.node.split(".")[0]') -ge 20 ]]; then
  reporters+=(--test-reporter=junit --test-reporter-destination="${GTEST_OUTPUT#xml:}operations_test.xml")
fi
node --test "${reporters[@]}" operations.test.mjs
