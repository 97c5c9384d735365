#!/usr/bin/env bash
# Incremental backups next to full ones: a database of about a million rows in three tables
# (two with primary keys, one without), then rounds of mixed inserts, updates and deletes that
# touch about 1% of the rows, an incremental after each. Prints a Markdown table of times and
# sizes, then restores the last chain and a full backup of the same state and times both.
# Starts its own throwaway cluster. Not a test: it asserts nothing.
#
#   bench/incremental.sh [ROUNDS]     (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
bash tools/setup.sh
pgark=$PWD/build/tools/pgark
source tools/throwaway_cluster.sh
start_throwaway_cluster pgark-incr 5435 "-c shared_buffers=512MB -c max_wal_size=4GB"
dir=$cluster_dir/backups

createdb bench
psql -X -q -v ON_ERROR_STOP=1 -d bench <<'SQL'
CREATE TABLE orders (id bigserial PRIMARY KEY, customer int NOT NULL, note text,
  amount numeric(12,2), created timestamptz);
INSERT INTO orders (customer, note, amount, created) SELECT g % 5000,
  'order ' || g || repeat(' lorem ipsum', (g % 5) + 1), g * 0.37,
  '2026-01-01'::timestamptz + g * interval '1 minute' FROM generate_series(1, 600000) g;
CREATE TABLE events (kind text, payload jsonb, at timestamptz);
INSERT INTO events SELECT 'k' || (g % 7), jsonb_build_object('n', g % 1000),
  '2026-01-01'::timestamptz + (g % 50000) * interval '1 second' FROM generate_series(1, 300000) g;
CREATE TABLE lines (order_id bigint, line int, qty int, PRIMARY KEY (order_id, line));
INSERT INTO lines SELECT g / 3, g % 3, g % 17 FROM generate_series(1, 100000) g;
SQL

# timed LABEL COMMAND...: prints "LABEL<TAB>seconds" and keeps the command's stdout in $last.
timed() {
  local t0 t1
  shift
  t0=$(date +%s.%N)
  last=$("$@")
  t1=$(date +%s.%N)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
}
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)" <<<"$last"; }

echo "| step | time (s) | size (bytes) | size vs full | changed rows (ins/upd/del) |"
echo "| --- | ---: | ---: | ---: | --- |"
timed full "$pgark" --quiet --json --db dbname=bench --backup-dir "$dir" backup full
full_size=$(field "['size']")
echo "| full backup | $secs | $full_size | 100% | |"
for round in $(seq 1 "$rounds"); do
  psql -X -q -v ON_ERROR_STOP=1 -d bench -c "
    UPDATE orders SET amount = amount + 1, note = note || ' r$round' WHERE id % 250 = $round;
    DELETE FROM orders WHERE id % 500 = $((round + 100));
    INSERT INTO orders (customer, note) SELECT g, 'new ' || g FROM generate_series(1, 1200) g;
    DELETE FROM events WHERE ctid IN (SELECT ctid FROM events WHERE kind = 'k$round' LIMIT 600);
    INSERT INTO events SELECT 'k0', '{\"n\": 1}', NULL FROM generate_series(1, 900);
    UPDATE lines SET qty = qty + 1 WHERE order_id % 100 = $round;
    DELETE FROM lines WHERE order_id % 300 = $((round + 7));"
  timed incr "$pgark" --quiet --json --db dbname=bench --backup-dir "$dir" backup incremental
  size=$(field "['size']")
  changes=$(python3 -c "import json,sys; c=json.load(sys.stdin)['changedRows']; print(f\"{c['inserted']}/{c['updated']}/{c['deleted']}\")" <<<"$last")
  pct=$(awk -v a="$size" -v b="$full_size" 'BEGIN { printf "%.1f%%", 100 * a / b }')
  echo "| incremental $round | $secs | $size | $pct | $changes |"
  chain_head=$(field "['backupFile']")
done
timed full2 "$pgark" --quiet --json --db dbname=bench --backup-dir "$dir" backup full
full2=$(field "['backupFile']")
echo "| full backup of the final state | $secs | $(field "['size']") | | |"
createdb r_chain; createdb r_full
timed rchain "$pgark" --quiet --db dbname=r_chain --backup-dir "$dir" restore full "$chain_head"
echo "| restore full + $rounds incrementals | $secs | | | |"
timed rfull "$pgark" --quiet --db dbname=r_full --backup-dir "$dir" restore full "$full2"
echo "| restore the full backup of the same state | $secs | | | |"
