#!/usr/bin/env python3
"""Prints a fingerprint of a cluster's globals, one fact per line, sorted, for comparing two
clusters of the same version without pg_dumpall (Debian's refuses servers newer than itself):

    globals.py [--passwords] CONNINFO

Roles (every attribute, comment, settings), memberships (grantor, ADMIN and, from 16, INHERIT
and SET), privileges on parameters (15+), tablespaces (owner, options, ACL, comment; not the directory) and databases (owner,
encoding, locales, connection limit, flags, tablespace, ACL, comment, settings). Predefined pg_*
roles and the bootstrap superuser's own row are left out. With --passwords, only the roles'
password hashes (a cluster loaded natively salts its own).
"""
import subprocess
import sys


def rows(conninfo, sql):
    out = subprocess.run(["psql", "-X", "-At", "-F", "|", "-d", conninfo, "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return out.splitlines()


def main():
    conninfo = sys.argv[-1]
    v = int(rows(conninfo, "SHOW server_version_num")[0])
    if "--passwords" in sys.argv:
        print("\n".join(sorted(rows(conninfo, "SELECT rolname, rolpassword FROM pg_authid "
                                              "WHERE rolname !~ '^pg_' AND oid <> 10"))))
        return
    options = "m.inherit_option, m.set_option" if v >= 160000 else "NULL, NULL"
    provider = "d.datlocprovider" if v >= 150000 else "NULL"
    queries = {
        "role": """SELECT r.rolname, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb,
            r.rolcanlogin, r.rolreplication, r.rolbypassrls, r.rolconnlimit, r.rolvaliduntil,
            shobj_description(r.oid, 'pg_authid') FROM pg_roles r
            WHERE r.rolname !~ '^pg_' AND r.oid <> 10""",
        "setting": """SELECT coalesce(r.rolname, '-'), coalesce(d.datname, '-'), s.setconfig
            FROM pg_db_role_setting s LEFT JOIN pg_roles r ON r.oid = s.setrole
            LEFT JOIN pg_database d ON d.oid = s.setdatabase""",
        "membership": f"""SELECT m.roleid::regrole, m.member::regrole, m.grantor::regrole,
            m.admin_option, {options} FROM pg_auth_members m
            WHERE m.member::regrole::text !~ '^pg_'""",
        "parameter": ("SELECT parname, paracl FROM pg_parameter_acl" if v >= 150000
                      else "SELECT NULL WHERE false"),
        "tablespace": """SELECT spcname, spcowner::regrole, spcoptions, spcacl,
            shobj_description(oid, 'pg_tablespace') FROM pg_tablespace
            WHERE spcname !~ '^pg_'""",
        "database": f"""SELECT d.datname, d.datdba::regrole, pg_encoding_to_char(d.encoding),
            d.datcollate, d.datctype, {provider}, d.datconnlimit, d.datistemplate,
            d.datallowconn, t.spcname, d.datacl, shobj_description(d.oid, 'pg_database')
            FROM pg_database d JOIN pg_tablespace t ON t.oid = d.dattablespace""",
    }
    facts = [f"{name}|{line}" for name, sql in queries.items() for line in rows(conninfo, sql)]
    print("\n".join(sorted(facts)))


if __name__ == "__main__":
    main()
