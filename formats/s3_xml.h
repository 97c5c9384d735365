// The few S3 XML documents pgark reads (ListObjectsV2 pages, InitiateMultipartUpload, errors),
// parsed with expat. Responses are input: sizes are bounded by the caller, and a document that
// does not parse is an error, never a partial answer.
#ifndef PGARK_FORMATS_S3_XML_H_
#define PGARK_FORMATS_S3_XML_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace pgark::formats {

struct S3ListedObject {
  std::string key;
  uint64_t size = 0;
  absl::Time modified;
};

struct S3ListPage {
  std::vector<S3ListedObject> objects;
  bool truncated = false;
  std::string continuation_token;  // NextContinuationToken when truncated
};

// A ListBucketResult. kInternal for a document that is not one.
absl::StatusOr<S3ListPage> ParseListPage(absl::string_view xml);

// The text of the first element named `element` anywhere in `xml` ("UploadId", "Code", ...);
// "" when there is none or the document does not parse.
std::string XmlElementText(absl::string_view xml, absl::string_view element);

// Escapes text for an XML element's content.
std::string XmlEscape(absl::string_view text);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_S3_XML_H_
