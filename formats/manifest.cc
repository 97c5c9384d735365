#include "formats/manifest.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "formats/status_macros.h"

namespace pgark::formats {
namespace {

using Json = nlohmann::json;

// Typed field access that reports the field by name instead of throwing.
class Reader {
 public:
  explicit Reader(const Json& object, std::string where) : j_(object), where_(std::move(where)) {}

  template <typename T>
  absl::Status Get(const char* key, T& out, bool required = true) {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) {
      if (!required) return absl::OkStatus();
      return absl::DataLossError(absl::StrCat("manifest ", where_, " is missing \"", key, "\""));
    }
    if (!Matches<T>(*it)) {
      return absl::DataLossError(
          absl::StrCat("manifest ", where_, " field \"", key, "\" has the wrong type"));
    }
    out = it->get<T>();
    return absl::OkStatus();
  }

  // A string field naming one of an enum's values, parsed by `parse`.
  template <typename Enum, typename Parse>
  absl::Status GetEnum(const char* key, Enum& out, Parse parse, bool required = true) {
    std::string name;
    PGARK_RETURN_IF_ERROR(Get(key, name, required));
    if (name.empty() && !required) return absl::OkStatus();
    std::optional<Enum> value = parse(name);
    if (!value) {
      return absl::DataLossError(absl::StrCat("manifest ", where_, " has unknown ", key, " \"",
                                              name, "\" (written by a newer pgark?)"));
    }
    out = *value;
    return absl::OkStatus();
  }

 private:
  template <typename T>
  static bool Matches(const Json& v) {
    if constexpr (std::is_same_v<T, bool>) {
      return v.is_boolean();
    } else if constexpr (std::is_same_v<T, std::string>) {
      return v.is_string();
    } else if constexpr (std::is_unsigned_v<T>) {
      return v.is_number_unsigned();
    } else if constexpr (std::is_integral_v<T>) {
      return v.is_number_integer();
    } else {
      return v.is_array();
    }
  }

  const Json& j_;
  std::string where_;
};

// An array of strings.
absl::Status GetStrings(Reader& r, const char* key, std::vector<std::string>& out,
                        bool required) {
  Json array;
  PGARK_RETURN_IF_ERROR(r.Get(key, array, required));
  for (const Json& v : array) {
    if (!v.is_string()) {
      return absl::DataLossError(absl::StrCat("manifest \"", key, "\" holds a non-string"));
    }
    out.push_back(v.get<std::string>());
  }
  return absl::OkStatus();
}

Json EncodeMember(const MemberEntry& m) {
  Json j = {{"section", SectionName(m.section)}, {"kind", WireName(m.kind)},
            {"schema", m.schema},            {"name", m.name},
            {"table", m.table},              {"offset", m.offset},
            {"storedBytes", m.stored_bytes}, {"rawBytes", m.raw_bytes},
            {"storedSha256", m.stored_sha256}, {"rawSha256", m.raw_sha256}};
  if (!m.identity.empty()) j["identity"] = m.identity;
  if (m.section == Section::kData) {
    j["rows"] = m.rows;
    j["copyHeaderBytes"] = m.copy_header_bytes;
    j["columns"] = m.columns;
    if (!m.column_types.empty()) j["columnTypes"] = m.column_types;
    if (!m.key_columns.empty()) j["keyColumns"] = m.key_columns;
    if (m.delta != Delta::kNone) j["delta"] = DeltaName(m.delta);
    if (m.part > 0) j["part"] = m.part;
    if (m.extension_config) j["extensionConfig"] = true;
    if (!m.row_filter.empty()) j["rowFilter"] = m.row_filter;
    if (m.deletes_by_key) j["deletesBy"] = "key";
  }
  return j;
}

absl::Status DecodeMember(const Json& j, size_t index, MemberEntry& m) {
  if (!j.is_object()) return absl::DataLossError("manifest member is not an object");
  Reader r(j, absl::StrCat("member ", index));
  PGARK_RETURN_IF_ERROR(r.GetEnum("section", m.section, ParseSection));
  PGARK_RETURN_IF_ERROR(r.GetEnum("kind", m.kind, ParseMemberKind));
  if (!AllowedIn(m.kind, m.section)) {
    return absl::DataLossError(absl::StrCat("manifest member ", index, ": a ", WireName(m.kind),
                                            " member is not in section ", SectionName(m.section)));
  }
  PGARK_RETURN_IF_ERROR(r.Get("schema", m.schema));
  PGARK_RETURN_IF_ERROR(r.Get("name", m.name));
  PGARK_RETURN_IF_ERROR(r.Get("table", m.table));
  PGARK_RETURN_IF_ERROR(r.Get("offset", m.offset));
  PGARK_RETURN_IF_ERROR(r.Get("storedBytes", m.stored_bytes));
  PGARK_RETURN_IF_ERROR(r.Get("rawBytes", m.raw_bytes));
  PGARK_RETURN_IF_ERROR(r.Get("storedSha256", m.stored_sha256));
  PGARK_RETURN_IF_ERROR(r.Get("rawSha256", m.raw_sha256));
  PGARK_RETURN_IF_ERROR(r.Get("identity", m.identity, /*required=*/false));
  if (m.section == Section::kData) {
    PGARK_RETURN_IF_ERROR(r.Get("rows", m.rows));
    PGARK_RETURN_IF_ERROR(r.Get("copyHeaderBytes", m.copy_header_bytes));
    PGARK_RETURN_IF_ERROR(GetStrings(r, "columns", m.columns, true));
    PGARK_RETURN_IF_ERROR(GetStrings(r, "columnTypes", m.column_types, false));
    PGARK_RETURN_IF_ERROR(GetStrings(r, "keyColumns", m.key_columns, false));
    PGARK_RETURN_IF_ERROR(r.GetEnum("delta", m.delta, ParseDelta, /*required=*/false));
    PGARK_RETURN_IF_ERROR(r.Get("part", m.part, false));
    PGARK_RETURN_IF_ERROR(r.Get("extensionConfig", m.extension_config, false));
    PGARK_RETURN_IF_ERROR(r.Get("rowFilter", m.row_filter, false));
    std::string deletes_by;
    PGARK_RETURN_IF_ERROR(r.Get("deletesBy", deletes_by, false));
    if (!deletes_by.empty() && deletes_by != "key") {
      return absl::DataLossError(
          absl::StrCat("manifest member ", index, ": unknown deletesBy \"", deletes_by, "\""));
    }
    m.deletes_by_key = !deletes_by.empty();
  }
  return absl::OkStatus();
}

// "compressed" (the seed's field) and "compression" (the codec; absent before formatVersion 6,
// when only gzip existed) must agree.
absl::Status GetCompression(Reader& r, Manifest& m) {
  bool compressed = true;
  PGARK_RETURN_IF_ERROR(r.Get("compressed", compressed));
  std::string codec = compressed ? "gzip" : "none";
  PGARK_RETURN_IF_ERROR(r.Get("compression", codec, /*required=*/false));
  absl::StatusOr<Codec> parsed = CodecFromName(codec);
  if (!parsed.ok()) {
    return absl::DataLossError(absl::StrCat("manifest: ", parsed.status().message()));
  }
  m.compression = *parsed;
  if (m.compressed() != compressed) {
    return absl::DataLossError(absl::StrCat("manifest: compressed is ",
                                            compressed ? "true" : "false",
                                            " but compression is ", codec));
  }
  return absl::OkStatus();
}

}  // namespace

std::string EncodeManifest(const Manifest& m) {
  const bool sealed = m.facts_sealed();
  Json tables = Json::array();
  for (const TableEntry& t : m.tables) {
    Json e = {{"name", t.name}, {"schema", t.schema}, {"table", t.table}};
    if (!sealed) e["recordCount"] = t.record_count;
    if (!sealed && !t.content_digest.empty()) e["contentDigest"] = t.content_digest;
    if (!sealed && t.rewrites_seen >= 0) e["rewritesSeen"] = t.rewrites_seen;
    tables.push_back(std::move(e));
  }
  Json j = {{"formatVersion", m.format_version},
            {"backupId", m.backup_id},
            {"backupFile", m.backup_file},
            {"type", BackupTypeName(m.type)},
            {"content", ContentName(m.content)},
            {"timestamp", m.timestamp},
            {"database", m.database},
            {"postgresVersion", m.postgres_version},
            {"serverVersionNum", m.server_version_num},
            {"schemaVersion", m.schema_version},
            {"encoding", m.encoding},
            {"copyFormat", m.copy_format},
            {"toolVersion", m.tool_version},
            {"tables", tables},
            {"size", m.size},
            {"compressed", m.compressed()},
            {"compression", CodecName(m.compression)},
            {"checksum", m.checksum},
            {"dependencies", m.dependencies},
            {"encrypted", m.encrypted()}};
  if (!m.base_backup.empty()) j["baseBackup"] = m.base_backup;
  if (m.encrypted()) j["encryption"] = {{"cipher", m.cipher}, {"keyId", m.key_id}};
  if (sealed) {
    j["sealed"] = m.sealed;
  } else {
    j["totalRecordCount"] = m.total_record_count;
    Json members = Json::array();
    for (const MemberEntry& e : m.members) members.push_back(EncodeMember(e));
    j["members"] = std::move(members);
    if (!m.roles.empty()) j["roles"] = m.roles;
    if (!m.tablespaces.empty()) j["tablespaces"] = m.tablespaces;
    if (m.change_point.known()) {
      const ChangePoint& p = m.change_point;
      j["changePoint"] = {{"xmin", p.xmin},
                          {"xmax", p.xmax},
                          {"systemIdentifier", p.system_identifier},
                          {"databaseOid", p.database_oid},
                          {"enumLabels", p.enum_labels}};
    }
    if (!m.base_backup.empty()) {
      j["changes"] = {{"changedTables", m.changes.changed_tables},
                      {"inserted", m.changes.inserted},
                      {"updated", m.changes.updated},
                      {"deleted", m.changes.deleted},
                      {"tablesByKey", m.changes.tables_by_key},
                      {"hashedTables", m.changes.hashed_tables}};
    }
  }
  // Invalid UTF-8 in names (impossible from a UTF8 connection) is replaced, never thrown.
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

absl::StatusOr<Manifest> DecodeManifest(absl::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::DataLossError("manifest is not valid JSON");
  }
  Manifest m;
  Reader r(j, "");
  PGARK_RETURN_IF_ERROR(r.Get("formatVersion", m.format_version));
  if (m.format_version > kManifestFormatVersion || m.format_version < 1) {
    return absl::DataLossError(
        absl::StrCat("manifest formatVersion ", m.format_version,
                     " is not supported by this pgark (understands up to ",
                     kManifestFormatVersion, "); upgrade pgark"));
  }
  PGARK_RETURN_IF_ERROR(r.Get("backupId", m.backup_id));
  PGARK_RETURN_IF_ERROR(r.Get("backupFile", m.backup_file));
  PGARK_RETURN_IF_ERROR(r.GetEnum("type", m.type, ParseBackupType));
  PGARK_RETURN_IF_ERROR(r.GetEnum("content", m.content, ParseContent));
  PGARK_RETURN_IF_ERROR(r.Get("timestamp", m.timestamp));
  PGARK_RETURN_IF_ERROR(r.Get("database", m.database));
  PGARK_RETURN_IF_ERROR(r.Get("postgresVersion", m.postgres_version));
  PGARK_RETURN_IF_ERROR(r.Get("serverVersionNum", m.server_version_num));
  PGARK_RETURN_IF_ERROR(r.Get("schemaVersion", m.schema_version, false));
  PGARK_RETURN_IF_ERROR(r.Get("encoding", m.encoding));
  PGARK_RETURN_IF_ERROR(r.Get("copyFormat", m.copy_format));
  PGARK_RETURN_IF_ERROR(r.Get("toolVersion", m.tool_version, false));
  PGARK_RETURN_IF_ERROR(r.Get("sealed", m.sealed, /*required=*/false));
  const bool open = m.sealed.empty();
  PGARK_RETURN_IF_ERROR(r.Get("totalRecordCount", m.total_record_count, open));
  PGARK_RETURN_IF_ERROR(r.Get("size", m.size));
  PGARK_RETURN_IF_ERROR(GetCompression(r, m));
  PGARK_RETURN_IF_ERROR(r.Get("checksum", m.checksum));
  Json tables, members;
  PGARK_RETURN_IF_ERROR(GetStrings(r, "dependencies", m.dependencies, true));
  PGARK_RETURN_IF_ERROR(r.Get("tables", tables));
  if (open) PGARK_RETURN_IF_ERROR(r.Get("members", members));
  if (open) PGARK_RETURN_IF_ERROR(GetStrings(r, "roles", m.roles, false));
  if (open) PGARK_RETURN_IF_ERROR(GetStrings(r, "tablespaces", m.tablespaces, false));
  PGARK_RETURN_IF_ERROR(r.Get("baseBackup", m.base_backup, false));
  if (auto it = j.find("changes"); open && it != j.end() && it->is_object()) {
    Reader cr(*it, "changes");
    PGARK_RETURN_IF_ERROR(cr.Get("changedTables", m.changes.changed_tables));
    PGARK_RETURN_IF_ERROR(cr.Get("inserted", m.changes.inserted));
    PGARK_RETURN_IF_ERROR(cr.Get("updated", m.changes.updated));
    PGARK_RETURN_IF_ERROR(cr.Get("deleted", m.changes.deleted));
    PGARK_RETURN_IF_ERROR(cr.Get("tablesByKey", m.changes.tables_by_key, false));
    PGARK_RETURN_IF_ERROR(GetStrings(cr, "hashedTables", m.changes.hashed_tables, false));
  }
  if (auto it = j.find("changePoint"); open && it != j.end() && it->is_object()) {
    Reader pr(*it, "changePoint");
    ChangePoint& p = m.change_point;
    PGARK_RETURN_IF_ERROR(pr.Get("xmin", p.xmin));
    PGARK_RETURN_IF_ERROR(pr.Get("xmax", p.xmax));
    PGARK_RETURN_IF_ERROR(pr.Get("systemIdentifier", p.system_identifier));
    PGARK_RETURN_IF_ERROR(pr.Get("databaseOid", p.database_oid));
    PGARK_RETURN_IF_ERROR(pr.Get("enumLabels", p.enum_labels));
  }
  if (auto it = j.find("encryption"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return absl::DataLossError("manifest \"encryption\" is not an object");
    Reader er(*it, "encryption");
    PGARK_RETURN_IF_ERROR(er.Get("cipher", m.cipher));
    PGARK_RETURN_IF_ERROR(er.Get("keyId", m.key_id));
    if (m.cipher != "AES-256-GCM") {
      return absl::UnimplementedError(absl::StrCat("cipher \"", m.cipher, "\" is not supported"));
    }
  }
  if (m.type == BackupType::kIncremental && (m.base_backup.empty() || m.dependencies.empty())) {
    return absl::DataLossError("incremental manifest does not name its base backup");
  }
  for (const Json& t : tables) {
    if (!t.is_object()) return absl::DataLossError("manifest table entry is not an object");
    TableEntry e;
    Reader tr(t, "table entry");
    PGARK_RETURN_IF_ERROR(tr.Get("name", e.name));
    PGARK_RETURN_IF_ERROR(tr.Get("schema", e.schema));
    PGARK_RETURN_IF_ERROR(tr.Get("table", e.table));
    PGARK_RETURN_IF_ERROR(tr.Get("recordCount", e.record_count, open));
    PGARK_RETURN_IF_ERROR(tr.Get("contentDigest", e.content_digest, false));
    PGARK_RETURN_IF_ERROR(tr.Get("rewritesSeen", e.rewrites_seen, false));
    m.tables.push_back(std::move(e));
  }
  for (size_t i = 0; i < members.size(); ++i) {
    MemberEntry e;
    PGARK_RETURN_IF_ERROR(DecodeMember(members[i], i, e));
    m.members.push_back(std::move(e));
  }
  if (m.copy_format != "text") {
    return absl::UnimplementedError(
        absl::StrCat("archive COPY format \"", m.copy_format, "\" is not supported"));
  }
  return m;
}

}  // namespace pgark::formats
