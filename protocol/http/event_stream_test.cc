#include "protocol/http/event_stream.h"

#include <thread>

#include "gtest/gtest.h"

namespace pgark::protocol {
namespace {

TEST(EventStreamTest, ResumesAfterAnEventAndEndsWithTheReply) {
  EventStream s("s7", 8);
  s.Push(Json{{"method", "notifications/progress"}}, false);
  s.Push(Json{{"method", "notifications/progress"}, {"n", 2}}, false);
  EventStream::Batch first = s.Next(0, absl::Milliseconds(1));
  ASSERT_EQ(first.events.size(), 2u);
  EXPECT_FALSE(first.ended);
  EXPECT_EQ(s.EventId(first.events[1].seq), "s7-2");
  std::thread writer([&s] { s.Push(Json{{"id", 1}, {"result", Json::object()}}, true); });
  EventStream::Batch rest = s.Next(2, absl::Seconds(5));
  writer.join();
  ASSERT_EQ(rest.events.size(), 1u);
  EXPECT_TRUE(rest.ended);
  EXPECT_EQ(s.WaitForReply().value()["id"], 1);
  s.Push(Json{{"late", true}}, false);  // nothing follows the reply
  EXPECT_EQ(s.Next(0, absl::Milliseconds(1)).events.size(), 3u);
  s.Trim();  // delivered: a client resuming from the reply learns that nothing follows
  EXPECT_TRUE(s.Next(3, absl::Milliseconds(1)).events.empty());
  EXPECT_TRUE(s.Next(3, absl::Milliseconds(1)).ended);
}

TEST(EventStreamTest, BoundedBufferKeepsTheReply) {
  EventStream s("s1", 3);
  for (int i = 0; i < 10; ++i) s.Push(Json{{"n", i}}, false);
  s.Push(Json{{"id", 1}, {"result", 1}}, true);
  EventStream::Batch b = s.Next(0, absl::Milliseconds(1));
  ASSERT_EQ(b.events.size(), 3u);
  EXPECT_EQ(b.events.back().seq, 11u);
  EXPECT_NE(b.events.back().data.find("result"), std::string::npos);
}

TEST(EventStreamTest, EventIds) {
  auto id = EventStream::ParseEventId("s12-40");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->first, "s12");
  EXPECT_EQ(id->second, 40u);
  EXPECT_FALSE(EventStream::ParseEventId("nodash").has_value());
  EXPECT_FALSE(EventStream::ParseEventId("-4").has_value());
  EXPECT_FALSE(EventStream::ParseEventId("s1-x").has_value());
}

TEST(EventStreamTest, CloseWakesReaders) {
  EventStream s("s1", 3);
  std::thread closer([&s] { s.Close(); });
  EXPECT_FALSE(s.WaitForReply().has_value());
  closer.join();
  EXPECT_TRUE(s.Next(0, absl::Seconds(5)).ended);
}

}  // namespace
}  // namespace pgark::protocol
