#include "formats/filter_chain.h"

#include "formats/byte_counter.h"
#include "formats/memory_io.h"
#include "formats/sha256.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::formats {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::StatusIs;

TEST(FilterChainTest, FailureIsStickyAndFirstErrorWins) {
  FilterChain chain;
  ByteCounter* counter = chain.Add<ByteCounter>();
  ASSERT_THAT(chain.Open(std::make_unique<StringSink>(
                  10, absl::ResourceExhaustedError("disk full"))),
              IsOk());
  EXPECT_THAT(chain.Append("12345"), IsOk());
  EXPECT_THAT(chain.Append("1234567890"), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(chain.Append("1"), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(chain.Close(), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(counter->bytes(), 15u);  // counted before the failing sink refused them
}

TEST(FilterChainTest, CloseIsIdempotentAndAppendAfterCloseFails) {
  FilterChain chain;
  chain.Add<ByteCounter>();
  auto sink = std::make_unique<StringSink>();
  StringSink* out = sink.get();
  ASSERT_THAT(chain.Open(std::move(sink)), IsOk());
  ASSERT_THAT(chain.Append("abc"), IsOk());
  EXPECT_THAT(chain.Close(), IsOk());
  EXPECT_THAT(chain.Close(), IsOk());
  EXPECT_TRUE(out->closed());
  EXPECT_THAT(chain.Append("x"), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(FilterChainTest, UnownedTerminalIsLeftOpen) {
  StringSink shared;
  for (int i = 0; i < 2; ++i) {
    FilterChain chain;
    chain.Add<Sha256Tap>();
    ASSERT_THAT(chain.Open(&shared, /*close_terminal=*/false), IsOk());
    ASSERT_THAT(chain.Append("member"), IsOk());
    ASSERT_THAT(chain.Close(), IsOk());
  }
  EXPECT_FALSE(shared.closed());
  EXPECT_EQ(shared.data(), "membermember");
}

TEST(FilterChainTest, UseBeforeOpenIsAnError) {
  FilterChain chain;
  EXPECT_THAT(chain.Append("x"), StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace pgark::formats
