// Archives are input, not code: what a schema member may hold. Every statement of a member
// (split by formats/sql_lexer.h) must be of a kind pgark writes for that member's kind:
//
//   CREATE of the member's own object kind (a TABLE member creates a table, an INDEX member an
//     index; never a database, role, user, group or tablespace; CREATE TABLE without AS;
//     CREATE SUBSCRIPTION only WITH (connect = false))
//   ALTER of an object (not a database, role, user, group, tablespace or the system; ALTER
//     SUBSCRIPTION only to change its owner)
//   COMMENT ON, SECURITY LABEL, and GRANT / REVOKE of privileges ON an object (never a role)
//   REFRESH MATERIALIZED VIEW in a MATERIALIZED VIEW DATA member
//   SET default_tablespace = 'name' in an INDEX or CONSTRAINT member (its index's tablespace)
//   SELECT pg_catalog.setval('name', n, true|false) in a SEQUENCE SET member,
//   SELECT pg_catalog.lo_create('oid') / lo_put('oid', offset, 'hex') in LARGE OBJECTS
//   DO in a DATABASE PROPERTIES member, exactly as pgark writes it (EXECUTE of string
//     literals joined with the database's name), each EXECUTEd statement being an ALTER
//     DATABASE, ALTER ROLE ... IN DATABASE, COMMENT ON DATABASE, GRANT or REVOKE ON DATABASE
//
// So no transaction control, no other SET or RESET (a role change), no COPY (to or from a program),
// no DROP, no DML, no CALL or other DO, no psql meta-command. PostgreSQL's parser, where it
// knows the archive's grammar, checks the same by node type. The archive's first member (the
// header) and an incremental's guard are checked byte for byte instead (engine's
// CheckCanonicalMembers); data members by CopyFramingSink.
#ifndef PGARK_FORMATS_STATEMENT_POLICY_H_
#define PGARK_FORMATS_STATEMENT_POLICY_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "formats/manifest.h"
#include "formats/sink.h"

namespace pgark::formats {

// A schema member's text is held whole to be checked and run; pgark writes none near this
// size (large objects go in 16 MiB members), so a bigger one is refused before it is read.
inline constexpr uint64_t kMaxSchemaMemberBytes = 256u << 20;

// OK if every statement of `sql`, the text of schema member `member`, is one pgark writes for
// its kind; else kDataLoss naming the member and the start of the refused statement. When the
// archive's server (`server_version_num`, from its manifest) is no newer than the grammar of
// PostgreSQL's own parser (formats/statement_parser.h), a member of up to kMaxParsedBytes is
// also parsed by it: it must parse, into as many statements as the lexer found, none of a
// node type pgark never writes there.
absl::Status CheckMemberStatements(const MemberEntry& member, absl::string_view sql,
                                   int server_version_num);

inline constexpr size_t kMaxParsedBytes = 4u << 20;

// Whether members of `kind` hold statements that CheckMemberStatements applies to (not the
// header, the incremental guard or data).
bool HoldsSchemaStatements(MemberKind kind);

// Passes a schema member's decompressed bytes through and, on Close, checks its statements
// with CheckMemberStatements (for `validate`, which reads members as streams). Holds the
// member's text, as a restore does to run it: kDataLoss past kMaxSchemaMemberBytes.
class StatementCheckSink : public ForwardingSink {
 public:
  StatementCheckSink(MemberEntry member, int server_version_num)
      : member_(std::move(member)), server_version_num_(server_version_num) {}

 protected:
  absl::Status Transform(absl::string_view data) override;
  absl::Status Finish() override;

 private:
  MemberEntry member_;
  int server_version_num_;
  std::string text_;
};

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_STATEMENT_POLICY_H_
