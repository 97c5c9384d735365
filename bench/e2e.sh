#!/usr/bin/env bash
# End-to-end benchmark: pgark next to pg_dump / pg_restore / psql in one run, on the reference
# dataset (../shared/bench/prose_dataset.sql, ~325 MB of COPY text at 400k rows). Starts its own
# throwaway cluster (Unix socket only), so it never touches a real server. Not a test: it
# asserts nothing and prints a Markdown table of times, MB/s, ratios, sizes and peak RSS.
#
#   bench/e2e.sh [ROWS]          (default 400000; 4000000 for the 10x variant)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-400000}
dataset=${PGARK_BENCH_DATASET:-../shared/bench/prose_dataset.sql}
bash tools/setup.sh
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
pgark=$PWD/build/tools/pgark
source tools/throwaway_cluster.sh
start_throwaway_cluster pgark-bench 5434 "-c shared_buffers=1GB -c max_wal_size=4GB"
dir=$cluster_dir
out=$dir/out && mkdir -p "$out" && chmod 777 "$out"

echo "loading $rows rows of the reference dataset..." >&2
createdb bench
psql -X -q -v ON_ERROR_STOP=1 -v rows="$rows" -d bench -f "$dataset" >/dev/null
copy_bytes=$(psql -X -At -d bench -c "COPY chapters TO STDOUT" | wc -c)
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }

# run NAME COMMAND...: wall seconds and peak RSS (MB) of the command, appended to results.
results=()
run() {
  local name=$1; shift
  local t0 t1 rss
  psql -X -q -d postgres -c CHECKPOINT  # no step pays for the previous step's writes
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$dir/rss" bash -c "$*" >/dev/null 2>"$dir/err" || { cat "$dir/err" >&2; exit 1; }
  t1=$(date +%s.%N)
  rss=$(tail -1 "$dir/rss")
  results+=("$name"$'\t'"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"$'\t'"$((rss / 1024))")
  echo "  $name done" >&2
}
size() { stat -c %s "$1" 2>/dev/null || du -sb "$1" | cut -f1; }

echo "timing..." >&2
run "raw COPY TO STDOUT > /dev/null" "psql -X -At -d bench -c 'COPY chapters TO STDOUT' > /dev/null"
run "pg_dump -Fc" "pg_dump -Fc -d bench -f $out/dump.fc"
run "pg_dump -Fp, gzip -6" "pg_dump -d bench | gzip -6 > $out/dump.sql.gz"
run "pgark backup full (gzip 6)" "$pgark --quiet --db dbname=bench --backup-dir $out/pgark6 backup full"
run "pgark backup full (gzip 1)" "$pgark --quiet --db dbname=bench --backup-dir $out/pgark1 backup full --compress-level 1"
f6=$(ls "$out"/pgark6/*.sql.gz)
createdb r_pg_restore; createdb r_psql; createdb r_pgark
run "pg_restore -j2 (from -Fc)" "pg_restore -j2 -d r_pg_restore $out/dump.fc"
run "gunzip -c pgark file, psql" "gunzip -c $f6 | psql -X -q -v ON_ERROR_STOP=1 -d r_psql"
run "pgark restore full" "$pgark --quiet --db dbname=r_pgark --backup-dir $out/pgark6 restore full $(basename "$f6")"

echo
echo "Dataset: $rows rows, $(mb "$copy_bytes") MB of COPY text; $(nproc) cores; $(date -u +%F)"
echo
echo "| operation | seconds | MB/s of COPY text | vs pg_dump -Fc / pg_restore -j2 | output MB | peak RSS MB |"
echo "| --- | --- | --- | --- | --- | --- |"
base_dump=$(echo "${results[1]}" | cut -f2)
base_restore=$(echo "${results[5]}" | cut -f2)
outputs=("" "$out/dump.fc" "$out/dump.sql.gz" "$f6" "$(ls "$out"/pgark1/*.sql.gz)" "" "" "")
for i in "${!results[@]}"; do
  IFS=$'\t' read -r name secs rss <<<"${results[$i]}"
  base=$base_dump; ((i >= 5)) && base=$base_restore
  ratio=$(awk -v b="$base" -v s="$secs" 'BEGIN { printf "%.2fx", b / s }')
  o=""; [[ -n "${outputs[$i]}" ]] && o=$(mb "$(size "${outputs[$i]}")")
  echo "| $name | $secs | $(awk -v b="$copy_bytes" -v s="$secs" 'BEGIN { printf "%.0f", b / 1e6 / s }') | $ratio | $o | $rss |"
done
