#!/usr/bin/env bash
# The package proved where it is used (issue 25): builds the .deb with tools/package.sh,
# installs it with apt into a fresh minimal Debian 12 root filesystem (mmdebstrap --variant=
# minbase, cached in /var/cache/pgark/rootfs), checks that no PostgreSQL client or compiler is
# there, and inside it (chroot) backs up a database of a throwaway cluster over TCP on
# 127.0.0.1, validates, restores into another database, exports and imports a table, and
# serves `pgark mcp` to a client; the copies must equal the source (compared with psql outside).
# Prints the installed size of the package and of its runtime closure. Needs root.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
[[ $(id -u) -eq 0 ]] || { echo "package test: needs root (chroot, mounts)" >&2; exit 1; }
# The binary the other tests ran (meson's PGARK_BIN), packaged as tools/package.sh packages a
# release build: the proof is about the package and its dependencies, not the optimizer.
dist=$(mktemp -d /tmp/pgark-package-dist-XXXXXX)
deb=$(PGARK_PACKAGE_BINARY=${PGARK_BIN:-} PGARK_PACKAGE_DIST=$dist bash "$root/tools/package.sh" \
  2>/dev/null | tail -1)
[[ -f $deb ]] || { rm -rf "$dist"; echo "package test: tools/package.sh made no .deb" >&2; exit 1; }
cache=/var/cache/pgark/rootfs
mkdir -p "$cache/archives/partial"
if [[ ! -f $cache/bookworm-minbase.tar ]]; then
  # The format is named: mmdebstrap guesses it from the file name's ending, and makes a
  # directory of an unknown one. A leftover of an interrupted run goes first.
  rm -rf "$cache/bookworm-minbase.tar" "$cache/partial-minbase.tar"
  mmdebstrap --variant=minbase --format=tar --quiet bookworm "$cache/partial-minbase.tar" \
    http://deb.debian.org/debian
  mv "$cache/partial-minbase.tar" "$cache/bookworm-minbase.tar"
fi
rootfs=$(mktemp -d /tmp/pgark-rootfs-XXXXXX)
cleanup() {
  for m in var/cache/apt/archives dev proc; do umount -l "$rootfs/$m" 2>/dev/null || true; done
  rm -rf "$rootfs" "$dist"
  stop_throwaway_cluster
}
source "$root/tools/throwaway_cluster.sh"
start_throwaway_cluster pgark-package-test 5439 "-c listen_addresses=127.0.0.1"
trap cleanup EXIT
tar -C "$rootfs" -xf "$cache/bookworm-minbase.tar"
mount -t proc proc "$rootfs/proc"
mount --rbind /dev "$rootfs/dev"
mount --bind "$cache/archives" "$rootfs/var/cache/apt/archives"
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
in_root() { chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }
packages() { in_root dpkg-query -W -f='${Package} ${Installed-Size}\n' | sort; }
before=$(packages)
cp "$deb" "$rootfs/tmp/"
in_root apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -qq --no-install-recommends \
  "/tmp/$(basename "$deb")" >/dev/null
closure=$(comm -13 <(echo "$before") <(packages))
echo "package: $(basename "$deb"): installed size $(in_root dpkg-query -W -f='${Installed-Size}' pgark) KiB;" \
  "runtime closure beyond minbase: $(wc -l <<<"$closure") packages," \
  "$(awk '{s += $2} END {print s}' <<<"$closure") KiB"
for tool in pg_dump psql pg_restore pg_dumpall cc gcc g++ c++ clang; do
  if in_root sh -c "command -v $tool" >/dev/null; then
    echo "package test: $tool is present in the root filesystem" >&2
    exit 1
  fi
done

createdb src
psql -X -q -v ON_ERROR_STOP=1 -d src -f "$root/tools/demo/writing.sql" >/dev/null
createdb dst
createdb imp
# The table to import into, made by the oracle (its foreign keys to tables not copied fail
# and are left out).
pg_dump -s -t books src | psql -X -q -d imp >/dev/null 2>&1 || true
url() { echo "postgresql://postgres@127.0.0.1:$PGPORT/$1"; }
pgark() { in_root env BACKUP_DIR=/backups pgark "$@"; }
file=$(pgark --db "$(url src)" --json backup full | sed -n 's/.*"backupFile":"\([^"]*\)".*/\1/p')
pgark validate "$file"
pgark --db "$(url dst)" restore full "$file"
export_file=$(pgark --db "$(url src)" --json export csv books | sed -n 's/.*"exportFile":"\([^"]*\)".*/\1/p')
pgark --db "$(url imp)" import csv books "$export_file"
reply=$(printf '%s\n' \
  '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"package-test","version":"1"}}}' \
  '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
  '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"db_list_backups","arguments":{}}}' |
  pgark --db "$(url src)" mcp)
grep -q "\"filename\":\"$file\"" <<<"$reply" || { echo "package test: pgark mcp did not list $file: $reply" >&2; exit 1; }

# The copies equal the source: every table's rows, by digest (psql outside the root filesystem).
digest() {
  psql -X -At -d "$1" -c "SELECT string_agg(format('%s:%s', c.relname, (xpath('/row/d/text()',
      query_to_xml(format('SELECT md5(string_agg(t::text, %L ORDER BY t::text)) AS d FROM %I t',
      '|', c.relname), false, true, '')))[1]), ',' ORDER BY c.relname) FROM pg_class c
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' $2"
}
[[ $(digest src "") == "$(digest dst "")" ]] || { echo "package test: the restored copy differs" >&2; exit 1; }
[[ $(digest src "AND c.relname = 'books'") == "$(digest imp "AND c.relname = 'books'")" ]] ||
  { echo "package test: the imported table differs" >&2; exit 1; }
echo "package test: backup, validate, restore, export, import and mcp inside minbase: ok"
