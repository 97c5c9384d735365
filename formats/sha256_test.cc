#include "formats/sha256.h"

#include <cstdio>
#include <string>

#include "formats/filter_chain.h"
#include "formats/memory_io.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::formats {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::IsOkAndHolds;

TEST(Sha256Test, KnownAnswers) {
  EXPECT_THAT(Sha256Hex(""),
              IsOkAndHolds(std::string(
                  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")));
  EXPECT_THAT(Sha256Hex("abc"),
              IsOkAndHolds(std::string(
                  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")));
}

TEST(Sha256Test, TapPassesBytesThroughAndMatchesOneShot) {
  std::string data;
  for (int i = 0; i < 300000; ++i) data.push_back(static_cast<char>(i * 7));
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{4096}, size_t{1} << 20}) {
    FilterChain chain;
    Sha256Tap* tap = chain.Add<Sha256Tap>();
    auto sink = std::make_unique<StringSink>();
    StringSink* out = sink.get();
    ASSERT_THAT(chain.Open(std::move(sink)), IsOk());
    StringSource source(data, chunk);
    ASSERT_THAT(Pump(source, chain), IsOk());
    ASSERT_THAT(chain.Close(), IsOk());
    EXPECT_EQ(out->data(), data);
    EXPECT_THAT(Sha256Hex(data), IsOkAndHolds(tap->HexDigest())) << "chunk " << chunk;
  }
}

TEST(Sha256Test, MatchesSystemSha256sum) {
  std::string data = "pgark\tinterop\n\\N\n";
  std::string path = ::testing::TempDir() + "/sha_interop.txt";
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fwrite(data.data(), 1, data.size(), f);
  std::fclose(f);
  FILE* p = popen(("sha256sum " + path).c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[65] = {};
  ASSERT_EQ(std::fread(buf, 1, 64, p), 64u);
  pclose(p);
  EXPECT_THAT(Sha256Hex(data), IsOkAndHolds(std::string(buf)));
}

}  // namespace
}  // namespace pgark::formats
