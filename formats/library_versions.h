// The versions of the libraries the formats layer is built against and runs with, for
// `pgark --version`: the runtime version where the library reports one, else the headers'.
#ifndef PGARK_FORMATS_LIBRARY_VERSIONS_H_
#define PGARK_FORMATS_LIBRARY_VERSIONS_H_

#include <string>
#include <utility>
#include <vector>

namespace pgark::formats {

// ("zlib", "1.2.13"), ("libdeflate", ...), ("ISA-L", ...), ("OpenSSL", ...), ("libcurl", ...),
// ("expat", ...), in that order.
std::vector<std::pair<std::string, std::string>> LibraryVersions();

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_LIBRARY_VERSIONS_H_
