#include "formats/notify_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "formats/curl_global.h"

namespace pgark::formats {
namespace {

struct Reader {
  absl::string_view rest;
};

size_t ReadMessage(char* buffer, size_t size, size_t n, void* data) {
  auto* r = static_cast<Reader*>(data);
  const size_t bytes = std::min(size * n, r->rest.size());
  std::memcpy(buffer, r->rest.data(), bytes);
  r->rest.remove_prefix(bytes);
  return bytes;
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

// The URL without credentials or path, for messages.
std::string Server(const std::string& url) {
  std::string s = url.substr(0, url.find('/', url.find("//") + 2));
  const size_t at = s.find('@');
  if (at != std::string::npos) s = s.substr(0, s.find("//") + 2) + s.substr(at + 1);
  return s;
}

CURL* NewHandle(const std::string& url) {
  EnsureCurlInitialized();
  CURL* h = curl_easy_init();
  if (h == nullptr) return nullptr;
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
  return h;
}

absl::Status Finish(CURL* h, curl_slist* list, const std::string& url, absl::string_view what) {
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  const CURLcode code = curl_easy_perform(h);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(list);
  curl_easy_cleanup(h);
  if (code != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat(what, " through ", Server(url), " failed: ",
                                               error[0] ? error : curl_easy_strerror(code)));
  }
  if (absl::StartsWith(url, "http") && status / 100 != 2) {
    return absl::UnavailableError(
        absl::StrCat(what, " to ", Server(url), " was answered HTTP ", status));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status SendMail(const SmtpSettings& smtp, const std::vector<std::string>& to,
                      absl::string_view message) {
  if (!absl::StartsWith(smtp.url, "smtp://") && !absl::StartsWith(smtp.url, "smtps://")) {
    return absl::InvalidArgumentError("BACKUP_SMTP_URL must be smtp://HOST[:PORT] or smtps://...");
  }
  CURL* h = NewHandle(smtp.url);
  if (h == nullptr) return absl::ResourceExhaustedError("cannot create a libcurl handle");
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  if (!smtp.user.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, smtp.user.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, smtp.password.c_str());
  }
  const std::string from = absl::StrCat("<", smtp.from, ">");
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
  curl_slist* rcpt = nullptr;
  for (const std::string& r : to) rcpt = curl_slist_append(rcpt, absl::StrCat("<", r, ">").c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
  Reader reader{message};
  curl_easy_setopt(h, CURLOPT_READFUNCTION, &ReadMessage);
  curl_easy_setopt(h, CURLOPT_READDATA, &reader);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  return Finish(h, rcpt, smtp.url, "sending mail");
}

absl::Status PostJson(const std::string& url, absl::string_view json) {
  if (!absl::StartsWith(url, "http://") && !absl::StartsWith(url, "https://")) {
    return absl::InvalidArgumentError("BACKUP_NOTIFICATION_WEBHOOK must be an http(s):// URL");
  }
  CURL* h = NewHandle(url);
  if (h == nullptr) return absl::ResourceExhaustedError("cannot create a libcurl handle");
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, json.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json.size()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Discard);
  return Finish(h, headers, url, "posting the notification");
}

}  // namespace pgark::formats
