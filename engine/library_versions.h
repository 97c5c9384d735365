// What `pgark --version` prints beside the version: the git revision it was built from and
// the versions of the libraries it runs with (libpq's and the formats layer's).
#ifndef PGARK_ENGINE_LIBRARY_VERSIONS_H_
#define PGARK_ENGINE_LIBRARY_VERSIONS_H_

#include <string>
#include <utility>
#include <vector>

namespace pgark::engine {

// "git 1a2b3c4" (with "-dirty" for a modified tree), or "unknown" outside a git checkout.
std::string GitRevision();

// ("libpq", "15.13") and then formats::LibraryVersions().
std::vector<std::pair<std::string, std::string>> LibraryVersions();

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_LIBRARY_VERSIONS_H_
