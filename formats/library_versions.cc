#include "formats/library_versions.h"

#include <curl/curl.h>
#include <expat.h>
#include <isa-l.h>
#include <libdeflate.h>
#include <openssl/crypto.h>
#include <zlib.h>
#include <zstd.h>

#include "absl/strings/str_cat.h"

namespace pgark::formats {

std::vector<std::pair<std::string, std::string>> LibraryVersions() {
  const curl_version_info_data* curl = curl_version_info(CURLVERSION_NOW);
  const XML_Expat_Version expat = XML_ExpatVersionInfo();
  return {
      {"zlib", zlibVersion()},
      {"libdeflate", LIBDEFLATE_VERSION_STRING},
      {"zstd", ZSTD_versionString()},
      {"ISA-L", absl::StrCat(ISAL_MAJOR_VERSION, ".", ISAL_MINOR_VERSION, ".", ISAL_PATCH_VERSION)},
      {"OpenSSL", OpenSSL_version(OPENSSL_VERSION_STRING)},
      {"libcurl", curl != nullptr ? curl->version : "unknown"},
      {"expat", absl::StrCat(expat.major, ".", expat.minor, ".", expat.micro)},
  };
}

}  // namespace pgark::formats
