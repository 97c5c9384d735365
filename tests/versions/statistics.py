#!/usr/bin/env python3
"""Compares the planner statistics and plans of two databases (backup --statistics):

    statistics.py SOURCE_CONNINFO COPY_CONNINFO

Prints each difference and exits 1 if there is one. Compared: relpages and reltuples of the
stats schema's relations and indexes (a source before 14 says "never counted" with 0 tuples on
0 pages, 14 and newer with -1: the copy must say it the newer way); every statistic pg_stats shows for the source (a source
before 17 shows no range_* columns: only what it shows is compared); the plans (EXPLAIN,
costs off) of queries whose plan follows the statistics, with the scans' aliases as 12 and 13
name them (14 numbers each partition's: "events_a e_1"). The copy must not have been analyzed.
"""
import json
import re
import subprocess
import sys

RELATIONS = """SELECT c.relname, c.relpages, c.reltuples FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'stats' ORDER BY 1"""
STATS = """SELECT s.tablename || '.' || s.attname || CASE WHEN s.inherited THEN ' (inherited)'
    ELSE '' END, jsonb_strip_nulls(to_jsonb(s) - 'schemaname' - 'tablename' - 'attname'
    - 'inherited')::text FROM pg_stats s WHERE s.schemaname = 'stats' ORDER BY 1"""
PLANS = [
    "SELECT * FROM stats.orders WHERE status = 'closed'",
    "SELECT * FROM stats.orders WHERE status = 'open'",
    "SELECT * FROM stats.orders WHERE customer = 42",
    "SELECT * FROM stats.orders WHERE lower(note) = 'x'",
    "SELECT * FROM stats.orders o JOIN stats.events e ON e.at = o.customer WHERE e.kind = 'k1'",
    "SELECT * FROM stats.per_status WHERE n > 100",
]


def query(conninfo, sql):
    out = subprocess.run(["psql", "-X", "-At", "-F", "\t", "-d", conninfo, "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def plan(conninfo, sql):
    lines = query(conninfo, f"EXPLAIN (COSTS OFF) {sql}")
    return [re.sub(r"( on \S+ \w+?)_\d+$", r"\1", line[0]) for line in lines]


def main():
    source, copy = sys.argv[1], sys.argv[2]
    problems = []
    mine, theirs = query(source, RELATIONS), query(copy, RELATIONS)
    if int(query(source, "SHOW server_version_num")[0][0]) < 140000:
        mine = [[r[0], r[1], "-1" if r[1:] == ["0", "0"] else r[2]] for r in mine]
    if mine != theirs:
        problems.append(f"pg_class: {[r for r in mine if r not in theirs]} != "
                        f"{[r for r in theirs if r not in mine]}")
    copied = dict(query(copy, STATS))
    source_stats = query(source, STATS)
    if not source_stats:
        problems.append("the source has no statistics: was it analyzed?")
    for key, values in source_stats:
        theirs = json.loads(copied.get(key, "{}"))
        for name, value in json.loads(values).items():
            if theirs.get(name) != value:
                problems.append(f"{key} {name}: {value!r} != {theirs.get(name)!r}")
    for sql in PLANS:
        plans = [plan(db, sql) for db in (source, copy)]
        if plans[0] != plans[1]:
            problems.append(f"plan of {sql}: {plans[0]} != {plans[1]}")
    for p in problems:
        print(p[:int(__import__("os").environ.get("STATS_DIFF_WIDTH", "300"))])
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
