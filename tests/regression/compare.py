#!/usr/bin/env python3
"""compare.py SOURCE COPY...: how far each copy of database SOURCE differs from it, the way
the fidelity issue judges a restore: lines of normalized `pg_dump --schema-only` (comments,
SET lines and blank lines removed) that differ, TOC entries (`pg_restore -l`, ids and OIDs
removed) missing or extra, tables whose row count or content digest differ, sequences whose
state differs, and large objects. Prints one JSON object per copy on stdout. Uses psql,
pg_dump and pg_restore on PGHOST/PGPORT/PGUSER (oracles: pgark itself never runs them)."""
import collections
import difflib
import json
import re
import subprocess
import sys


def run(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout


def psql(db, sql):
    return run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql])


def schema_lines(db):
    out = run(["pg_dump", "--schema-only", "--no-sync", "-d", db])
    lines = []
    for line in out.splitlines():
        # \restrict and \unrestrict carry a random key in every dump (pg_dump 15.14+).
        if not line.strip() or line.startswith(("--", "SET ", "\\restrict", "\\unrestrict")) \
                or line.startswith("SELECT pg_catalog.set_config('search_path'"):
            continue
        lines.append(line)
    return lines


TOC_LINE = re.compile(r"^\d+; \d+ \d+ (.*)$")


def toc_entries(db):
    proc = subprocess.run(["pg_dump", "-Fc", "--no-sync", "-d", db], check=True,
                          capture_output=True)
    listing = subprocess.run(["pg_restore", "-l"], input=proc.stdout, check=True,
                             capture_output=True).stdout.decode()
    entries = collections.Counter()
    for line in listing.splitlines():
        m = TOC_LINE.match(line)
        if m:
            entries[m.group(1)] += 1
    return entries


def tables(db):
    rows = psql(db, "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm') "
                    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                    "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' "
                    "ORDER BY 1")
    return [r for r in rows.splitlines() if r]


def table_digest(db, table):
    try:
        return psql(db, f"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' "
                        f"ORDER BY t::text)), '') FROM {table} t").strip()
    except subprocess.CalledProcessError as e:
        return "error: " + e.stderr.strip().splitlines()[-1] if e.stderr.strip() else "error"


def sequences(db):
    names = psql(db, "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN "
                     "pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S' ORDER BY 1")
    out = {}
    for s in names.splitlines():
        if s:
            out[s] = psql(db, f"SELECT last_value || ':' || is_called FROM {s}").strip()
    return out


def large_objects(db):
    return psql(db, "SELECT count(*) || ':' || coalesce(md5(string_agg(oid::text || "
                    "md5(lo_get(oid)), ',' ORDER BY oid)), '') FROM pg_largeobject_metadata").strip()


def facts(db):
    t = tables(db)
    return {"schema": schema_lines(db), "toc": toc_entries(db),
            "tables": {name: table_digest(db, name) for name in t},
            "sequences": sequences(db), "large_objects": large_objects(db)}


def compare(src, dst):
    diff = [l for l in difflib.unified_diff(src["schema"], dst["schema"], lineterm="", n=0)
            if (l.startswith("+") or l.startswith("-")) and not l.startswith(("+++", "---"))]
    toc = (src["toc"] - dst["toc"]) + (dst["toc"] - src["toc"])
    tables = sorted(set(src["tables"]) | set(dst["tables"]))
    bad_tables = [t for t in tables if src["tables"].get(t) != dst["tables"].get(t)]
    seqs = sorted(set(src["sequences"]) | set(dst["sequences"]))
    bad_seqs = [s for s in seqs if src["sequences"].get(s) != dst["sequences"].get(s)]
    return {"schema_diff_lines": len(diff), "toc_entries_differing": sum(toc.values()),
            "tables_differing": len(bad_tables), "sequences_differing": len(bad_seqs),
            "large_objects_equal": src["large_objects"] == dst["large_objects"],
            "examples": {"schema": diff[:15], "toc": sorted(toc)[:15], "tables": bad_tables[:15],
                         "sequences": bad_seqs[:10]}}


def main():
    source, copies = sys.argv[1], sys.argv[2:]
    src = facts(source)
    print(json.dumps({"database": source, "tables": len(src["tables"]),
                      "toc_entries": sum(src["toc"].values())}))
    for db in copies:
        result = compare(src, facts(db))
        result["database"] = db
        print(json.dumps(result))


if __name__ == "__main__":
    main()
