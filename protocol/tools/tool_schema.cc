#include "protocol/tools/tool_schema.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pgark::protocol {

Json Str(absl::string_view description) {
  return {{"type", "string"}, {"description", description}};
}

Json Bool(absl::string_view description, bool fallback) {
  return {{"type", "boolean"}, {"description", description}, {"default", fallback}};
}

Json FileArg(absl::string_view description) {
  // maxLength before the pattern: the argument validator bounds the text it matches.
  return {{"type", "string"}, {"maxLength", 255}, {"pattern", "^[A-Za-z0-9_][A-Za-z0-9._-]*$"},
          {"description", description}};
}

Json OnConflictArg() {
  return {{"type", "string"}, {"enum", {"error", "skip", "update"}}, {"default", "error"},
          {"description", "rows whose key exists: error (change nothing), skip or update"}};
}

Json TableArg(absl::string_view description) {
  return {{"type", "string"}, {"minLength", 1}, {"description", description}};
}

Json Schema(Json properties, std::vector<std::string> required) {
  Json s = {{"type", "object"}, {"properties", std::move(properties)},
            {"additionalProperties", false}};
  if (!required.empty()) s["required"] = required;
  return s;
}

Json Output(Json properties, std::vector<std::string> required) {
  // Only what every result carries: tools/list stays small, and results may say more.
  Json kept = Json::object();
  for (const std::string& name : required) kept[name] = properties.at(name);
  return {{"type", "object"}, {"properties", std::move(kept)}, {"required", required}};
}

Json AsyncOutput(Json output) {
  Json required = output["required"];
  output.erase("required");
  output["properties"]["jobId"] = {{"type", "string"}};
  output["properties"]["status"] = {{"type", "string"}};
  output["anyOf"] = Json::array({{{"required", required}},
                                 {{"required", {"success", "jobId", "status"}}}});
  return output;
}

Json AsyncArg() {
  return Bool("answer at once with a jobId (see db_job_status)", false);
}

Json Annotations(bool read_only, bool destructive, bool idempotent) {
  Json a = {{"readOnlyHint", read_only}, {"openWorldHint", false}};
  if (!read_only) {
    a["destructiveHint"] = destructive;
    a["idempotentHint"] = idempotent;
  }
  return a;
}

Json Strings() { return {{"type", "array"}, {"items", {{"type", "string"}}}}; }

void ToolProgress::OnStart(int total_tables, uint64_t estimated_bytes) {
  total_tables_ = total_tables;
  total_bytes_ = static_cast<double>(estimated_bytes);
  const std::string what = absl::StrFormat("%d tables, about %.1f MB of table data",
                                           total_tables, total_bytes_ / 1e6);
  ctx_.log("info", absl::StrCat("started: ", what));
  ctx_.progress(0.5, total_bytes_, absl::StrCat("starting: ", what));
}

void ToolProgress::OnTableEnd(const std::string& table, int64_t rows, uint64_t) {
  ++tables_done_;
  const std::string line = absl::StrCat("table ", table, " done (", tables_done_, "/",
                                        total_tables_, ", ", rows, " rows)");
  ctx_.log("debug", line);
  ctx_.progress(static_cast<double>(bytes_ + 1), total_bytes_, line);
}

void ToolProgress::OnBytes(uint64_t bytes) {
  bytes_ += bytes;
  ctx_.progress(static_cast<double>(bytes_), total_bytes_,
                absl::StrFormat("%.1f MB of table data", static_cast<double>(bytes_) / 1e6));
}

}  // namespace pgark::protocol
