#!/usr/bin/env bash
# End-to-end benchmark: pgark next to pg_dump / pg_restore / psql in one run, on the reference
# dataset (../shared/bench/prose_dataset.sql, ~325 MB of COPY text at 400k rows) with a pgbench
# scale-10 database beside it. Starts its own throwaway cluster (Unix socket only), so it never
# touches a real server. Not a test: it asserts nothing and prints a Markdown table of times,
# MB/s, ratios, sizes and peak RSS, and draws bench/results.png.
#
#   bench/e2e.sh [ROWS [REPEAT]]   (default 400000 rows, each step run 5 times: median and
#                                   spread (min-max) shown; 4000000 for the 10x variant)
#   PGARK_BENCH_ONLY=restore bench/e2e.sh ...   only the backups the restores need, and the
#                                   restores
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-400000}
repeat=${2:-5}
only=${PGARK_BENCH_ONLY:-}
dataset=${PGARK_BENCH_DATASET:-../shared/bench/prose_dataset.sql}
bash tools/setup.sh
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
pgark=${PGARK_BIN:-$PWD/build/tools/pgark}
source tools/throwaway_cluster.sh
start_throwaway_cluster pgark-bench 5434 "-c shared_buffers=1GB -c max_wal_size=4GB"
dir=$cluster_dir
out=$dir/out && mkdir -p "$out" && chmod 777 "$out"

echo "loading $rows rows of the reference dataset..." >&2
createdb bench
psql -X -q -v ON_ERROR_STOP=1 -v rows="$rows" -d bench -f "$dataset" >/dev/null
# A pgbench scale-10 database beside it: four more tables, 1M narrow rows, primary keys.
pgbench -i -s 10 -q bench >/dev/null 2>&1
copy_bytes=0
for t in chapters pgbench_accounts pgbench_branches pgbench_tellers pgbench_history; do
  copy_bytes=$((copy_bytes + $(psql -X -At -d bench -c "COPY $t TO STDOUT" | wc -c)))
done
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }

# run NAME BASE OUTPUT COMMAND...: runs the command $repeat times (each after a CHECKPOINT and
# a sync, so that no run pays for an earlier one's writes, and after $before if set: a restore's
# fresh database) and appends its median and spread of wall seconds and its largest peak RSS
# (MB) to results. BASE names the row its ratio is taken against; OUTPUT is the file or
# directory it writes (or ""). $after, if set, runs after each run, untimed.
results=()
run() {
  local name=$1 base=$2 output=$3; shift 3
  local times=() rss=0 t0 t1 r
  for ((k = 0; k < repeat; k++)); do
    [[ -n "${before:-}" ]] && bash -c "$before"
    psql -X -q -d postgres -c CHECKPOINT
    sync
    t0=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$dir/rss" bash -c "$*" >/dev/null 2>"$dir/err" || { cat "$dir/err" >&2; exit 1; }
    t1=$(date +%s.%N)
    [[ -n "${after:-}" ]] && bash -c "$after"
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')")
    r=$(tail -1 "$dir/rss"); ((r > rss)) && rss=$r
  done
  local stats
  stats=$(printf '%s\n' "${times[@]}" | sort -n |
    awk '{ v[NR] = $1 } END { printf "%s\t%s-%s", v[int((NR + 1) / 2)], v[1], v[NR] }')
  results+=("$name"$'\t'"$stats"$'\t'"$((rss / 1024))"$'\t'"$base"$'\t'"$output")
  echo "  $name: ${times[*]} s (median ${stats%%$'\t'*})" >&2
}
size() { du -sb --apparent-size "$1" | cut -f1; }

echo "timing..." >&2
dump="pg_dump -Fc"
restore="pg_restore -j2 (from -Fc)"
pgark_q="$pgark --quiet --db dbname=bench --backup-dir"
if [[ $only != restore ]]; then
  run "raw COPY TO STDOUT > /dev/null" "raw COPY TO STDOUT > /dev/null" "" "for t in chapters pgbench_accounts pgbench_branches pgbench_tellers; do psql -X -At -d bench -c \"COPY \$t TO STDOUT\"; done > /dev/null"
fi
run "$dump" "$dump" "$out/dump.fc" "pg_dump -Fc -d bench -f $out/dump.fc"
if [[ $only != restore ]]; then
  run "pg_dump -Fp, gzip -6" "$dump" "$out/dump.sql.gz" "pg_dump -d bench | gzip -6 > $out/dump.sql.gz"
  before="rm -rf $out/dump.dir" run "pg_dump -Fd -j2" "$dump" "$out/dump.dir" "pg_dump -Fd -j2 -d bench -f $out/dump.dir"
fi
before="rm -rf $out/pgark6" run "pgark backup full (level 6)" "$dump" "$out/pgark6" "$pgark_q $out/pgark6 backup full --compress-level 6"
if [[ $only != restore ]]; then
  before="rm -rf $out/pgark4" run "pgark backup full (default, level 4)" "$dump" "$out/pgark4" "$pgark_q $out/pgark4 backup full"
  before="rm -rf $out/pgarkfast" run "pgark backup full (fast)" "raw COPY TO STDOUT > /dev/null" "$out/pgarkfast" "$pgark_q $out/pgarkfast backup full --compress-level fast"
  before="rm -rf $out/pgark4j1" run "pgark backup full (default, --jobs 1)" "$dump" "$out/pgark4j1" "$pgark_q $out/pgark4j1 backup full --jobs 1"
fi
before="rm -rf $out/pgarkzstd" run "pgark backup full --compress zstd" "$dump" "$out/pgarkzstd" "$pgark_q $out/pgarkzstd backup full --compress zstd"
f6=$(ls "$out"/pgark6/*.sql.gz)
fz=$(ls "$out"/pgarkzstd/*.sql.zst)
# Each restore goes into a fresh empty database, dropped once timed, so that every run starts
# from the same cluster (a restore into a cluster already holding the previous ones measured
# 10-25% slower).
before="createdb r" after="dropdb r" run "$restore" "$restore" "" "pg_restore -j2 -d r $out/dump.fc"
if [[ $only != restore ]]; then
  before="createdb r" after="dropdb r" run "gunzip -c pgark file, psql" "$restore" "" "gunzip -c $f6 | psql -X -q -v ON_ERROR_STOP=1 -d r"
fi
before="createdb r" after="dropdb r" run "pgark restore full" "$restore" "" "$pgark --quiet --db dbname=r --backup-dir $out/pgark6 restore full $(basename "$f6")"
before="createdb r" after="dropdb r" run "pgark restore full --jobs 2" "$restore" "" "$pgark --quiet --db dbname=r --backup-dir $out/pgark6 restore full --jobs 2 $(basename "$f6")"
# --create makes the database itself (timed, unlike createdb above) and loads it directly.
before="" after="dropdb r" run "pgark restore full --create --jobs 2" "$restore" "" "$pgark --quiet --db dbname=postgres --backup-dir $out/pgark6 restore full --create --target-db r --jobs 2 $(basename "$f6")"
before="createdb r" after="dropdb r" run "pgark restore full --jobs 2 (zstd archive)" "$restore" "" "$pgark --quiet --db dbname=r --backup-dir $out/pgarkzstd restore full --jobs 2 $(basename "$fz")"

if [[ $only != restore ]]; then
# Export and import: 1M narrow rows, next to psql's \copy of the same table and file.
psql -X -q -d bench -c "CREATE TABLE items AS SELECT g AS id, md5(g::text) AS name, g % 100 AS qty,
  timestamptz '2026-01-01' + g * interval '1 minute' AS at FROM generate_series(1, 1000000) g;
  ALTER TABLE items ADD PRIMARY KEY (id); CREATE TABLE items_psql (LIKE items INCLUDING ALL);
  CREATE TABLE items_pgark (LIKE items INCLUDING ALL);"
copy_out="psql \\copy items TO csv"
copy_in="psql \\copy items_psql FROM csv"
run "$copy_out" "$copy_out" "$out/items.csv" "psql -X -d bench -c '\\copy (SELECT * FROM items ORDER BY id) TO $out/items.csv WITH (FORMAT csv, HEADER)'"
before="rm -f $out/exp/export-*" run "pgark export csv items" "$copy_out" "$out/exp/export-*.csv" "$pgark_q $out/exp export csv items"
before="rm -f $out/exp/export-*.json" run "pgark export json items" "$copy_out" "$out/exp/export-*.json" "$pgark_q $out/exp export json items"
before="psql -X -q -d bench -c 'TRUNCATE items_psql'" run "$copy_in" "$copy_in" "" "psql -X -d bench -c '\\copy items_psql FROM $out/items.csv WITH (FORMAT csv, HEADER)'"
before="psql -X -q -d bench -c 'TRUNCATE items_pgark'" run "pgark import csv (same file)" "$copy_in" "" "cp $out/items.csv $out/exp/items.csv && $pgark_q $out/exp import csv items_pgark items.csv"
fi

{
echo
echo "Dataset: $rows rows of prose + pgbench scale 10, $(mb "$copy_bytes") MB of COPY text; $(nproc) cores; $(date -u +%F); median of $repeat runs"
echo
echo "| operation | seconds (median) | spread | MB/s of COPY text | speed vs pg_dump -Fc (fast: vs raw COPY) / pg_restore -j2 / psql \\copy | output MB | peak RSS MB |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for row in "${results[@]}"; do
  IFS=$'\t' read -r name secs spread rss base output <<<"$row"
  base_secs=$(printf '%s\n' "${results[@]}" | awk -F'\t' -v n="$base" '$1 == n { print $2; exit }')
  ratio=$(awk -v b="$base_secs" -v s="$secs" 'BEGIN { printf "%.2fx", b / s }')
  o=""; [[ -n "$output" ]] && o=$(mb "$(size $output)")
  mbs=$(awk -v b="$copy_bytes" -v s="$secs" 'BEGIN { printf "%.0f", b / 1e6 / s }')
  [[ $base == psql* ]] && mbs=""  # export and import: a different table
  echo "| $name | $secs | $spread | $mbs | $ratio | $o | $rss |"
done
} | tee "$dir/table.md"

# The chart (bench/results.png) from the table above.
[[ $only == restore ]] || bash bench/chart.sh "$dir/table.md" bench/results.png
