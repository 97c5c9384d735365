#include "protocol/http/jwt.h"

#include "absl/strings/escaping.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace pgark::protocol {
namespace {

std::string Part(const std::string& json) { return absl::WebSafeBase64Escape(json); }

TEST(JwtTest, HostileTokensAreRefusedNotThrown) {
  const JwtPolicy policy{"https://as", "http://127.0.0.1:1/mcp", Json{{"keys", Json::array()}}};
  const std::vector<std::string> tokens = {
      "", "...", "a.b", "a.b.c.d", std::string(20000, 'a'),
      Part(R"({"alg":5,"kid":{}})") + "." + Part(R"({"iss":[],"aud":{},"exp":"x"})") + ".c2ln",
      Part(R"({"alg":"none"})") + "." + Part(R"({"iss":"https://as","exp":1e308})") + ".",
      Part(R"({"alg":"RS256","kid":"k"})") + "." + Part("[1,2]") + ".c2ln",
      Part("not json") + "." + Part("{}") + ".c2ln"};
  for (const std::string& t : tokens) {
    absl::StatusOr<Json> claims = VerifyJwt(t, policy, absl::Now());
    EXPECT_TRUE(absl::IsUnauthenticated(claims.status())) << t.substr(0, 80);
    EXPECT_EQ(std::string(claims.status().message()).find(t.size() > 3 ? t : "\x01"),
              std::string::npos);  // never echoes the token
  }
}

}  // namespace
}  // namespace pgark::protocol
