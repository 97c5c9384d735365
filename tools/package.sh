#!/usr/bin/env bash
# Builds a release binary and writes dist/pgark_<version>_<arch>.deb: /usr/bin/pgark (stripped),
# pgark(1), bash completion, README, changelog and copyright under /usr/share/doc/pgark, and a
# Depends: line that dpkg-shlibdeps derives from the libraries the binary links (never a
# PostgreSQL client). Runs lintian on the result and fails on any error it reports.
#   tools/package.sh            (prints the .deb's path on the last line)
# For tests: PGARK_PACKAGE_BINARY=FILE packages that binary instead of building a release one
# (the package test installs the binary the other tests ran, without a second compile), and
# PGARK_PACKAGE_DIST=DIR writes the .deb there instead of ./dist.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# PGARK_SKIP_SETUP=1 (the container's build stage): the build dependencies are already there.
[[ ${PGARK_SKIP_SETUP:-0} == 1 ]] || bash tools/setup.sh
for tool in dpkg-shlibdeps lintian; do
  command -v "$tool" >/dev/null || { echo "package: $tool is missing (tools/setup.sh installs it)" >&2; exit 1; }
done
version=$(sed -n "s/^  version: '\\([^']*\\)'.*/\\1/p" meson.build | head -1)
arch=$(dpkg --print-architecture)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
build=build-release
# Debian's hardening: fortified libc calls, full RELRO with immediate binding (PIE is the
# compiler's default).
hardening=(-Dcpp_args=-D_FORTIFY_SOURCE=2 "-Dcpp_link_args=-Wl,-z,relro,-z,now")
binary=${PGARK_PACKAGE_BINARY:-}
if [[ -z $binary ]]; then
  if [[ -f $build/build.ninja ]]; then
    meson configure "$build" "${hardening[@]}" >/dev/null
  else
    meson setup "$build" --buildtype=release -Db_ndebug=true "${hardening[@]}" >/dev/null
  fi
  ninja -C "$build" tools/pgark >/dev/null
  binary=$build/tools/pgark
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/pgark
install -D -m 0755 "$binary" "$stage/usr/bin/pgark"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$stage/usr/bin/pgark"
install -d -m 0755 "$stage/usr/share/man/man1" "$stage/usr/share/doc/pgark" \
  "$stage/usr/share/bash-completion/completions"
bash tools/package/manpage.sh "$stage/usr/bin/pgark" | gzip -9n >"$stage/usr/share/man/man1/pgark.1.gz"
install -m 0644 tools/package/pgark-completion.bash "$stage/usr/share/bash-completion/completions/pgark"
gzip -9n <README.md >"$stage/usr/share/doc/pgark/README.md.gz"
install -m 0644 tools/package/copyright "$stage/usr/share/doc/pgark/copyright"
{
  echo "pgark ($version) unstable; urgency=medium"
  echo
  echo "  * Release $version, git $(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)."
  echo
  echo " -- pgark maintainers <pgark@example.org>  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n >"$stage/usr/share/doc/pgark/changelog.gz"
chmod 0644 "$stage"/usr/share/doc/pgark/* "$stage"/usr/share/man/man1/*
# Depends from the binary itself (dpkg-shlibdeps reads a debian/control beside it).
mkdir -p "$work/src/debian"
printf 'Source: pgark\n\nPackage: pgark\nArchitecture: any\n' >"$work/src/debian/control"
depends=$(cd "$work/src" && dpkg-shlibdeps -O "$stage/usr/bin/pgark" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
if grep -q postgresql-client <<<"$depends"; then
  echo "package: the binary would depend on postgresql-client: $depends" >&2
  exit 1
fi
mkdir -p "$stage/DEBIAN"
cat >"$stage/DEBIAN/control" <<CONTROL
Package: pgark
Version: $version
Architecture: $arch
Maintainer: pgark maintainers <pgark@example.org>
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $depends
Section: database
Priority: optional
Description: PostgreSQL backup, restore, export and import without pg_dump
 pgark backs up, restores, exports and imports PostgreSQL databases through
 libpq alone: catalog queries for the schema, COPY streams for the data, into
 gzip-compressed, checksummed and optionally encrypted archives that psql can
 also restore. It needs no pg_dump, psql or pg_restore, keeps backups in a
 local directory or S3-compatible object storage, proves them with restore
 drills, and serves the same operations to AI agents as MCP tools.
CONTROL
(cd "$stage" && find usr -type f -exec md5sum {} + | sort -k2) >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"
dist=${PGARK_PACKAGE_DIST:-$root/dist}
mkdir -p "$dist"
deb=$dist/pgark_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
lintian_out=$(lintian --fail-on none "$deb" 2>&1 || true)
[[ -n $lintian_out ]] && echo "$lintian_out" >&2
if grep -q '^E: ' <<<"$lintian_out"; then
  echo "package: lintian reports errors" >&2
  exit 1
fi
echo "package: Depends: $depends" >&2
echo "$deb"
