#include "protocol/http/http_gate.h"

#include "gtest/gtest.h"
#include "protocol/mcp/random_id.h"

namespace pgark::protocol {
namespace {

TEST(HttpGateTest, HostNames) {
  EXPECT_EQ(HostName("LocalHost:8765"), "localhost");
  EXPECT_EQ(HostName("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(HostName("[::1]:80"), "[::1]");
  EXPECT_EQ(HostName("[::1"), "");
  EXPECT_EQ(HostName("[::1]x"), "");
  EXPECT_EQ(HostName(""), "");
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("[::1]"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("127example.com"));
}

TEST(HttpGateTest, LoopbackPolicyRefusesRebinding) {
  OriginPolicy p = MakeOriginPolicy("127.0.0.1", 8765, false, {}, {});
  EXPECT_TRUE(HostAllowed(p, "127.0.0.1:8765"));
  EXPECT_TRUE(HostAllowed(p, "localhost:8765"));
  EXPECT_FALSE(HostAllowed(p, "evil.example.com"));
  EXPECT_FALSE(HostAllowed(p, "evil.example.com:8765"));
  EXPECT_FALSE(HostAllowed(p, ""));
  EXPECT_TRUE(OriginAllowed(p, "", false));
  EXPECT_TRUE(OriginAllowed(p, "http://localhost:8765", true));
  EXPECT_FALSE(OriginAllowed(p, "http://evil.example.com", true));
  EXPECT_FALSE(OriginAllowed(p, "null", true));
  EXPECT_FALSE(OriginAllowed(p, "http://localhost:9999", true));
}

TEST(HttpGateTest, AnyHostOnlyForATokenOnAllAddresses) {
  OriginPolicy open = MakeOriginPolicy("0.0.0.0", 8765, false, {}, {});
  EXPECT_TRUE(HostAllowed(open, "pgark.internal:8765"));
  EXPECT_FALSE(OriginAllowed(open, "http://pgark.internal:8765", true));
  OriginPolicy named = MakeOriginPolicy("0.0.0.0", 8765, true, {"pgark.internal"}, {});
  EXPECT_TRUE(HostAllowed(named, "PGARK.internal:8765"));
  EXPECT_FALSE(HostAllowed(named, "other:8765"));
  EXPECT_TRUE(OriginAllowed(named, "https://pgark.internal:8765", true));
}

TEST(HttpGateTest, BearerTokens) {
  EXPECT_TRUE(BearerMatches("Bearer s3cret", "s3cret"));
  EXPECT_TRUE(BearerMatches("bearer   s3cret ", "s3cret"));
  EXPECT_FALSE(BearerMatches("Bearer s3cre", "s3cret"));
  EXPECT_FALSE(BearerMatches("Basic s3cret", "s3cret"));
  EXPECT_FALSE(BearerMatches("s3cret", "s3cret"));
  EXPECT_FALSE(BearerMatches("Bearer ", ""));
}

TEST(HttpGateTest, AcceptAndContentType) {
  AcceptedTypes both = ParseAccept("application/json, text/event-stream");
  EXPECT_TRUE(both.json && both.sse);
  AcceptedTypes sse = ParseAccept("text/event-stream");
  EXPECT_TRUE(sse.sse && !sse.json);
  AcceptedTypes any = ParseAccept("*/*");
  EXPECT_TRUE(any.json && any.sse);
  AcceptedTypes refused = ParseAccept("application/json;q=0, text/html");
  EXPECT_FALSE(refused.json || refused.sse);
  EXPECT_TRUE(IsJsonMediaType("application/json; charset=utf-8"));
  EXPECT_TRUE(IsJsonMediaType("Application/JSON"));
  EXPECT_FALSE(IsJsonMediaType("text/plain"));
  EXPECT_FALSE(IsJsonMediaType("application/jsonx"));
}

TEST(HttpGateTest, SessionIdsAreRandomVisibleAscii) {
  std::string a = RandomId();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, RandomId());
  for (char c : a) EXPECT_TRUE(c >= 0x21 && c <= 0x7e);
}

}  // namespace
}  // namespace pgark::protocol
