// JWT access tokens (RFC 9068) for `pgark mcp --http` as an OAuth 2.1 resource server: RS256
// signatures checked against the authorization server's keys (a JWKS file), `iss`, `aud` (this
// server's canonical URL, RFC 8707), `exp` and `nbf`. Other algorithms ("none" included) are
// refused. The token is never logged or passed on.
#ifndef PGARK_PROTOCOL_HTTP_JWT_H_
#define PGARK_PROTOCOL_HTTP_JWT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "protocol/mcp/json_rpc.h"

namespace pgark::protocol {

struct JwtPolicy {
  std::string issuer;    // the authorization server
  std::string audience;  // this resource's canonical URL
  Json jwks;             // {"keys": [{"kty":"RSA","kid":...,"n":...,"e":...}]}
  absl::Duration leeway = absl::Seconds(60);
};

// A JWKS file (at most 1 MiB; RSA keys only are used). kInvalidArgument naming what is wrong.
absl::StatusOr<Json> LoadJwks(const std::string& path);

// The token's claims when it is valid under `policy` at `now`; kUnauthenticated saying why
// otherwise (never echoing the token).
absl::StatusOr<Json> VerifyJwt(absl::string_view token, const JwtPolicy& policy, absl::Time now);

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_HTTP_JWT_H_
