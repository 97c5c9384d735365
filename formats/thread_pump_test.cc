#include "formats/thread_pump.h"

#include "formats/memory_io.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::formats {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::StatusIs;

TEST(ThreadPumpTest, EverythingArrivesInOrder) {
  std::string expected;
  StringSink out;
  ASSERT_THAT(PumpThroughThread(
                  [&](Sink& sink) -> absl::Status {
                    for (int i = 0; i < 10000; ++i) {
                      std::string piece = std::to_string(i) + ",";
                      expected += piece;
                      if (absl::Status s = sink.Append(piece); !s.ok()) return s;
                    }
                    return absl::OkStatus();
                  },
                  out, 3),
              IsOk());
  EXPECT_EQ(out.data(), expected);
}

TEST(ThreadPumpTest, ProducerErrorsComeBack) {
  StringSink out;
  EXPECT_THAT(PumpThroughThread(
                  [](Sink& sink) -> absl::Status {
                    (void)sink.Append("partial");
                    return absl::DataLossError("member damaged");
                  },
                  out),
              StatusIs(absl::StatusCode::kDataLoss));
}

TEST(ThreadPumpTest, ConsumerErrorsStopTheProducer) {
  StringSink out(/*fail_after_bytes=*/100);
  int appended = 0;
  absl::Status producer_saw;
  EXPECT_THAT(PumpThroughThread(
                  [&](Sink& sink) -> absl::Status {
                    for (int i = 0; i < 1000000; ++i) {
                      producer_saw = sink.Append("0123456789");
                      if (!producer_saw.ok()) return producer_saw;
                      ++appended;
                    }
                    return absl::OkStatus();
                  },
                  out, 2),
              StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_LT(appended, 1000000);
  EXPECT_TRUE(absl::IsCancelled(producer_saw));
}

}  // namespace
}  // namespace pgark::formats
