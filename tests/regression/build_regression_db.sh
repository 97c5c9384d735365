#!/usr/bin/env bash
# build_regression_db.sh REGRESS_DIR WORK_DIR DBNAME: builds PostgreSQL's regression database
# the way pg_regress does, but serially: every test of parallel_schedule, in order, through
# psql with pg_regress's variables and environment, into DBNAME on the server PGHOST/PGPORT
# names. Tests that need regress.so (not built here) fail in part, which is expected: the
# database is what they leave behind. Prints how many test files ran and how many had errors.
set -euo pipefail
regress=$1 work=$2 db=$3
# The server reads the data files (COPY ... FROM 'file') as its own user: work on a copy it
# may read, with the tablespace directory pg_regress would make.
rm -rf "$work/regress" && mkdir -p "$work" && cp -r "$regress" "$work/regress"
mkdir -p "$work/regress/testtablespace" "$work/out"
[[ $(id -u) -eq 0 ]] && chown -R postgres "$work/regress" && chmod 755 "$work"
export PG_ABS_SRCDIR=$work/regress PG_ABS_BUILDDIR=$work/regress
export PG_LIBDIR=$(pg_config --pkglibdir) PG_DLSUFFIX=.so
export PGTZ=PST8PDT PGDATESTYLE='Postgres, MDY' PGAPPNAME=pg_regress
psql -X -q -d postgres -v ON_ERROR_STOP=1 <<SQL
DROP DATABASE IF EXISTS "$db";
CREATE DATABASE "$db" TEMPLATE = template0;
ALTER DATABASE "$db" SET lc_messages TO 'C';
ALTER DATABASE "$db" SET lc_monetary TO 'C';
ALTER DATABASE "$db" SET lc_numeric TO 'C';
ALTER DATABASE "$db" SET lc_time TO 'C';
ALTER DATABASE "$db" SET bytea_output TO 'hex';
ALTER DATABASE "$db" SET timezone_abbreviations TO 'Default';
SQL
ran=0 failed=0
for t in $(sed -n 's/^test: *//p' "$regress/parallel_schedule"); do
  out=$work/out/$t.out
  (cd "$work/regress" && psql -X -a -q -d "$db" -v HIDE_TABLEAM=on -v HIDE_TOAST_COMPRESSION=on \
     < "sql/$t.sql" > "$out" 2>&1) || true
  ran=$((ran + 1))
  grep -q '^ERROR:' "$out" && failed=$((failed + 1))
done
echo "regression database \"$db\": $ran test files run, $failed with errors (regress.so is not built)"
