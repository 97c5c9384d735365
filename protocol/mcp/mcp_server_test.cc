#include "protocol/mcp/mcp_server.h"

#include <unistd.h>

#include <set>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pgark::protocol {
namespace {

using ::testing::HasSubstr;

class McpServerTest : public ::testing::Test {
 protected:
  McpServerTest() {
    registry_.Register({"echo", "Echo", "Returns its argument.",
                        {{"type", "object"},
                         {"properties", {{"n", {{"type", "integer"}, {"minimum", 0}}},
                                         {"mode", {{"type", "string"}, {"enum", {"a", "b"}}}}}},
                         {"required", {"n"}},
                         {"additionalProperties", false}},
                        {{"type", "object"}, {"properties", {{"n", {{"type", "integer"}}}}}},
                        {{"readOnlyHint", true}, {"openWorldHint", false}},
                        [](const Json& args, ToolContext& ctx) -> absl::StatusOr<Json> {
                          ctx.progress(1, 2, "half");
                          if (args["n"] == 13) return absl::NotFoundError("unlucky");
                          return Json{{"n", args["n"]}};
                        }});
    server_.set_inline_calls(true);
  }

  std::optional<Json> Send(const std::string& line) {
    std::optional<Json> m = ParseMessage(line);
    EXPECT_TRUE(m.has_value()) << line;
    return server_.HandleMessage(*m);
  }
  Json Initialize(const std::string& version = "2025-11-25") {
    auto r = Send(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":")" +
                  version + R"(","capabilities":{"extensions":{}},"clientInfo":{"name":"t","version":"1"}}})");
    return r.value_or(Json());
  }

  ToolRegistry registry_;
  std::vector<Json> sent_;
  McpServer server_{registry_, {"pgark", "pgark", "0.1.0", "instructions"},
                    [this](const Json& m, const Json&) { sent_.push_back(m); }};
};

TEST_F(McpServerTest, NegotiatesVersions) {
  Json r = Initialize("2025-06-18");
  EXPECT_EQ(r["result"]["protocolVersion"], "2025-06-18");
  EXPECT_EQ(r["id"], 0);
  EXPECT_EQ(r["result"]["serverInfo"]["name"], "pgark");
  EXPECT_TRUE(r["result"]["capabilities"]["tools"].is_object());
  EXPECT_EQ(Send(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})")
                .value()["error"]["code"],
            kInvalidRequest);  // only once
}

TEST_F(McpServerTest, UnknownVersionGetsTheNewest) {
  EXPECT_EQ(Initialize("2026-07-28")["result"]["protocolVersion"], "2025-11-25");
}

TEST_F(McpServerTest, MissingVersionIsInvalidParams) {
  Json r = Send(R"({"jsonrpc":"2.0","id":"a","method":"initialize","params":{}})").value();
  EXPECT_EQ(r["error"]["code"], kInvalidParams);
  EXPECT_EQ(r["error"]["data"]["supported"][0], "2025-11-25");
}

TEST_F(McpServerTest, BeforeInitialize) {
  EXPECT_EQ(Send(R"({"jsonrpc":"2.0","id":5,"method":"ping"})").value()["result"], Json::object());
  EXPECT_EQ(Send(R"({"jsonrpc":"2.0","id":"d","method":"server/discover"})").value()["error"]["code"],
            kMethodNotFound);
  EXPECT_EQ(Send(R"({"jsonrpc":"2.0","id":6,"method":"tools/list"})").value()["error"]["code"],
            kInvalidRequest);
}

TEST_F(McpServerTest, EnvelopeErrors) {
  Initialize();
  Json r = Send(R"({"jsonrpc":"1.0","id":7,"method":"ping"})").value();
  EXPECT_EQ(r["error"]["code"], kInvalidRequest);
  EXPECT_EQ(r["id"], 7);
  r = Send(R"({"jsonrpc":"2.0","id":{"x":1},"method":"ping"})").value();
  EXPECT_EQ(r["error"]["code"], kInvalidRequest);
  EXPECT_FALSE(r.contains("id"));
  EXPECT_FALSE(Send(R"({"jsonrpc":"2.0","method":"notifications/whatever"})").has_value());
  // Malformed notifications are not answered either (issue 18, defect 16).
  EXPECT_FALSE(Send(R"({"jsonrpc":"1.0","method":"notifications/whatever"})").has_value());
  EXPECT_FALSE(Send(R"({"jsonrpc":"2.0","method":"notifications/x","params":[1]})").has_value());
  EXPECT_FALSE(Send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":99}})")
                   .has_value());
  EXPECT_EQ(Send(R"({"jsonrpc":"2.0","id":"s","method":"resources/list"})").value()["error"]["code"],
            kMethodNotFound);
  // A batch outside 2025-03-26 is one invalid request without id.
  r = Send(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])").value();
  EXPECT_EQ(r["error"]["code"], kInvalidRequest);
  EXPECT_FALSE(r.contains("id"));
}

// A message nested deeper than kMaxMessageDepth is not parsed (a parse error, answered), not a
// crash; brackets inside strings do not count.
TEST_F(McpServerTest, DeeplyNestedMessagesAreRefused) {
  Initialize();
  std::string deep = R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":)";
  deep += std::string(60000, '[') + std::string(60000, ']') + "}}";
  EXPECT_FALSE(ParseMessage(deep).has_value());  // Serve answers it -32700 (no id)
  std::string fine = R"({"jsonrpc":"2.0","id":2,"method":"ping","params":{"x":)";
  fine += std::string(50, '[') + "\"[[[[{{\"" + std::string(50, ']') + "}}";
  EXPECT_EQ(Send(fine).value()["id"], 2);
}

// Patterns and the items of arrays are checked as the schema says (issue 18, defect 17).
TEST(ValidateArgumentsTest, PatternsAndArrayItems) {
  const Json schema = {
      {"type", "object"},
      {"properties",
       {{"label", {{"type", "string"}, {"maxLength", 8}, {"pattern", "^[a-z]*$"}}},
        {"columns", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}};
  EXPECT_TRUE(ValidateArguments(schema, {{"label", "nightly"}, {"columns", {"a", "b"}}}).ok());
  EXPECT_FALSE(ValidateArguments(schema, {{"label", "../x"}}).ok());
  EXPECT_FALSE(ValidateArguments(schema, {{"label", "waytoolongforit"}}).ok());
  absl::StatusOr<Json> items = ValidateArguments(schema, {{"columns", {"a", 5}}});
  ASSERT_FALSE(items.ok());
  EXPECT_THAT(items.status().message(), HasSubstr("columns[1]"));
}

// When the input ends right after a tools/call, the call is answered before Serve returns
// (issue 18, defect 16); its last line needs no newline.
TEST_F(McpServerTest, ACallIsAnsweredWhenTheInputEnds) {
  server_.set_inline_calls(false);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string input =
      R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
      R"("capabilities":{},"clientInfo":{"name":"t","version":"1"}}})"
      "\n"
      R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"echo","arguments":{"n":5}}})";
  ASSERT_EQ(::write(fds[1], input.data(), input.size()), static_cast<ssize_t>(input.size()));
  ::close(fds[1]);
  server_.Serve(fds[0], nullptr);
  ::close(fds[0]);
  bool answered = false;
  for (const Json& m : sent_) {
    answered = answered || (m.contains("id") && m["id"] == 9 && m.contains("result"));
  }
  EXPECT_TRUE(answered);
}

TEST_F(McpServerTest, BatchUnder20250326) {
  Initialize("2025-03-26");
  Json r = Send(R"([{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"n"},{"jsonrpc":"2.0","id":"2","method":"ping"}])").value();
  ASSERT_TRUE(r.is_array());
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1]["id"], "2");
}

// In a batch, tool calls run on workers as single ones do (issue 18, defect 15): the batch's
// other members are answered at once, and the array comes when the last call ends.
TEST_F(McpServerTest, BatchCallsRunOnWorkers) {
  Initialize("2025-03-26");
  server_.set_inline_calls(false);
  std::optional<Json> r = Send(R"([{"jsonrpc":"2.0","id":1,"method":"ping"},)"
                               R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":)"
                               R"({"name":"echo","arguments":{"n":3}}}])");
  server_.WaitForCalls();
  Json replies = r.has_value() ? *r : Json();
  for (const Json& m : sent_) {
    if (m.is_array()) replies = m;
  }
  ASSERT_TRUE(replies.is_array()) << replies.dump();
  ASSERT_EQ(replies.size(), 2u);
  std::set<int> ids;
  for (const Json& m : replies) ids.insert(m["id"].get<int>());
  EXPECT_EQ(ids, (std::set<int>{1, 2}));
}

TEST_F(McpServerTest, ToolsListIsGatedByVersion) {
  Initialize("2024-11-05");
  Json tool = Send(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})").value()["result"]["tools"][0];
  EXPECT_EQ(tool.size(), 3u) << tool.dump();  // name, description, inputSchema only
  EXPECT_EQ(Send(R"({"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"cursor":"zzz"}})")
                .value()["error"]["code"],
            kInvalidParams);
}

TEST_F(McpServerTest, CallResultsAndErrors) {
  Initialize();
  Json ok = Send(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"n":42},"_meta":{"progressToken":7}}})").value();
  EXPECT_EQ(ok["result"]["structuredContent"]["n"], 42);
  EXPECT_EQ(ok["result"]["content"][0]["text"], R"({"n":42})");
  EXPECT_FALSE(ok["result"].contains("isError"));
  ASSERT_EQ(sent_.size(), 1u);  // the progress notification, echoing the token
  EXPECT_EQ(sent_[0]["params"]["progressToken"], 7);

  Json failed = Send(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"n":13}}})").value();
  EXPECT_EQ(failed["result"]["isError"], true);
  EXPECT_FALSE(failed["result"].contains("structuredContent"));
  EXPECT_EQ(failed["result"]["content"][0]["text"], "unlucky");

  // Out of the schema: a negative count, an unknown enum value or argument, a missing one, and
  // a string for an integer ("42" too: the schema says integer, issue 18, defect 17).
  for (const char* bad : {R"({"n":-1})", R"({"n":1,"mode":"c"})", R"({"x":1})", R"({})",
                          R"({"n":"1; DROP TABLE t"})", R"({"n":"42"})"}) {
    Json r = Send(std::string(R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":)") +
                  bad + "}}").value();
    EXPECT_EQ(r["result"]["isError"], true) << bad;
    EXPECT_THAT(r["result"]["content"][0]["text"].get<std::string>(), HasSubstr("echo: ")) << bad;
  }
  EXPECT_EQ(Send(R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"nope"}})")
                .value()["error"]["code"],
            kInvalidParams);
  EXPECT_EQ(Send(R"({"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo","arguments":[1]}})")
                .value()["error"]["code"],
            kInvalidParams);
}

TEST_F(McpServerTest, LoggingLevels) {
  Initialize();
  EXPECT_EQ(Send(R"({"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"debug"}})")
                .value()["result"],
            Json::object());
  EXPECT_EQ(Send(R"({"jsonrpc":"2.0","id":2,"method":"logging/setLevel","params":{"level":"verbose"}})")
                .value()["error"]["code"],
            kInvalidParams);
}

TEST(SerializeTest, OneLineAndValidUtf8) {
  std::string s = Serialize(Json{{"t", std::string("a\nb\xff")}});
  EXPECT_EQ(s.find('\n'), std::string::npos);
  EXPECT_THAT(s, HasSubstr("\\n"));
  EXPECT_EQ(s.find('\xff'), std::string::npos);
}

}  // namespace
}  // namespace pgark::protocol
