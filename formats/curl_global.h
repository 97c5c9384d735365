// libcurl's process-wide initialisation, done once before the first handle (S3 requests and
// notifications share it; curl_global_init is not thread-safe by itself).
#ifndef PGARK_FORMATS_CURL_GLOBAL_H_
#define PGARK_FORMATS_CURL_GLOBAL_H_

#include <curl/curl.h>

#include <mutex>

namespace pgark::formats {

inline void EnsureCurlInitialized() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_CURL_GLOBAL_H_
