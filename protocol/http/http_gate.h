// The checks every MCP HTTP request passes before it reaches a session, as pure functions:
// Host and Origin against an allowlist (DNS rebinding), the bearer token (constant time),
// Accept and Content-Type. No sockets here, so each is unit-tested.
#ifndef PGARK_PROTOCOL_HTTP_HTTP_GATE_H_
#define PGARK_PROTOCOL_HTTP_HTTP_GATE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace pgark::protocol {

// The host name of a Host header or URL authority, lowercased, without the port ("[::1]:80" ->
// "[::1]", "LocalHost:8765" -> "localhost"). Empty when malformed.
std::string HostName(absl::string_view authority);
// 127.0.0.0/8, ::1 and localhost.
bool IsLoopbackHost(absl::string_view host_name);

// Who may talk to the endpoint. `hosts` empty means any Host (a non-loopback bind with a token:
// a browser cannot supply the token, so rebinding gains nothing).
struct OriginPolicy {
  std::vector<std::string> hosts;    // host names, lowercased
  std::vector<std::string> origins;  // "scheme://host[:port]", lowercased
};
// The loopback names for a loopback bind on `port`, plus the extra hosts and origins given.
OriginPolicy MakeOriginPolicy(absl::string_view bind_host, int port, bool tls,
                              const std::vector<std::string>& extra_hosts,
                              const std::vector<std::string>& extra_origins);
bool HostAllowed(const OriginPolicy& policy, absl::string_view host_header);
// An absent Origin (a non-browser client) is allowed; "null" never is.
bool OriginAllowed(const OriginPolicy& policy, absl::string_view origin_header, bool present);

// True when `authorization` is "Bearer <token>" (scheme case-insensitive), compared in
// constant time.
bool BearerMatches(absl::string_view authorization, absl::string_view token);

// What an Accept header allows: JSON, SSE (media ranges with q > 0, wildcards included).
struct AcceptedTypes {
  bool json = false;
  bool sse = false;
};
AcceptedTypes ParseAccept(absl::string_view accept);
// "application/json", parameters such as charset allowed.
bool IsJsonMediaType(absl::string_view content_type);


}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_HTTP_HTTP_GATE_H_
