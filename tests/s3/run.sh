#!/usr/bin/env bash
# Object storage tests (issue 20): installs s3rver and the AWS SDK from the npm registry (once,
# from package-lock.json), starts a throwaway PostgreSQL cluster with a database whose archive
# is a multipart upload, and runs s3.test.mjs (which starts the SigV4-verifying S3 service of
# s3-server.mjs itself). A JUnit report goes where GTEST_OUTPUT points (tools/test.sh).
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
if [[ ! -d node_modules/s3rver || ! -d node_modules/@aws-sdk/client-s3 ]]; then
  npm ci --no-audit --no-fund --silent
fi
source "$root/tools/throwaway_cluster.sh"
start_throwaway_cluster pgark-s3-test 5436
createdb shop
# About 14 MB of archive: several 5 MiB parts; "tiny" is well under 10% of it.
psql -X -q -v ON_ERROR_STOP=1 -d shop -c "
  CREATE TABLE tiny (id int PRIMARY KEY, v text);
  INSERT INTO tiny SELECT g, 'row ' || g FROM generate_series(1, 200) g;
  CREATE TABLE big (id int PRIMARY KEY, t text);
  INSERT INTO big SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 400000) g;" \
  >/dev/null
export PGARK_TEST_DB="host=$PGHOST port=$PGPORT user=postgres dbname=shop"
export PGARK_BIN=${PGARK_BIN:-$root/build/tools/pgark}
reporters=(--test-reporter=spec --test-reporter-destination=stdout)
if [[ -n "${GTEST_OUTPUT:-}" && $(node -p 'process.versions.node.split(".")[0]') -ge 20 ]]; then
  reporters+=(--test-reporter=junit --test-reporter-destination="${GTEST_OUTPUT#xml:}s3_test.xml")
fi
# s3rver encrypts its listing continuation tokens with DES, which OpenSSL 3 keeps in its
# legacy provider.
NODE_OPTIONS="--openssl-legacy-provider ${NODE_OPTIONS:-}" node --test "${reporters[@]}" s3.test.mjs
