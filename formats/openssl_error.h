// The error of the last failed OpenSSL call as a Status (kInternal), clearing OpenSSL's queue.
#ifndef PGARK_FORMATS_OPENSSL_ERROR_H_
#define PGARK_FORMATS_OPENSSL_ERROR_H_

#include <openssl/err.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace pgark::formats {

inline absl::Status OpenSslError(absl::string_view operation) {
  char buf[256] = "unknown error";
  unsigned long code = ERR_get_error();
  if (code != 0) ERR_error_string_n(code, buf, sizeof(buf));
  ERR_clear_error();
  return absl::InternalError(absl::StrCat("OpenSSL ", operation, " failed: ", buf));
}

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_OPENSSL_ERROR_H_
