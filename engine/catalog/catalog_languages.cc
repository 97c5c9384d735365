// The catalog's procedural languages (those no extension made) and encoding conversions.
#include "engine/catalog/catalog.h"
#include "engine/catalog/catalog_internal.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

constexpr char kLanguagesSql[] =
    PGARK_OBJECT_COLUMNS("pg_language", "l.oid", "NULL", "l.lanname", "l.lanowner", "l.lanacl")
    "l.lanpltrusted AS trusted, " PGARK_FUNCTION_NAME("l.lanplcallfoid", "handler") ", "
    PGARK_FUNCTION_NAME("l.laninline", "inline_handler") ", "
    PGARK_FUNCTION_NAME("l.lanvalidator", "validator") " "
    "FROM pg_catalog.pg_language l WHERE l.oid >= 16384 AND "
    PGARK_NOT_EXTENSION_MEMBER("pg_language", "l.oid") "ORDER BY l.lanname";

constexpr char kConversionsSql[] =
    PGARK_OBJECT_COLUMNS("pg_conversion", "c.oid", "n.nspname", "c.conname", "c.conowner",
                         "NULL::pg_catalog.aclitem[]")
    "pg_catalog.pg_encoding_to_char(c.conforencoding) AS source, "
    "pg_catalog.pg_encoding_to_char(c.contoencoding) AS target, "
    PGARK_FUNCTION_NAME("c.conproc", "function") ", c.condefault AS is_default "
    "FROM pg_catalog.pg_conversion c JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace "
    "WHERE c.oid >= 16384 AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_conversion", "c.oid") "ORDER BY n.nspname, c.conname";

}  // namespace

absl::Status Catalog::AddLanguagesAndConversions(std::vector<SchemaObjectDef>& out) {
  PGARK_ASSIGN_OR_RETURN(PgResult languages, conn_.Exec(kLanguagesSql));
  for (PgRow row : Rows(languages)) {
    SchemaObjectDef o = ObjectOf(row, kPgLanguage, MemberKind::kLanguage);
    o.facts = LanguageFacts{row.Bool("trusted"), row.String("handler"),
                            row.String("inline_handler"), row.String("validator")};
    out.push_back(std::move(o));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult conversions, conn_.Exec(kConversionsSql));
  for (PgRow row : Rows(conversions)) {
    SchemaObjectDef o = ObjectOf(row, kPgConversion, MemberKind::kConversion);
    o.facts = ConversionFacts{row.String("source"), row.String("target"), row.String("function"),
                              row.Bool("is_default")};
    out.push_back(std::move(o));
  }
  return absl::OkStatus();
}

}  // namespace pgark::engine
