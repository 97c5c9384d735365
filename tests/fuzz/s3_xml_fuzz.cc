// S3's answers are input: a listing page or an error document from a hostile or broken
// service parses or is refused, never crashes, and yields bounded keys; the S3 location parser
// refuses what cannot be addressed safely.
#include <cstdlib>

#include "formats/s3_client.h"
#include "formats/s3_xml.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text = pgark::fuzz::AsText(data, size);
  absl::StatusOr<pgark::formats::S3ListPage> page = pgark::formats::ParseListPage(text);
  if (page.ok()) {
    for (const auto& o : page->objects) {
      if (o.key.size() > 4096) __builtin_trap();
    }
    if (page->truncated && page->continuation_token.empty()) __builtin_trap();
  }
  (void)pgark::formats::XmlElementText(text, "Code");
  ::setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
  absl::StatusOr<pgark::formats::S3Config> config =
      pgark::formats::S3ConfigFromEnvironment(std::string("s3://") + std::string(text));
  if (config.ok()) {
    // No "." or ".." segment (a service that normalises paths would move it), no empty one.
    const std::string segments = "/" + config->prefix;
    if (segments.find("/../") != std::string::npos || segments.find("/./") != std::string::npos ||
        segments.find("//") != std::string::npos || config->bucket.find('/') != std::string::npos) {
      __builtin_trap();
    }
  }
  return 0;
}
