// Catalog queries for what belongs to the database rather than to a schema: default
// privileges, event triggers, publications, subscriptions, user mappings and large objects;
// and the readers of the column groups catalog_internal.h defines. Part of `Catalog`.
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "engine/catalog/catalog.h"
#include "engine/catalog/catalog_internal.h"
#include "engine/ddl/sql_text.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

constexpr char kDefaultPrivilegesSql[] =
    "SELECT pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(d.defaclrole)) AS role, "
    "n.nspname AS schema_name, d.defaclobjtype AS object_type, "
    PGARK_PRIVILEGES("0", "d.defaclacl")
    " FROM pg_catalog.pg_default_acl d "
    "LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace ORDER BY 1, 2, 3";

// Publications: kPublicationsSql, then publish_via_partition_root (13+), each table's column
// list and row filter (15+), the schemas published whole (15+), then kPublicationsFrom.
constexpr char kPublicationsSql[] =
    "SELECT p.pubname AS name, " PGARK_COMMENT("pg_publication", "p.oid") " AS comment, "
    PGARK_PRIVILEGES("p.pubowner", "NULL::pg_catalog.aclitem[]") ", p.puballtables AS all_tables, "
    "pg_catalog.concat_ws(', ', CASE WHEN p.pubinsert THEN 'insert' END, "
    "CASE WHEN p.pubupdate THEN 'update' END, CASE WHEN p.pubdelete THEN 'delete' END, "
    "CASE WHEN p.pubtruncate THEN 'truncate' END) AS publish, ";
constexpr char kPublicationTablesSql[] =
    "(SELECT pg_catalog.string_agg(pg_catalog.format('ONLY %I.%I', tn.nspname, c.relname) || ";
constexpr char kPublicationTablesFrom[] =
    ", pg_catalog.chr(1) ORDER BY tn.nspname, c.relname) FROM pg_catalog.pg_publication_rel pr "
    " JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid "
    " JOIN pg_catalog.pg_namespace tn ON tn.oid = c.relnamespace WHERE pr.prpubid = p.oid) "
    "  AS tables, ";
constexpr char kPublicationColumnsAndFilter15[] =
    "CASE WHEN pr.prattrs IS NULL THEN '' ELSE ' (' || (SELECT pg_catalog.string_agg("
    " pg_catalog.quote_ident(a.attname), ', ' ORDER BY k.n) FROM pg_catalog.unnest("
    " pr.prattrs::pg_catalog.int2[]) WITH ORDINALITY k(attnum, n) JOIN pg_catalog.pg_attribute a "
    " ON a.attrelid = pr.prrelid AND a.attnum = k.attnum) || ')' END || "
    "COALESCE(' WHERE (' || pg_catalog.pg_get_expr(pr.prqual, pr.prrelid) || ')', '')";
constexpr char kPublicationSchemas15[] =
    "(SELECT pg_catalog.string_agg(pg_catalog.quote_ident(sn.nspname), pg_catalog.chr(1) "
    " ORDER BY sn.nspname) FROM pg_catalog.pg_publication_namespace pn "
    " JOIN pg_catalog.pg_namespace sn ON sn.oid = pn.pnnspid WHERE pn.pnpubid = p.oid)";
constexpr char kPublicationsFrom[] =
    " AS schemas FROM pg_catalog.pg_publication p ORDER BY p.pubname";

constexpr char kEventTriggersSql[] =
    "SELECT t.evtname AS name, t.evtevent AS event, "
    "(SELECT pg_catalog.string_agg(pg_catalog.quote_literal(g), ', ') "
    " FROM pg_catalog.unnest(t.evttags) g) AS tags, t.evtfoid::pg_catalog.regproc AS function, "
    "t.evtenabled AS enabled, " PGARK_COMMENT("pg_event_trigger", "t.oid") " AS comment, "
    PGARK_PRIVILEGES("t.evtowner", "NULL::pg_catalog.aclitem[]")
    " FROM pg_catalog.pg_event_trigger t WHERE "
    PGARK_NOT_EXTENSION_MEMBER("pg_event_trigger", "t.oid") "ORDER BY t.evtname";

// pg_user_mappings shows a mapping's options only to some roles; the last column repeats its
// rule to tell hidden options from none.
constexpr char kUserMappingsSql[] =
    "SELECT CASE WHEN u.umuser = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(u.usename) END "
    "  AS role, pg_catalog.quote_ident(u.srvname) AS server, "
    PGARK_OPTIONS("u.umoptions") " AS options, u.umoptions IS NULL AND NOT ("
    "  (u.umuser <> 0 AND u.usename = CURRENT_USER AND "
    "   (pg_catalog.pg_has_role(s.srvowner, 'USAGE') OR "
    "    pg_catalog.has_server_privilege(s.oid, 'USAGE'))) "
    "  OR (u.umuser = 0 AND pg_catalog.pg_has_role(s.srvowner, 'USAGE')) "
    "  OR " PGARK_IS_SUPERUSER ") AS options_hidden "
    "FROM pg_catalog.pg_user_mappings u JOIN pg_catalog.pg_foreign_server s ON s.oid = u.srvid "
    "WHERE " PGARK_NOT_EXTENSION_MEMBER("pg_foreign_server", "s.oid")
    "ORDER BY u.srvname COLLATE \"C\", u.usename COLLATE \"C\"";


// kSubscriptionsSql, then per version: binary, streaming ('f', 't', 'p'), two_phase,
// disable_on_error, origin, password_required, run_as_owner, failover (17+),
// streaming_by_default (18+); then kSubscriptionsFrom.
constexpr char kSubscriptionsSql[] =
    "SELECT s.subname AS name, " PGARK_COMMENT("pg_subscription", "s.oid") " AS comment, "
    PGARK_PRIVILEGES("s.subowner", "NULL::pg_catalog.aclitem[]") ", s.subconninfo AS conninfo, "
    "s.subslotname AS slot_name, (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(p.name), "
    "  ', ' ORDER BY p.n) FROM pg_catalog.unnest(s.subpublications) WITH ORDINALITY p(name, n)) "
    "  AS publications, s.subsynccommit AS synchronous_commit, ";
constexpr char kSubscriptionsFrom[] =
    " FROM pg_catalog.pg_subscription s WHERE s.subdbid = (SELECT d.oid FROM "
    "pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()) "
    "ORDER BY s.subname COLLATE \"C\"";

constexpr char kLargeObjectsSql[] =
    "SELECT l.oid, " PGARK_COMMENT("pg_largeobject", "l.oid") " AS comment, "
    PGARK_PRIVILEGES("l.lomowner", "l.lomacl")
    " FROM pg_catalog.pg_largeobject_metadata l ORDER BY l.oid";

constexpr char kDatabaseSql[] =
    "SELECT d.datname AS name, d.datconnlimit AS connection_limit, "
    "pg_catalog.shobj_description(d.oid, 'pg_database') AS comment, "
    PGARK_PRIVILEGES("d.datdba", "d.datacl")
    " FROM pg_catalog.pg_database d WHERE d.datname = $1";

constexpr char kDatabaseSettingsSql[] =
    "SELECT CASE WHEN s.setrole = 0 THEN '' "
    "  ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(s.setrole)) END AS role, "
    "pg_catalog.split_part(c.item, '=', 1) AS name, "
    "pg_catalog.substr(c.item, pg_catalog.strpos(c.item, '=') + 1) AS value "
    "FROM pg_catalog.pg_db_role_setting s JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase "
    "CROSS JOIN LATERAL pg_catalog.unnest(s.setconfig) WITH ORDINALITY c(item, n) "
    "WHERE d.datname = $1 ORDER BY s.setrole, c.n";

// Objects made by users have OIDs from here on (FirstNormalObjectId); below are the system's.
constexpr char kStagingSql[] =
    "SELECT d.datname AS name, pg_catalog.pg_get_userbyid(d.datdba) AS owner, "
    "(SELECT pg_catalog.count(*) FROM pg_catalog.pg_class WHERE oid >= 16384 "
    "  AND relpersistence <> 't') + "
    "(SELECT pg_catalog.count(*) FROM pg_catalog.pg_largeobject_metadata) AS user_objects, "
    "(SELECT rolsuper OR rolcreatedb FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) "
    "  AS can_create_databases, pg_catalog.pg_has_role(d.datdba, 'USAGE') AS owns_it, "
    "(SELECT pg_catalog.count(*) FROM pg_catalog.pg_stat_activity WHERE datid = d.oid "
    "  AND pid <> pg_catalog.pg_backend_pid() AND backend_type <> 'autovacuum worker') "
    "  AS other_sessions "
    "FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()";

// Changes whenever a row of these catalogs is created, dropped or replaced (an ALTER, GRANT
// or COMMENT writes a new row version, so the newest xmin moves).
constexpr char kFingerprintSql[] =
    "SELECT pg_catalog.string_agg(n || ':' || c || ':' || x, ',' ORDER BY n) AS fingerprint "
    "FROM ("
    " SELECT 'class' n, pg_catalog.count(*) c, pg_catalog.max(xmin::text::bigint) x "
    "   FROM pg_catalog.pg_class"
    " UNION ALL SELECT 'proc', pg_catalog.count(*), pg_catalog.max(xmin::text::bigint) "
    "   FROM pg_catalog.pg_proc"
    " UNION ALL SELECT 'type', pg_catalog.count(*), pg_catalog.max(xmin::text::bigint) "
    "   FROM pg_catalog.pg_type"
    " UNION ALL SELECT 'namespace', pg_catalog.count(*), pg_catalog.max(xmin::text::bigint) "
    "   FROM pg_catalog.pg_namespace"
    " UNION ALL SELECT 'extension', pg_catalog.count(*), pg_catalog.max(xmin::text::bigint) "
    "   FROM pg_catalog.pg_extension"
    " UNION ALL SELECT 'description', pg_catalog.count(*), pg_catalog.max(xmin::text::bigint) "
    "   FROM pg_catalog.pg_description"
    " UNION ALL SELECT 'default_acl', pg_catalog.count(*), pg_catalog.max(xmin::text::bigint) "
    "   FROM pg_catalog.pg_default_acl"
    " UNION ALL SELECT 'largeobject', pg_catalog.count(*), pg_catalog.max(xmin::text::bigint)"
    "   FROM pg_catalog.pg_largeobject_metadata) f";

constexpr char kDatabasesSql[] =
    "SELECT datname AS name FROM pg_catalog.pg_database "
    "WHERE pg_catalog.starts_with(datname, $1) ORDER BY datname";

}  // namespace

SequenceDef SequenceOf(const PgRow& row) {  // see catalog_internal.h
  SequenceDef s;
  s.oid = row.Oid("seq_oid");
  s.schema = row.String("seq_schema");
  s.name = row.String("seq_name");
  s.type = row.String("seq_type");
  s.start = row.Int("seq_start");
  s.increment = row.Int("seq_increment");
  s.min = row.Int("seq_min");
  s.max = row.Int("seq_max");
  s.cache = row.Int("seq_cache");
  s.cycle = row.Bool("seq_cycle");
  s.unlogged = row.Bool("seq_unlogged");
  return s;
}

const char* ColumnCompressionSql(int server_version_num) {  // see catalog_internal.h
  return server_version_num >= 140000 ? "a.attcompression" : "NULL";
}

void ReadColumnSettings(const PgRow& row, ColumnDef& c) {  // see catalog_internal.h
  c.statistics_target = static_cast<int>(row.Int("statistics_target"));
  c.storage = row.Char("storage");
  c.attribute_options = row.String("attribute_options");
  c.compression = row.Char("compression");
}

std::vector<Grant> GrantsOf(const PgRow& row, const char* column) {  // see catalog_internal.h
  std::vector<Grant> out;
  if (row.IsNull(column)) return out;
  const absl::string_view text = row.Text(column);
  const nlohmann::json grants =
      nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!grants.is_array()) return out;  // json_agg of the server's own catalog: never happens
  for (const nlohmann::json& g : grants) {
    if (!g.is_array() || g.size() != 3 || !g[0].is_array()) continue;
    Grant grant;
    for (const nlohmann::json& privilege : g[0]) grant.privileges.push_back(privilege.get<std::string>());
    grant.grantee = g[1].get<std::string>();
    grant.grantable = g[2].get<bool>();
    out.push_back(std::move(grant));
  }
  return out;
}

IndexDef IndexOf(const PgRow& row) {  // see catalog_internal.h
  IndexDef i{row.Oid("oid"), row.String("name"), row.String("definition"), row.String("parent")};
  i.tablespace = row.String("tablespace");
  for (absl::string_view item : absl::StrSplit(row.Text("statistics_targets"), ',',
                                               absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> parts = absl::StrSplit(item, ' ');
    int column = 0, target = 0;
    if (absl::SimpleAtoi(parts.first, &column) && absl::SimpleAtoi(parts.second, &target)) {
      i.statistics_targets.emplace_back(column, target);
    }
  }
  return i;
}

Privileges PrivilegesOf(const PgRow& row) {  // see catalog_internal.h
  Privileges p;
  p.owner = row.String("owner");
  p.has_acl = row.Bool("has_acl");
  p.grants = GrantsOf(row, "grants");
  return p;
}

SchemaObjectDef ObjectOf(const PgRow& row, uint32_t catalog,  // see catalog_internal.h
                         MemberKind kind) {
  SchemaObjectDef o;
  o.id = {catalog, row.Oid("oid")};
  o.kind = kind;
  o.schema = row.String("schema_name");
  o.name = row.String("name");
  o.comment = row.String("comment");
  o.privileges = PrivilegesOf(row);
  return o;
}

absl::StatusOr<DatabaseDef> Catalog::DescribeDatabase(absl::string_view name) {
  const std::vector<std::string> params = {std::string(name)};
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.ExecParams(kDatabaseSql, params));
  if (r.rows() != 1) {
    return absl::NotFoundError(absl::StrCat("database \"", name, "\" does not exist"));
  }
  const PgRow row(r, 0);
  DatabaseDef d;
  d.name = row.String("name");
  d.connection_limit = row.Int("connection_limit");
  d.comment = row.String("comment");
  d.privileges = PrivilegesOf(row);
  PGARK_ASSIGN_OR_RETURN(PgResult settings, conn_.ExecParams(kDatabaseSettingsSql, params));
  for (PgRow s : Rows(settings)) {
    d.settings.push_back({s.String("role"), s.String("name"), s.String("value")});
  }
  return d;
}

absl::StatusOr<StagingFacts> Catalog::GetStagingFacts() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(kStagingSql));
  const PgRow row(r, 0);
  return StagingFacts{row.String("name"), row.String("owner"), row.Int("user_objects"),
                      row.Bool("can_create_databases"), row.Bool("owns_it"),
                      row.Int("other_sessions")};
}

absl::StatusOr<std::string> Catalog::CatalogFingerprint() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(kFingerprintSql));
  return PgRow(r, 0).String("fingerprint");
}

absl::StatusOr<std::vector<std::string>> Catalog::ListDatabases(absl::string_view prefix) {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.ExecParams(kDatabasesSql, {std::string(prefix)}));
  std::vector<std::string> out;
  for (PgRow row : Rows(r)) out.push_back(row.String("name"));
  return out;
}

absl::StatusOr<std::vector<DefaultPrivilegesDef>> Catalog::ListDefaultPrivileges() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(kDefaultPrivilegesSql));
  std::vector<DefaultPrivilegesDef> out;
  for (PgRow row : Rows(r)) {
    out.push_back({row.String("role"), row.String("schema_name"), row.Char("object_type"),
                   PrivilegesOf(row)});
  }
  return out;
}

absl::StatusOr<std::vector<EventTriggerDef>> Catalog::ListEventTriggers() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(kEventTriggersSql));
  std::vector<EventTriggerDef> out;
  for (PgRow row : Rows(r)) {
    out.push_back({row.String("name"), row.String("event"), row.String("tags"),
                   row.String("function"), row.Char("enabled"), row.String("comment"),
                   PrivilegesOf(row)});
  }
  return out;
}

namespace {

// The settings of a subscription that differ from CREATE SUBSCRIPTION's defaults.
std::vector<std::string> SubscriptionOptions(const PgRow& row) {
  std::vector<std::string> options;
  if (row.Bool("binary")) options.push_back("binary = true");
  // 18 streams in parallel by default: a subscription that does not stream says so there.
  const std::string streaming = row.String("streaming");
  if (streaming == "t") options.push_back("streaming = on");
  if (streaming == "p") options.push_back("streaming = parallel");
  if (streaming == "f" && row.Bool("streaming_by_default")) options.push_back("streaming = off");
  if (row.Bool("two_phase")) options.push_back("two_phase = on");
  if (row.Bool("disable_on_error")) options.push_back("disable_on_error = true");
  const std::string sync = row.String("synchronous_commit");
  if (sync != "off") options.push_back(absl::StrCat("synchronous_commit = ", QuoteLiteral(sync)));
  if (row.String("origin") != "any") {
    options.push_back(absl::StrCat("origin = ", row.String("origin")));
  }
  if (!row.Bool("password_required")) options.push_back("password_required = false");
  if (row.Bool("run_as_owner")) options.push_back("run_as_owner = true");
  if (row.Bool("failover")) options.push_back("failover = true");
  return options;
}

}  // namespace

absl::StatusOr<bool> Catalog::IsSuperuser() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec("SELECT " PGARK_IS_SUPERUSER " AS superuser"));
  return r.rows() == 1 && PgRow(r, 0).Bool("superuser");
}

absl::StatusOr<std::vector<SubscriptionDef>> Catalog::ListSubscriptions() {
  PGARK_ASSIGN_OR_RETURN(const bool superuser, IsSuperuser());
  if (!superuser) return std::vector<SubscriptionDef>{};
  const int v = conn_.server_version_num();
  const bool v14 = v >= 140000, v15 = v >= 150000, v16 = v >= 160000;
  PGARK_ASSIGN_OR_RETURN(
      PgResult r,
      conn_.Exec(absl::StrCat(
          kSubscriptionsSql, v14 ? "s.subbinary" : "false", " AS binary, ",
          v16   ? "s.substream::text"
          : v14 ? "CASE WHEN s.substream THEN 't' ELSE 'f' END"
                : "'f'",
          " AS streaming, ",
          v15 ? "s.subtwophasestate <> 'd' AS two_phase, s.subdisableonerr AS disable_on_error, "
              : "false AS two_phase, false AS disable_on_error, ",
          v16 ? "s.suborigin AS origin, s.subpasswordrequired AS password_required, "
                "s.subrunasowner AS run_as_owner, "
              : "'any' AS origin, true AS password_required, false AS run_as_owner, ",
          v >= 170000 ? "s.subfailover" : "false", " AS failover, ",
          v >= 180000 ? "true" : "false", " AS streaming_by_default", kSubscriptionsFrom)));
  std::vector<SubscriptionDef> out;
  for (PgRow row : Rows(r)) {
    SubscriptionDef d;
    d.name = row.String("name");
    d.comment = row.String("comment");
    d.privileges = PrivilegesOf(row);
    d.conninfo = row.String("conninfo");
    d.slot_name = row.String("slot_name");
    d.publications = row.String("publications");
    d.options = SubscriptionOptions(row);
    out.push_back(std::move(d));
  }
  return out;
}

absl::StatusOr<std::vector<UserMappingDef>> Catalog::ListUserMappings() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(kUserMappingsSql));
  std::vector<UserMappingDef> out;
  for (PgRow row : Rows(r)) {
    out.push_back({row.String("role"), row.String("server"), row.String("options"),
                   row.Bool("options_hidden")});
  }
  return out;
}

absl::StatusOr<std::vector<PublicationDef>> Catalog::ListPublications() {
  const int v = conn_.server_version_num();
  PGARK_ASSIGN_OR_RETURN(
      PgResult r,
      conn_.Exec(absl::StrCat(kPublicationsSql,
                              v >= 130000 ? "p.pubviaroot AS via_root, " : "false AS via_root, ",
                              kPublicationTablesSql,
                              v >= 150000 ? kPublicationColumnsAndFilter15 : "''",
                              kPublicationTablesFrom, v >= 150000 ? kPublicationSchemas15 : "NULL",
                              kPublicationsFrom)));
  std::vector<PublicationDef> out;
  for (PgRow row : Rows(r)) {
    PublicationDef p;
    p.name = row.String("name");
    p.comment = row.String("comment");
    p.privileges = PrivilegesOf(row);
    p.all_tables = row.Bool("all_tables");
    p.publish = row.String("publish");
    p.via_root = row.Bool("via_root");
    if (!row.IsNull("tables")) p.tables = absl::StrSplit(row.Text("tables"), '\x01');
    if (!row.IsNull("schemas")) p.schemas = absl::StrSplit(row.Text("schemas"), '\x01');
    out.push_back(std::move(p));
  }
  return out;
}

absl::StatusOr<std::vector<LargeObjectDef>> Catalog::ListLargeObjects() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(kLargeObjectsSql));
  std::vector<LargeObjectDef> out;
  for (PgRow row : Rows(r)) {
    out.push_back({row.Oid("oid"), row.String("comment"), PrivilegesOf(row)});
  }
  return out;
}

}  // namespace pgark::engine
