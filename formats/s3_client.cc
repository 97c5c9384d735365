#include "formats/s3_client.h"

#include <curl/curl.h>

#include <cstdlib>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "formats/bounded_text.h"
#include "formats/curl_global.h"
#include "formats/s3_xml.h"
#include "formats/sha256.h"
#include "formats/status_macros.h"

namespace pgark::formats {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

bool AllOf(absl::string_view s, absl::string_view allowed_extra) {
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        allowed_extra.find(c) == absl::string_view::npos) {
      return false;
    }
  }
  return true;
}

absl::Status ValidateBucket(absl::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63 || !AllOf(bucket, ".-") ||
      !absl::ascii_isalnum(static_cast<unsigned char>(bucket.front())) ||
      !absl::ascii_isalnum(static_cast<unsigned char>(bucket.back())) ||
      absl::AsciiStrToLower(bucket) != bucket) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", BoundedText(bucket, 80), "\" is not an S3 bucket name (3-63 lower-case letters, "
        "digits, '.' and '-')"));
  }
  return absl::OkStatus();
}

absl::Status ValidatePrefix(absl::string_view prefix) {
  if (prefix.size() > 512 || !AllOf(prefix, "._-/") || absl::StrContains(prefix, "//") ||
      absl::StartsWith(prefix, "/") ||
      absl::StrContains(absl::StrCat("/", prefix, "/"), "/../") ||
      absl::StrContains(absl::StrCat("/", prefix, "/"), "/./")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", BoundedText(prefix, 80), "\" is not a usable key prefix: use letters, digits, "
        "'.', '_', '-' and '/' between names"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> EndpointFromEnvironment() {
  std::string endpoint = Env("AWS_ENDPOINT_URL_S3");
  if (endpoint.empty()) endpoint = Env("AWS_ENDPOINT_URL");
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (endpoint.empty()) return endpoint;
  absl::string_view rest = endpoint;
  if ((!absl::ConsumePrefix(&rest, "http://") && !absl::ConsumePrefix(&rest, "https://")) ||
      rest.empty() || !AllOf(rest, ".-:[]")) {
    return absl::InvalidArgumentError(
        "AWS_ENDPOINT_URL(_S3) must be http(s)://HOST[:PORT], without a path or credentials");
  }
  return endpoint;
}

absl::StatusOr<int64_t> BoundedEnvNumber(const char* name, int64_t fallback, int64_t low,
                                        int64_t high) {
  const std::string text = Env(name);
  if (text.empty()) return fallback;
  int64_t v = 0;
  if (!absl::SimpleAtoi(text, &v) || v < low || v > high) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " must be a number from ", low, " to ", high));
  }
  return v;
}

size_t OnBody(char* data, size_t size, size_t n, void* out);
size_t OnHeader(char* data, size_t size, size_t n, void* out);

bool RetryableCurlError(CURLcode code) {
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_WRITE_ERROR:  // our own bound on a response
    case CURLE_OUT_OF_MEMORY:
    case CURLE_LOGIN_DENIED:
      return false;
    default:
      return true;
  }
}

bool RetryableStatus(long status, absl::string_view body) {
  return status >= 500 || status == 429 ||
         (status == 400 && absl::StrContains(body, "<Code>RequestTimeout</Code>"));
}

// One try's state, seen by libcurl's callbacks.
struct Attempt {
  std::string body;
  uint64_t limit = 0;
  S3Response* response = nullptr;
};

size_t OnBody(char* data, size_t size, size_t n, void* out) {
  auto* a = static_cast<Attempt*>(out);
  const size_t bytes = size * n;
  if (a->body.size() + bytes > a->limit) return 0;  // CURLE_WRITE_ERROR
  a->body.append(data, bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t n, void* out) {
  auto* a = static_cast<Attempt*>(out);
  absl::string_view line(data, size * n);
  const size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return size * n;
  const std::string name = absl::AsciiStrToLower(line.substr(0, colon));
  const absl::string_view value = absl::StripAsciiWhitespace(line.substr(colon + 1));
  if (name == "etag") {
    a->response->etag = std::string(value);
  } else if (name == "content-length") {
    (void)absl::SimpleAtoi(value, &a->response->content_length);
  } else if (name == "last-modified") {
    const time_t t = curl_getdate(std::string(value).c_str(), nullptr);
    if (t > 0) a->response->last_modified = absl::FromTimeT(t);
  }
  return size * n;
}

}  // namespace

std::string UriEncode(absl::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

absl::StatusOr<S3Config> S3ConfigFromEnvironment(absl::string_view location) {
  S3Config c;
  absl::string_view rest = location;
  if (!absl::ConsumePrefix(&rest, "s3://")) {
    return absl::InvalidArgumentError("an S3 location starts with s3://");
  }
  const size_t slash = rest.find('/');
  c.bucket = std::string(rest.substr(0, slash));
  PGARK_RETURN_IF_ERROR(ValidateBucket(c.bucket));
  std::string prefix(slash == absl::string_view::npos ? "" : rest.substr(slash + 1));
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  PGARK_RETURN_IF_ERROR(ValidatePrefix(prefix));
  if (!prefix.empty()) c.prefix = prefix + "/";
  PGARK_ASSIGN_OR_RETURN(c.endpoint, EndpointFromEnvironment());
  c.region = Env("AWS_REGION");
  if (c.region.empty()) c.region = Env("AWS_DEFAULT_REGION");
  if (c.region.empty()) c.region = "us-east-1";
  if (c.region.size() > 64 || !AllOf(c.region, "-")) {
    return absl::InvalidArgumentError("AWS_REGION is not a region name (e.g. eu-west-1)");
  }
  c.access_key = Env("AWS_ACCESS_KEY_ID");
  c.secret_key = Env("AWS_SECRET_ACCESS_KEY");
  c.session_token = Env("AWS_SESSION_TOKEN");
  c.ca_bundle = Env("AWS_CA_BUNDLE");
  if (c.access_key.empty() || c.secret_key.empty()) {
    return absl::InvalidArgumentError(
        "an S3 repository needs credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  }
  PGARK_ASSIGN_OR_RETURN(c.max_attempts, BoundedEnvNumber("PGARK_S3_MAX_ATTEMPTS", 8, 1, 20));
  PGARK_ASSIGN_OR_RETURN(int64_t part, BoundedEnvNumber("PGARK_S3_PART_BYTES", 8 << 20, 5 << 20,
                                                        int64_t{1} << 30));
  c.part_bytes = static_cast<uint64_t>(part);
  return c;
}

S3Client::S3Client(S3Config config) : config_(std::move(config)) {
  EnsureCurlInitialized();
}

S3Client::~S3Client() {
  absl::MutexLock lock(&mu_);
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* S3Client::AcquireHandle() {
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void S3Client::ReleaseHandle(void* handle) {
  curl_easy_reset(static_cast<CURL*>(handle));  // keeps its connections
  absl::MutexLock lock(&mu_);
  if (idle_.size() < 16) {
    idle_.push_back(handle);
    return;
  }
  curl_easy_cleanup(static_cast<CURL*>(handle));
}

std::string S3Client::UrlFor(const S3Request& request) const {
  std::string url;
  const std::string key = UriEncode(request.key, /*keep_slash=*/true);
  if (!config_.endpoint.empty()) {
    url = absl::StrCat(config_.endpoint, "/", config_.bucket, "/", key);
  } else if (absl::StrContains(config_.bucket, '.')) {  // a dotted name breaks TLS wildcards
    url = absl::StrCat("https://s3.", config_.region, ".amazonaws.com/", config_.bucket, "/", key);
  } else {
    url = absl::StrCat("https://", config_.bucket, ".s3.", config_.region, ".amazonaws.com/", key);
  }
  if (!request.query.empty()) absl::StrAppend(&url, "?", request.query);
  return url;
}

absl::Duration S3Client::Backoff(int attempt) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  absl::Duration cap = config_.base_delay * (int64_t{1} << std::min(attempt, 20));
  cap = std::min(cap, config_.max_delay);
  std::uniform_int_distribution<int64_t> pick(0, absl::ToInt64Microseconds(cap));
  return absl::Microseconds(pick(random));  // full jitter
}

absl::StatusOr<std::vector<std::string>> S3Client::HeadersFor(const S3Request& request,
                                                              uint64_t have) const {
  std::vector<std::string> lines = request.headers;
  PGARK_ASSIGN_OR_RETURN(std::string digest, Sha256Hex(request.body));
  lines.push_back(absl::StrCat("x-amz-content-sha256: ", digest));
  if (!config_.session_token.empty()) {
    lines.push_back(absl::StrCat("x-amz-security-token: ", config_.session_token));
  }
  if (request.range_length > 0) {
    lines.push_back(absl::StrCat("Range: bytes=", request.range_begin + have, "-",
                                 request.range_begin + request.range_length - 1));
  }
  return lines;
}

namespace {

// Everything but the headers and the callbacks' target.
void SetOptions(CURL* h, const S3Config& config, const S3Request& request,
                const std::string& url, const std::string& sigv4) {
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);  // a stalled transfer is a failed one
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 30L);
  // (An "Expect:" header to suppress 100-continue would be signed though never sent.)
  curl_easy_setopt(h, CURLOPT_EXPECT_100_TIMEOUT_MS, 200L);
  curl_easy_setopt(h, CURLOPT_AWS_SIGV4, sigv4.c_str());
  curl_easy_setopt(h, CURLOPT_USERNAME, config.access_key.c_str());
  curl_easy_setopt(h, CURLOPT_PASSWORD, config.secret_key.c_str());
  if (!config.ca_bundle.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, config.ca_bundle.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (request.method == "PUT" || request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS,
                     request.body.data() == nullptr ? "" : request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
}

}  // namespace

absl::Status S3Client::Try(const S3Request& request, S3Response& response, bool& retryable) {
  const uint64_t have = request.range_length > 0 ? response.body.size() : 0;
  PGARK_ASSIGN_OR_RETURN(std::vector<std::string> lines, HeadersFor(request, have));
  CURL* h = static_cast<CURL*>(AcquireHandle());
  if (h == nullptr) return absl::ResourceExhaustedError("cannot create a libcurl handle");
  const std::string url = UrlFor(request);
  curl_slist* headers = nullptr;
  for (const std::string& l : lines) {
    headers = curl_slist_append(headers, l.c_str());
  }
  Attempt a;
  a.limit = request.range_length > 0 ? request.range_length - have : request.max_response_bytes;
  a.response = &response;
  SetOptions(h, config_, request, url, absl::StrCat("aws:amz:", config_.region, ":s3"));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &a);
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  const CURLcode code = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  curl_slist_free_all(headers);
  ReleaseHandle(h);
  const bool data = response.status == 200 || response.status == 206;
  if (request.range_length > 0 && data) {
    response.body += a.body;  // a cut-off range keeps what arrived
  } else {
    response.body = std::move(a.body);
  }
  if (code != CURLE_OK) {
    retryable = RetryableCurlError(code);
    if (code == CURLE_WRITE_ERROR) {
      return absl::ResourceExhaustedError(
          absl::StrCat("S3 ", request.method, " ", request.key, ": response larger than expected"));
    }
    return absl::UnavailableError(absl::StrCat("cannot reach the S3 service at ",
                                               url.substr(0, url.find('?')), ": ",
                                               error[0] ? error : curl_easy_strerror(code)));
  }
  if (RetryableStatus(response.status, response.body)) {
    retryable = true;
    return absl::UnavailableError(absl::StrCat("the S3 service answered HTTP ", response.status,
                                               " ", XmlElementText(response.body, "Code")));
  }
  return absl::OkStatus();
}

absl::StatusOr<S3Response> S3Client::Perform(const S3Request& request) {
  S3Response response;
  for (int attempt = 1;; ++attempt) {
    bool retryable = false;
    absl::Status s = Try(request, response, retryable);
    if (s.ok() && request.range_length > 0 && response.status == 206 &&
        response.body.size() < request.range_length) {
      // A short body without an error: ask for the rest.
      s = absl::UnavailableError("the S3 service ended a ranged read early");
      retryable = true;
    }
    if (s.ok()) return response;
    if (!retryable) return s;
    if (attempt >= config_.max_attempts) {
      return absl::UnavailableError(absl::StrCat(s.message(), " (gave up after ", attempt,
                                                 " attempts)"));
    }
    absl::SleepFor(Backoff(attempt));
    if (request.range_length == 0) response = S3Response();
  }
}

absl::Status S3Client::ErrorFor(const S3Request& request, const S3Response& response,
                                 absl::string_view what) const {
  const std::string code = XmlElementText(response.body, "Code");
  const std::string message = BoundedText(XmlElementText(response.body, "Message"), 200);
  const std::string detail = code.empty() ? "" : absl::StrCat(" (", code, ")");
  if (code == "NoSuchBucket") {
    return absl::PermissionDeniedError(absl::StrCat(
        "S3 bucket \"", config_.bucket, "\" does not exist", config_.endpoint.empty() ? "" : " at ",
        config_.endpoint, ": create it, or correct BACKUP_DIR"));
  }
  if (code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" ||
      code == "InvalidToken" || code == "ExpiredToken" || code == "TokenRefreshRequired") {
    return absl::UnauthenticatedError(absl::StrCat(
        "S3 refused the credentials", detail,
        ": check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN"));
  }
  if (code == "RequestTimeTooSkewed") {
    return absl::FailedPreconditionError(
        "S3 refused the request: this machine's clock is too far from the service's");
  }
  switch (response.status) {
    case 401:
    case 403:
      return absl::PermissionDeniedError(absl::StrCat(
          "S3 denied access to ", what, detail,
          ": check the credentials and the bucket's policy"));
    case 404:
      return absl::NotFoundError(absl::StrCat(what, " does not exist"));
    case 409:
    case 412:
      return absl::AlreadyExistsError(absl::StrCat(what, " already exists"));
    case 416:
      return absl::DataLossError(absl::StrCat(what, " is shorter than the range read (truncated)"));
    default:
      return absl::InternalError(absl::StrCat("S3 ", request.method, " ", what, " failed: HTTP ",
                                              response.status, detail,
                                              message.empty() ? "" : ": ", message));
  }
}

}  // namespace pgark::formats
