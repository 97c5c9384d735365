// The manifest decoder: any text decodes to a manifest or a clean error, and what decodes
// encodes and decodes again to the same text.
#include "formats/manifest.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<pgark::formats::Manifest> m =
      pgark::formats::DecodeManifest(pgark::fuzz::AsText(data, size));
  if (!m.ok()) return 0;
  const std::string once = pgark::formats::EncodeManifest(*m);
  absl::StatusOr<pgark::formats::Manifest> again = pgark::formats::DecodeManifest(once);
  if (!again.ok() || pgark::formats::EncodeManifest(*again) != once) __builtin_trap();
  return 0;
}
