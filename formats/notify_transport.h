// Delivering a notification: one mail through an SMTP server and one JSON POST to a webhook,
// both through libcurl (STARTTLS where the server offers it, smtps:// for TLS from the start).
// Errors name the server, never a password.
#ifndef PGARK_FORMATS_NOTIFY_TRANSPORT_H_
#define PGARK_FORMATS_NOTIFY_TRANSPORT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pgark::formats {

struct SmtpSettings {
  std::string url;  // smtp://host:port or smtps://host:port (credentials may be in it)
  std::string user;
  std::string password;
  std::string from;
};

// Sends `message` (RFC 5322: headers, blank line, body; "\r\n" line ends) to `to`.
// kInvalidArgument for a URL that is not smtp:// or smtps://; kUnavailable when the server
// cannot be reached or refuses the mail.
absl::Status SendMail(const SmtpSettings& smtp, const std::vector<std::string>& to,
                      absl::string_view message);

// POSTs `json` to `url` (http:// or https://) and expects a 2xx answer.
absl::Status PostJson(const std::string& url, absl::string_view json);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_NOTIFY_TRANSPORT_H_
