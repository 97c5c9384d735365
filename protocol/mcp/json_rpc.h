// JSON-RPC 2.0 envelopes for the MCP server: parsing one line, classifying a message, building
// results, errors and notifications, and serialising to one line. No I/O, no threads.
#ifndef PGARK_PROTOCOL_MCP_JSON_RPC_H_
#define PGARK_PROTOCOL_MCP_JSON_RPC_H_

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/strings/string_view.h"

namespace pgark::protocol {

using Json = nlohmann::json;

enum RpcError : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
};

// What a message is. Requests and notifications have a method; a request's id is a string or
// an integer (never null, fractional, boolean or an object).
struct Envelope {
  enum class Kind { kRequest, kNotification, kResponse, kInvalid } kind = Kind::kInvalid;
  std::optional<Json> id;  // set when the id is usable in a reply
  std::string method;
  Json params;             // object (missing params read as {})
  std::string problem;     // kInvalid: why
};

// Arrays and objects nested deeper than this are refused unparsed (no MCP message needs it,
// and copying such a value would exhaust the stack).
inline constexpr int kMaxMessageDepth = 100;

// Parses one line; nullopt if it is not JSON or nests deeper than kMaxMessageDepth.
std::optional<Json> ParseMessage(absl::string_view line);
Envelope Classify(const Json& message);

// `object[key]` when `object` is an object holding a string there, else "" (messages are
// hostile: nlohmann's value() throws on a member of another type).
std::string StringMember(const Json& object, absl::string_view key);

// The ids of the requests in a batch (an array), in order; notifications and invalid members
// have none.
Json RequestIds(const Json& batch);

Json MakeResult(const Json& id, Json result);
// An error reply; without `id` (unknown or unusable) the "id" member is omitted altogether.
Json MakeError(const std::optional<Json>& id, int code, absl::string_view message,
               std::optional<Json> data = std::nullopt);
Json MakeNotification(absl::string_view method, Json params);

// One line of compact JSON without a trailing newline. Invalid UTF-8 is replaced, never
// emitted; newlines inside strings are escaped by the encoder.
std::string Serialize(const Json& message);

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_MCP_JSON_RPC_H_
