// An S3 bucket (and key prefix) as a Storage (formats/storage.h). Objects are written by
// multipart upload as they stream (parts of PGARK_S3_PART_BYTES, 8 MiB by default, growing
// after every 1000 parts; one part uploading while the next fills, so memory stays at a few
// parts whatever the archive's size) and completed only on Close(); a small object is one PUT.
// A sink destroyed before Close() aborts its upload. Reads are ranged GETs of 8 MiB with one
// chunk read ahead. New objects are written with If-None-Match: * where the service honours
// it, so two writers never replace each other's backup.
#ifndef PGARK_FORMATS_S3_STORAGE_H_
#define PGARK_FORMATS_S3_STORAGE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "formats/s3_client.h"
#include "formats/storage.h"

namespace pgark::formats {

std::shared_ptr<Storage> S3Storage(S3Config config);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_S3_STORAGE_H_
