#include "engine/library_versions.h"

#include <libpq-fe.h>

#include "absl/strings/str_cat.h"
#include "engine/build_info.h"
#include "formats/library_versions.h"

namespace pgark::engine {

std::string GitRevision() { return kGitRevision; }

std::vector<std::pair<std::string, std::string>> LibraryVersions() {
  const int v = PQlibVersion();  // e.g. 150013, or 90624 before 10
  std::vector<std::pair<std::string, std::string>> out = {
      {"libpq", v >= 100000 ? absl::StrCat(v / 10000, ".", v % 10000)
                            : absl::StrCat(v / 10000, ".", v / 100 % 100, ".", v % 100)}};
  for (auto& lib : formats::LibraryVersions()) out.push_back(std::move(lib));
  return out;
}

}  // namespace pgark::engine
