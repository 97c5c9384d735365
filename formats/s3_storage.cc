#include "formats/s3_storage.h"

#include <algorithm>
#include <deque>
#include <future>
#include <random>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "formats/s3_xml.h"
#include "formats/status_macros.h"

namespace pgark::formats {
namespace {

constexpr uint64_t kReadChunkBytes = uint64_t{8} << 20;
constexpr int kPartsPerSizeStep = 1000;  // the part size doubles after every 1000 parts

// A multipart upload fed by Append: one part uploads on a background thread while the next
// fills, so the writer is held up only when the network is slower than it.
class S3Upload : public Sink {
 public:
  S3Upload(std::shared_ptr<S3Client> client, std::string key, std::string where, bool replace)
      : client_(std::move(client)),
        key_(std::move(key)),
        where_(std::move(where)),
        replace_(replace),
        part_bytes_(client_->config().part_bytes) {}

  ~S3Upload() override {
    StopUploader(/*abandon=*/!completed_);
    if (!upload_id_.empty() && !completed_) {
      S3Request abort{.method = "DELETE", .key = key_, .query = UploadQuery()};
      (void)client_->Perform(abort);  // best effort: a lifecycle rule catches what is left
    }
  }

  absl::Status Append(absl::string_view data) override {
    if (!status_.ok()) return status_;
    if (closed_) return absl::FailedPreconditionError("append after close");
    total_ += data.size();
    buffer_.append(data.data(), data.size());
    while (buffer_.size() >= part_bytes_) {
      std::string rest = buffer_.substr(part_bytes_);
      buffer_.resize(part_bytes_);
      std::string part = std::move(buffer_);
      buffer_ = std::move(rest);
      if (absl::Status s = Submit(std::move(part)); !s.ok()) return status_ = s;
    }
    return absl::OkStatus();
  }

  absl::Status Close() override {
    if (closed_ || !status_.ok()) return status_;
    closed_ = true;
    status_ = upload_id_.empty() ? PutWhole() : FinishMultipart();
    return status_;
  }

 private:
  std::string UploadQuery() const { return absl::StrCat("uploadId=", UriEncode(upload_id_, false)); }

  std::vector<std::string> CreateHeaders() const {
    std::vector<std::string> h = {"Content-Type: application/octet-stream"};
    if (!replace_) h.push_back("If-None-Match: *");  // honoured by AWS: never replace a backup
    return h;
  }

  absl::Status Check(const S3Request& request, const absl::StatusOr<S3Response>& r) {
    PGARK_RETURN_IF_ERROR(r.status());
    if (r->status / 100 != 2) return client_->ErrorFor(request, *r, where_);
    return absl::OkStatus();
  }

  absl::Status PutWhole() {
    S3Request put{.method = "PUT", .key = key_, .headers = CreateHeaders(), .body = buffer_};
    return Check(put, client_->Perform(put));
  }

  absl::Status Initiate() {
    S3Request init{.method = "POST", .key = key_, .query = "uploads=",
                   .headers = {"Content-Type: application/octet-stream"}};
    absl::StatusOr<S3Response> r = client_->Perform(init);
    PGARK_RETURN_IF_ERROR(Check(init, r));
    upload_id_ = XmlElementText(r->body, "UploadId");
    if (upload_id_.empty()) {
      return absl::InternalError(absl::StrCat("S3 did not start an upload of ", where_));
    }
    uploader_ = std::thread([this] { UploadLoop(); });
    return absl::OkStatus();
  }

  // Hands a full part to the uploader, waiting while another one is queued.
  absl::Status Submit(std::string part) {
    if (upload_id_.empty()) PGARK_RETURN_IF_ERROR(Initiate());
    if (++parts_submitted_ % kPartsPerSizeStep == 0) part_bytes_ *= 2;
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](S3Upload* u) { return u->queue_.empty() || !u->upload_status_.ok(); }, this));
    PGARK_RETURN_IF_ERROR(upload_status_);
    queue_.push_back(std::move(part));
    return absl::OkStatus();
  }

  void UploadLoop() {
    for (int number = 1;; ++number) {
      std::string part;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(
            +[](S3Upload* u) { return !u->queue_.empty() || u->finishing_; }, this));
        if (queue_.empty() || abandoned_) return;  // finished, or given up
        part = std::move(queue_.front());
      }
      S3Request put{.method = "PUT", .key = key_,
                    .query = absl::StrCat("partNumber=", number, "&", UploadQuery()),
                    .body = part};
      absl::StatusOr<S3Response> r = client_->Perform(put);
      absl::Status s = Check(put, r);
      absl::MutexLock lock(&mu_);
      queue_.pop_front();
      if (!s.ok()) {
        upload_status_ = s;
        return;
      }
      etags_.push_back(r->etag);
    }
  }

  // Lets the uploader finish what is queued (or, `abandon`ing the upload, only the part it is
  // sending) and joins it.
  void StopUploader(bool abandon = false) {
    {
      absl::MutexLock lock(&mu_);
      finishing_ = true;
      abandoned_ = abandon;
    }
    if (uploader_.joinable()) uploader_.join();
  }

  absl::Status FinishMultipart() {
    if (!buffer_.empty()) PGARK_RETURN_IF_ERROR(Submit(std::move(buffer_)));
    buffer_.clear();
    StopUploader();
    PGARK_RETURN_IF_ERROR(upload_status_);
    std::string xml = "<CompleteMultipartUpload>";
    for (size_t i = 0; i < etags_.size(); ++i) {
      absl::StrAppend(&xml, "<Part><PartNumber>", i + 1, "</PartNumber><ETag>",
                      XmlEscape(etags_[i]), "</ETag></Part>");
    }
    xml += "</CompleteMultipartUpload>";
    std::vector<std::string> headers = CreateHeaders();
    headers[0] = "Content-Type: application/xml";
    S3Request complete{.method = "POST", .key = key_, .query = UploadQuery(),
                       .headers = headers, .body = xml};
    absl::StatusOr<S3Response> r = client_->Perform(complete);
    absl::Status s = Check(complete, r);
    // A completion that answers 200 can still have failed (an <Error> body); one whose answer
    // was lost and retried finds its upload gone although the object is there.
    if (s.ok() && !XmlElementText(r->body, "Code").empty()) s = client_->ErrorFor(complete, *r, where_);
    if (!s.ok() && r.ok() && XmlElementText(r->body, "Code") == "NoSuchUpload") s = CheckLanded();
    if (s.ok()) completed_ = true;
    return s;
  }

  absl::Status CheckLanded() {
    S3Request head{.method = "HEAD", .key = key_};
    absl::StatusOr<S3Response> r = client_->Perform(head);
    if (r.ok() && r->status == 200 && r->content_length == total_) return absl::OkStatus();
    return absl::InternalError(absl::StrCat("the upload of ", where_, " was lost"));
  }

  std::shared_ptr<S3Client> client_;
  std::string key_;
  std::string where_;
  bool replace_;
  uint64_t part_bytes_;
  std::string buffer_;
  uint64_t total_ = 0;
  int parts_submitted_ = 0;
  std::string upload_id_;
  bool closed_ = false;
  bool completed_ = false;
  absl::Status status_;
  std::thread uploader_;
  absl::Mutex mu_;
  std::deque<std::string> queue_ ABSL_GUARDED_BY(mu_);  // the part being uploaded, then one more
  bool finishing_ ABSL_GUARDED_BY(mu_) = false;
  bool abandoned_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status upload_status_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> etags_;  // written by the uploader, read after it is joined
};

// Ranged GETs of a byte range, one chunk read ahead on another thread.
class S3RangeSource : public Source {
 public:
  S3RangeSource(std::shared_ptr<S3Client> client, std::string key, std::string where,
                uint64_t begin, uint64_t length)
      : client_(std::move(client)), key_(std::move(key)), where_(std::move(where)),
        next_(begin), remaining_(length) {}

  ~S3RangeSource() override {
    if (ahead_.valid()) ahead_.wait();
  }

  absl::StatusOr<absl::string_view> Read() override {
    if (!status_.ok()) return status_;
    if (!ahead_.valid()) {
      if (remaining_ == 0) return absl::string_view();
      Prefetch();
    }
    absl::StatusOr<std::string> chunk = ahead_.get();
    if (!chunk.ok()) return status_ = chunk.status();
    current_ = *std::move(chunk);
    if (remaining_ > 0) Prefetch();
    return absl::string_view(current_);
  }

 private:
  void Prefetch() {
    const uint64_t bytes = std::min(remaining_, kReadChunkBytes);
    const uint64_t begin = next_;
    next_ += bytes;
    remaining_ -= bytes;
    ahead_ = std::async(std::launch::async, [this, begin, bytes] { return Fetch(begin, bytes); });
  }

  absl::StatusOr<std::string> Fetch(uint64_t begin, uint64_t bytes) {
    S3Request get{.method = "GET", .key = key_, .range_begin = begin, .range_length = bytes};
    PGARK_ASSIGN_OR_RETURN(S3Response r, client_->Perform(get));
    if (r.status == 416 || ((r.status == 206 || r.status == 200) && r.body.size() < bytes)) {
      return absl::DataLossError(absl::StrFormat(
          "object %s is truncated: it ends before byte %d", where_, begin + bytes));
    }
    if (r.status != 206) {
      if (r.status / 100 == 2) {
        return absl::InternalError("the S3 service ignored the Range header of a read");
      }
      return client_->ErrorFor(get, r, where_);
    }
    return std::move(r.body);
  }

  std::shared_ptr<S3Client> client_;
  std::string key_;
  std::string where_;
  uint64_t next_;
  uint64_t remaining_;
  std::future<absl::StatusOr<std::string>> ahead_;
  std::string current_;
  absl::Status status_;
};

class EmptySource : public Source {
 public:
  absl::StatusOr<absl::string_view> Read() override { return absl::string_view(); }
};

class S3Store : public Storage {
 public:
  explicit S3Store(S3Config config)
      : location_(absl::StrCat("s3://", config.bucket, config.prefix.empty() ? "" : "/",
                               absl::string_view(config.prefix).substr(
                                   0, config.prefix.empty() ? 0 : config.prefix.size() - 1))),
        client_(std::make_shared<S3Client>(std::move(config))) {}

  const std::string& location() const override { return location_; }
  std::string Locate(absl::string_view name) const override {
    return absl::StrCat("s3://", client_->config().bucket, "/", Key(name));
  }
  bool local() const override { return false; }

  // One listing page: it fails, with S3's error code, when the bucket is missing or the
  // credentials are refused. (Not max-keys=1: a truncated page makes s3rver, a common test
  // service, encrypt a continuation token with DES, which OpenSSL 3 refuses.)
  absl::Status Prepare() override {
    return ListKeys(client_->config().prefix, /*top_level=*/true, /*first_page=*/true).status();
  }

  absl::StatusOr<std::unique_ptr<Sink>> Create(const std::string& name, bool replace) override {
    if (!replace) {
      absl::StatusOr<ObjectInfo> existing = Stat(name);
      if (existing.ok()) return absl::AlreadyExistsError(absl::StrCat(Locate(name), " already exists"));
      if (!absl::IsNotFound(existing.status())) return existing.status();
    }
    return std::unique_ptr<Sink>(std::make_unique<S3Upload>(client_, Key(name), Locate(name), replace));
  }

  absl::StatusOr<std::unique_ptr<Source>> Read(const std::string& name, uint64_t offset,
                                               uint64_t length) override {
    if (length == kToEnd) {
      PGARK_ASSIGN_OR_RETURN(ObjectInfo info, Stat(name));
      if (offset > info.size) {
        return absl::DataLossError(absl::StrCat("object ", Locate(name), " is truncated"));
      }
      length = info.size - offset;
    }
    if (length == 0) return std::unique_ptr<Source>(std::make_unique<EmptySource>());
    return std::unique_ptr<Source>(
        std::make_unique<S3RangeSource>(client_, Key(name), Locate(name), offset, length));
  }

  absl::StatusOr<ObjectInfo> Stat(const std::string& name) override {
    S3Request head{.method = "HEAD", .key = Key(name)};
    PGARK_ASSIGN_OR_RETURN(S3Response r, client_->Perform(head));
    if (r.status == 403) {
      // A HEAD answer has no body to say why: a listing does (refused credentials or access).
      PGARK_RETURN_IF_ERROR(Prepare());
    }
    if (r.status != 200) return client_->ErrorFor(head, r, Locate(name));
    return ObjectInfo{name, r.content_length, r.last_modified};
  }

  absl::StatusOr<std::vector<ObjectInfo>> List() override {
    const std::string& prefix = client_->config().prefix;
    PGARK_ASSIGN_OR_RETURN(std::vector<S3ListedObject> objects, ListKeys(prefix, true, false));
    std::vector<ObjectInfo> out;
    for (S3ListedObject& o : objects) {
      absl::string_view name = absl::string_view(o.key).substr(prefix.size());
      if (name.empty() || name[0] == '.' || absl::StrContains(name, '/')) continue;
      out.push_back({std::string(name), o.size, o.modified});
    }
    return out;
  }

  absl::Status Delete(const std::string& name) override {
    PGARK_RETURN_IF_ERROR(Stat(name).status());
    S3Request del{.method = "DELETE", .key = Key(name)};
    PGARK_ASSIGN_OR_RETURN(S3Response r, client_->Perform(del));
    if (r.status / 100 != 2) return client_->ErrorFor(del, r, Locate(name));
    return absl::OkStatus();
  }

  absl::Status AppendRecord(const std::string& log, absl::string_view line) override;
  absl::StatusOr<std::string> ReadRecords(const std::string& log, uint64_t max_bytes) override;

 private:
  std::string Key(absl::string_view name) const {
    return absl::StrCat(client_->config().prefix, name);
  }

  // Every object under `prefix` (only the top level below it when `top_level`), or those of
  // the first page.
  absl::StatusOr<std::vector<S3ListedObject>> ListKeys(const std::string& prefix, bool top_level,
                                                       bool first_page);

  std::string location_;
  std::shared_ptr<S3Client> client_;
};

absl::StatusOr<std::vector<S3ListedObject>> S3Store::ListKeys(const std::string& prefix,
                                                             bool top_level, bool first_page) {
  std::vector<S3ListedObject> out;
  std::string token;
  for (;;) {
    // Query parameters in canonical (sorted) order, as the signature has them.
    std::string query;
    if (!token.empty()) absl::StrAppend(&query, "continuation-token=", UriEncode(token, false), "&");
    if (top_level) query += "delimiter=%2F&";
    absl::StrAppend(&query, "list-type=2&prefix=", UriEncode(prefix, false));
    S3Request list{.method = "GET", .key = "", .query = query};
    PGARK_ASSIGN_OR_RETURN(S3Response r, client_->Perform(list));
    if (r.status != 200) return client_->ErrorFor(list, r, location_);
    PGARK_ASSIGN_OR_RETURN(S3ListPage page, ParseListPage(r.body));
    for (S3ListedObject& o : page.objects) {
      if (absl::StartsWith(o.key, prefix)) out.push_back(std::move(o));
    }
    if (!page.truncated || first_page) return out;
    token = page.continuation_token;
  }
}

absl::Status S3Store::AppendRecord(const std::string& log, absl::string_view line) {
  if (line.empty()) return absl::OkStatus();  // a check that the log can be written: it can
  thread_local std::mt19937_64 random{std::random_device{}()};
  // One object per record, named so that they list in time order.
  const std::string name = absl::StrCat(
      log, ".d/", absl::FormatTime("%Y%m%dT%H%M%E6SZ", absl::Now(), absl::UTCTimeZone()), "-",
      absl::StrFormat("%016x", random()));
  S3Request put{.method = "PUT", .key = Key(name),
                .headers = {"Content-Type: application/x-ndjson"}, .body = line};
  PGARK_ASSIGN_OR_RETURN(S3Response r, client_->Perform(put));
  if (r.status / 100 != 2) return client_->ErrorFor(put, r, Locate(name));
  return absl::OkStatus();
}

absl::StatusOr<std::string> S3Store::ReadRecords(const std::string& log, uint64_t max_bytes) {
  PGARK_ASSIGN_OR_RETURN(std::vector<S3ListedObject> records,
                         ListKeys(Key(absl::StrCat(log, ".d/")), false, false));
  std::sort(records.begin(), records.end(),
            [](const S3ListedObject& a, const S3ListedObject& b) { return a.key > b.key; });
  std::vector<std::string> newest_first;
  uint64_t total = 0;
  for (const S3ListedObject& o : records) {
    if (total + o.size > max_bytes || o.size > (1u << 20)) break;
    S3Request get{.method = "GET", .key = o.key};
    PGARK_ASSIGN_OR_RETURN(S3Response r, client_->Perform(get));
    if (r.status != 200) continue;  // deleted meanwhile
    total += r.body.size();
    newest_first.push_back(std::move(r.body));
  }
  std::string text;
  for (auto it = newest_first.rbegin(); it != newest_first.rend(); ++it) text += *it;
  return text;
}

}  // namespace

std::shared_ptr<Storage> S3Storage(S3Config config) {
  return std::make_shared<S3Store>(std::move(config));
}

}  // namespace pgark::formats
