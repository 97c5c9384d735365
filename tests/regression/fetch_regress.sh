#!/usr/bin/env bash
# Prints the directory of PostgreSQL's own regression suite (src/test/regress) for the
# installed server's exact version, fetched once with `apt-get source` and cached in
# ${PGARK_CACHE:-~/.cache/pgark}. The deb-src entries are derived from this machine's own apt
# sources (a private apt state directory: the system's configuration is not touched).
set -euo pipefail
package=$(dpkg-query -W -f='${Package}\n' 'postgresql-[0-9]*' 2>/dev/null | grep -E '^postgresql-[0-9]+$' | head -1)
version=$(dpkg-query -W -f='${Version}' "$package")
upstream=${version%%-*}
cache=${PGARK_CACHE:-$HOME/.cache/pgark}/$package-$version
regress=$cache/postgresql-$upstream/src/test/regress
if [[ -f $regress/parallel_schedule ]]; then echo "$regress"; exit 0; fi

apt_dir=$cache/apt
mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial" "$cache/download"
# deb lines and deb822 "Types: deb" stanzas, as deb-src.
for f in /etc/apt/sources.list.d/*.sources; do
  [[ -f $f ]] && sed -E 's/^Types:.*\bdeb\b.*$/Types: deb-src/' "$f" > "$apt_dir/parts/$(basename "$f")"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [[ -f $f ]] && grep -E '^deb ' "$f" | sed 's/^deb /deb-src /' >> "$apt_dir/parts/derived.list" || true
done
apt=(apt-get -q -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt_dir/parts"
     -o "Dir::State::Lists=$apt_dir/lists" -o APT::Sandbox::User=root)
"${apt[@]}" update >&2
(cd "$cache/download" && "${apt[@]}" source --download-only "$package=$version" >&2)
orig=$(ls "$cache/download"/*.orig.tar.* | head -1)
tar -xf "$orig" -C "$cache" "postgresql-$upstream/src/test/regress"
[[ -f $regress/parallel_schedule ]] || { echo "no regression suite in $orig" >&2; exit 1; }
echo "$regress"
