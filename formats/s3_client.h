// HTTP requests to an S3-compatible service through libcurl, signed with AWS Signature V4 by
// libcurl itself (CURLOPT_AWS_SIGV4), with retries: 5xx, 429, SlowDown, timeouts and dropped
// connections are retried with exponential backoff and full jitter, and a ranged GET that was
// cut off resumes after the bytes it already has. Secrets never appear in a Status.
#ifndef PGARK_FORMATS_S3_CLIENT_H_
#define PGARK_FORMATS_S3_CLIENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "formats/storage.h"

namespace pgark::formats {

struct S3Config {
  std::string bucket;
  std::string prefix;      // "" or ending in "/"
  std::string region = "us-east-1";
  // "scheme://host[:port]" of an S3-compatible service (path-style addressing); empty: AWS
  // (virtual-hosted addressing).
  std::string endpoint;
  std::string access_key;
  std::string secret_key;
  std::string session_token;
  std::string ca_bundle;   // AWS_CA_BUNDLE
  int max_attempts = 8;    // per request (PGARK_S3_MAX_ATTEMPTS)
  uint64_t part_bytes = uint64_t{8} << 20;  // first multipart part size (PGARK_S3_PART_BYTES)
  absl::Duration base_delay = absl::Milliseconds(100);
  absl::Duration max_delay = absl::Seconds(5);
};

// The configuration for `location` ("s3://BUCKET[/PREFIX]") from AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION / AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3
// / AWS_ENDPOINT_URL, AWS_CA_BUNDLE. kInvalidArgument for a malformed location, bucket, prefix
// or endpoint, or missing credentials.
absl::StatusOr<S3Config> S3ConfigFromEnvironment(absl::string_view location);

struct S3Request {
  std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE
  std::string key;             // full object key; "" for the bucket itself
  std::string query;           // canonical: sorted, encoded ("partNumber=1&uploadId=...")
  std::vector<std::string> headers;  // "Name: value"
  absl::string_view body;
  // A ranged GET of `range_length` bytes from `range_begin` (0 length: no range).
  uint64_t range_begin = 0;
  uint64_t range_length = 0;
  uint64_t max_response_bytes = uint64_t{16} << 20;
};

struct S3Response {
  long status = 0;
  std::string body;
  std::string etag;
  uint64_t content_length = 0;
  absl::Time last_modified;
};

class S3Client {
 public:
  explicit S3Client(S3Config config);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  const S3Config& config() const { return config_; }

  // Performs `request`, retrying what may succeed on a second try. Returns the response of any
  // final HTTP status (the caller maps 4xx with ErrorFor); kUnavailable when the service could
  // not be reached after every attempt.
  absl::StatusOr<S3Response> Perform(const S3Request& request);

  // The Status for a failed response to `request` on `what` (an s3:// location): the S3 error
  // code and message, mapped to pgark's kinds of failure (credentials refused:
  // kUnauthenticated; access denied or no such bucket: kPermissionDenied; no such key:
  // kNotFound; an existing object under a conditional write: kAlreadyExists).
  absl::Status ErrorFor(const S3Request& request, const S3Response& response,
                        absl::string_view what) const;

 private:
  std::string UrlFor(const S3Request& request) const;
  // One try; a ranged GET's bytes already in `response.body` are not asked for again.
  absl::Status Try(const S3Request& request, S3Response& response, bool& retryable);
  // The request's headers: content digest, session token, range.
  absl::StatusOr<std::vector<std::string>> HeadersFor(const S3Request& request,
                                                      uint64_t have) const;
  void* AcquireHandle();
  void ReleaseHandle(void* handle);
  absl::Duration Backoff(int attempt);

  S3Config config_;
  absl::Mutex mu_;
  std::vector<void*> idle_ ABSL_GUARDED_BY(mu_);  // CURL easy handles, keeping connections
};

// RFC 3986 percent-encoding as SigV4 wants it ('/' kept when `keep_slash`).
std::string UriEncode(absl::string_view text, bool keep_slash);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_S3_CLIENT_H_
