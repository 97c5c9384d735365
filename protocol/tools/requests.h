// The request options the CLI and the MCP tools share, decoded in one place whichever way they
// were spelled (--schema-only or schemaOnly): what a backup holds, what a restore or import
// does with rows whose key exists.
#ifndef PGARK_PROTOCOL_TOOLS_REQUESTS_H_
#define PGARK_PROTOCOL_TOOLS_REQUESTS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/options.h"

namespace pgark::protocol {

// How a front end spells the shared options, for its error messages.
struct Spelling {
  const char* schema_only;
  const char* data_only;
  const char* on_conflict;
};
inline constexpr Spelling kCliSpelling = {"--schema-only", "--data-only", "--on-conflict"};
inline constexpr Spelling kToolSpelling = {"schemaOnly", "dataOnly", "onConflict"};

// kInvalidArgument when both are asked for.
absl::StatusOr<engine::Content> DecodeContent(bool schema_only, bool data_only,
                                              const Spelling& spelling);

// "error", "skip" or "update"; kInvalidArgument for anything else.
absl::StatusOr<engine::OnConflict> DecodeOnConflict(absl::string_view value,
                                                    const Spelling& spelling);

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_TOOLS_REQUESTS_H_
