#!/usr/bin/env bash
# Object storage beside the local directory, in one run: backup full and restore full of
# pgbench -i -s SCALE into a local directory and into a local S3 service
# (tests/s3/s3-server.mjs: s3rver behind the SigV4-verifying proxy), each with its wall time and
# peak RSS, and the bytes a one-table restore (pgbench_branches) fetches from the full backup
# in the bucket. Not a test: it asserts nothing.
#
#   bench/s3.sh [SCALE]   (default 50: 5M accounts)
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-50}
bash tools/setup.sh
[[ -d tests/s3/node_modules/s3rver ]] || (cd tests/s3 && npm ci --no-audit --no-fund --silent)
pgark=${PGARK_BIN:-$PWD/build/tools/pgark}
source tools/throwaway_cluster.sh
start_throwaway_cluster pgark-s3-bench 5437
createdb bench
pgbench -i -s "$scale" -q bench >/dev/null 2>&1
local_dir=$cluster_dir/backups && mkdir -m 700 "$local_dir"
NODE_OPTIONS=--openssl-legacy-provider node tests/s3/s3-server.mjs --bucket bench \
  >"$cluster_dir/s3.json" 2>"$cluster_dir/s3.log" &
s3_server=$!
trap 'kill $s3_server 2>/dev/null; stop_throwaway_cluster' EXIT
for _ in $(seq 100); do [[ -s $cluster_dir/s3.json ]] && break; sleep 0.1; done
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$cluster_dir/s3.json" "$1"; }
endpoint=$(field endpoint)
export AWS_ACCESS_KEY_ID=$(field accessKey) AWS_SECRET_ACCESS_KEY=$(field secretKey)
export AWS_ENDPOINT_URL=$endpoint AWS_REGION=us-east-1
# "seconds peak-RSS-MB" of one pgark run.
measure() {
  python3 - "$pgark" "$@" <<'PY'
import resource, subprocess, sys, time
start = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
if r.returncode != 0:
    sys.exit(f"failed: {' '.join(sys.argv[1:])}")
print(f"{time.monotonic() - start:.2f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f}")
PY
}
newest() { "$pgark" --backup-dir "$1" --json list --limit 1 | python3 -c "import json,sys; b=json.load(sys.stdin)['backups'][0]; print(b['filename'])"; }
printf '%-34s %9s %12s\n' "step" "seconds" "peak RSS MB"
for where in "$local_dir" "s3://bench/nightly"; do
  name=$([[ $where == s3://* ]] && echo "S3" || echo "local directory")
  read -r secs rss < <(measure --db dbname=bench --backup-dir "$where" --quiet backup full)
  printf '%-34s %9s %12s\n' "backup full -> $name" "$secs" "$rss"
  file=$(newest "$where")
  target=restore_$RANDOM && createdb "$target"
  read -r secs rss < <(measure --db "dbname=$target" --backup-dir "$where" --quiet restore full "$file")
  printf '%-34s %9s %12s\n' "restore full <- $name" "$secs" "$rss"
done
file=$(newest s3://bench/nightly)
size=$("$pgark" --backup-dir s3://bench/nightly --json list --limit 1 | python3 -c "import json,sys; print(json.load(sys.stdin)['backups'][0]['size'])")
curl -s "$endpoint/__pgark_test/stats" >/dev/null  # reset the counters
target=one_$RANDOM && createdb "$target"
read -r secs rss < <(measure --db "dbname=$target" --backup-dir s3://bench/nightly --quiet \
                       restore table "$file" --table pgbench_branches)
printf '%-34s %9s %12s\n' "restore table <- S3" "$secs" "$rss"
curl -s "$endpoint/__pgark_test/stats" | python3 -c "
import json, sys
stats = json.load(sys.stdin)
fetched = sum(v for k, v in stats['bytesServed'].items() if k.endswith('$file'))
print(f'one-table restore fetched {fetched} bytes of the {\"$size\"} archive, in {stats[\"requests\"]} requests')"
