// The SQL that recreates owners and privileges: an object's exactly (its ACL from nothing),
// a predefined object's as the change from its initial privileges, and default privileges.
#ifndef PGARK_ENGINE_DDL_PRIVILEGES_SQL_H_
#define PGARK_ENGINE_DDL_PRIVILEGES_SQL_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/catalog/facts.h"

namespace pgark::engine {

// The statements (without ';') that recreate an ACL exactly on `on` (" ON TABLE s.t"): REVOKE
// ALL from PUBLIC and the owner, then its GRANTs in ACL order; none while it is the default.
std::vector<std::string> AclStatements(absl::string_view on, const Privileges& privileges);

// Owner and privileges of an object: "ALTER <alter_kind> <ref> OWNER TO ...;" and, when the
// object has an ACL, AclStatements, which recreate the same ACL. `grant_kind` is the GRANT
// object keyword (TABLE, SEQUENCE, ...).
std::string PrivilegesSql(absl::string_view alter_kind, absl::string_view grant_kind,
                          absl::string_view ref, const Privileges& privileges);
// The same where ALTER and GRANT name the object differently (an aggregate's signature).
std::string PrivilegesSql(absl::string_view alter_kind, absl::string_view alter_ref,
                          absl::string_view grant_kind, absl::string_view grant_ref,
                          const Privileges& privileges);
// The grants of one column of `table` (qualified): a column has no owner and no default
// privileges, so only GRANT statements.
std::string ColumnPrivilegesSql(absl::string_view table, absl::string_view column,
                                const Privileges& privileges);

// The REVOKE and GRANT statements that turn a predefined object's initial privileges into its
// current ones (and the public schema's owner change): what a database made from template0
// needs, where the object already exists.
std::string PredefinedPrivilegesSql(const PredefinedPrivilegesDef& object);

// ALTER DEFAULT PRIVILEGES statements that recreate `defaults` exactly.
std::string DefaultPrivilegesSql(const DefaultPrivilegesDef& defaults);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_DDL_PRIVILEGES_SQL_H_
