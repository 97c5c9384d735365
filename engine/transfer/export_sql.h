// The SQL of an export, separate from exporter.h so that the public header stays free of the
// catalog (and libpq) types. Used by exporter.cc and its tests.
#ifndef PGARK_ENGINE_TRANSFER_EXPORT_SQL_H_
#define PGARK_ENGINE_TRANSFER_EXPORT_SQL_H_

#include <string>

#include "absl/status/statusor.h"
#include "engine/catalog/facts.h"
#include "engine/transfer/exporter.h"

namespace pgark::engine {

// The COPY statement of an export. Column names are checked against `table` and quoted;
// values are quoted literals. kInvalidArgument for an unknown column or an empty filter.
absl::StatusOr<std::string> ExportCopySql(const TableDef& table, const ExportOptions& options);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_TRANSFER_EXPORT_SQL_H_
