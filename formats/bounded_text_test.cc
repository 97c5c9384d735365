#include "formats/bounded_text.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pgark::formats {
namespace {

TEST(BoundedTextTest, CutsLongTextOnACharacterBoundary) {
  EXPECT_EQ(BoundedText("short", 10), "short");
  EXPECT_EQ(BoundedText(std::string(5'000'000, 'x'), 4), "xxxx... (4999996 more bytes)");
  // "é" is two bytes: a cut inside it backs off before it.
  EXPECT_EQ(BoundedText("ab\xC3\xA9z", 3), "ab... (3 more bytes)");
}

TEST(BoundedTextTest, ListsAreCappedWithACount) {
  std::vector<std::string> many(kMaxListedItems + 7, std::string(kMaxMessageBytes + 50, 'w'));
  std::vector<std::string> out = BoundedList(many);
  ASSERT_EQ(out.size(), kMaxListedItems + 1);
  EXPECT_THAT(out.front(), ::testing::EndsWith("(50 more bytes)"));
  EXPECT_EQ(out.back(), "... and 7 more");
  EXPECT_EQ(BoundedList({"a", "b"}), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace pgark::formats
