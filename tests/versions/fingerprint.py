#!/usr/bin/env python3
"""Prints a catalog fingerprint of one database, one fact per line, sorted: what pgark must
carry, read through the server's own pg_get_*def functions, so that two databases can be
compared on any server version 12 to 18 without pg_dump (which refuses servers newer than
itself).

    fingerprint.py [--upgrade] DBNAME        (PGHOST, PGPORT, PGUSER from the environment)

With --upgrade (a copy restored from an older server, against the fixture loaded natively),
NOT NULL constraints are compared without their names: PostgreSQL 18 names them after the
table they were created on (a partition created with PARTITION OF takes its parent's), and a
source before 18 has no name to carry.

Facts: relations (kind, persistence, options, partitioning, row security, replica identity,
owner, ACL), columns (in order: type, NOT NULL, default or generation expression, identity,
collation, storage), constraints, indexes, functions and procedures, aggregates, views,
triggers, rules, policies, sequences (definition and state), types (enums, domains, ranges),
statistics objects, comments, extensions, publications, subscriptions, access methods (and each
table's), event triggers, foreign data, schemas, large objects, and every table's row count and content digest.
"""
import subprocess
import sys

USER_NS = ("n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') "
           "AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%'")
NOT_EXT = ("NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = {cls}::regclass "
           "AND d.objid = {oid} AND d.deptype = 'e')")

QUERIES = {
    "schema": f"SELECT n.nspname, n.nspowner::regrole, n.nspacl FROM pg_namespace n WHERE {USER_NS}",
    "relation": f"""SELECT n.nspname || '.' || c.relname, c.relkind, c.relpersistence,
        c.reloptions, c.relispartition, pg_get_partkeydef(c.oid), pg_get_expr(c.relpartbound, c.oid),
        c.relrowsecurity, c.relforcerowsecurity, c.relreplident, c.relowner::regrole, c.relacl,
        (SELECT am.amname FROM pg_am am WHERE am.oid = c.relam AND c.relkind <> 'i')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {USER_NS} AND c.relkind NOT IN ('i', 'I', 't', 'S')
        AND {NOT_EXT.format(cls="'pg_class'", oid='c.oid')}""",
    "column": f"""SELECT n.nspname || '.' || c.relname, a.attnum, a.attname,
        format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity, a.attgenerated,
        pg_get_expr(d.adbin, d.adrelid), co.collname, a.attstorage = t.typstorage, a.attacl
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> t.typcollation
        WHERE {USER_NS} AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind NOT IN ('t', 'S')
        AND {NOT_EXT.format(cls="'pg_class'", oid='c.oid')}""",
    "constraint": f"""SELECT n.nspname, conrelid::regclass, contypid::regtype,
        CASE WHEN contype = 'n' AND {{upgrade}} THEN '*' ELSE conname END, contype,
        pg_get_constraintdef(k.oid), convalidated, conislocal, coninhcount
        FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace WHERE {USER_NS}""",
    "index": f"""SELECT pg_get_indexdef(i.indexrelid), i.indisclustered, i.indisreplident
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {USER_NS}
        AND {NOT_EXT.format(cls="'pg_class'", oid='i.indrelid')}""",
    "routine": f"""SELECT p.oid::regprocedure, p.prokind, CASE WHEN p.prokind IN ('f', 'p', 'w')
        THEN pg_get_functiondef(p.oid) END, p.proowner::regrole, p.proacl
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {USER_NS}
        AND {NOT_EXT.format(cls="'pg_proc'", oid='p.oid')}""",
    "aggregate": f"""SELECT a.aggfnoid::regprocedure, a.aggkind, a.aggtransfn, a.aggfinalfn,
        a.aggtranstype::regtype, a.agginitval, a.aggsortop::regoperator
        FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
        JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {USER_NS}
        AND {NOT_EXT.format(cls="'pg_proc'", oid='p.oid')}""",
    "view": f"""SELECT n.nspname || '.' || c.relname, pg_get_viewdef(c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {USER_NS} AND c.relkind IN ('v', 'm')
        AND {NOT_EXT.format(cls="'pg_class'", oid='c.oid')}""",
    "matview_populated": f"""SELECT n.nspname || '.' || c.relname, c.relispopulated
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {USER_NS} AND c.relkind = 'm'""",
    "trigger": f"""SELECT pg_get_triggerdef(t.oid), t.tgenabled FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {USER_NS} AND NOT t.tgisinternal""",
    "rule": f"""SELECT pg_get_ruledef(r.oid), r.ev_enabled FROM pg_rewrite r
        JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {USER_NS} AND r.rulename <> '_RETURN'""",
    "policy": """SELECT schemaname, tablename, policyname, permissive, roles, cmd, qual, with_check
        FROM pg_policies""",
    "sequence": """SELECT schemaname, sequencename, data_type, start_value, min_value,
        max_value, increment_by, cycle, cache_size, last_value FROM pg_sequences""",
    "sequence_persistence": f"""SELECT n.nspname || '.' || c.relname, c.relpersistence
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {USER_NS} AND c.relkind = 'S'""",
    "type": f"""SELECT t.oid::regtype, t.typtype, t.typnotnull, t.typdefault,
        t.typbasetype::regtype, t.typowner::regrole, t.typacl,
        (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e
         WHERE e.enumtypid = t.oid),
        (SELECT r.rngsubtype::regtype FROM pg_range r WHERE r.rngtypid = t.oid)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE {USER_NS} AND t.typtype IN ('e', 'd', 'r', 'b', 'm')
        AND {NOT_EXT.format(cls="'pg_type'", oid='t.oid')}""",
    "statistics": f"""SELECT pg_get_statisticsobjdef(s.oid) FROM pg_statistic_ext s
        JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE {USER_NS}""",
    "comment": """SELECT pg_describe_object(d.classoid, d.objoid, d.objsubid), d.description
        FROM pg_description d WHERE d.objoid >= 16384
        AND d.classoid <> 'pg_database'::regclass""",
    "extension": "SELECT e.extname, n.nspname FROM pg_extension e "
                 "JOIN pg_namespace n ON n.oid = e.extnamespace",
    "publication": """SELECT p.pubname, p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete,
        p.pubtruncate, (SELECT string_agg(schemaname || '.' || tablename, ',' ORDER BY schemaname, tablename)
        FROM pg_publication_tables t WHERE t.pubname = p.pubname) FROM pg_publication p""",
    "event_trigger": """SELECT evtname, evtevent, evtfoid::regproc, evtenabled, evttags
        FROM pg_event_trigger""",
    "foreign": """SELECT 'wrapper', fdwname, fdwoptions FROM pg_foreign_data_wrapper
        UNION ALL SELECT 'server', srvname, srvoptions FROM pg_foreign_server
        UNION ALL SELECT 'table', ftrelid::regclass::text, ftoptions FROM pg_foreign_table""",
    "subscription": """SELECT s.subname, s.subowner::regrole,
        (to_jsonb(s) - 'oid' - 'subdbid' - 'subowner' - 'subskiplsn')::text
        FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid
        WHERE d.datname = current_database()""",
    "access_method": """SELECT amname, amtype, amhandler::regproc FROM pg_am
        WHERE oid >= 16384""",
    "large_object": """SELECT oid, md5(lo_get(oid)) FROM pg_largeobject_metadata""",
}


def psql(db, sql):
    out = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", db,
                          "-c", sql], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"fingerprint: {out.stderr.strip()}")
    return [line for line in out.stdout.split("\n") if line]


def table_digests(db):
    tables = psql(db, f"""SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {USER_NS} AND c.relkind IN ('r', 'p', 'm') AND c.relispopulated""")
    for t in sorted(tables):
        for line in psql(db, f"SELECT count(*), md5(coalesce(string_agg(x::text, E'\\n' "
                             f"ORDER BY x::text), '')) FROM ONLY {t} x"):
            yield f"rows|{t}|{line}"


def main():
    upgrade = sys.argv[1] == "--upgrade"
    db = sys.argv[-1]
    facts = []
    for name, sql in QUERIES.items():
        sql = sql.replace("{upgrade}", "true" if upgrade else "false")
        facts += [f"{name}|{line}" for line in psql(db, sql)]
    facts += list(table_digests(db))
    print("\n".join(sorted(facts)))


if __name__ == "__main__":
    main()
