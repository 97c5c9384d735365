#include "formats/bounded_text.h"

#include "absl/strings/str_cat.h"

namespace pgark::formats {

std::string BoundedText(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  // Back off to the start of a UTF-8 character.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat(text.substr(0, cut), "... (", text.size() - cut, " more bytes)");
}

std::vector<std::string> BoundedList(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (size_t i = 0; i < items.size() && i < kMaxListedItems; ++i) {
    out.push_back(BoundedText(items[i], kMaxMessageBytes));
  }
  if (items.size() > kMaxListedItems) {
    out.push_back(absl::StrCat("... and ", items.size() - kMaxListedItems, " more"));
  }
  return out;
}

}  // namespace pgark::formats
