// The SQL of a globals archive's members (engine/catalog/facts.h, ClusterGlobals): each
// member's first statement creates its object (CREATE ROLE / TABLESPACE / DATABASE, or the
// GRANT of a membership) and the rest give it its properties, so that a restore can run the
// whole member for an object that is missing and only the rest to bring an existing one in
// line. What pg_dumpall --globals-only writes, plus the databases (what pg_dumpall writes
// without it).
#ifndef PGARK_ENGINE_DDL_GLOBALS_SQL_H_
#define PGARK_ENGINE_DDL_GLOBALS_SQL_H_

#include <string>
#include <vector>

#include "engine/catalog/facts.h"

namespace pgark::engine {

// CREATE ROLE, then ALTER ROLE WITH every attribute (and the password hash), COMMENT and
// SECURITY LABELs.
std::string RoleSql(const RoleDef& role);
// ALTER ROLE ... SET for each of the role's settings in every database; empty without any.
std::string RoleSettingsSql(const RoleDef& role);

// The memberships in an order in which each grant's grantor already holds ADMIN on the role
// (it is a superuser, or an earlier grant gave it), each with whether GRANTED BY can name
// its grantor; the others come last, granted by the restoring role.
std::vector<std::pair<RoleMembershipDef, bool>> OrderMemberships(const ClusterGlobals& globals);
// GRANT role TO member, with its options in the spelling of the source's version (16+: ADMIN,
// INHERIT and SET; before: WITH ADMIN OPTION).
std::string MembershipSql(const RoleMembershipDef& m, bool granted_by, int server_version_num);

// CREATE TABLESPACE ... LOCATION, then its owner, options, ACL and comment.
std::string TablespaceSql(const TablespaceDef& tablespace);
// Its first statement: CREATE TABLESPACE name LOCATION 'location'.
std::string TablespaceCreateSql(absl::string_view name, absl::string_view location);

// GRANT SET / ALTER SYSTEM ON PARAMETER: the parameter's ACL exactly.
std::string ParameterAclSql(const ParameterAclDef& parameter);

// CREATE DATABASE from template0 with its encoding, locale provider and locales (as the
// source's version spells them) and tablespace, then its owner, connection limit, comment,
// ACL, settings (its own and its roles'), and template and allow-connections flags.
std::string ClusterDatabaseSql(const ClusterDatabaseDef& database, int server_version_num);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_DDL_GLOBALS_SQL_H_
