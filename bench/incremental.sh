#!/usr/bin/env bash
# Incremental backups next to full ones of the same state (issue 22's measure). For each size
# (default 1M rows; `bench/incremental.sh 1000000 10000000` for both): a database of orders
# (60% of the rows, primary key), events (30%, no key, an append-only log) and order lines
# (10%, composite key); a full backup; then rounds touching 0.1%, 1% and 10% of the rows (on
# the keyed tables a third updated, a third deleted, a third inserted; the log only appended
# to), after each an incremental on the previous link and a full backup of the same state,
# timed (the median of PGARK_BENCH_RUNS runs, default 3, each on the same parent), sized, and
# the server's pages each read (pg_stat_database). Then the chain is restored and compared with
# the source by per-table digests. Prints Markdown. Asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-1000000}")
bash tools/setup.sh >/dev/null
pgark=$PWD/build/tools/pgark
source tools/throwaway_cluster.sh
start_throwaway_cluster pgark-incr 5435 \
  "-c shared_buffers=1GB -c max_wal_size=8GB -c checkpoint_timeout=1h -c autovacuum=off"
dir=$cluster_dir/backups
mkdir -m 700 "$dir"
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$@"; }

# timed DB ARGS...: runs pgark after a checkpoint; sets secs, out (its --json) and pages.
timed() {
  local db=$1 t0 t1 b0 b1
  shift
  sql "$db" -c CHECKPOINT
  b0=$(sql "$db" -c "SELECT pg_stat_force_next_flush(); SELECT blks_hit + blks_read FROM pg_stat_database WHERE datname = '$db'" | tail -1)
  t0=$(date +%s.%N)
  out=$("$pgark" --quiet --json --db "dbname=$db" --backup-dir "$dir" "$@")
  t1=$(date +%s.%N)
  sleep 0.5  # the backend's statistics are sent as it exits
  b1=$(sql "$db" -c "SELECT pg_stat_clear_snapshot(); SELECT blks_hit + blks_read FROM pg_stat_database WHERE datname = '$db'" | tail -1)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  pages=$(awk -v a="$b0" -v b="$b1" 'BEGIN { printf "%.0f", (b - a) * 8 / 1024 }')
}
runs=${PGARK_BENCH_RUNS:-3}
# median_timed DB ARGS...: timed, $runs times; secs is the median, out and pages the last run's.
median_timed() {
  local all=()
  for ((r = 0; r < runs; r++)); do timed "$@"; all+=("$secs"); done
  secs=$(printf '%s\n' "${all[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
}
# bare_pass DB: seconds for one pass over every table's pages in a fresh session, nothing sent
# (the floor for any change detection by xmin on this server); sets secs.
bare_pass() {
  local t0 t1
  sql "$1" -c CHECKPOINT
  t0=$(date +%s.%N)
  sql "$1" -c "SELECT count(*) FROM orders WHERE age(xmin) < 0" \
    -c "SELECT count(*) FROM events WHERE age(xmin) < 0" \
    -c "SELECT count(*) FROM lines WHERE age(xmin) < 0" >/dev/null
  t1=$(date +%s.%N)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
}
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)" <<<"$out"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
digests() {
  sql "$1" -c "SELECT 'orders', count(*), sum(hashtext(o::text)::bigint) FROM orders o" \
    -c "SELECT 'events', count(*), sum(hashtext(e::text)::bigint) FROM events e" \
    -c "SELECT 'lines', count(*), sum(hashtext(l::text)::bigint) FROM lines l"
}

for n in "${sizes[@]}"; do
  db=bench_$n
  createdb "$db"
  sql "$db" <<SQL
CREATE TABLE orders (id bigserial PRIMARY KEY, customer int NOT NULL, note text,
  amount numeric(12,2), created timestamptz);
INSERT INTO orders (customer, note, amount, created) SELECT g % 5000,
  'order ' || g || repeat(' lorem ipsum', (g % 5) + 1), g * 0.37,
  '2026-01-01'::timestamptz + g * interval '1 minute' FROM generate_series(1, $n * 6 / 10) g;
CREATE TABLE events (kind text, payload jsonb, at timestamptz);
INSERT INTO events SELECT 'k' || (g % 7), jsonb_build_object('n', g % 1000),
  '2026-01-01'::timestamptz + (g % 50000) * interval '1 second' FROM generate_series(1, $n * 3 / 10) g;
CREATE TABLE lines (order_id bigint, line int, qty int, PRIMARY KEY (order_id, line));
INSERT INTO lines SELECT g / 3, g % 3, g % 17 FROM generate_series(1, $n / 10) g;
VACUUM ANALYZE;
SQL
  echo
  echo "### $n rows ($(date -u +%F), $(nproc) cores)"
  echo
  echo "| change | incremental (s) | full (s) | time ratio | bare pass (s) | incremental size | full size | size ratio | server MiB read: incremental / full | rows ins/upd/del |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  timed "$db" backup full
  parent=$(field "['backupFile']")
  round=0
  for pct in 0.1 1 10; do
    round=$((round + 1))
    # pct% of the rows: a third of it updated, a third deleted, a third inserted (keyed
    # tables); the log gains pct% of its rows.
    sql "$db" <<SQL
UPDATE orders SET amount = amount + 1, note = note || ' r$round'
  WHERE id % (300 / $pct)::int = $round;
DELETE FROM orders WHERE id % (300 / $pct)::int = $round + 1;
INSERT INTO orders (customer, note, amount) SELECT g % 5000, 'new ' || g, 1
  FROM generate_series(1, ($n * 6 / 10 * $pct / 300)::int) g;
INSERT INTO events SELECT 'k0', '{"n": 1}', now() FROM generate_series(1, ($n * 3 / 10 * $pct / 100)::int);
UPDATE lines SET qty = qty + 1 WHERE order_id % (200 / $pct)::int = $round;
DELETE FROM lines WHERE order_id % (200 / $pct)::int = $round + 1;
SQL
    median_timed "$db" backup incremental --base "$parent"
    isecs=$secs isize=$(field "['size']") ipages=$pages
    changes=$(python3 -c "import json,sys; c=json.load(sys.stdin)['changedRows']; print(f\"{c['inserted']}/{c['updated']}/{c['deleted']}\")" <<<"$out")
    parent=$(field "['backupFile']")
    median_timed "$db" backup full
    fsize=$(field "['size']") fsecs=$secs
    bare_pass "$db"
    echo "| $pct% | $isecs | $fsecs | $(ratio "$isecs" "$fsecs") | $secs | $isize | $fsize | $(awk -v a="$isize" -v b="$fsize" 'BEGIN { printf "%.2f%%", 100 * a / b }') | $ipages / $pages | $changes |"
  done
  createdb "${db}_chain"
  t0=$(date +%s.%N)
  "$pgark" --quiet --db "dbname=${db}_chain" --backup-dir "$dir" restore full "$parent" >/dev/null
  t1=$(date +%s.%N)
  same=no
  [[ "$(digests "$db")" == "$(digests "${db}_chain")" ]] && same=yes
  echo
  echo "Chain (full + 3 incrementals) restored in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s; identical to the source by per-table digests: $same."
  dropdb "${db}_chain"
  rm -f "$dir"/*
done
