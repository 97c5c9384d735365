#include "engine/repository/incremental.h"

#include "absl/strings/str_cat.h"
#include "engine/ddl/schema_sql.h"
#include "formats/archive_verify.h"
#include "formats/archive_writer.h"
#include "formats/status_macros.h"

namespace pgark::engine {

std::string IncrementalGuardSql(absl::string_view backup_file) {
  return absl::StrCat(
      "-- ", backup_file, " is an incremental backup: it holds only what changed since its\n"
      "-- base. Restore it with `pgark restore full ", backup_file, "`, which applies the\n"
      "-- whole chain, or `pgark restore` its base first.\n"
      "\\echo 'pgark: this is an incremental backup; restore it with pgark restore full'\n"
      "\\quit\n");
}

const formats::MemberEntry* FindTableMember(const formats::Manifest& manifest,
                                            formats::MemberKind kind, absl::string_view schema,
                                            absl::string_view name) {
  for (const formats::MemberEntry& m : manifest.members) {
    if (m.kind == kind && m.schema == schema && m.name == name) return &m;
  }
  return nullptr;
}

absl::Status ReplayTableRows(const std::vector<LoadedBackup>& chain, size_t upto,
                             absl::string_view schema, absl::string_view name,
                             formats::RowConsumer& out) {
  const std::string table = absl::StrCat(schema, ".", name);
  formats::PendingDeletes pending;
  for (size_t k = upto + 1; k-- > 0;) {
    const LoadedBackup& link = chain[k];
    const formats::MemberEntry* data = nullptr;
    for (const formats::MemberEntry& part : link.manifest.members) {
      // The table's member, or each of its parts in order.
      if (part.kind != formats::MemberKind::kTableData || part.schema != schema ||
          part.name != name) {
        continue;
      }
      data = &part;
      PGARK_ASSIGN_OR_RETURN(formats::RowKeyer keyer,
                             formats::RowKeyer::ForColumns(part.columns, part.key_columns));
      formats::ChainRowFilter filter(std::move(keyer), pending, out);
      formats::CopyFramingSink trim(CopyFromStdinLine(part.schema, part.name, part.columns),
                                    kCopyTrailer);
      trim.set_downstream(&filter);  // closing trim closes the filter: a partial row is damage
      absl::Status s = formats::ReadMember(link.archive, part, link.read, trim);
      if (s.ok()) s = trim.Close();
      PGARK_RETURN_IF_ERROR(s);
    }
    if (data == nullptr) {
      return absl::DataLossError(absl::StrCat("backup \"", link.manifest.backup_file,
                                              "\" of the chain has no rows for table \"", table,
                                              "\""));
    }
    if (data->delta != formats::Delta::kChanges) break;  // the table's last full copy
    if (k == 0) {
      return absl::DataLossError(
          absl::StrCat("the chain has no full copy of table \"", table, "\""));
    }
    if (const formats::MemberEntry* deletes =
            FindTableMember(link.manifest, formats::MemberKind::kRowDeletes, schema, name)) {
      formats::RowDeletesReader reader(pending, deletes->deletes_by_key);
      absl::Status s = formats::ReadMember(link.archive, *deletes, link.read, reader);
      if (s.ok()) s = reader.Close();
      PGARK_RETURN_IF_ERROR(s);
    }
  }
  if (!pending.empty()) {
    return absl::DataLossError(absl::StrCat("the chain's deleted rows of table \"", table,
                                            "\" do not match its stored rows"));
  }
  return absl::OkStatus();
}

absl::Status VerifyChain(const std::vector<LoadedBackup>& chain) {
  for (const LoadedBackup& link : chain) {
    PGARK_RETURN_IF_ERROR(RequireKey(link));  // an encrypted parent of a plain incremental
    if (link.archive.storage->local()) {
      PGARK_RETURN_IF_ERROR(formats::VerifyArchive(link.archive, link.manifest,
                                                   {.inflate = false, .key = link.read.key}));
      continue;
    }
    PGARK_ASSIGN_OR_RETURN(formats::ObjectInfo info, link.archive.storage->Stat(link.archive.name));
    if (info.size != link.manifest.size) {
      return absl::DataLossError(absl::StrCat(
          link.archive.Where(), " is ", info.size, " bytes, its manifest says ", link.manifest.size,
          info.size < link.manifest.size ? " (truncated)" : ""));
    }
  }
  return absl::OkStatus();
}

}  // namespace pgark::engine
