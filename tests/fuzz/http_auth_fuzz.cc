// What `pgark mcp --http` reads from a request before any session: Host and Origin names, the
// Accept list, Last-Event-ID, the bearer header and a JWT access token. Any bytes are refused
// or accepted without crashing, and no forged token passes.
#include <cstdlib>

#include "absl/time/clock.h"
#include "protocol/http/event_stream.h"
#include "protocol/http/http_gate.h"
#include "protocol/http/jwt.h"
#include "tests/fuzz/fuzz_util.h"

// An RSA-2048 public modulus (base64url) whose private key was thrown away.
constexpr char kModulus[] =
    "m57NCTqWb0ZoJAiO5FDzT-EpvxjuxRvl15RrLdnisN9cuB9eyAqZbIGh5ufkPxbIqjHyyeQ7AKkZCuOw"
    "yEqJbzygbfCxbRmg8pO8BBjQta9oEgnwkVKnKhPlpPIR6rA4VyuI6EfwU_YWcuH_N6U15qrKkp_pEQ1X"
    "j7tq_9BzoQx5VgtP_at2br7IQwwZx4Hii84Id3WEOomrSwhTlmMpNSDNBLhHXE6SoZa3Tt6_dQPR2W5M"
    "bEfI4AJNZkl9yVJRoaseLybSmuSmFFOYtPKozMtQQ4EqGCg95OR4EroYfZhdTSUHKoc18TfEZWlPMi0i"
    "QBX1xsBOPSVCmzZolYHHAw";

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pgark::protocol;  // NOLINT: a fuzz target
  const absl::string_view text = pgark::fuzz::AsText(data, size);
  static const OriginPolicy* policy =
      new OriginPolicy(MakeOriginPolicy("127.0.0.1", 8765, false, {"pgark.example"}, {}));
  (void)HostAllowed(*policy, text);
  (void)OriginAllowed(*policy, text, true);
  (void)ParseAccept(text);
  (void)IsJsonMediaType(text);
  (void)EventStream::ParseEventId(text);
  (void)BearerMatches(text, "0123456789abcdef0123");
  // A key set whose key nobody holds: no input may verify.
  static const JwtPolicy* jwt = new JwtPolicy{
      "https://as", "http://127.0.0.1:8765/mcp",
      Json{{"keys", {{{"kty", "RSA"}, {"kid", "k"}, {"e", "AQAB"}, {"n", kModulus}}}}}};
  if (VerifyJwt(text, *jwt, absl::Now()).ok()) std::abort();
  return 0;
}
