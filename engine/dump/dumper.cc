#include "engine/dump/dumper.h"

#include "engine/dump/dump_session.h"
#include "engine/pg/transaction.h"

#include <unistd.h>

#include <map>
#include <optional>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "engine/catalog/catalog.h"
#include "engine/plan/dump_plan.h"
#include "engine/repository/incremental.h"
#include "engine/repository/leftovers.h"
#include "engine/dump/large_objects.h"
#include "engine/log.h"
#include "engine/dump/parallel_dump.h"
#include "engine/repository/repository.h"
#include "engine/pg/pg_connection.h"
#include "engine/ddl/globals_sql.h"
#include "engine/ddl/privileges_sql.h"
#include "engine/ddl/schema_sql.h"
#include "engine/ddl/sql_text.h"
#include "engine/ddl/statistics_sql.h"
#include "formats/archive_layout.h"
#include "formats/archive_writer.h"
#include "formats/file_io.h"
#include "formats/manifest_seal.h"
#include "formats/row_diff.h"
#include "formats/status_macros.h"
#include "engine/version.h"

namespace pgark::engine {
namespace {

using formats::ArchiveWriter;
using formats::Manifest;
using formats::MemberEntry;


// A warning about objects left out names this many of each kind, then says "...".
constexpr size_t kMaxNamesPerWarning = 100;

}  // namespace

int CompressionJobs(int requested) {
  if (requested > 0) return requested;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

absl::Status Dumper::Sql(MemberKind kind, absl::string_view schema, absl::string_view name,
                         absl::string_view table, absl::string_view sql,
                         absl::string_view identity, std::optional<formats::Section> section) {
  MemberEntry entry;
  PGARK_ASSIGN_OR_RETURN(entry.raw_bytes, writer_->WriteMember(sql));
  entry.section = section.value_or(formats::SectionOf(kind));
  entry.kind = kind;
  entry.schema = std::string(schema);
  entry.name = std::string(name);
  entry.table = std::string(table);
  entry.identity = std::string(identity);
  manifest_.members.push_back(std::move(entry));
  return absl::OkStatus();
}

absl::Status Dumper::BeginSnapshot() {
  PGARK_ASSIGN_OR_RETURN(snapshot_txn_,
                         Transaction::Begin(conn_, "ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
  // One text form for every value, whatever the server's defaults: an incremental compares
  // rows by their COPY text with the rows of backups made in other sessions.
  PGARK_RETURN_IF_ERROR(conn_.Exec("SET LOCAL TimeZone = 'UTC'; SET LOCAL bytea_output = hex"));
  // The catalog queries are costly to plan but quick to run: compiling them (JIT) would take
  // longer than running them, as pg_dump also finds.
  PGARK_RETURN_IF_ERROR(conn_.Exec("SET LOCAL jit = off"));
  // Other connections may share this transaction's snapshot (parallel backup).
  PGARK_ASSIGN_OR_RETURN(snapshot_, catalog_.ExportSnapshot());
  PGARK_ASSIGN_OR_RETURN(server_, catalog_.GetServerInfo());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<TableRef>> Dumper::SelectTables() {
  std::vector<TableRef> tables;
  if (planned_ == BackupType::kFull) {
    PGARK_ASSIGN_OR_RETURN(tables, catalog_.ListTables());
  } else {
    std::set<uint32_t> seen;
    for (const std::string& name : options_.tables) {
      PGARK_ASSIGN_OR_RETURN(TableRef t, catalog_.ResolveTable(name));
      if (t.relkind == 'f') {
        return absl::InvalidArgumentError(absl::StrCat(
            "\"", t.DisplayName(), "\" is a foreign table: its rows live on another server, and "
            "its definition needs its server's; a full backup (`pgark backup full`) carries both"));
      }
      if (seen.insert(t.oid).second) tables.push_back(std::move(t));
    }
  }
  PGARK_ASSIGN_OR_RETURN(auto edges, catalog_.ListForeignKeyEdges());
  return OrderByForeignKeys(std::move(tables), edges);
}

absl::Status Dumper::LockAndDescribe() {
  PGARK_ASSIGN_OR_RETURN(refs_, SelectTables());
  for (const TableRef& t : refs_) {
    estimated_bytes_ += t.estimated_bytes;
    if (t.relkind == 'f') continue;  // LOCK TABLE refuses foreign tables; nothing to read
    // Held to the end of the transaction: no table can be dropped or altered under the dump.
    absl::Status locked = catalog_.LockForDump(t);
    if (absl::IsNotFound(locked)) {
      return absl::AbortedError(absl::StrCat("table \"", t.DisplayName(),
                                             "\" was dropped while the backup started; nothing "
                                             "was written, run the backup again"));
    }
    PGARK_RETURN_IF_ERROR(locked);
  }
  PGARK_ASSIGN_OR_RETURN(tables_, catalog_.DescribeTables(refs_));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<PlannedMember>> Dumper::Plan() {
  // A full backup carries every schema object; a table backup only its tables' own parts.
  std::vector<std::pair<ObjectId, ObjectId>> deps;
  if (planned_ == BackupType::kFull) {
    PGARK_ASSIGN_OR_RETURN(objects_, catalog_.ListSchemaObjects());
    PGARK_ASSIGN_OR_RETURN(deps, catalog_.ListDependencies());
    PGARK_RETURN_IF_ERROR(WarnUncarried());
  }
  SeparateChecks(tables_, deps);
  PostponeWhatNeedsKeys(objects_, tables_, deps);
  std::vector<PlannedMember> plan =
      PlanArchive(tables_, objects_, deps, {options_.content, options_.with_owners});
  if (planned_ != BackupType::kFull || options_.content == Content::kSchemaOnly) return plan;
  // The user rows of extensions' configuration tables: data, after the tables' (the
  // extension made the table, and its own rows, before).
  PGARK_RETURN_IF_ERROR(DescribeExtensionConfigTables());
  auto post = std::find_if(plan.begin(), plan.end(), [](const PlannedMember& m) {
    return m.section == formats::Section::kPostData;
  });
  std::vector<PlannedMember> config_data;
  for (const TableDef& t : config_tables_) {
    config_data.push_back({MemberKind::kTableData, formats::Section::kData, t.ref.schema,
                           t.ref.name, t.ref.name, "", "", &t});
  }
  plan.insert(post, config_data.begin(), config_data.end());
  return plan;
}

absl::StatusOr<std::string> Dumper::ChooseBackupId(absl::Time now) {
  std::string label = options_.label;
  if (label.empty() && type_ == BackupType::kTable) label = absl::StrJoin(options_.tables, "_");
  auto exists = [this](const std::string& name) -> absl::StatusOr<bool> {
    absl::StatusOr<formats::ObjectInfo> info = repository_->Stat(name);
    if (absl::IsNotFound(info.status())) return false;
    PGARK_RETURN_IF_ERROR(info.status());
    return true;
  };
  auto taken = [&](const std::string& id) -> absl::StatusOr<bool> {
    PGARK_ASSIGN_OR_RETURN(
        bool archive,
        exists(formats::ArchiveFileName(id, options_.compression.codec, options_.key != nullptr)));
    if (archive) return true;
    return exists(formats::BackupManifestName(id));
  };
  for (int seq = 0;; ++seq) {
    std::string id = formats::BackupId(formats::BackupTypeName(type_), label, now, seq);
    PGARK_ASSIGN_OR_RETURN(bool before, taken(id));
    if (before) continue;
    // Backups started in the same second, by other processes too, each claim their own name
    // (in object storage, the upload's If-None-Match condition keeps them apart).
    if (!repository_->local()) return id;
    PGARK_ASSIGN_OR_RETURN(
        reservation_, formats::NameReservation::Take(repository_->Locate(
                          absl::StrCat(".", id, ".reserved"))));
    if (reservation_ == nullptr) continue;
    PGARK_ASSIGN_OR_RETURN(bool after, taken(id));
    if (!after) return id;
    reservation_.reset();
  }
}

absl::Status Dumper::StartManifest(absl::Time now) {
  PGARK_ASSIGN_OR_RETURN(manifest_.backup_id, ChooseBackupId(now));
  // The oldest format that describes this archive: 2 (incrementals), 3 once a table is stored
  // in parts (an older reader would replay only the first), 4 when encrypted (sealed manifest).
  // 6 when zstd-compressed (an older reader would take its frames for corrupt gzip).
  manifest_.format_version = options_.key != nullptr ? 4 : 2;
  if (options_.compression.codec == formats::Codec::kZstd) manifest_.format_version = 6;
  manifest_.backup_file = formats::ArchiveFileName(
      manifest_.backup_id, options_.compression.codec, options_.key != nullptr);
  if (options_.key != nullptr) {
    manifest_.cipher = formats::kCipherName;
    PGARK_ASSIGN_OR_RETURN(manifest_.key_id, options_.key->KeyId());
  }
  manifest_.type = type_;
  if (base_) base_->DescribeIn(manifest_);
  manifest_.content = type_ == BackupType::kGlobals ? Content::kSchemaOnly : options_.content;
  manifest_.timestamp = formats::IsoTimestamp(now);
  manifest_.database = server_.database;
  manifest_.postgres_version = server_.version;
  manifest_.server_version_num = server_.version_num;
  manifest_.tool_version = kPgarkVersion;
  manifest_.compression = options_.compression.codec;
  return absl::OkStatus();
}

absl::Status Dumper::OpenArchive(const std::vector<PlannedMember>& plan) {
  PGARK_ASSIGN_OR_RETURN(
      writer_, ArchiveWriter::Open({repository_, manifest_.backup_file},
                                   {.compression = options_.compression,
                                    .jobs = CompressionJobs(options_.jobs),
                                    .key = options_.key}));
  for (const PlannedMember& m : plan) {
    if (m.data == nullptr) continue;
    PGARK_ASSIGN_OR_RETURN(std::vector<DataPiece> pieces, PiecesOf(*m.data));
    pieces_.insert(pieces_.end(), pieces.begin(), pieces.end());
  }
  StartParallel();
  return absl::OkStatus();
}

absl::Status Dumper::WriteMembers(const std::vector<PlannedMember>& plan) {
  PGARK_RETURN_IF_ERROR(
      Sql(MemberKind::kHeader, "", "", "", ArchiveHeaderSql(manifest_.backup_id, server_, type_)));
  if (type_ == BackupType::kIncremental) {
    PGARK_RETURN_IF_ERROR(Sql(MemberKind::kIncrementalGuard, "", "", "",
                              IncrementalGuardSql(manifest_.backup_file)));
  }
  if (type_ == BackupType::kGlobals || options_.with_globals) {
    PGARK_RETURN_IF_ERROR(GlobalsMembers());
  }
  if (planned_ == BackupType::kTable && options_.content != Content::kDataOnly) {
    // A table backup does not own its schema: create it only if it is missing.
    std::set<std::string> schemas;
    for (const TableDef& t : tables_) {
      if (t.ref.schema != "public" && schemas.insert(t.ref.schema).second) {
        PGARK_RETURN_IF_ERROR(Sql(MemberKind::kSchema, "", t.ref.schema, t.ref.schema,
                                  CreateSchemaSql(t.ref.schema)));
      }
    }
  }
  for (const PlannedMember& m : plan) {
    if (m.data != nullptr) {
      PGARK_RETURN_IF_ERROR(Data(*m.data));
    } else {
      PGARK_RETURN_IF_ERROR(Sql(m.kind, m.schema, m.name, m.table, m.sql, m.identity, m.section));
    }
  }
  if (planned_ == BackupType::kFull) PGARK_RETURN_IF_ERROR(DatabaseObjects());
  if (options_.statistics) PGARK_RETURN_IF_ERROR(PlannerStatistics());
  return absl::OkStatus();
}

absl::StatusOr<Manifest> Dumper::Commit() {
  for (const std::vector<TableDef>* list : {&tables_, &config_tables_}) {
    for (const TableDef& t : *list) {
      if (t.ref.relkind == 'f') continue;  // no rows here: only its definition is backed up
      auto digest = digests_.find(t.ref.oid);
      auto rewrites = rewrites_seen_.find(t.ref.oid);
      manifest_.tables.push_back({t.ref.DisplayName(), t.ref.schema, t.ref.name,
                                  rows_[t.ref.oid],
                                  digest == digests_.end() ? "" : digest->second.Encode(),
                                  rewrites == rewrites_seen_.end() ? -1 : rewrites->second});
    }
  }
  if (listener_.Cancelled()) return absl::CancelledError("cancelled");
  PGARK_ASSIGN_OR_RETURN(formats::ArchiveSummary summary, writer_->Close());
  PGARK_RETURN_IF_ERROR(formats::PlaceMembers(summary.members, manifest_.members));
  manifest_.size = summary.size_bytes;
  manifest_.checksum = summary.sha256;
  PGARK_RETURN_IF_ERROR(snapshot_txn_->Commit());

  // The manifest goes last: its presence means the backup is complete.
  absl::StatusOr<Manifest> written = manifest_;
  if (options_.key != nullptr) written = formats::SealManifest(manifest_, options_.key);
  absl::Status s = written.status();
  if (s.ok()) {
    s = formats::WriteSmallObject(*repository_, formats::BackupManifestName(manifest_.backup_id),
                                  formats::EncodeManifest(*written));
  }
  if (!s.ok()) {
    // An archive without a manifest is not a backup.
    (void)repository_->Delete(manifest_.backup_file);
    return s;
  }
  return manifest_;
}

absl::StatusOr<Manifest> Dumper::Run(BackupType type) {
  const absl::Time now = absl::Now();
  type_ = type;
  // From here on, an incremental is planned as a full backup.
  planned_ = type == BackupType::kIncremental ? BackupType::kFull : type;
  PGARK_RETURN_IF_ERROR(BeginSnapshot());
  if (type_ == BackupType::kIncremental) {
    PGARK_ASSIGN_OR_RETURN(base_, IncrementalBase::Load(options_.backup_dir, options_.base_file,
                                                        options_.read_key, server_.database));
  }
  PGARK_RETURN_IF_ERROR(PlanChanges());
  std::vector<PlannedMember> plan;
  if (type_ != BackupType::kGlobals) {  // a globals backup has no tables
    PGARK_RETURN_IF_ERROR(LockAndDescribe());
    PGARK_ASSIGN_OR_RETURN(plan, Plan());
  }
  manifest_.tablespaces = TablespacesUsed();
  if (options_.with_owners) {
    PGARK_ASSIGN_OR_RETURN(manifest_.roles, catalog_.ListNamedRoles());
  }
  listener_.OnStart(static_cast<int>(tables_.size()), estimated_bytes_);
  PGARK_RETURN_IF_ERROR(StartManifest(now));
  PGARK_RETURN_IF_ERROR(OpenArchive(plan));
  PGARK_RETURN_IF_ERROR(WriteMembers(plan));
  PGARK_RETURN_IF_ERROR(WarnNotCarried());
  return Commit();
}


absl::Status Dumper::DatabaseSchemaObjects() {
  if (options_.with_owners) {
    PGARK_ASSIGN_OR_RETURN(std::vector<DefaultPrivilegesDef> defaults,
                           catalog_.ListDefaultPrivileges());
    for (const DefaultPrivilegesDef& d : defaults) {
      PGARK_RETURN_IF_ERROR(
          Sql(MemberKind::kDefaultAcl, d.schema, d.role, "", DefaultPrivilegesSql(d)));
    }
    PGARK_ASSIGN_OR_RETURN(std::vector<PredefinedPrivilegesDef> predefined,
                           catalog_.ListPredefinedPrivileges());
    for (const PredefinedPrivilegesDef& p : predefined) {
      const std::string name =
          p.column.empty() ? p.object : absl::StrCat(p.object, ".", QuoteIdent(p.column));
      PGARK_RETURN_IF_ERROR(Sql(MemberKind::kPredefinedAcl, "", absl::StrCat(p.kind, " ", name),
                                "", PredefinedPrivilegesSql(p)));
    }
  }
  // The database's own settings, comment and ACL, for a restore that creates the database.
  PGARK_ASSIGN_OR_RETURN(DatabaseDef database, catalog_.DescribeDatabase(server_.database));
  if (std::string sql = DatabasePropertiesMemberSql(database, options_.with_owners);
      !sql.empty()) {
    PGARK_RETURN_IF_ERROR(
        Sql(MemberKind::kDatabaseProperties, "", server_.database, "", sql));
  }
  PGARK_ASSIGN_OR_RETURN(std::vector<UserMappingDef> mappings, catalog_.ListUserMappings());
  for (const UserMappingDef& m : mappings) {
    if (m.options_hidden) {
      warnings_.push_back(absl::StrCat(
          "user mapping for ", m.role, " on server ", m.server,
          ": its options (a password, say) are shown only to a superuser, the mapped role or "
          "the server's owner, so it was backed up without them"));
    }
    PGARK_RETURN_IF_ERROR(Sql(MemberKind::kUserMapping, "",
                              absl::StrCat(m.role, " on ", m.server), "", UserMappingSql(m)));
  }
  PGARK_ASSIGN_OR_RETURN(std::vector<PublicationDef> publications, catalog_.ListPublications());
  for (const PublicationDef& p : publications) {
    PGARK_RETURN_IF_ERROR(Sql(MemberKind::kPublication, "", p.name, "",
                              PublicationSql(p, options_.with_owners)));
  }
  PGARK_ASSIGN_OR_RETURN(std::vector<SubscriptionDef> subscriptions,
                         catalog_.ListSubscriptions());
  for (const SubscriptionDef& d : subscriptions) {
    PGARK_RETURN_IF_ERROR(Sql(MemberKind::kSubscription, "", d.name, "",
                              SubscriptionSql(d, options_.with_owners)));
  }
  return absl::OkStatus();
}

absl::Status Dumper::DatabaseObjects() {
  if (options_.content != Content::kDataOnly) PGARK_RETURN_IF_ERROR(DatabaseSchemaObjects());
  if (options_.content != Content::kSchemaOnly) {
    for (const SequenceDef& s : config_sequences_) {
      PGARK_RETURN_IF_ERROR(
          Sql(MemberKind::kExtensionSequenceSet, s.schema, s.name, "", SetvalSql(s)));
    }
    PGARK_ASSIGN_OR_RETURN(std::vector<LargeObjectDef> objects, catalog_.ListLargeObjects());
    PGARK_RETURN_IF_ERROR(DumpLargeObjects(
        conn_, objects, options_.with_owners, kLargeObjectMemberBytes,
        [this](MemberKind kind, absl::string_view name, std::string sql) {
          return Sql(kind, "", name, "", sql);
        }));
  }
  if (options_.content == Content::kDataOnly) return absl::OkStatus();
  // Last, so that none fires during a restore.
  PGARK_ASSIGN_OR_RETURN(std::vector<EventTriggerDef> triggers, catalog_.ListEventTriggers());
  for (const EventTriggerDef& t : triggers) {
    PGARK_RETURN_IF_ERROR(Sql(MemberKind::kEventTrigger, "", t.name, "",
                              EventTriggerSql(t, options_.with_owners)));
  }
  return absl::OkStatus();
}

std::vector<std::string> Dumper::TablespacesUsed() const {
  std::set<std::string> used;
  for (const TableDef& t : tables_) {
    used.insert(t.tablespace);
    for (const IndexDef& i : t.indexes) used.insert(i.tablespace);
    for (const ConstraintDef& c : t.constraints) used.insert(c.index_tablespace);
  }
  for (const SchemaObjectDef& o : objects_) {
    if (o.kind != MemberKind::kMaterializedView) continue;
    used.insert(o.As<RelationFacts>().tablespace);
    for (const IndexDef& i : o.As<RelationFacts>().indexes) used.insert(i.tablespace);
  }
  used.erase("");
  return {used.begin(), used.end()};
}

absl::Status Dumper::GlobalsMembers() {
  PGARK_ASSIGN_OR_RETURN(ClusterGlobals g, catalog_.ReadGlobals());
  if (!g.passwords_read) {
    warnings_.push_back(
        "role passwords were not backed up: only a superuser may read their hashes; set them "
        "again after restoring (ALTER ROLE ... PASSWORD)");
  }
  for (const RoleDef& r : g.roles) {
    PGARK_RETURN_IF_ERROR(Sql(MemberKind::kRole, "", r.name, r.name, RoleSql(r)));
  }
  // Before 16 any grantor could be recorded; a 16+ target that refuses one is granted by the
  // restoring role instead (engine/restore/globals_restorer.cc).
  const bool any_grantor = server_.version_num < 160000;
  for (const auto& [m, granted_by] : OrderMemberships(g)) {
    PGARK_RETURN_IF_ERROR(Sql(MemberKind::kRoleMembership, "", m.role, m.member,
                              MembershipSql(m, granted_by || any_grantor, server_.version_num)));
  }
  for (const TablespaceDef& t : g.tablespaces) {
    PGARK_RETURN_IF_ERROR(Sql(MemberKind::kTablespace, "", t.name, t.name, TablespaceSql(t)));
  }
  for (const RoleDef& r : g.roles) {
    if (r.settings.empty()) continue;
    PGARK_RETURN_IF_ERROR(Sql(MemberKind::kRoleSettings, "", r.name, r.name, RoleSettingsSql(r)));
  }
  for (const ParameterAclDef& p : g.parameter_acls) {
    PGARK_RETURN_IF_ERROR(Sql(MemberKind::kParameterAcl, "", p.name, p.name, ParameterAclSql(p)));
  }
  for (const ClusterDatabaseDef& d : g.databases) {
    PGARK_RETURN_IF_ERROR(Sql(MemberKind::kDatabase, "", d.base.name, d.base.name,
                              ClusterDatabaseSql(d, server_.version_num)));
  }
  return absl::OkStatus();
}

absl::Status Dumper::PlannerStatistics() {
  std::vector<uint32_t> relations;
  for (const TableDef& t : tables_) {
    if (t.ref.relkind != 'f') relations.push_back(t.ref.oid);
  }
  for (const SchemaObjectDef& o : objects_) {
    if (o.kind == MemberKind::kMaterializedView) relations.push_back(o.id.oid);
  }
  PGARK_ASSIGN_OR_RETURN(std::vector<TableStatistics> tables,
                         catalog_.ListPlannerStatistics(relations));
  std::vector<std::string> without;
  for (const TableStatistics& t : tables) {
    const RelationStatistics& own = t.relations.front();
    if (own.columns.empty() && own.relkind != 'p') {
      without.push_back(TableRef{.schema = t.schema, .name = t.name}.DisplayName());
    }
    PGARK_RETURN_IF_ERROR(Sql(MemberKind::kStatisticsData, t.schema, t.name, t.name,
                              PlannerStatisticsSql(t, server_.version_num)));
  }
  if (!without.empty()) {
    const size_t count = without.size();
    if (count > kMaxNamesPerWarning) without.resize(kMaxNamesPerWarning);
    warnings_.push_back(absl::StrCat(
        "no column statistics for ", count, " table", count > 1 ? "s" : "", " (",
        absl::StrJoin(without, ", "), count > without.size() ? ", ..." : "",
        "): never analyzed, or this role may not read them; ANALYZE after restoring"));
  }
  return absl::OkStatus();
}

absl::Status Dumper::DescribeExtensionConfigTables() {
  PGARK_ASSIGN_OR_RETURN(std::vector<ExtensionConfigTable> configs,
                         catalog_.ListExtensionConfigTables());
  std::vector<std::string> unreadable;
  for (const ExtensionConfigTable& c : configs) {
    if (!c.readable) {
      unreadable.push_back(c.ref.DisplayName());
      continue;
    }
    if (c.ref.relkind == 'S') {
      SequenceDef seq;
      seq.schema = c.ref.schema;
      seq.name = c.ref.name;
      PGARK_RETURN_IF_ERROR(catalog_.ReadSequenceValue(seq));
      config_sequences_.push_back(std::move(seq));
      continue;
    }
    PGARK_ASSIGN_OR_RETURN(TableDef def, catalog_.DescribeTable(c.ref));
    def.extension_config = true;
    def.extension_rows = c.condition;
    config_tables_.push_back(std::move(def));
  }
  if (!unreadable.empty()) {
    warnings_.push_back(absl::StrCat(
        "left out of this backup: what users added to ", unreadable.size(),
        " extension configuration table", unreadable.size() > 1 ? "s" : "", " or sequence",
        unreadable.size() > 1 ? "s" : "", " (", absl::StrJoin(unreadable, ", "),
        "), which this role may not read"));
  }
  return absl::OkStatus();
}

absl::Status Dumper::WarnUncarried() {
  if (options_.content == Content::kDataOnly) return absl::OkStatus();  // all are schema
  PGARK_ASSIGN_OR_RETURN(std::vector<UncarriedObjects> kinds, catalog_.ListUncarried());
  WarnLeftOut(kinds);
  return absl::OkStatus();
}

absl::Status Dumper::WarnNotCarried() {
  if (planned_ != BackupType::kFull || options_.content == Content::kDataOnly) {
    return absl::OkStatus();
  }
  PGARK_ASSIGN_OR_RETURN(std::vector<CatalogObject> user_objects, catalog_.ListUserObjects());
  WarnLeftOut(NotCarried(user_objects, CarriedObjects(tables_, objects_), kMaxNamesPerWarning));
  return absl::OkStatus();
}

void Dumper::WarnLeftOut(const std::vector<UncarriedObjects>& kinds) {
  for (const UncarriedObjects& k : kinds) {
    std::string kind = k.kind;  // "aggregate", "text search dictionary": made plural
    if (k.count != 1) {
      kind = absl::EndsWith(kind, "y") ? absl::StrCat(kind.substr(0, kind.size() - 1), "ies")
                                       : absl::StrCat(kind, "s");
    }
    warnings_.push_back(absl::StrCat(
        "left out of this backup (pgark does not back up these yet): ", k.count, " ", kind,
        " (", absl::StrJoin(k.examples, ", "),
        k.count > static_cast<int64_t>(k.examples.size()) ? ", ..." : "", ")"));
  }
}


namespace {

absl::Status ValidateOptions(const BackupOptions& options, BackupType type) {
  if (options.backup_dir.empty()) return absl::InvalidArgumentError("no backup directory given");
  if (type == BackupType::kTable && options.tables.empty()) {
    return absl::InvalidArgumentError("a table backup needs at least one table name");
  }
  if (type == BackupType::kIncremental && options.content != Content::kSchemaAndData) {
    return absl::InvalidArgumentError("an incremental backup always holds schema and data");
  }
  if (options.with_globals && type != BackupType::kFull) {
    return absl::InvalidArgumentError("--with-globals belongs to full backups");
  }
  if (type == BackupType::kIncremental && options.statistics) {
    return absl::InvalidArgumentError(
        "planner statistics are carried by full and table backups, not incrementals");
  }
  if (options.jobs < 0 || options.jobs > 256) {
    return absl::InvalidArgumentError(absl::StrCat("--jobs ", options.jobs, " is out of range 1-256"));
  }
  return formats::ValidateCompression(options.compression);
}

}  // namespace

absl::StatusOr<BackupResult> Backup(const ConnectOptions& connect, const BackupOptions& options,
                                    BackupType type, ProgressListener* listener) {
  const absl::Time start = absl::Now();
  PGARK_RETURN_IF_ERROR(ValidateOptions(options, type));
  PGARK_ASSIGN_OR_RETURN(std::shared_ptr<formats::Storage> repository,
                         OpenRepository(options.backup_dir));
  PGARK_RETURN_IF_ERROR(repository->Prepare());
  // What killed backups left behind goes first (best effort: a failure only leaves it there).
  (void)RemoveLeftovers(options.backup_dir);
  log::Write(log::Level::kInfo, "backup",
             absl::StrCat(formats::BackupTypeName(type), " backup into ", options.backup_dir));
  PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(connect));
  log::LoggedProgress logged(ListenerOr(listener), "backup");
  Dumper dumper(connect, conn, options, std::move(repository),
                log::Enabled(log::Level::kInfo) ? logged : ListenerOr(listener));
  absl::StatusOr<Manifest> manifest = dumper.Run(type);
  log::Write(log::Level::kInfo, "backup",
             manifest.ok() ? absl::StrCat("wrote ", manifest->backup_file, ": ", manifest->size,
                                          " bytes, ", manifest->total_record_count, " rows in ",
                                          absl::ToInt64Milliseconds(absl::Now() - start), " ms")
                           : absl::StrCat("failed: ", manifest.status().message()));
  if (absl::IsCancelled(manifest.status())) {
    return absl::CancelledError("backup cancelled; nothing was written");
  }
  PGARK_RETURN_IF_ERROR(manifest);
  return BackupResult{*std::move(manifest), absl::ToInt64Milliseconds(absl::Now() - start),
                      dumper.base_full_size(), dumper.warnings()};
}

}  // namespace pgark::engine
