#include "formats/row_digest.h"

#include <string>

#include "formats/memory_io.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::formats {
namespace {

using ::pgark::testing::IsOk;

RowDigest DigestOf(absl::string_view text, size_t chunk) {
  StringSink out;
  RowDigestTap tap(&out);
  for (size_t i = 0; i < text.size(); i += chunk) {
    EXPECT_THAT(tap.Append(text.substr(i, chunk)), IsOk());
  }
  EXPECT_THAT(tap.Close(), IsOk());
  EXPECT_EQ(out.data(), text);  // forwarded unchanged
  return tap.digest();
}

TEST(RowDigestTest, IndependentOfOrderAndChunkingAdditiveOverParts) {
  const std::string rows = "1\talpha\n2\tbeta\n3\t\\N\n";
  const RowDigest whole = DigestOf(rows, 1 << 20);
  EXPECT_EQ(whole.rows, 3);
  for (size_t chunk : {1, 2, 5, 7}) EXPECT_EQ(DigestOf(rows, chunk), whole) << chunk;
  EXPECT_EQ(DigestOf("3\t\\N\n1\talpha\n2\tbeta\n", 3), whole);
  RowDigest parts = DigestOf("1\talpha\n", 4);
  parts.Add(DigestOf("2\tbeta\n3\t\\N\n", 4));
  EXPECT_EQ(parts, whole);
  EXPECT_NE(DigestOf("1\talpha\n2\tbetb\n3\t\\N\n", 4), whole);  // one byte
  EXPECT_NE(DigestOf("1\talpha\n2\tbeta\n", 4), whole);           // one row lost
  EXPECT_EQ(DigestOf("1\talpha\n2\tbeta\n3\t\\N", 4), whole);     // a last line without '\n'
  EXPECT_EQ(DecodeRowDigestSum(whole.Encode()), whole.sum);
  EXPECT_EQ(DecodeRowDigestSum("crc64sum:xyz"), std::nullopt);
}

}  // namespace
}  // namespace pgark::formats
