// The archive reader and verifier: input is a manifest, a NUL byte and an archive. Whatever
// both say, `validate`'s checks (sizes, digests, gzip members, COPY framing, schema statements)
// and the member reader of `restore` end in findings or a clean error, never a crash.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "formats/archive_verify.h"
#include "formats/archive_writer.h"
#include "formats/manifest.h"
#include "formats/memory_io.h"
#include "formats/statement_policy.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

// One scratch file per process, rewritten for each input.
const std::string& ArchivePath() {
  static const std::string* path = [] {
    const char* dir = std::getenv("TMPDIR");
    std::string pattern = std::string(dir != nullptr ? dir : "/tmp") + "/pgark-fuzz-XXXXXX";
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) std::abort();
    ::close(fd);
    return new std::string(pattern);
  }();
  return *path;
}

bool WriteArchive(absl::string_view bytes) {
  const int fd = ::open(ArchivePath().c_str(), O_WRONLY | O_TRUNC);
  if (fd < 0) return false;
  const bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  ::close(fd);
  return ok;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pgark::formats;
  const absl::string_view input = pgark::fuzz::AsText(data, size);
  const size_t split = input.find('\0');
  if (split == absl::string_view::npos) return 0;
  absl::StatusOr<Manifest> manifest = DecodeManifest(input.substr(0, split));
  if (!manifest.ok() || !WriteArchive(input.substr(split + 1))) return 0;
  VerifyOptions options;
  const int version = manifest->server_version_num;
  options.inspect = [version](const MemberEntry& e) -> std::unique_ptr<ForwardingSink> {
    if (HoldsSchemaStatements(e.kind)) return std::make_unique<StatementCheckSink>(e, version);
    if (e.kind != MemberKind::kTableData) return nullptr;
    return std::make_unique<CopyFramingSink>("COPY public.t FROM stdin;\n", "\\.\n");
  };
  (void)CheckArchive(LocalFile(ArchivePath()), *manifest, options);
  for (const MemberEntry& e : manifest->members) {
    StringSink text(1 << 20);
    (void)ReadMember(LocalFile(ArchivePath()), e, {.codec = manifest->compression}, text);
  }
  return 0;
}
