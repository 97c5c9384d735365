// The backup manifest: the JSON file written beside every archive, last, so that its presence
// means the backup is complete. It carries the seed tool set's fields (backupId, type, tables,
// checksum, ...) plus the member index that makes an archive seekable: one entry per gzip
// member with its offset, sizes and both digests. See formats/README.md for the grammar.
#ifndef PGARK_FORMATS_MANIFEST_H_
#define PGARK_FORMATS_MANIFEST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "formats/compression.h"
#include "formats/member_kind.h"

namespace pgark::formats {

// Bumped whenever the archive grammar or the manifest's meaning changes. Writers record the
// lowest version that describes their file (1: plain full and table backups; 2: incremental
// ones; 3: a table stored in parts; 4: encrypted, with a sealed manifest; 5: row deletes named
// by key text), so older readers refuse only what they cannot read.
inline constexpr int kManifestFormatVersion = 6;

// One member of the archive: gzip members or zstd frames (or, uncompressed, a byte range).
struct MemberEntry {
  Section section = Section::kPreData;
  MemberKind kind = MemberKind::kHeader;
  std::string schema;   // object's schema; empty for database-wide entries
  std::string name;     // object's name (for a constraint or index, its own name)
  std::string table;    // the owning object's name: a table's for its parts, else its own
  std::string identity;  // FUNCTION / PROCEDURE: argument types ("integer, text")
  uint64_t offset = 0;        // byte offset of the member in the archive file
  uint64_t stored_bytes = 0;  // bytes on disk (compressed)
  uint64_t raw_bytes = 0;     // bytes after decompression
  std::string stored_sha256;
  std::string raw_sha256;
  int64_t rows = -1;              // TABLE DATA only: rows in the COPY block
  uint64_t copy_header_bytes = 0;  // TABLE DATA only: length of the "COPY ... FROM stdin;\n" line
  std::vector<std::string> columns;  // TABLE DATA only: the COPY's column list, in order
  // TABLE DATA only: each column's type (format_type) and the key's columns: the primary
  // key's, else a unique index's on NOT NULL columns (empty without either). An incremental compares them with its parent's to decide whether a table's
  // rows can be diffed or must be stored whole.
  std::vector<std::string> column_types;
  std::vector<std::string> key_columns;
  // Incremental backups: kFull when the TABLE DATA member holds every row of the table,
  // kChanges when it holds only rows inserted or updated since the parent. kNone otherwise.
  Delta delta = Delta::kNone;
  // A big table's rows are stored in several TABLE DATA members, each a range of its pages and
  // a COPY block of its own, numbered from 1 in table order (formatVersion 3). 0: the whole table.
  int part = 0;
  // The table is an extension's configuration table: the rows `row_filter` ("WHERE ...", or
  // empty for all) selects are the user's; the extension creates the table and its own rows.
  bool extension_config = false;
  std::string row_filter;
  // ROW DELETES only: its lines are keys' COPY text, not hashes (formatVersion 5).
  bool deletes_by_key = false;
};

// Where in the server's history a backup read its rows: its transaction's snapshot (64-bit,
// epoch-qualified transaction ids) and what identifies the database, so that the next
// incremental can ask the server for only the rows written since (engine/dump/change_scan.h).
// Unknown (xmax 0) in older archives and when the server would not tell.
struct ChangePoint {
  uint64_t xmin = 0;  // the oldest transaction still running then
  uint64_t xmax = 0;  // the first transaction id not yet assigned then
  std::string system_identifier;  // the cluster (pg_control_system())
  uint32_t database_oid = 0;
  // A digest of every enum's labels: renaming one changes rows' text without writing them.
  std::string enum_labels;

  bool known() const { return xmax != 0 && !system_identifier.empty(); }
};

// An incremental backup's change counts (DESIGN.md, "Incremental backups").
struct ChangeSummary {
  int64_t changed_tables = 0;
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t deleted = 0;
  // How the changes were found: tables whose changes the server named (diffed by key, or, for
  // a table that only gained rows, by count), and "table: why" for each table whose every row
  // was read and hashed instead.
  int64_t tables_by_key = 0;
  std::vector<std::string> hashed_tables;
};

struct TableEntry {
  std::string name;    // display name: "table" in schema public, else "schema.table"
  std::string schema;  // authoritative identity
  std::string table;
  int64_t record_count = 0;
  // The rows' order-independent digest at backup time (formats/row_digest.h; "" in archives
  // made before it was recorded): what `pgark drill` checks the restored copy against.
  std::string content_digest;
  // The server's cumulative count of the table's updated and deleted rows at backup time
  // (pg_stat_all_tables n_tup_upd + n_tup_del; -1 unknown). A hint only (statistics lag and
  // may be reset): a higher count at the next incremental says rows were rewritten since.
  int64_t rewrites_seen = -1;
};

struct Manifest {
  int format_version = kManifestFormatVersion;
  std::string backup_id;    // archive file name without ".sql.gz"/".sql"
  std::string backup_file;  // archive file name
  BackupType type = BackupType::kFull;
  Content content = Content::kSchemaAndData;
  std::string timestamp;    // ISO 8601 UTC with milliseconds
  std::string database;
  std::string postgres_version;  // e.g. "15.18"
  int server_version_num = 0;    // e.g. 150018
  std::string schema_version = "1.0";
  std::string encoding = "UTF8";
  std::string copy_format = "text";
  std::string tool_version;
  std::vector<TableEntry> tables;
  int64_t total_record_count = 0;
  uint64_t size = 0;  // archive file size in bytes
  // How the members are compressed ("compression"; zstd needs formatVersion 6). The seed's
  // "compressed" is written beside it: whether there is any.
  Codec compression = Codec::kGzip;
  std::string checksum;  // SHA-256 of the whole archive file
  // Incremental backups: every backup this one needs, oldest (the full base) first; the last
  // is `base_backup`, the parent it was diffed against.
  std::vector<std::string> dependencies;
  std::string base_backup;
  ChangeSummary changes;
  // Full and incremental backups: the snapshot their rows were read in.
  ChangePoint change_point;
  // Encrypted archives (formats/encryption.h): the cipher and the key's id, never the key.
  std::string cipher;
  std::string key_id;
  // Backups made with owners: the roles their owners, grants and settings name (a restore
  // checks that the target has them before it starts).
  std::vector<std::string> roles;
  // The tablespaces its tables are in (not the default): the target must have them.
  std::vector<std::string> tablespaces;
  std::vector<MemberEntry> members;
  // Encrypted backups (formatVersion 4): the whole manifest, encrypted and authenticated under
  // the key (formats/manifest_seal.h). Beside it, the file shows only the facts that listing
  // needs without the key: no member, no digest of plaintext, no row count, no column.
  std::string sealed;

  bool compressed() const { return compression != Codec::kNone; }
  bool encrypted() const { return !cipher.empty(); }
  // A sealed manifest read without its key: the members and counts are not known.
  bool facts_sealed() const { return !sealed.empty(); }
};

// Serialises to pretty-printed JSON (keys as in the seed: backupId, recordCount, ...). With
// `sealed` set, only the public facts and the sealed copy are written.
std::string EncodeManifest(const Manifest& manifest);

// Parses and checks a manifest. kDataLoss if it is not valid JSON or a field is missing or of
// the wrong type; kUnimplemented if its formatVersion is newer than this build understands.
absl::StatusOr<Manifest> DecodeManifest(absl::string_view json);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_MANIFEST_H_
