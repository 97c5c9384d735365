// One definition per db_* tool (internal to protocol/tools): its spec (name, title,
// description, input and output schemas, annotations) and a handler that decodes the validated
// arguments into engine options, runs the engine, and encodes the result object the CLI prints
// with --json. RegisterEngineTools (engine_tools.cc) registers them all.
#ifndef PGARK_PROTOCOL_TOOLS_TOOL_DEFINITIONS_H_
#define PGARK_PROTOCOL_TOOLS_TOOL_DEFINITIONS_H_

#include <memory>
#include <string>

#include "protocol/mcp/tool_registry.h"
#include "protocol/tools/engine_tools.h"
#include "protocol/tools/jobs.h"

namespace pgark::protocol {

// backup_tools.cc
ToolSpec BackupFullTool(const EngineToolsConfig& config);
ToolSpec BackupTableTool(const EngineToolsConfig& config);
ToolSpec BackupIncrementalTool(const EngineToolsConfig& config);
// restore_tools.cc
ToolSpec RestoreFullTool(const EngineToolsConfig& config);
ToolSpec RestoreTableTool(const EngineToolsConfig& config);
// transfer_tools.cc
ToolSpec ExportJsonTool(const EngineToolsConfig& config);
ToolSpec ExportCsvTool(const EngineToolsConfig& config);
ToolSpec ImportJsonTool(const EngineToolsConfig& config);
ToolSpec ImportCsvTool(const EngineToolsConfig& config);
// repository_tools.cc
ToolSpec ListBackupsTool(const EngineToolsConfig& config);
ToolSpec DeleteBackupTool(const EngineToolsConfig& config);
ToolSpec ValidateBackupTool(const EngineToolsConfig& config);
ToolSpec DrillBackupTool(const EngineToolsConfig& config);
// inspect_tools.cc
ToolSpec DescribeBackupTool(const EngineToolsConfig& config);
ToolSpec ListTablesTool(const EngineToolsConfig& config);
ResourceCatalog EngineResources(const EngineToolsConfig& config);
// job_tools.cc: db_job_status and db_job_cancel over the jobs of `async: true` calls.
ToolSpec JobStatusTool(std::shared_ptr<JobTable> jobs);
ToolSpec JobCancelTool(std::shared_ptr<JobTable> jobs);

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_TOOLS_TOOL_DEFINITIONS_H_
