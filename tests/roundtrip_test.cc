// Round trips against a real server: dump database A, restore into B with pgark and into C
// with `gunzip -c | psql`, and compare rows, sequence values and `pg_dump --schema-only`.
#include "engine/dump/dumper.h"
#include "engine/dump/large_objects.h"
#include "engine/restore/globals_restorer.h"
#include "engine/restore/restorer.h"
#include "engine/repository/verifier.h"
#include "formats/archive_layout.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration_util.h"
#include "tests/status_matchers.h"

namespace pgark {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::StatusIs;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RoundTripTest : public testing::IntegrationTest {
 protected:
  engine::BackupResult BackupOrDie(const std::string& db, engine::BackupType type,
                                   std::vector<std::string> tables = {},
                                   engine::Content content = engine::Content::kSchemaAndData,
                                   formats::Codec codec = formats::Codec::kGzip) {
    engine::BackupOptions o;
    o.backup_dir = backup_dir_;
    o.tables = std::move(tables);
    o.content = content;
    o.compression = {codec, formats::DefaultLevel(codec)};
    auto r = engine::Backup(Connect(db), o, type, nullptr);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : engine::BackupResult{};
  }

  absl::StatusOr<engine::RestoreResult> RestoreInto(
      const std::string& db, const std::string& file,
      engine::OnConflict on_conflict = engine::OnConflict::kError,
      std::vector<std::string> tables = {}) {
    engine::RestoreOptions o;
    o.backup_dir = backup_dir_;
    o.backup_file = file;
    o.on_conflict = on_conflict;
    o.tables = std::move(tables);
    return engine::Restore(Connect(db), o, nullptr);
  }

  std::string ArchivePath(const engine::BackupResult& r) {
    return formats::JoinPath(backup_dir_, r.manifest.backup_file);
  }
};

TEST_F(RoundTripTest, AwkwardTablesSurviveBothRestorePaths) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tests/fixtures/awkward.sql"));
  for (formats::Codec codec : {formats::Codec::kGzip, formats::Codec::kZstd, formats::Codec::kNone}) {
    const std::string name(formats::CodecName(codec));
    SCOPED_TRACE(name);
    auto backup = BackupOrDie(src, engine::BackupType::kTable,
                              {"awkward", "\"Odd Schema\".\"Mixed.Case \"\"Table\"\"\"",
                               "empty_table", "scratch"},
                              engine::Content::kSchemaAndData, codec);
    EXPECT_EQ(backup.manifest.tables.size(), 4u);
    EXPECT_EQ(backup.manifest.total_record_count, 9 + 3);

    std::string via_pgark = NewDatabase("pgark_" + name);
    auto restored = RestoreInto(via_pgark, backup.manifest.backup_file);
    ASSERT_THAT(restored, IsOk());
    EXPECT_EQ(restored->record_count, 12);
    EXPECT_TRUE(restored->warnings.empty());

    std::string via_psql = NewDatabase("psql_" + name);
    ASSERT_EQ(RestoreWithPsql(ArchivePath(backup), via_psql), 0);

    const std::string expected = DatabaseDigest(src);
    EXPECT_THAT(expected, HasSubstr("public.awkward=9:"));
    EXPECT_EQ(DatabaseDigest(via_pgark), expected);
    EXPECT_EQ(DatabaseDigest(via_psql), expected);
    const std::string schema = SchemaDump(src);
    EXPECT_EQ(SchemaDump(via_pgark), schema);
    EXPECT_EQ(SchemaDump(via_psql), schema);
  }
}

TEST_F(RoundTripTest, FullBackupOfTheDemoDatabase) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  auto backup = BackupOrDie(src, engine::BackupType::kFull);
  EXPECT_EQ(backup.manifest.type, formats::BackupType::kFull);
  EXPECT_EQ(backup.manifest.tables.size(), 5u);
  EXPECT_GT(backup.manifest.total_record_count, 150);

  auto report = engine::ValidateBackup(backup_dir_, backup.manifest.backup_file);
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->valid) << ::testing::PrintToString(report->errors);

  std::string via_pgark = NewDatabase("pgark");
  auto restored = RestoreInto(via_pgark, backup.manifest.backup_file);
  ASSERT_THAT(restored, IsOk());
  EXPECT_EQ(restored->restored_tables.size(), 5u);
  std::string via_psql = NewDatabase("psql");
  ASSERT_EQ(RestoreWithPsql(ArchivePath(backup), via_psql), 0);

  EXPECT_EQ(DatabaseDigest(via_pgark), DatabaseDigest(src));
  EXPECT_EQ(DatabaseDigest(via_psql), DatabaseDigest(src));
  EXPECT_EQ(SchemaDump(via_pgark), SchemaDump(src));
  EXPECT_EQ(SchemaDump(via_psql), SchemaDump(src));
}

TEST_F(RoundTripTest, FullBackupOfEveryObjectKind) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tests/fixtures/everything.sql"));
  auto backup = BackupOrDie(src, engine::BackupType::kFull);
  EXPECT_TRUE(backup.warnings.empty()) << ::testing::PrintToString(backup.warnings);
  std::string via_pgark = NewDatabase("pgark");
  auto restored = RestoreInto(via_pgark, backup.manifest.backup_file);
  ASSERT_THAT(restored, IsOk());
  // The server's own warning (the test cluster's wal_level is replica) is passed on, once.
  EXPECT_THAT(restored->warnings,
              ElementsAre("the server warned: wal_level is insufficient to publish logical changes"));
  std::string via_psql = NewDatabase("psql");
  ASSERT_EQ(RestoreWithPsql(ArchivePath(backup), via_psql), 0);

  const std::string schema = SchemaDump(src);
  EXPECT_THAT(schema, HasSubstr("CREATE MATERIALIZED VIEW app.empty_summary"));
  EXPECT_THAT(schema, HasSubstr("ALTER TABLE app.audit_trail DISABLE RULE audit_notify"));
  EXPECT_THAT(schema, HasSubstr("CREATE RULE audit_notes_insert"));
  EXPECT_THAT(schema, HasSubstr("ALTER STATISTICS app.audit_dep SET STATISTICS 300"));
  EXPECT_THAT(schema, HasSubstr("ALTER PUBLICATION unicode_feed ADD TABLES IN SCHEMA"));
  EXPECT_THAT(schema, HasSubstr("CREATE TEXT SEARCH CONFIGURATION app.\"Plain \"\"Text\"\"\""));
  EXPECT_THAT(schema, HasSubstr("CREATE AGGREGATE app.pct(double precision ORDER BY anyelement)"));
  EXPECT_THAT(schema, HasSubstr("CREATE CAST (app.mood AS integer)"));
  EXPECT_THAT(schema, HasSubstr("NEGATOR = OPERATOR(app.!~~)"));
  EXPECT_THAT(schema, HasSubstr("ALTER EVENT TRIGGER note_rewrites DISABLE"));
  EXPECT_THAT(schema, HasSubstr("CREATE FOREIGN TABLE app.readings_archive"));
  EXPECT_THAT(schema, HasSubstr("CREATE OPERATOR CLASS app.rev_int_ops"));
  EXPECT_THAT(schema, HasSubstr("COMMENT ON STATISTICS app.mood_summary_stats"));
  EXPECT_THAT(schema, HasSubstr("ALTER OPERATOR FAMILY app.rev_ops USING btree ADD"));
  EXPECT_THAT(schema, HasSubstr("CREATE USER MAPPING FOR public SERVER \"Wärehouse's\""));
  for (const char* setting : {"title SET STATISTICS 500", "title SET STORAGE EXTERNAL",
                              "title SET (n_distinct=100, n_distinct_inherited=-0.5)",
                              "title SET COMPRESSION pglz", "REPLICA IDENTITY FULL",
                              "REPLICA IDENTITY USING INDEX counters_pkey",
                              "REPLICA IDENTITY NOTHING", "CLUSTER ON books_pkey"}) {
    EXPECT_THAT(schema, HasSubstr(setting));
  }
  EXPECT_EQ(SchemaDump(via_pgark), schema);
  EXPECT_EQ(SchemaDump(via_psql), schema);
  const std::string data = DatabaseDigest(src);
  EXPECT_EQ(DatabaseDigest(via_pgark), data);
  EXPECT_EQ(DatabaseDigest(via_psql), data);
  for (const std::string& db : {via_pgark, via_psql}) {
    // The counting trigger did not fire during the load; the unpopulated view stayed so.
    EXPECT_EQ(Query(db, "SELECT sum(hits) FROM app.counters"), "200");
    EXPECT_EQ(Query(db, "SELECT relispopulated::text FROM pg_class WHERE relname = "
                        "'empty_summary'"),
              "false");
    EXPECT_EQ(Query(db, "SELECT count(*) FROM app.mood_summary"), "4");
  }

  // Restoring again over it keeps every existing object and reports each one.
  auto again = RestoreInto(via_pgark, backup.manifest.backup_file, engine::OnConflict::kSkip,
                           {"app.counters"});
  ASSERT_THAT(again, IsOk());
  EXPECT_THAT(again->warnings, Contains(HasSubstr("already exists; kept")));
  EXPECT_EQ(again->skipped_records, 5);
  EXPECT_EQ(SchemaDump(via_pgark), schema);

  // --drop-existing replaces everything with the backup's version.
  Exec(via_pgark, "UPDATE app.books SET title = 'changed'");
  engine::RestoreOptions o;
  o.backup_dir = backup_dir_;
  o.backup_file = backup.manifest.backup_file;
  o.drop_existing = true;
  ASSERT_THAT(engine::Restore(Connect(via_pgark), o, nullptr), IsOk());
  EXPECT_EQ(DatabaseDigest(via_pgark), data);
  EXPECT_EQ(SchemaDump(via_pgark), schema);
}

TEST_F(RoundTripTest, WithOwnersCarriesOwnersAndPrivileges) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tests/fixtures/everything.sql"));
  Exec("postgres", "DO $$ BEGIN CREATE ROLE pgark_app_owner; EXCEPTION WHEN duplicate_object "
                   "THEN NULL; END $$");
  Exec("postgres", "DO $$ BEGIN CREATE ROLE \"pgark Reader\"; EXCEPTION WHEN duplicate_object "
                   "THEN NULL; END $$");
  Exec(src, "ALTER TABLE app.books OWNER TO pgark_app_owner; "
            "ALTER VIEW app.event_counts OWNER TO pgark_app_owner; "
            "GRANT SELECT ON app.books TO \"pgark Reader\"; "
            "GRANT SELECT, INSERT ON app.events TO \"pgark Reader\" WITH GRANT OPTION; "
            "GRANT USAGE ON SCHEMA app TO \"pgark Reader\"; "
            "REVOKE EXECUTE ON FUNCTION app.add_one(integer) FROM PUBLIC; "
            "GRANT EXECUTE ON FUNCTION app.add_one(integer) TO \"pgark Reader\"; "
            "GRANT USAGE ON SEQUENCE app.invoice_no TO \"pgark Reader\"; "
            "GRANT USAGE ON TYPE app.mood TO \"pgark Reader\"; "
            "GRANT SELECT (title), UPDATE (title) ON app.books TO \"pgark Reader\"; "
            "GRANT INSERT (kind) ON app.events TO PUBLIC; "
            "ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC; "
            "ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO \"pgark Reader\"; "
            "ALTER DEFAULT PRIVILEGES FOR ROLE pgark_app_owner GRANT USAGE ON SEQUENCES TO PUBLIC");
  engine::BackupOptions o;
  o.backup_dir = backup_dir_;
  o.with_owners = true;
  auto backup = engine::Backup(Connect(src), o, engine::BackupType::kFull, nullptr);
  ASSERT_THAT(backup, IsOk());
  std::string via_pgark = NewDatabase("pgark");
  auto restored = RestoreInto(via_pgark, backup->manifest.backup_file);
  ASSERT_THAT(restored, IsOk());
  EXPECT_THAT(restored->warnings,
              ElementsAre("the server warned: wal_level is insufficient to publish logical changes"));
  std::string via_psql = NewDatabase("psql");
  ASSERT_EQ(RestoreWithPsql(ArchivePath(*backup), via_psql), 0);
  const std::string schema = SchemaDump(src);
  EXPECT_THAT(schema, HasSubstr("GRANT USAGE ON SCHEMA app TO \"pgark Reader\";"));
  EXPECT_THAT(schema, HasSubstr("OWNER TO pgark_app_owner"));
  EXPECT_THAT(schema, HasSubstr("GRANT SELECT(title),UPDATE(title) ON TABLE app.books"));
  EXPECT_THAT(schema, HasSubstr("ALTER DEFAULT PRIVILEGES FOR ROLE pgark_app_owner"));
  EXPECT_EQ(SchemaDump(via_pgark), schema);
  EXPECT_EQ(SchemaDump(via_psql), schema);
}

// Large objects are data: carried by full backups (not schema-only ones), with comments and,
// with owners, owners and grants; a 20 MB object spans several members.
TEST_F(RoundTripTest, LargeObjects) {
  std::string src = NewDatabase("src");
  Exec("postgres", "DO $$ BEGIN CREATE ROLE \"pgark Reader\"; EXCEPTION WHEN duplicate_object "
                   "THEN NULL; END $$");
  Exec(src, "CREATE TABLE docs (id int PRIMARY KEY, body oid);"
            "SELECT lo_create(4242001);"
            "SELECT lo_from_bytea(4242002, convert_to(repeat('twenty megabytes ', 1200000), "
            "'UTF8'));"
            "SELECT lo_from_bytea(4242003, '\\x00ff0a0d5c27092c'::bytea);"
            "COMMENT ON LARGE OBJECT 4242003 IS 'binary ''odd'' bytes';"
            "ALTER LARGE OBJECT 4242001 OWNER TO \"pgark Reader\";"
            "GRANT SELECT ON LARGE OBJECT 4242003 TO \"pgark Reader\";"
            "INSERT INTO docs VALUES (1, 4242002), (2, 4242003)");
  const std::string objects =
      "SELECT string_agg(concat_ws(':', oid, md5(lo_get(oid)), lomowner::regrole, lomacl, "
      "obj_description(oid, 'pg_largeobject')), ',' ORDER BY oid) FROM pg_largeobject_metadata";
  const std::string expected = Query(src, objects);
  EXPECT_THAT(expected, HasSubstr("4242003:"));

  engine::BackupOptions o;
  o.backup_dir = backup_dir_;
  o.with_owners = true;
  auto backup = engine::Backup(Connect(src), o, engine::BackupType::kFull, nullptr);
  ASSERT_THAT(backup, IsOk());
  EXPECT_TRUE(backup->warnings.empty()) << ::testing::PrintToString(backup->warnings);
  int members = 0;
  for (const formats::MemberEntry& m : backup->manifest.members) {
    members += m.kind == formats::MemberKind::kLargeObjects;
  }
  EXPECT_GE(members, 3);

  std::string via_pgark = NewDatabase("pgark");
  ASSERT_THAT(RestoreInto(via_pgark, backup->manifest.backup_file), IsOk());
  EXPECT_EQ(Query(via_pgark, objects), expected);
  std::string via_psql = NewDatabase("psql");
  ASSERT_EQ(RestoreWithPsql(ArchivePath(*backup), via_psql), 0);
  EXPECT_EQ(Query(via_psql, objects), expected);

  // --drop-existing over the source replaces them; one table restored alone leaves them be.
  engine::RestoreOptions again;
  again.backup_dir = backup_dir_;
  again.backup_file = backup->manifest.backup_file;
  again.drop_existing = true;
  ASSERT_THAT(engine::Restore(Connect(src), again, nullptr), IsOk());
  EXPECT_EQ(Query(src, objects), expected);
  std::string one = NewDatabase("one");
  ASSERT_THAT(RestoreInto(one, backup->manifest.backup_file, engine::OnConflict::kError, {"docs"}),
              IsOk());
  EXPECT_EQ(Query(one, "SELECT count(*) FROM pg_largeobject_metadata"), "0");

  // Not schema: a schema-only backup has none.
  auto schema_only = BackupOrDie(src, engine::BackupType::kFull, {}, engine::Content::kSchemaOnly);
  for (const formats::MemberEntry& m : schema_only.manifest.members) {
    EXPECT_NE(m.kind, formats::MemberKind::kLargeObjects);
  }
}

TEST_F(RoundTripTest, ForeignTablesAreDefinitionsAndUserMappingsKeepTheirOptions) {
  std::string src = NewDatabase("src");
  Exec("postgres", "DO $$ BEGIN CREATE ROLE pgark_fdw_reader LOGIN; EXCEPTION WHEN "
                   "duplicate_object THEN NULL; END $$");
  Exec(src, "CREATE EXTENSION file_fdw; CREATE SERVER files FOREIGN DATA WRAPPER file_fdw; "
            "CREATE FOREIGN DATA WRAPPER plain; CREATE SERVER far FOREIGN DATA WRAPPER plain; "
            "CREATE USER MAPPING FOR PUBLIC SERVER far OPTIONS (password 'p\\w''d'); "
            "CREATE FOREIGN TABLE lines (line text) SERVER files OPTIONS (filename '/dev/null'); "
            "CREATE TABLE t (a int); INSERT INTO t VALUES (1); "
            "GRANT SELECT ON t TO pgark_fdw_reader");
  // A role that may not see a mapping's options is told the backup has the mapping without.
  engine::ConnectOptions reader = Connect(src);
  reader.conninfo += " user=pgark_fdw_reader";
  engine::BackupOptions full;
  full.backup_dir = backup_dir_;
  auto hidden = engine::Backup(reader, full, engine::BackupType::kFull, nullptr);
  ASSERT_THAT(hidden, IsOk());
  EXPECT_THAT(hidden->warnings,
              Contains(HasSubstr("user mapping for PUBLIC on server far: its options")));
  Exec(src, "REVOKE SELECT ON t FROM pgark_fdw_reader");

  auto backup = BackupOrDie(src, engine::BackupType::kFull);
  // The foreign table's definition is backed up, its rows (on another server) are not.
  ASSERT_EQ(backup.manifest.tables.size(), 1u);
  EXPECT_EQ(backup.manifest.tables[0].table, "t");
  int foreign_tables = 0;
  for (const formats::MemberEntry& m : backup.manifest.members) {
    if (m.name == "lines") {
      EXPECT_EQ(m.kind, formats::MemberKind::kForeignTable);
      ++foreign_tables;
    }
  }
  EXPECT_EQ(foreign_tables, 1);
  std::string dst = NewDatabase("dst");
  ASSERT_THAT(RestoreInto(dst, backup.manifest.backup_file), IsOk());
  const std::string schema = SchemaDump(src);
  EXPECT_THAT(schema, HasSubstr("password E'p\\\\w''d'"));
  EXPECT_EQ(SchemaDump(dst), schema);
  // --drop-existing replaces the foreign table; the servers it needs stay (kept, reported).
  engine::RestoreOptions o;
  o.backup_dir = backup_dir_;
  o.backup_file = backup.manifest.backup_file;
  o.drop_existing = true;
  auto again = engine::Restore(Connect(dst), o, nullptr);
  ASSERT_THAT(again, IsOk());
  EXPECT_THAT(again->warnings, Contains(HasSubstr("SERVER \"far\" already exists; kept")));
  EXPECT_EQ(SchemaDump(dst), schema);

  // A table backup cannot carry a foreign table: its server would be missing.
  engine::BackupOptions table_backup;
  table_backup.backup_dir = backup_dir_;
  table_backup.tables = {"lines"};
  EXPECT_THAT(engine::Backup(Connect(src), table_backup, engine::BackupType::kTable, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is a foreign table")));
}

TEST_F(RoundTripTest, RowsUsersAddedToExtensionConfigurationTablesAreCarried) {
  // As an extension script's pg_extension_config_dump('cfg', 'WHERE id > 1') would make it:
  // the extension creates the table with row 1; rows 2 and 3 are the user's.
  const std::string extension =
      "CREATE EXTENSION citext; CREATE TABLE cfg (id int PRIMARY KEY, note text); "
      "INSERT INTO cfg VALUES (1, 'the extension''s'); ALTER EXTENSION citext ADD TABLE cfg; "
      "CREATE SEQUENCE cfg_ids; ALTER EXTENSION citext ADD SEQUENCE cfg_ids; "
      "UPDATE pg_catalog.pg_extension SET "
      "extconfig = ARRAY['cfg'::regclass::oid, 'cfg_ids'::regclass::oid], "
      "extcondition = ARRAY['WHERE id > 1', ''] WHERE extname = 'citext'";
  std::string src = NewDatabase("src");
  Exec(src, extension);
  Exec(src, "INSERT INTO cfg VALUES (2, 'mine'), (3, E'tab\\there'); "
            "SELECT setval('cfg_ids', 42)");
  auto backup = BackupOrDie(src, engine::BackupType::kFull);
  EXPECT_TRUE(backup.warnings.empty()) << ::testing::PrintToString(backup.warnings);
  const formats::MemberEntry* data = nullptr;
  for (const formats::MemberEntry& m : backup.manifest.members) {
    if (m.kind == formats::MemberKind::kTableData && m.name == "cfg") data = &m;
  }
  ASSERT_NE(data, nullptr);
  EXPECT_TRUE(data->extension_config);
  EXPECT_EQ(data->row_filter, "WHERE id > 1");
  EXPECT_EQ(data->rows, 2);
  const std::string rows = "1 2 3";
  const std::string query = "SELECT string_agg(id::text, ' ' ORDER BY id) FROM cfg";
  std::string via_pgark = NewDatabase("pgark");
  Exec(via_pgark, extension);
  ASSERT_THAT(RestoreInto(via_pgark, backup.manifest.backup_file), IsOk());
  EXPECT_EQ(Query(via_pgark, query), rows);
  EXPECT_EQ(Query(via_pgark, "SELECT note FROM cfg WHERE id = 3"), "tab\there");
  EXPECT_EQ(Query(via_pgark, "SELECT last_value FROM cfg_ids"), "42");
  // --drop-existing replaces the user's rows, not adds to them.
  engine::RestoreOptions o;
  o.backup_dir = backup_dir_;
  o.backup_file = backup.manifest.backup_file;
  o.drop_existing = true;
  ASSERT_THAT(engine::Restore(Connect(via_pgark), o, nullptr), IsOk());
  EXPECT_EQ(Query(via_pgark, query), rows);
  std::string via_psql = NewDatabase("psql");
  Exec(via_psql, extension);
  ASSERT_EQ(RestoreWithPsql(ArchivePath(backup), via_psql), 0);
  EXPECT_EQ(Query(via_psql, query), rows);
  EXPECT_EQ(Query(via_psql, "SELECT last_value FROM cfg_ids"), "42");
  // A schema-only backup has no rows to carry; a data-only one loads them where the
  // extension is, and --on-conflict skip leaves the rows already there.
  EXPECT_TRUE(BackupOrDie(src, engine::BackupType::kFull, {}, engine::Content::kSchemaOnly)
                  .manifest.tables.empty());
  auto data_only = BackupOrDie(src, engine::BackupType::kFull, {}, engine::Content::kDataOnly);
  std::string via_data = NewDatabase("data");
  Exec(via_data, extension);
  ASSERT_THAT(RestoreInto(via_data, data_only.manifest.backup_file), IsOk());
  EXPECT_EQ(Query(via_data, query), rows);
  auto skipped = RestoreInto(via_data, data_only.manifest.backup_file, engine::OnConflict::kSkip);
  ASSERT_THAT(skipped, IsOk());
  EXPECT_EQ(skipped->skipped_records, 2);
  EXPECT_EQ(Query(via_data, query), rows);
}

TEST_F(RoundTripTest, SubscriptionsComeBackDisabledWithTheirSettings) {
  // connect = false: no publisher is needed, here or when restoring (as pg_dump does it).
  std::string src = NewDatabase("src");
  Exec(src, "CREATE SUBSCRIPTION \"Süb\" CONNECTION 'host=publisher.invalid dbname=shop "
            "password=''it\\''s''' PUBLICATION orders, \"All Items\" WITH (connect = false, "
            "binary = true, streaming = on, disable_on_error = true, "
            "synchronous_commit = 'local'); "
            "COMMENT ON SUBSCRIPTION \"Süb\" IS 'from the shop'; "
            "CREATE SUBSCRIPTION plain CONNECTION 'dbname=x' PUBLICATION p "
            "WITH (connect = false, slot_name = NONE)");
  auto backup = BackupOrDie(src, engine::BackupType::kFull);
  EXPECT_TRUE(backup.warnings.empty()) << ::testing::PrintToString(backup.warnings);
  std::string via_pgark = NewDatabase("pgark");
  ASSERT_THAT(RestoreInto(via_pgark, backup.manifest.backup_file), IsOk());
  std::string via_psql = NewDatabase("psql");
  ASSERT_EQ(RestoreWithPsql(ArchivePath(backup), via_psql), 0);
  const std::string schema = SchemaDump(src);
  EXPECT_THAT(schema, HasSubstr("CREATE SUBSCRIPTION \"Süb\""));
  EXPECT_THAT(schema, HasSubstr("streaming = on"));
  EXPECT_EQ(SchemaDump(via_pgark), schema);
  EXPECT_EQ(SchemaDump(via_psql), schema);
  // Restoring again keeps the existing ones, with a warning each.
  auto again = RestoreInto(via_pgark, backup.manifest.backup_file);
  ASSERT_THAT(again, IsOk());
  EXPECT_THAT(again->warnings, Contains(HasSubstr("\"Süb\" already exists")));
  for (const std::string& db : {src, via_pgark, via_psql}) {  // no slot to drop anywhere
    Exec(db, "ALTER SUBSCRIPTION \"Süb\" SET (slot_name = NONE); DROP SUBSCRIPTION \"Süb\"; "
             "DROP SUBSCRIPTION plain");
  }
}

TEST_F(RoundTripTest, OneTableOutOfAFullBackup) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  auto backup = BackupOrDie(src, engine::BackupType::kFull);
  std::string dst = NewDatabase("dst");
  auto restored = RestoreInto(dst, backup.manifest.backup_file, engine::OnConflict::kError,
                              {"locations"});
  ASSERT_THAT(restored, IsOk());
  EXPECT_EQ(restored->restored_tables, std::vector<std::string>{"locations"});
  EXPECT_EQ(TableDigest(dst, "public.locations"), TableDigest(src, "public.locations"));
  EXPECT_EQ(TableDigest(dst, "public.books"), "missing");
  // Its foreign key to the absent series table is skipped with a warning.
  EXPECT_THAT(restored->warnings, Contains(HasSubstr("locations_series_id_fkey")));
  EXPECT_THAT(RestoreInto(dst, backup.manifest.backup_file, engine::OnConflict::kError,
                          {"no_such_table"}),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("it has: series, books")));
}

// backup --statistics on this (pre-18) server: the archive carries each table's planner
// statistics and validates; a restore here says it skipped them and restores everything else.
// (tests/versions/run.sh restores them on PostgreSQL 18 and compares pg_stats and plans.)
TEST_F(RoundTripTest, PlannerStatisticsAreCarriedAndSkippedBefore18) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  Exec(src, "ANALYZE");
  engine::BackupOptions o;
  o.backup_dir = backup_dir_;
  o.statistics = true;
  auto backup = engine::Backup(Connect(src), o, engine::BackupType::kFull, nullptr);
  ASSERT_THAT(backup, IsOk());
  std::vector<std::string> with_statistics;
  for (const formats::MemberEntry& m : backup->manifest.members) {
    if (m.kind == formats::MemberKind::kStatisticsData) with_statistics.push_back(m.name);
  }
  EXPECT_EQ(with_statistics.size(), 5u);
  EXPECT_THAT(with_statistics, Contains("books"));
  auto report = engine::ValidateBackup(backup_dir_, backup->manifest.backup_file);
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->valid) << ::testing::PrintToString(report->errors);

  std::string dst = NewDatabase("dst");
  auto restored = RestoreInto(dst, backup->manifest.backup_file);
  ASSERT_THAT(restored, IsOk());
  EXPECT_THAT(restored->warnings,
              ElementsAre(HasSubstr("planner statistics not restored: PostgreSQL 15")));
  EXPECT_EQ(DatabaseDigest(dst), DatabaseDigest(src));
  EXPECT_EQ(SchemaDump(dst), SchemaDump(src));

  EXPECT_THAT(engine::Backup(Connect(src), o, engine::BackupType::kIncremental, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not incrementals")));
}

// A globals backup is a backup of its own kind: validated, refused by restore full, restored
// by restore globals, which creates nothing in the cluster it came from. A --with-owners
// backup names the roles it needs.
TEST_F(RoundTripTest, GlobalsBackupIsItsOwnKind) {
  Exec("postgres", "DO $$ BEGIN CREATE ROLE \"pgark Globals\" LOGIN CONNECTION LIMIT 3; "
                   "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
  engine::BackupOptions o;
  o.backup_dir = backup_dir_;
  auto globals = engine::Backup(Connect("postgres"), o, engine::BackupType::kGlobals, nullptr);
  ASSERT_THAT(globals, IsOk());
  EXPECT_EQ(globals->manifest.type, formats::BackupType::kGlobals);
  EXPECT_TRUE(globals->manifest.tables.empty());
  bool has_role = false;
  for (const formats::MemberEntry& m : globals->manifest.members) {
    has_role = has_role || (m.kind == formats::MemberKind::kRole && m.name == "pgark Globals");
  }
  EXPECT_TRUE(has_role);
  auto report = engine::ValidateBackup(backup_dir_, globals->manifest.backup_file);
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->valid) << ::testing::PrintToString(report->errors);
  EXPECT_THAT(RestoreInto(NewDatabase("dst"), globals->manifest.backup_file),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("restore globals")));
  engine::GlobalsRestoreOptions g;
  g.backup_dir = backup_dir_;
  g.backup_file = globals->manifest.backup_file;
  auto again = engine::RestoreGlobals(Connect("postgres"), g);
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->created.empty()) << ::testing::PrintToString(again->created);

  std::string src = NewDatabase("src");
  Exec(src, "CREATE TABLE t (a int); ALTER TABLE t OWNER TO \"pgark Globals\"");
  o.with_owners = true;
  auto full = engine::Backup(Connect(src), o, engine::BackupType::kFull, nullptr);
  ASSERT_THAT(full, IsOk());
  EXPECT_THAT(full->manifest.roles, Contains("pgark Globals"));
  Exec(src, "DROP TABLE t");
}

TEST_F(RoundTripTest, OnConflictModesIntoAnExistingTable) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  auto backup = BackupOrDie(src, engine::BackupType::kTable, {"characters"});
  const std::string original = TableDigest(src, "public.characters");

  // Change one row, delete another, add a new one.
  Exec(src, "UPDATE characters SET name = 'Renamed' WHERE id = 1");
  Exec(src, "DELETE FROM characters WHERE id = 2");
  Exec(src, "INSERT INTO characters (series_id, name) VALUES (1, 'Newcomer')");
  const std::string changed = TableDigest(src, "public.characters");

  // error: the first duplicate key stops the restore and changes nothing.
  EXPECT_THAT(RestoreInto(src, backup.manifest.backup_file, engine::OnConflict::kError),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("characters_pkey")));
  EXPECT_EQ(TableDigest(src, "public.characters"), changed);

  // skip: only the deleted row comes back.
  auto skipped = RestoreInto(src, backup.manifest.backup_file, engine::OnConflict::kSkip);
  ASSERT_THAT(skipped, IsOk());
  EXPECT_EQ(skipped->record_count, 1);
  EXPECT_EQ(skipped->skipped_records, 4);
  EXPECT_EQ(Query(src, "SELECT name FROM characters WHERE id = 1"), "Renamed");
  EXPECT_EQ(Query(src, "SELECT name FROM characters WHERE id = 2"), "Oskar Vey");

  // update: every backed-up row is put back; the newcomer stays.
  auto updated = RestoreInto(src, backup.manifest.backup_file, engine::OnConflict::kUpdate);
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->record_count, 5);
  Exec(src, "DELETE FROM characters WHERE name = 'Newcomer'");
  EXPECT_EQ(TableDigest(src, "public.characters"), original);
}

TEST_F(RoundTripTest, SchemaOnlyAndDataOnly) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  auto schema = BackupOrDie(src, engine::BackupType::kFull, {}, engine::Content::kSchemaOnly);
  auto data = BackupOrDie(src, engine::BackupType::kFull, {}, engine::Content::kDataOnly);
  EXPECT_NE(schema.manifest.backup_file, data.manifest.backup_file);  // same second, no clash
  std::string dst = NewDatabase("dst");
  ASSERT_THAT(RestoreInto(dst, schema.manifest.backup_file), IsOk());
  EXPECT_EQ(Query(dst, "SELECT count(*) FROM chapters"), "0");
  EXPECT_EQ(SchemaDump(dst), SchemaDump(src));
  // Data-only into the restored schema: foreign keys are checked row by row, so load in the
  // backup's order (parents first) works; sequences are set.
  Exec(dst, "SET session_replication_role = replica");
  auto loaded = RestoreInto(dst, data.manifest.backup_file);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ(DatabaseDigest(dst), DatabaseDigest(src));
}

}  // namespace
}  // namespace pgark
