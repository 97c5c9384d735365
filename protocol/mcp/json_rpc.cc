#include "protocol/mcp/json_rpc.h"

#include <algorithm>

namespace pgark::protocol {

namespace {

// The deepest nesting of arrays and objects in `text` (brackets inside strings not counted),
// found without parsing: a deeply nested message is refused before it is built.
int NestingDepth(absl::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

std::optional<Json> ParseMessage(absl::string_view line) {
  if (NestingDepth(line) > kMaxMessageDepth) return std::nullopt;
  Json j = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

Envelope Classify(const Json& m) {
  Envelope e;
  if (!m.is_object()) {
    e.problem = "a message must be a JSON object";
    return e;
  }
  auto id = m.find("id");
  const bool has_id = id != m.end();
  const bool id_ok = has_id && (id->is_string() || id->is_number_integer());
  if (id_ok) e.id = *id;
  auto version = m.find("jsonrpc");
  if (version == m.end() || *version != "2.0") {
    e.problem = "\"jsonrpc\" must be \"2.0\"";
    return e;
  }
  auto method = m.find("method");
  if (method == m.end()) {
    if (m.contains("result") || m.contains("error")) e.kind = Envelope::Kind::kResponse;
    else e.problem = "a request needs a \"method\"";
    return e;
  }
  if (!method->is_string()) {
    e.problem = "\"method\" must be a string";
    return e;
  }
  if (has_id && !id_ok) {
    e.problem = "\"id\" must be a string or an integer";
    return e;
  }
  e.method = method->get<std::string>();
  auto params = m.find("params");
  if (params != m.end() && !params->is_object() && !params->is_null()) {
    e.problem = "\"params\" must be an object";
    return e;
  }
  e.params = (params == m.end() || params->is_null()) ? Json::object() : *params;
  e.kind = has_id ? Envelope::Kind::kRequest : Envelope::Kind::kNotification;
  return e;
}

std::string StringMember(const Json& object, absl::string_view key) {
  if (!object.is_object()) return "";
  auto it = object.find(std::string(key));
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

Json RequestIds(const Json& batch) {
  Json ids = Json::array();
  for (const Json& m : batch) {
    if (Envelope e = Classify(m); e.kind == Envelope::Kind::kRequest) ids.push_back(*e.id);
  }
  return ids;
}

Json MakeResult(const Json& id, Json result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

Json MakeError(const std::optional<Json>& id, int code, absl::string_view message,
               std::optional<Json> data) {
  Json error = {{"code", code}, {"message", std::string(message)}};
  if (data) error["data"] = *std::move(data);
  Json reply = {{"jsonrpc", "2.0"}};
  if (id) reply["id"] = *id;
  reply["error"] = std::move(error);
  return reply;
}

Json MakeNotification(absl::string_view method, Json params) {
  return {{"jsonrpc", "2.0"}, {"method", std::string(method)}, {"params", std::move(params)}};
}

std::string Serialize(const Json& message) {
  return message.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace pgark::protocol
