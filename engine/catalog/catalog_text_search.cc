// The catalog's text search objects: parsers, templates, dictionaries and configurations (with
// their mappings).
#include <map>
#include <utility>

#include "engine/catalog/catalog.h"
#include "engine/catalog/catalog_internal.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

// Text search parsers and templates: their functions, in CREATE's order (kParserFunctions,
// kTemplateFunctions), the optional ones NULL when not set.
constexpr char kTextSearchParsersSql[] =
    PGARK_OBJECT_COLUMNS("pg_ts_parser", "p.oid", "n.nspname", "p.prsname", "0",
                         "NULL::pg_catalog.aclitem[]")
    PGARK_FUNCTION_NAME("p.prsstart", "start") ", " PGARK_FUNCTION_NAME("p.prstoken", "gettoken")
    ", " PGARK_FUNCTION_NAME("p.prsend", "end") ", " PGARK_FUNCTION_NAME("p.prsheadline", "headline")
    ", " PGARK_FUNCTION_NAME("p.prslextype", "lextypes") " "
    "FROM pg_catalog.pg_ts_parser p JOIN pg_catalog.pg_namespace n ON n.oid = p.prsnamespace "
    "WHERE p.oid >= 16384 AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_ts_parser", "p.oid") "ORDER BY n.nspname, p.prsname";
constexpr char kTextSearchTemplatesSql[] =
    PGARK_OBJECT_COLUMNS("pg_ts_template", "t.oid", "n.nspname", "t.tmplname", "0",
                         "NULL::pg_catalog.aclitem[]")
    PGARK_FUNCTION_NAME("t.tmplinit", "init") ", " PGARK_FUNCTION_NAME("t.tmpllexize", "lexize") " "
    "FROM pg_catalog.pg_ts_template t JOIN pg_catalog.pg_namespace n ON n.oid = t.tmplnamespace "
    "WHERE t.oid >= 16384 AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_ts_template", "t.oid") "ORDER BY n.nspname, t.tmplname";

// CREATE's option names and the query's columns.
constexpr std::pair<const char*, const char*> kParserFunctions[] = {
    {"START", "start"}, {"GETTOKEN", "gettoken"}, {"END", "end"},
    {"LEXTYPES", "lextypes"}, {"HEADLINE", "headline"}};
constexpr std::pair<const char*, const char*> kTemplateFunctions[] = {
    {"INIT", "init"}, {"LEXIZE", "lexize"}};

// Text search dictionaries: template and options as CREATE takes them.
constexpr char kTextSearchDictionariesSql[] =
    PGARK_OBJECT_COLUMNS("pg_ts_dict", "td.oid", "n.nspname", "td.dictname", "td.dictowner",
                         "NULL::pg_catalog.aclitem[]")
    "(SELECT pg_catalog.format('%I.%I', tn.nspname, t.tmplname) "
    " FROM pg_catalog.pg_ts_template t JOIN pg_catalog.pg_namespace tn ON tn.oid = t.tmplnamespace "
    " WHERE t.oid = td.dicttemplate) AS template_name, td.dictinitoption AS init_options "
    "FROM pg_catalog.pg_ts_dict td JOIN pg_catalog.pg_namespace n ON n.oid = td.dictnamespace "
    "WHERE td.oid >= 16384 AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_ts_dict", "td.oid") "ORDER BY n.nspname, td.dictname";

// Text search configurations and their parsers; kTextSearchMappingsSql their mappings, one
// row per token type and dictionary, in order.
constexpr char kTextSearchConfigurationsSql[] =
    PGARK_OBJECT_COLUMNS("pg_ts_config", "c.oid", "n.nspname", "c.cfgname", "c.cfgowner",
                         "NULL::pg_catalog.aclitem[]")
    "(SELECT pg_catalog.format('%I.%I', pn.nspname, p.prsname) FROM pg_catalog.pg_ts_parser p "
    " JOIN pg_catalog.pg_namespace pn ON pn.oid = p.prsnamespace WHERE p.oid = c.cfgparser) "
    "  AS parser "
    "FROM pg_catalog.pg_ts_config c JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace "
    "WHERE c.oid >= 16384 AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_ts_config", "c.oid") "ORDER BY n.nspname, c.cfgname";
constexpr char kTextSearchMappingsSql[] =
    "SELECT cm.mapcfg AS config_oid, t.alias AS token_type, "
    "pg_catalog.format('%I.%I', dn.nspname, dd.dictname) AS dictionary "
    "FROM pg_catalog.pg_ts_config_map cm "
    "JOIN pg_catalog.pg_ts_config c ON c.oid = cm.mapcfg "
    "JOIN pg_catalog.ts_token_type(c.cfgparser) t ON t.tokid = cm.maptokentype "
    "JOIN pg_catalog.pg_ts_dict dd ON dd.oid = cm.mapdict "
    "JOIN pg_catalog.pg_namespace dn ON dn.oid = dd.dictnamespace "
    "WHERE cm.mapcfg >= 16384 ORDER BY cm.mapcfg, cm.maptokentype, cm.mapseqno";

template <size_t N>
TextSearchMethodFacts MethodsOf(const PgRow& row,
                                const std::pair<const char*, const char*> (&functions)[N]) {
  TextSearchMethodFacts f;
  for (const auto& [option, column] : functions) {
    if (!row.IsNull(column)) f.functions.emplace_back(option, row.String(column));
  }
  return f;
}

}  // namespace

absl::Status Catalog::AddTextSearch(std::vector<SchemaObjectDef>& out) {
  PGARK_ASSIGN_OR_RETURN(PgResult parsers, conn_.Exec(kTextSearchParsersSql));
  for (PgRow row : Rows(parsers)) {
    SchemaObjectDef o = ObjectOf(row, kPgTsParser, MemberKind::kTextSearchParser);
    o.facts = MethodsOf(row, kParserFunctions);
    out.push_back(std::move(o));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult templates, conn_.Exec(kTextSearchTemplatesSql));
  for (PgRow row : Rows(templates)) {
    SchemaObjectDef o = ObjectOf(row, kPgTsTemplate, MemberKind::kTextSearchTemplate);
    o.facts = MethodsOf(row, kTemplateFunctions);
    out.push_back(std::move(o));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult dicts, conn_.Exec(kTextSearchDictionariesSql));
  for (PgRow row : Rows(dicts)) {
    SchemaObjectDef o = ObjectOf(row, kPgTsDict, MemberKind::kTextSearchDictionary);
    o.facts = TextSearchDictionaryFacts{row.String("template_name"), row.String("init_options")};
    out.push_back(std::move(o));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult configs, conn_.Exec(kTextSearchConfigurationsSql));
  std::map<uint32_t, size_t> index;
  for (PgRow row : Rows(configs)) {
    SchemaObjectDef o = ObjectOf(row, kPgTsConfig, MemberKind::kTextSearchConfiguration);
    o.facts = TextSearchConfigurationFacts{row.String("parser"), {}};
    index[o.id.oid] = out.size();
    out.push_back(std::move(o));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult maps, conn_.Exec(kTextSearchMappingsSql));
  for (PgRow row : Rows(maps)) {
    auto it = index.find(row.Oid("config_oid"));
    if (it == index.end()) continue;
    auto& mappings = out[it->second].As<TextSearchConfigurationFacts>().mappings;
    const std::string token = row.String("token_type");
    if (mappings.empty() || mappings.back().token_type != token) mappings.push_back({token, {}});
    mappings.back().dictionaries.push_back(row.String("dictionary"));
  }
  return absl::OkStatus();
}

}  // namespace pgark::engine
