#include "protocol/mcp/tool_registry.h"

#include <regex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "formats/status_macros.h"

namespace pgark::protocol {

const ToolSpec* ToolRegistry::Find(absl::string_view name) const {
  for (const ToolSpec& t : tools_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

namespace {

absl::Status Bad(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("argument \"", field, "\" ", what));
}

// What the schema promises is what is checked: types (no "5" for an integer), enums, bounds,
// string lengths and patterns, and the items of arrays.
absl::Status CheckValue(const std::string& field, const Json& schema, const Json& value) {
  const std::string type = schema.value("type", "");
  if (type == "string" && !value.is_string()) return Bad(field, "must be a string");
  if (type == "boolean" && !value.is_boolean()) return Bad(field, "must be true or false");
  if (type == "integer" && !value.is_number_integer()) return Bad(field, "must be an integer");
  if (type == "object" && !value.is_object()) return Bad(field, "must be an object");
  if (type == "array" && !value.is_array()) return Bad(field, "must be an array");
  if (auto e = schema.find("enum"); e != schema.end()) {
    bool found = false;
    for (const Json& allowed : *e) found = found || allowed == value;
    if (!found) {
      std::vector<std::string> names;
      for (const Json& allowed : *e) names.push_back(allowed.dump());
      return Bad(field, absl::StrCat("must be one of ", absl::StrJoin(names, ", ")));
    }
  }
  if (value.is_number_integer()) {
    if (schema.contains("minimum") && value.get<int64_t>() < schema["minimum"].get<int64_t>()) {
      return Bad(field, absl::StrCat("must be at least ", schema["minimum"].get<int64_t>()));
    }
    if (schema.contains("maximum") && value.get<int64_t>() > schema["maximum"].get<int64_t>()) {
      return Bad(field, absl::StrCat("must be at most ", schema["maximum"].get<int64_t>()));
    }
  }
  if (value.is_string()) {
    size_t len = value.get_ref<const std::string&>().size();
    if (schema.contains("minLength") && len < schema["minLength"].get<size_t>()) {
      return Bad(field, "must not be empty");
    }
    if (schema.contains("maxLength") && len > schema["maxLength"].get<size_t>()) {
      return Bad(field, absl::StrCat("must be at most ", schema["maxLength"].get<size_t>(),
                                     " characters"));
    }
    // After the length check: the patterns are ours, the text is bounded.
    if (auto pattern = schema.find("pattern"); pattern != schema.end() &&
        !std::regex_search(value.get_ref<const std::string&>(),
                           std::regex(pattern->get<std::string>()))) {
      return Bad(field, absl::StrCat("must match ", pattern->get<std::string>()));
    }
  }
  if (auto items = schema.find("items"); items != schema.end() && value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      PGARK_RETURN_IF_ERROR(CheckValue(absl::StrCat(field, "[", i, "]"), *items, value[i]));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Json> ValidateArguments(const Json& schema, const Json& arguments) {
  if (!arguments.is_object()) return absl::InvalidArgumentError("arguments must be an object");
  Json out = arguments;
  const Json& properties = schema.contains("properties") ? schema["properties"] : Json::object();
  for (auto it = out.begin(); it != out.end(); ++it) {
    auto p = properties.find(it.key());
    if (p == properties.end()) {
      std::vector<std::string> known;
      for (auto k = properties.begin(); k != properties.end(); ++k) known.push_back(k.key());
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown argument \"", it.key(), "\"; this tool takes: ",
          known.empty() ? "no arguments" : absl::StrJoin(known, ", ")));
    }
    if (absl::Status s = CheckValue(it.key(), *p, it.value()); !s.ok()) return s;
  }
  if (auto req = schema.find("required"); req != schema.end()) {
    for (const Json& name : *req) {
      if (!out.contains(name.get<std::string>())) {
        return absl::InvalidArgumentError(
            absl::StrCat("argument \"", name.get<std::string>(), "\" is required"));
      }
    }
  }
  for (auto p = properties.begin(); p != properties.end(); ++p) {
    if (!out.contains(p.key()) && p->contains("default")) out[p.key()] = (*p)["default"];
  }
  return out;
}

}  // namespace pgark::protocol
