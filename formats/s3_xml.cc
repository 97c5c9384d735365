#include "formats/s3_xml.h"

#include <expat.h>

#include <functional>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace pgark::formats {
namespace {

// Calls `on_end(name, text)` as each element closes, `text` being its own character data.
class ElementWalker {
 public:
  using OnEnd = std::function<void(absl::string_view name, const std::string& text)>;

  explicit ElementWalker(OnEnd on_end) : on_end_(std::move(on_end)) {}

  bool Parse(absl::string_view xml) {
    std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(
        XML_ParserCreate("UTF-8"), &XML_ParserFree);
    if (parser == nullptr) return false;
    XML_SetUserData(parser.get(), this);
    XML_SetElementHandler(parser.get(), &ElementWalker::Start, &ElementWalker::End);
    XML_SetCharacterDataHandler(parser.get(), &ElementWalker::Text);
    return XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), XML_TRUE) ==
           XML_STATUS_OK;
  }

 private:
  static void Start(void* self, const XML_Char*, const XML_Char**) {
    static_cast<ElementWalker*>(self)->text_.clear();
  }
  static void End(void* self, const XML_Char* name) {
    auto* w = static_cast<ElementWalker*>(self);
    w->on_end_(name, w->text_);
    w->text_.clear();
  }
  static void Text(void* self, const XML_Char* s, int len) {
    auto* w = static_cast<ElementWalker*>(self);
    if (w->text_.size() < 4096) w->text_.append(s, static_cast<size_t>(len));
  }

  OnEnd on_end_;
  std::string text_;
};

absl::Time ParseIsoTime(const std::string& text) {
  absl::Time t;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return t;
  return absl::UnixEpoch();
}

}  // namespace

absl::StatusOr<S3ListPage> ParseListPage(absl::string_view xml) {
  S3ListPage page;
  S3ListedObject current;
  bool result_seen = false;
  ElementWalker walker([&](absl::string_view name, const std::string& text) {
    if (name == "Key") {
      current.key = text;
    } else if (name == "Size") {
      if (!absl::SimpleAtoi(text, &current.size)) current.size = 0;
    } else if (name == "LastModified") {
      current.modified = ParseIsoTime(text);
    } else if (name == "Contents") {
      page.objects.push_back(std::move(current));
      current = {};
    } else if (name == "IsTruncated") {
      page.truncated = text == "true";
    } else if (name == "NextContinuationToken") {
      page.continuation_token = text;
    } else if (name == "ListBucketResult") {
      result_seen = true;
    }
  });
  if (!walker.Parse(xml) || !result_seen) {
    return absl::InternalError("S3 returned a listing that is not a ListBucketResult document");
  }
  if (page.truncated && page.continuation_token.empty()) {
    return absl::InternalError("S3 returned a truncated listing without a continuation token");
  }
  return page;
}

std::string XmlElementText(absl::string_view xml, absl::string_view element) {
  std::string found;
  bool seen = false;
  ElementWalker walker([&](absl::string_view name, const std::string& text) {
    if (!seen && name == element) {
      found = text;
      seen = true;
    }
  });
  if (!walker.Parse(xml)) return "";
  return found;
}

std::string XmlEscape(absl::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace pgark::formats
