#!/usr/bin/env bash
# Cluster globals (issue 24) on throwaway clusters of the Debian server: a source with the
# fixture's roles, memberships, settings, tablespace and database; `backup globals` and a
# `--with-owners` full backup of the database; then
#   two steps into an empty cluster: `restore globals` (the tablespace mapped to a new
#     directory: the source's is in use on this machine) and `restore full`;
#   one step into another: `restore full --with-globals --create` of a `backup full
#     --with-globals` (which makes only the database it restores, not the source's others);
#   a `--with-owners` restore into a cluster without the roles is refused up front, naming them.
# Each is compared with the source by pg_dumpall --globals-only (normalized: the \restrict
# tokens, the tablespace's directory; password hashes included) and pg_dump --schema-only of
# the database (owners and ACLs), and its rows. Each check is a case of a JUnit report where
# GTEST_OUTPUT points (tools/test.sh).
set -uo pipefail
cd "$(dirname "$0")/../.."
pgark=${PGARK_BIN:-build/tools/pgark}
here=tests/globals
work=$(mktemp -d /tmp/pgark-globals-XXXXXX)
checks=$work/checks.jsonl
: >"$checks"
bindir=$(pg_config --bindir)
as_server_user() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[[ $(id -u) -eq 0 ]] && chown postgres "$work"
clusters=()
start() {  # start NAME PORT
  as_server_user "$bindir/initdb" -D "$work/$1" -U postgres -A trust -E UTF8 --no-sync >/dev/null &&
    as_server_user "$bindir/pg_ctl" -w -D "$work/$1" -l "$work/$1.log" \
      -o "-c listen_addresses='' -k $work -p $2" start >/dev/null && clusters+=("$1")
}
stop_all() {
  for c in "${clusters[@]}"; do as_server_user "$bindir/pg_ctl" -D "$work/$c" -m fast stop >/dev/null 2>&1; done
  rm -rf "$work"
}
trap stop_all EXIT
check() {  # check NAME ok|fail MESSAGE
  python3 tests/junit_report.py add "$checks" "$1" "$2" "$3"
  echo "globals: $1: $2${3:+ ($3)}" >&2
}
on() { PGHOST=$work PGPORT=$1 PGUSER=postgres "${@:2}"; }
pg() { on "$1" "$pgark" --db "host=$work port=$1 user=postgres dbname=postgres" --backup-dir "$work/backups" "${@:2}"; }
globals_of() {  # the cluster's pg_dumpall --globals-only, normalized
  on "$1" pg_dumpall --globals-only | grep -v '^\\\(un\)\?restrict' | sed "s|$work/space[0-9]*|SPACE|"
}
database_of() { on "$1" pg_dump --schema-only g_db | grep -v '^\\\(un\)\?restrict'; }
rows_of() { on "$1" psql -X -At -d g_db -c "SELECT count(*), md5(string_agg(t::text, ',' ORDER BY id)) FROM app.t t"; }
same_as_source() {  # same_as_source PORT NAME
  local d
  if d=$(diff <(globals_of 5611) <(globals_of "$1")); then check "$2: pg_dumpall --globals-only equal" ok ""
  else check "$2: pg_dumpall --globals-only equal" fail "${d:0:600}"; fi
  if d=$(diff <(database_of 5611) <(database_of "$1")) && [[ $(rows_of 5611) == $(rows_of "$1") ]]; then
    check "$2: database schema, owners, ACLs and rows equal" ok ""
  else check "$2: database schema, owners, ACLs and rows equal" fail "${d:0:600}"; fi
}

mkdir -m 700 "$work/backups" "$work/space1" "$work/space2" "$work/space3"
[[ $(id -u) -eq 0 ]] && chown postgres "$work/space1" "$work/space2" "$work/space3"
start source 5611 && start two_steps 5612 && start one_step 5613 && start no_roles 5614 || {
  check "clusters start" fail "$(tail -3 "$work"/*.log)"; exit 1; }
on 5611 psql -X -q -v ON_ERROR_STOP=1 -d postgres -f "$here/fixture.sql" \
  -c "CREATE TABLESPACE g_space OWNER g_admin LOCATION '$work/space1'" \
  -c "ALTER TABLESPACE g_space SET (random_page_cost = 2)" \
  -c "GRANT CREATE ON TABLESPACE g_space TO g_app" >"$work/load.log" 2>&1 &&
  on 5611 psql -X -q -v ON_ERROR_STOP=1 -d g_db -f "$here/database.sql" >>"$work/load.log" 2>&1 ||
  { check "fixture loads" fail "$(tail -3 "$work/load.log")"; exit 1; }

file_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["backupFile"])'; }
globals=$(pg 5611 --json backup globals | file_of)
full=$(on 5611 "$pgark" --db "host=$work port=5611 user=postgres dbname=g_db" --backup-dir \
       "$work/backups" --json backup full --with-owners | file_of)
both=$(on 5611 "$pgark" --db "host=$work port=5611 user=postgres dbname=g_db" --backup-dir \
       "$work/backups" --json backup full --with-owners --with-globals | file_of)
if [[ -z $globals || -z $full || -z $both ]]; then check "backups" fail "globals=$globals full=$full both=$both"; exit 1; fi
out=$(pg 5611 validate "$globals" 2>&1) && check "globals backup validates" ok "" ||
  check "globals backup validates" fail "$out"
if zcat "$work/backups/$globals" | grep "PASSWORD 'SCRAM-SHA-256" >/dev/null &&
   zcat "$work/backups/$globals" | grep 'GRANT SET ON PARAMETER "work_mem"' >/dev/null; then
  check "password hashes and parameter privileges carried" ok ""
else check "password hashes and parameter privileges carried" fail ""; fi

# Two steps: restore globals, then the database.
out=$(pg 5612 restore globals "$globals" --map-tablespace "g_space=$work/space2" 2>&1) &&
  out=$(pg 5612 restore full "$full" --target-db g_db 2>&1) &&
  same_as_source 5612 "restore globals, then restore full" ||
  check "restore globals, then restore full" fail "${out:0:600}"
# Again: nothing is created twice, nothing dropped; --update-existing brings a changed role back.
on 5612 psql -X -q -d postgres -c "ALTER ROLE g_app NOLOGIN CONNECTION LIMIT 3"
out=$(pg 5612 --json restore globals "$globals" 2>&1)
if [[ $out == *'"created":[]'* ]] && out=$(pg 5612 restore globals "$globals" --update-existing 2>&1) &&
   out=$(diff <(globals_of 5611) <(globals_of 5612)); then
  check "restore globals twice; --update-existing restores a changed role" ok ""
else check "restore globals twice; --update-existing restores a changed role" fail "${out:0:900}"; fi

# A --with-owners backup into a cluster without its roles: refused, naming them.
out=$(pg 5614 restore full "$full" --target-db postgres 2>&1); rc=$?
if ((rc != 0)) && [[ $out == *"lacks"*"g_space"* || $out == *"lacks"*"g_admin"* ]] &&
   [[ $(on 5614 psql -X -At -d postgres -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'app'") == 0 ]]; then
  check "missing roles or tablespaces refused up front" ok ""
else check "missing roles or tablespaces refused up front" fail "exit $rc: ${out:0:400}"; fi

# One step: the globals inside the full backup, the database created by them.
out=$(pg 5613 restore full "$both" --with-globals --map-tablespace "g_space=$work/space3" \
      --create --target-db g_db 2>&1) &&
  same_as_source 5613 "restore full --with-globals --create" ||
  check "restore full --with-globals --create" fail "${out:0:600}"
# A created role's settings in a database that was there (postgres) are restored too.
setting="SELECT setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
         JOIN pg_roles r ON r.oid = s.setrole WHERE d.datname = 'postgres' AND r.rolname = 'g Odd''name'"
if [[ $(on 5612 psql -X -At -d postgres -c "$setting") == '{lock_timeout=2s}' ]]; then
  check "a created role's settings in an existing database" ok ""
else check "a created role's settings in an existing database" fail "$(on 5612 psql -X -At -d postgres -c "$setting" 2>&1)"; fi
# restore globals made every database; restore full --with-globals only the one it restores.
if [[ $(on 5612 psql -X -At -d postgres -c "SELECT datdba::regrole FROM pg_database WHERE datname = 'g_other'") == g_app &&
      $(on 5613 psql -X -At -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = 'g_other'") == 0 ]]; then
  check "restore globals creates every database, --with-globals only its own" ok ""
else check "restore globals creates every database, --with-globals only its own" fail ""; fi

[[ -n ${GTEST_OUTPUT:-} ]] &&
  python3 tests/junit_report.py write "$checks" "${GTEST_OUTPUT#xml:}globals_test.xml" Globals
! grep -q '"ok": false' "$checks"
