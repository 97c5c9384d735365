// The SQL of a STATISTICS DATA member: a table's (or materialized view's) planner statistics
// and its indexes', as calls of PostgreSQL 18's pg_restore_relation_stats and
// pg_restore_attribute_stats. Every value is a string literal cast to the type the function
// expects, with the source server's version, so that a newer server reads each one as the
// source wrote it (what pg_dump 18 writes too).
#ifndef PGARK_ENGINE_DDL_STATISTICS_SQL_H_
#define PGARK_ENGINE_DDL_STATISTICS_SQL_H_

#include <string>

#include "engine/catalog/facts.h"

namespace pgark::engine {

// The first PostgreSQL version that can restore planner statistics.
inline constexpr int kStatisticsRestoreVersion = 180000;

std::string PlannerStatisticsSql(const TableStatistics& table, int source_version_num);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_DDL_STATISTICS_SQL_H_
