#!/usr/bin/env bash
# PostgreSQL's regression database as a fidelity test (the fidelity issue's deliverable 4):
# builds it from the installed server's own source package (tests/regression/fetch_regress.sh,
# cached), backs it up with pgark and with pg_dump, restores each into an empty database (pgark
# restore full; gunzip -c | psql -v ON_ERROR_STOP=1; pg_restore), and compares every copy with
# the source (compare.py): schema lines, TOC entries, tables' rows, sequences, large objects.
# Prints the figures side by side with pg_dump's own round trip, without and with owners, and
# exits 1 when a pgark copy differs more than pg_dump's does, or a restore fails.
# Each check is also a test case of a JUnit report where GTEST_OUTPUT points (tools/test.sh,
# which runs this as the meson test "regression").
#   tests/regression/run.sh [--keep]   (--keep: leave the cluster running, print how to reach it)
set -uo pipefail
cd "$(dirname "$0")/../.."
here=tests/regression
pgark=${PGARK_BIN:-$PWD/build/tools/pgark}
regress=$(bash $here/fetch_regress.sh) || { echo "cannot fetch the regression suite" >&2; exit 1; }
source tools/throwaway_cluster.sh
start_throwaway_cluster pgark-regression 5436
work=$cluster_dir/work
bash $here/build_regression_db.sh "$regress" "$work" regression >&2 || exit 1
status=0
checks=$work/checks.jsonl
: > "$checks"
# check NAME OK MESSAGE: one test case of the report.
check() {
  python3 tests/junit_report.py add "$checks" "$1" "$2" "$3"
}

# round_trip LABEL PGARK_FLAGS PG_RESTORE_FLAGS
round_trip() {
  local label=$1 pgark_flags=$2 restore_flags=$3 dir=$work/backups-$1
  rm -rf "$dir"
  for db in r_pgark r_psql r_pgdump; do dropdb --if-exists "$db"; createdb -T template0 "$db"; done
  local ok_pgark=ok ok_psql=ok ok_pgdump=ok
  $pgark --quiet --db dbname=regression --backup-dir "$dir" backup full $pgark_flags \
      > "$work/$label-backup.out" 2> "$work/$label-backup.err" || ok_pgark="backup failed"
  local file; file=$(ls "$dir" 2>/dev/null | grep -E '\.sql\.gz$' | head -1)
  if [[ $ok_pgark == ok ]]; then
    $pgark --quiet --db dbname=r_pgark --backup-dir "$dir" restore full "$file" \
        > "$work/$label-restore.out" 2> "$work/$label-restore.err" || ok_pgark="restore failed"
    gunzip -c "$dir/$file" | psql -X -q -v ON_ERROR_STOP=1 -d r_psql \
        > /dev/null 2> "$work/$label-psql.err" || ok_psql="psql failed"
  fi
  pg_dump -Fc -d regression -f "$work/regression.dump" &&
    pg_restore $restore_flags -d r_pgdump "$work/regression.dump" 2> "$work/$label-pg_restore.err" ||
    ok_pgdump="pg_restore reported $(grep -c '^pg_restore: error' "$work/$label-pg_restore.err") errors"
  echo "== $label: pgark restore: $ok_pgark; gunzip | psql: $ok_psql; pg_dump | pg_restore: $ok_pgdump"
  check "$label: pgark backup and restore" "$ok_pgark" "$(head -3 "$work/$label-restore.err" "$work/$label-backup.err" 2>/dev/null)"
  check "$label: gunzip -c | psql -v ON_ERROR_STOP=1" "$ok_psql" "$(tail -3 "$work/$label-psql.err")"
  check "$label: pg_dump | pg_restore (the oracle)" "$ok_pgdump" "$(grep -m3 '^pg_restore: error' "$work/$label-pg_restore.err")"
  [[ $ok_pgark != ok ]] && { head -3 "$work/$label-restore.err" "$work/$label-backup.err"; status=1; }
  [[ $ok_psql != ok ]] && { tail -3 "$work/$label-psql.err"; status=1; }
  echo "backup warnings: $(grep -c 'warning' "$work/$label-backup.err" 2>/dev/null)"
  python3 $here/compare.py regression r_pgdump r_pgark r_psql > "$work/$label.json" || status=1
  python3 - "$work/$label.json" "$label" "$checks" <<'PY' || status=1
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
label, checks = sys.argv[2], open(sys.argv[3], "a")
src, copies = rows[0], {r["database"]: r for r in rows[1:]}
print(f"source: {src['tables']} tables, {src['toc_entries']} TOC entries")
keys = ["schema_diff_lines", "toc_entries_differing", "tables_differing", "sequences_differing",
        "large_objects_equal"]
print("| metric | pg_dump/pg_restore | pgark restore | gunzip -c / psql |")
print("| --- | ---: | ---: | ---: |")
for k in keys:
    print(f"| {k} | " + " | ".join(str(copies[d][k]) for d in ("r_pgdump", "r_pgark", "r_psql")) + " |")
worse = [(d, k) for d in ("r_pgark", "r_psql") for k in keys[:4]
         if copies[d][k] > copies["r_pgdump"][k]]
worse += [(d, "large_objects_equal") for d in ("r_pgark", "r_psql")
          if not copies[d]["large_objects_equal"] and copies["r_pgdump"]["large_objects_equal"]]
for d in sorted({d for d, _ in worse}):
    print(f"pgark's copy {d} differs more than pg_dump's in "
          f"{', '.join(k for c, k in worse if c == d)}; for example:")
    for what, examples in copies[d]["examples"].items():
        for e in examples[:8]:
            print(f"  {what}: {e[:160]}")
for d, how in (("r_pgark", "pgark restore"), ("r_psql", "gunzip -c | psql")):
    bad = [k for c, k in worse if c == d]
    message = "; ".join(f"{k}: {copies[d][k]} vs pg_dump's {copies['r_pgdump'][k]}" for k in bad)
    print(json.dumps({"name": f"{label}: {how} differs no more than pg_dump's copy",
                      "ok": not bad, "message": message}), file=checks)
sys.exit(1 if worse else 0)
PY
}

round_trip plain "" "--no-owner --no-acl"
round_trip owners "--with-owners" ""
if [[ -n ${GTEST_OUTPUT:-} ]]; then
  python3 tests/junit_report.py write "$checks" "${GTEST_OUTPUT#xml:}regression_test.xml" \
    RegressionDatabase
fi
if [[ ${1:-} == --keep ]]; then
  trap - EXIT
  echo "cluster left running: PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=$PGUSER (work in $work)"
fi
exit $status
