#!/usr/bin/env bash
# The main job on an embedded default: installs and builds pgark, then
#  - without a configured database (no DATABASE_URL / PGHOST / PGDATABASE): starts a throwaway
#    PostgreSQL cluster on a Unix socket, loads the demo "writing" database, backs it up,
#    validates the file, restores it into a fresh database and compares the two;
#  - with one: backs up that database and validates the backup.
# Backups go to $BACKUP_DIR (default ./demo-backups).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
pgark=$PWD/build/tools/pgark
export BACKUP_DIR=${BACKUP_DIR:-$PWD/demo-backups}

say() { printf '\n== %s\n' "$*"; }

if [[ -n "${DATABASE_URL:-}${PGHOST:-}${PGDATABASE:-}" ]]; then
  say "backing up the configured database"
  file=$("$pgark" --json backup full | python3 -c 'import json,sys; print(json.load(sys.stdin)["backupFile"])')
  "$pgark" validate "$file"
  echo "backup: $BACKUP_DIR/$file"
  exit 0
fi

source tools/throwaway_cluster.sh
say "starting a throwaway PostgreSQL cluster (Unix socket only)"
start_throwaway_cluster pgark-demo 5433

say "loading the demo database \"writing\" (series, books, chapters, characters, locations)"
createdb writing
psql -X -q -v ON_ERROR_STOP=1 -d writing -f tools/demo/writing.sql >/dev/null

say "pgark backup full"
out=$("$pgark" --db "dbname=writing" --json backup full)
echo "$out"
file=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["backupFile"])' "$out")

say "pgark validate $file"
"$pgark" validate "$file"

say "pgark restore full $file --target-db writing_restored"
createdb writing_restored
"$pgark" --db "dbname=postgres" restore full "$file" --target-db writing_restored

say "comparing source and restored database, table by table"
digest='SELECT count(*) || E'"'"' rows, md5 '"'"' || md5(string_agg(t::text, E'"'"'\n'"'"' ORDER BY t::text)) FROM %s t'
for t in series books chapters locations characters; do
  a=$(psql -X -At -d writing -c "$(printf "$digest" "$t")")
  b=$(psql -X -At -d writing_restored -c "$(printf "$digest" "$t")")
  [[ "$a" == "$b" ]] && mark=identical || mark=DIFFERENT
  printf '  %-11s %-45s %s\n' "$t" "$a" "$mark"
  [[ "$a" == "$b" ]]
done
echo
echo "backup kept in $BACKUP_DIR/$file"
echo "  (plain SQL inside: gunzip -c $BACKUP_DIR/$file | less)"
