#include "engine/catalog/facts.h"

#include "absl/strings/str_cat.h"

namespace pgark::engine {

std::string TableRef::DisplayName() const {
  return schema == "public" ? name : absl::StrCat(schema, ".", name);
}

std::vector<std::string> TableDef::CopyColumns() const {
  std::vector<std::string> out;
  for (const ColumnDef& c : columns) {
    if (c.generated == 0) out.push_back(c.name);
  }
  return out;
}

std::vector<std::string> TableDef::CopyColumnTypes() const {
  std::vector<std::string> out;
  for (const ColumnDef& c : columns) {
    if (c.generated == 0) out.push_back(c.type);
  }
  return out;
}

const ConstraintDef* TableDef::PrimaryKey() const {
  for (const ConstraintDef& c : constraints) {
    if (c.type == 'p') return &c;
  }
  return nullptr;
}

}  // namespace pgark::engine
