#!/usr/bin/env bash
# Draws the backup and restore rows of an e2e.sh result table (Markdown) as a bar chart PNG.
#   bench/chart.sh TABLE.md OUT.png
set -euo pipefail
table=$1 out=$2
command -v gnuplot >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnuplot-nox >/dev/null 2>&1
data=$(mktemp)
trap 'rm -f "$data"' EXIT
title=$(grep -m1 '^Dataset:' "$table")
# The backups and the restores (raw COPY first): the rows before the exports and imports.
grep '^| ' "$table" | sed -n '3,$p' | grep -v -e 'copy items' -e 'export ' -e 'import ' |
  awk -F'|' '{ gsub(/^ +| +$/, "", $2); gsub(/ /, "", $3);
  printf "\"%s\" %s\n", $2, $3 }' >"$data"
gnuplot <<GP
set terminal png size 1200,620 font ",10" noenhanced
set output "$out"
set title "$title"
set style fill solid 0.8
set boxwidth 0.7
set ylabel "seconds (lower is better)"
set xtics rotate by -35 left
set bmargin 14
set rmargin 14
set grid ytics
set yrange [0:*]
set offsets 0,0,1,0
unset key
plot "$data" using 0:2:xtic(1) with boxes lc rgb "#3b6ea8", \
     "" using 0:2:(sprintf("%.2f", \$2)) with labels offset 0,0.8
GP
echo "chart written to $out" >&2
