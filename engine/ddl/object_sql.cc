// The DDL of the pre-data objects that are not tables (SchemaObjectDef), written from the facts
// of their kind: CREATE with its comment, owner and privileges, a materialized view's refresh
// and a domain's NOT VALID checks. Part of the DDL writer declared in schema_sql.h.
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/ddl/privileges_sql.h"
#include "engine/ddl/schema_sql.h"
#include "engine/ddl/sql_text.h"

namespace pgark::engine {
namespace {

std::string StripTrailingSemicolon(absl::string_view text) {
  while (!text.empty() && (text.back() == ';' || text.back() == '\n' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

std::string WithOptions(absl::string_view reloptions) {
  return reloptions.empty() ? "" : absl::StrCat(" WITH (", reloptions, ")");
}

// "CREATE ..." of one kind of object and the name COMMENT ON takes for it.
struct ObjectSql {
  std::string create;
  std::string comment_target;
};

// CREATE <kind> name (\n    options,\n    ...\n);
std::string CreateWithOptions(absl::string_view kind, absl::string_view name,
                              const std::vector<std::string>& options) {
  return absl::StrCat("CREATE ", kind, " ", name, " (\n    ", absl::StrJoin(options, ",\n    "),
                      "\n);\n\n");
}

std::string CollationOptions(const CollationFacts& c) {
  std::string options;
  if (c.provider == 'c') {
    options = c.collate == c.ctype
                  ? absl::StrCat("provider = libc, locale = ", QuoteLiteral(c.collate))
                  : absl::StrCat("provider = libc, lc_collate = ", QuoteLiteral(c.collate),
                                 ", lc_ctype = ", QuoteLiteral(c.ctype));
  } else {
    options = absl::StrCat("provider = ", c.provider == 'i' ? "icu" : "builtin", ", locale = ",
                           QuoteLiteral(c.locale));
    if (c.rules) absl::StrAppend(&options, ", rules = ", QuoteLiteral(*c.rules));
  }
  if (!c.deterministic) absl::StrAppend(&options, ", deterministic = false");
  return options;
}

const char* AlignmentSql(char a) {
  return a == 'c' ? "char" : a == 's' ? "int2" : a == 'd' ? "double" : "int4";
}

const char* StorageSql(char s) {
  return s == 'e' ? "external" : s == 'm' ? "main" : s == 'x' ? "extended" : "plain";
}

std::string BaseTypeSql(const BaseTypeFacts& b, const std::string& name) {
  std::vector<std::string> o = {
      absl::StrCat("INTERNALLENGTH = ",
                   b.internal_length == -1 ? "variable" : absl::StrCat(b.internal_length)),
      absl::StrCat("INPUT = ", b.input), absl::StrCat("OUTPUT = ", b.output)};
  const std::pair<const char*, const std::string*> functions[] = {
      {"RECEIVE", &b.receive},       {"SEND", &b.send},       {"TYPMOD_IN", &b.typmod_in},
      {"TYPMOD_OUT", &b.typmod_out}, {"ANALYZE", &b.analyze}, {"SUBSCRIPT", &b.subscript}};
  for (const auto& [option, value] : functions) {
    if (!value->empty()) o.push_back(absl::StrCat(option, " = ", *value));
  }
  if (b.passed_by_value) o.push_back("PASSEDBYVALUE");
  o.push_back(absl::StrCat("ALIGNMENT = ", AlignmentSql(b.alignment)));
  o.push_back(absl::StrCat("STORAGE = ", StorageSql(b.storage)));
  if (b.category != 'U') o.push_back(absl::StrCat("CATEGORY = ", QuoteLiteral(std::string(1, b.category))));
  if (b.preferred) o.push_back("PREFERRED = true");
  if (b.default_value) o.push_back(absl::StrCat("DEFAULT = ", QuoteLiteral(*b.default_value)));
  if (!b.element.empty()) o.push_back(absl::StrCat("ELEMENT = ", b.element));
  if (b.delimiter != ",") o.push_back(absl::StrCat("DELIMITER = ", QuoteLiteral(b.delimiter)));
  if (b.collatable) o.push_back("COLLATABLE = true");
  return CreateWithOptions("TYPE", name, o);
}

ObjectSql TypeSql(const SchemaObjectDef& o, const std::string& name) {
  const std::string target = absl::StrCat("TYPE ", name);
  if (const auto* b = std::get_if<BaseTypeFacts>(&o.facts)) return {BaseTypeSql(*b, name), target};
  if (std::holds_alternative<ShellTypeFacts>(o.facts)) {
    return {ShellTypeSql(o), target};
  }
  if (const auto* e = std::get_if<EnumFacts>(&o.facts)) {
    std::vector<std::string> labels;
    for (const std::string& l : e->labels) labels.push_back(QuoteLiteral(l));
    return {absl::StrCat("CREATE TYPE ", name, " AS ENUM (\n    ",
                         absl::StrJoin(labels, ",\n    "), "\n);\n\n"),
            target};
  }
  if (const auto* c = std::get_if<CompositeFacts>(&o.facts)) {
    std::vector<std::string> attributes;
    std::string comments;
    for (const CompositeAttribute& a : c->attributes) {
      attributes.push_back(absl::StrCat(QuoteIdent(a.name), " ", a.type,
                                        a.collation.empty() ? "" : " COLLATE ", a.collation));
      absl::StrAppend(&comments, CommentSql(absl::StrCat("COLUMN ", name, ".", QuoteIdent(a.name)),
                                            a.comment));
    }
    return {absl::StrCat("CREATE TYPE ", name, " AS (\n    ",
                         absl::StrJoin(attributes, ",\n    "), "\n);\n\n", comments),
            target};
  }
  const RangeFacts& r = o.As<RangeFacts>();
  std::vector<std::string> options = {absl::StrCat("SUBTYPE = ", r.subtype)};
  const std::pair<const char*, const std::string*> optional[] = {
      {"SUBTYPE_OPCLASS", &r.subtype_opclass}, {"COLLATION", &r.collation},
      {"CANONICAL", &r.canonical}, {"SUBTYPE_DIFF", &r.subtype_diff},
      {"MULTIRANGE_TYPE_NAME", &r.multirange}};
  for (const auto& [option, value] : optional) {
    if (!value->empty()) options.push_back(absl::StrCat(option, " = ", *value));
  }
  return {absl::StrCat("CREATE TYPE ", name, " AS RANGE (\n    ",
                       absl::StrJoin(options, ",\n    "), "\n);\n\n"),
          target};
}

std::string DomainCheckComment(const DomainCheck& check, const std::string& domain) {
  return CommentSql(absl::StrCat("CONSTRAINT ", QuoteIdent(check.name), " ON DOMAIN ", domain),
                    check.comment);
}

ObjectSql DomainSql(const DomainFacts& d, const std::string& name) {
  std::string sql = absl::StrCat("CREATE DOMAIN ", name, " AS ", d.base_type);
  if (!d.collation.empty()) absl::StrAppend(&sql, " COLLATE ", d.collation);
  if (!d.default_expr.empty()) absl::StrAppend(&sql, " DEFAULT ", d.default_expr);
  if (d.not_null) absl::StrAppend(&sql, " NOT NULL");
  std::string comments;
  for (const DomainCheck& check : d.checks) {  // NOT VALID ones after the data
    if (check.validated) {
      absl::StrAppend(&sql, "\n    CONSTRAINT ", QuoteIdent(check.name), " ", check.definition);
      absl::StrAppend(&comments, DomainCheckComment(check, name));
    }
  }
  absl::StrAppend(&sql, ";\n\n", comments);
  return {std::move(sql), absl::StrCat("DOMAIN ", name)};
}

ObjectSql RoutineSql(const SchemaObjectDef& o, const std::string& name) {
  // Plain CREATE, not OR REPLACE: restoring over an existing function is reported, not done
  // silently.
  absl::string_view def = o.As<RoutineFacts>().definition;
  if (absl::StartsWith(def, "CREATE OR REPLACE ")) def.remove_prefix(18);
  return {absl::StrCat("CREATE ", StripTrailingSemicolon(def), ";\n\n"),
          absl::StrCat(formats::WireName(o.kind), " ", name, "(", o.identity, ")")};
}

const char* ModifySql(char modify) {
  return modify == 'r' ? "READ_ONLY" : modify == 's' ? "SHAREABLE" : "READ_WRITE";
}

std::vector<std::string> AggregateOptions(const AggregateFacts& a) {
  std::vector<std::string> o = {absl::StrCat("SFUNC = ", a.sfunc),
                                absl::StrCat("STYPE = ", a.stype)};
  auto add = [&o](const char* option, const std::string& value) {
    if (!value.empty()) o.push_back(absl::StrCat(option, " = ", value));
  };
  if (a.sspace != 0) o.push_back(absl::StrCat("SSPACE = ", a.sspace));
  add("FINALFUNC", a.finalfunc);
  if (a.finalfunc_extra) o.push_back("FINALFUNC_EXTRA");
  if (!a.finalfunc.empty()) add("FINALFUNC_MODIFY", ModifySql(a.finalfunc_modify));
  add("COMBINEFUNC", a.combinefunc);
  add("SERIALFUNC", a.serialfunc);
  add("DESERIALFUNC", a.deserialfunc);
  if (a.initcond) o.push_back(absl::StrCat("INITCOND = ", QuoteLiteral(*a.initcond)));
  add("MSFUNC", a.msfunc);
  add("MINVFUNC", a.minvfunc);
  add("MSTYPE", a.mstype);
  if (a.msspace != 0) o.push_back(absl::StrCat("MSSPACE = ", a.msspace));
  add("MFINALFUNC", a.mfinalfunc);
  if (a.mfinalfunc_extra) o.push_back("MFINALFUNC_EXTRA");
  if (!a.mfinalfunc.empty()) add("MFINALFUNC_MODIFY", ModifySql(a.mfinalfunc_modify));
  if (a.minitcond) o.push_back(absl::StrCat("MINITCOND = ", QuoteLiteral(*a.minitcond)));
  if (!a.sortop.empty()) o.push_back(absl::StrCat("SORTOP = OPERATOR(", a.sortop, ")"));
  if (a.parallel == 's') o.push_back("PARALLEL = SAFE");
  if (a.parallel == 'r') o.push_back("PARALLEL = RESTRICTED");
  if (a.hypothetical) o.push_back("HYPOTHETICAL");
  return o;
}

std::vector<std::string> OperatorOptions(const OperatorFacts& op) {
  std::vector<std::string> o = {absl::StrCat("FUNCTION = ", op.function)};
  if (!op.left_type.empty()) o.push_back(absl::StrCat("LEFTARG = ", op.left_type));
  o.push_back(absl::StrCat("RIGHTARG = ", op.right_type));
  if (!op.commutator.empty()) o.push_back(absl::StrCat("COMMUTATOR = OPERATOR(", op.commutator, ")"));
  if (!op.negator.empty()) o.push_back(absl::StrCat("NEGATOR = OPERATOR(", op.negator, ")"));
  if (!op.restrict_estimator.empty()) o.push_back(absl::StrCat("RESTRICT = ", op.restrict_estimator));
  if (!op.join_estimator.empty()) o.push_back(absl::StrCat("JOIN = ", op.join_estimator));
  if (op.hashes) o.push_back("HASHES");
  if (op.merges) o.push_back("MERGES");
  return o;
}

ObjectSql TextSearchConfigurationSql(const TextSearchConfigurationFacts& c,
                                     const std::string& name) {
  std::string sql =
      absl::StrCat("CREATE TEXT SEARCH CONFIGURATION ", name, " (PARSER = ", c.parser, ");\n");
  for (const TextSearchMapping& m : c.mappings) {
    absl::StrAppend(&sql, "ALTER TEXT SEARCH CONFIGURATION ", name, " ADD MAPPING FOR ",
                    QuoteIdent(m.token_type), " WITH ", absl::StrJoin(m.dictionaries, ", "),
                    ";\n");
  }
  return {absl::StrCat(sql, "\n"), absl::StrCat("TEXT SEARCH CONFIGURATION ", name)};
}

ObjectSql TextSearchDictionarySql(const TextSearchDictionaryFacts& d, const std::string& name) {
  return {absl::StrCat("CREATE TEXT SEARCH DICTIONARY ", name, " (\n    TEMPLATE = ",
                       d.template_name, d.init_options.empty() ? "" : ", ", d.init_options,
                       ");\n\n"),
          absl::StrCat("TEXT SEARCH DICTIONARY ", name)};
}

ObjectSql OperatorFamilySql(const SchemaObjectDef& o) {
  std::string target = absl::StrCat("OPERATOR FAMILY ", OperatorFamilyRef(o));
  std::string sql = absl::StrCat("CREATE ", target, ";\n");
  const std::vector<std::string>& members = o.As<OperatorFamilyFacts>().members;
  if (!members.empty()) {
    absl::StrAppend(&sql, "ALTER ", target, " ADD\n    ", absl::StrJoin(members, ", "), ";\n");
  }
  return {absl::StrCat(sql, "\n"), std::move(target)};
}

ObjectSql OperatorClassSql(const SchemaObjectDef& o, const std::string& name) {
  const OperatorClassFacts& c = o.As<OperatorClassFacts>();
  std::vector<std::string> items = c.members;
  // A class without members says STORAGE, as it must say something.
  if (!c.storage.empty() || items.empty()) {
    items.push_back(absl::StrCat("STORAGE ", c.storage.empty() ? c.for_type : c.storage));
  }
  return {absl::StrCat("CREATE OPERATOR CLASS ", name, " ", c.is_default ? "DEFAULT " : "",
                       "FOR TYPE ", c.for_type, " USING ", o.identity, " FAMILY ", c.family,
                       " AS ", absl::StrJoin(items, ", "), ";\n\n"),
          absl::StrCat("OPERATOR CLASS ", OperatorFamilyRef(o))};
}

ObjectSql CastSql(const SchemaObjectDef& o) {
  const CastFacts& c = o.As<CastFacts>();
  const std::string how = c.method == 'f'   ? absl::StrCat("WITH FUNCTION ", c.function)
                          : c.method == 'i' ? "WITH INOUT"
                                            : "WITHOUT FUNCTION";
  const char* context = c.context == 'a' ? " AS ASSIGNMENT" : c.context == 'i' ? " AS IMPLICIT" : "";
  return {absl::StrCat("CREATE CAST ", o.name, " ", how, context, ";\n\n"),
          absl::StrCat("CAST ", o.name)};
}

// A foreign-data wrapper or server: named alone, no schema.
ObjectSql ForeignSql(const SchemaObjectDef& o) {
  std::vector<std::string> clauses;
  if (const auto* w = std::get_if<ForeignDataWrapperFacts>(&o.facts)) {
    if (!w->handler.empty()) clauses.push_back(absl::StrCat("HANDLER ", w->handler));
    if (!w->validator.empty()) clauses.push_back(absl::StrCat("VALIDATOR ", w->validator));
    if (!w->options.empty()) clauses.push_back(absl::StrCat("OPTIONS (", w->options, ")"));
  } else {
    const ServerFacts& s = o.As<ServerFacts>();
    if (s.type) clauses.push_back(absl::StrCat("TYPE ", QuoteLiteral(*s.type)));
    if (s.version) clauses.push_back(absl::StrCat("VERSION ", QuoteLiteral(*s.version)));
    clauses.push_back(absl::StrCat("FOREIGN DATA WRAPPER ", s.wrapper));
    if (!s.options.empty()) clauses.push_back(absl::StrCat("OPTIONS (", s.options, ")"));
  }
  std::string target = absl::StrCat(formats::WireName(o.kind), " ", QuoteIdent(o.name));
  return {absl::StrCat("CREATE ", target, clauses.empty() ? "" : " ",
                       absl::StrJoin(clauses, " "), ";\n\n"),
          target};
}

// A postponed view's placeholder: its columns, of their types, from nothing.
std::string ViewPlaceholderSql(const RelationFacts& r, const std::string& name) {
  std::vector<std::string> columns;
  for (const CompositeAttribute& c : r.columns) {
    columns.push_back(absl::StrCat("NULL::", c.type, c.collation.empty() ? "" : " COLLATE ",
                                   c.collation, " AS ", QuoteIdent(c.name)));
  }
  return absl::StrCat("CREATE VIEW ", name, " AS\n SELECT\n    ",
                      absl::StrJoin(columns, ",\n    "), ";\n\n");
}

// A view's column defaults, a materialized view's column settings.
std::string RelationColumnSettingsSql(const SchemaObjectDef& o, const RelationFacts& r,
                                      const std::string& name) {
  const std::string alter = absl::StrCat("ALTER ", formats::WireName(o.kind), " ", name);
  std::string sql;
  for (const ColumnDef& c : r.column_settings) {
    if (!c.default_expr.empty()) {
      absl::StrAppend(&sql, alter, " ALTER COLUMN ", QuoteIdent(c.name), " SET DEFAULT ",
                      c.default_expr, ";\n\n");
    }
    absl::StrAppend(&sql, ColumnSettingsOf(alter, c));
  }
  return sql;
}

ObjectSql RelationSql(const SchemaObjectDef& o, const std::string& name) {
  const RelationFacts& r = o.As<RelationFacts>();
  const std::string settings = RelationColumnSettingsSql(o, r, name);
  if (o.postponed && o.kind == MemberKind::kView) {
    return {ViewPlaceholderSql(r, name) + settings, absl::StrCat("VIEW ", name)};
  }
  const bool matview = o.kind == MemberKind::kMaterializedView;
  const std::string tablespace =
      r.tablespace.empty() ? "" : absl::StrCat(" TABLESPACE ", QuoteIdent(r.tablespace));
  return {absl::StrCat("CREATE ", formats::WireName(o.kind), " ", name,
                       WithOptions(r.reloptions), tablespace, " AS\n",
                       StripTrailingSemicolon(r.definition),
                       matview ? "\n  WITH NO DATA;\n\n" : ";\n\n", settings),
          absl::StrCat(formats::WireName(o.kind), " ", name)};
}

ObjectSql LanguageSql(const SchemaObjectDef& o) {
  const LanguageFacts& l = o.As<LanguageFacts>();
  const std::string name = QuoteIdent(o.name);
  std::string sql = absl::StrCat("CREATE ", l.trusted ? "TRUSTED " : "", "LANGUAGE ", name);
  if (!l.handler.empty()) absl::StrAppend(&sql, " HANDLER ", l.handler);
  if (!l.inline_handler.empty()) absl::StrAppend(&sql, " INLINE ", l.inline_handler);
  if (!l.validator.empty()) absl::StrAppend(&sql, " VALIDATOR ", l.validator);
  return {absl::StrCat(sql, ";\n\n"), absl::StrCat("LANGUAGE ", name)};
}

// CREATE TEXT SEARCH PARSER or TEMPLATE (`what`).
ObjectSql TextSearchMethodSql(const SchemaObjectDef& o, absl::string_view what,
                              const std::string& name) {
  std::vector<std::string> options;
  for (const auto& [option, function] : o.As<TextSearchMethodFacts>().functions) {
    options.push_back(absl::StrCat(option, " = ", function));
  }
  return {absl::StrCat("CREATE TEXT SEARCH ", what, " ", name, " (\n    ",
                       absl::StrJoin(options, ",\n    "), "\n);\n\n"),
          absl::StrCat("TEXT SEARCH ", what, " ", name)};
}

ObjectSql ConversionSql(const ConversionFacts& c, const std::string& name) {
  return {absl::StrCat("CREATE ", c.is_default ? "DEFAULT " : "", "CONVERSION ", name, " FOR ",
                       QuoteLiteral(c.source), " TO ", QuoteLiteral(c.target), " FROM ",
                       c.function, ";\n\n"),
          absl::StrCat("CONVERSION ", name)};
}

ObjectSql ObjectCreateSql(const SchemaObjectDef& o) {
  const std::string name = QualifiedName(o.schema, o.name);
  switch (o.kind) {
    case MemberKind::kLanguage:
      return LanguageSql(o);
    case MemberKind::kTextSearchParser:
      return TextSearchMethodSql(o, "PARSER", name);
    case MemberKind::kTextSearchTemplate:
      return TextSearchMethodSql(o, "TEMPLATE", name);
    case MemberKind::kConversion:
      return ConversionSql(o.As<ConversionFacts>(), name);
    case MemberKind::kSchema:
      return {std::get_if<SchemaFacts>(&o.facts) != nullptr && o.As<SchemaFacts>().predefined
                  ? ""
                  : CreateSchemaSql(o.name),
              absl::StrCat("SCHEMA ", QuoteIdent(o.name))};
    case MemberKind::kAggregate:
      return {absl::StrCat("CREATE AGGREGATE ", name, "(", o.As<AggregateFacts>().arguments,
                           ") (\n    ",
                           absl::StrJoin(AggregateOptions(o.As<AggregateFacts>()), ",\n    "),
                           "\n);\n\n"),
              absl::StrCat("AGGREGATE ", name, "(", o.identity, ")")};
    case MemberKind::kTextSearchDictionary:
      return TextSearchDictionarySql(o.As<TextSearchDictionaryFacts>(), name);
    case MemberKind::kTextSearchConfiguration:
      return TextSearchConfigurationSql(o.As<TextSearchConfigurationFacts>(), name);
    case MemberKind::kOperator:
      return {CreateWithOptions("OPERATOR", OperatorName(o), OperatorOptions(o.As<OperatorFacts>())),
              absl::StrCat("OPERATOR ", OperatorSignature(o))};
    case MemberKind::kCast:
      return CastSql(o);
    case MemberKind::kAccessMethod: {
      const AccessMethodFacts& am = o.As<AccessMethodFacts>();
      return {absl::StrCat("CREATE ACCESS METHOD ", QuoteIdent(o.name), " TYPE ",
                           am.type == 'i' ? "INDEX" : "TABLE", " HANDLER ", am.handler, ";\n\n"),
              absl::StrCat("ACCESS METHOD ", QuoteIdent(o.name))};
    }
    case MemberKind::kTransform: {
      const TransformFacts& t = o.As<TransformFacts>();
      std::vector<std::string> parts;
      if (!t.from_sql.empty()) parts.push_back(absl::StrCat("FROM SQL WITH FUNCTION ", t.from_sql));
      if (!t.to_sql.empty()) parts.push_back(absl::StrCat("TO SQL WITH FUNCTION ", t.to_sql));
      return {absl::StrCat("CREATE TRANSFORM FOR ", o.name, " (", absl::StrJoin(parts, ", "),
                           ");\n\n"),
              absl::StrCat("TRANSFORM FOR ", o.name)};
    }
    case MemberKind::kOperatorFamily:
      return OperatorFamilySql(o);
    case MemberKind::kOperatorClass:
      return OperatorClassSql(o, name);
    case MemberKind::kForeignDataWrapper:
    case MemberKind::kServer:
      return ForeignSql(o);
    case MemberKind::kCollation:
      return {absl::StrCat("CREATE COLLATION ", name, " (", CollationOptions(o.As<CollationFacts>()),
                           ");\n\n"),
              absl::StrCat("COLLATION ", name)};
    case MemberKind::kType:
      return TypeSql(o, name);
    case MemberKind::kDomain:
      return DomainSql(o.As<DomainFacts>(), name);
    case MemberKind::kFunction:
    case MemberKind::kProcedure:
      return RoutineSql(o, name);
    case MemberKind::kSequence:
      return {CreateSequenceSql(o.As<SequenceDef>()), absl::StrCat("SEQUENCE ", name)};
    case MemberKind::kView:
    case MemberKind::kMaterializedView:
      return RelationSql(o, name);
    default:
      return {};
  }
}

}  // namespace

std::string ShellTypeSql(const SchemaObjectDef& type) {
  return absl::StrCat("CREATE TYPE ", QualifiedName(type.schema, type.name), ";\n\n");
}

std::string OperatorName(const SchemaObjectDef& o) {
  // Not QualifiedName: an operator's name is not an identifier and is never quoted.
  return absl::StrCat(QuoteIdent(o.schema), ".", o.name);
}

std::string OperatorSignature(const SchemaObjectDef& o) {
  return absl::StrCat(OperatorName(o), " (", o.identity, ")");
}

std::string OperatorFamilyRef(const SchemaObjectDef& o) {
  return absl::StrCat(QualifiedName(o.schema, o.name), " USING ", o.identity);
}

std::string CreateObjectSql(const SchemaObjectDef& o) {
  if (o.kind == MemberKind::kExtension) {
    return absl::StrCat("CREATE EXTENSION IF NOT EXISTS ", QuoteIdent(o.name), " WITH SCHEMA ",
                        QuoteIdent(o.schema), ";\n\n");
  }
  ObjectSql sql = ObjectCreateSql(o);
  const auto* schema = std::get_if<SchemaFacts>(&o.facts);
  if (schema != nullptr && schema->predefined) {
    // The public schema: its comment only when it is not initdb's, NULL when it was removed.
    if (o.comment == "standard public schema") return "";
    if (o.comment.empty()) return absl::StrCat("COMMENT ON ", sql.comment_target, " IS NULL;\n\n");
  }
  return absl::StrCat(sql.create, CommentSql(sql.comment_target, o.comment));
}

std::string TablePrivilegesSql(const TableDef& t) {
  const std::string name = QualifiedName(t.ref.schema, t.ref.name);
  std::string sql =
      PrivilegesSql(formats::WireName(TableKind(t.ref)), "TABLE", name, t.privileges);
  for (const auto& [column, privileges] : t.column_privileges) {
    sql += ColumnPrivilegesSql(name, column, privileges);
  }
  return sql;
}

std::string ObjectPrivilegesSql(const SchemaObjectDef& o) {
  const char* kind = formats::WireName(o.kind);
  const std::string ref = QualifiedName(o.schema, o.name);
  switch (o.kind) {
    case MemberKind::kExtension:
    case MemberKind::kCast:  // casts, access methods and transforms have no owner
    case MemberKind::kAccessMethod:
    case MemberKind::kTransform:
    case MemberKind::kTextSearchParser:  // nor have text search parsers and templates
    case MemberKind::kTextSearchTemplate:
      return "";
    case MemberKind::kLanguage:
      return PrivilegesSql(kind, kind, QuoteIdent(o.name), o.privileges);
    case MemberKind::kConversion:  // no ACL
      return PrivilegesSql(kind, ref, "", "", o.privileges);
    case MemberKind::kSchema:
      // The public schema's are a change from initdb's: ListPredefinedPrivileges.
      if (const auto* s = std::get_if<SchemaFacts>(&o.facts); s != nullptr && s->predefined) {
        return "";
      }
      [[fallthrough]];
    case MemberKind::kForeignDataWrapper:
      return PrivilegesSql(kind, kind, QuoteIdent(o.name), o.privileges);
    case MemberKind::kServer:
      return PrivilegesSql(kind, "FOREIGN SERVER", QuoteIdent(o.name), o.privileges);
    case MemberKind::kFunction:
    case MemberKind::kProcedure:
      return PrivilegesSql(kind, kind, absl::StrCat(ref, "(", o.identity, ")"), o.privileges);
    case MemberKind::kOperator:  // no ACL
      return PrivilegesSql(kind, OperatorSignature(o), "", "", o.privileges);
    case MemberKind::kOperatorFamily:
    case MemberKind::kOperatorClass:  // no ACL
      return PrivilegesSql(kind, OperatorFamilyRef(o), "", "", o.privileges);
    case MemberKind::kAggregate:  // ALTER AGGREGATE takes its signature, GRANT a function's
      return PrivilegesSql(kind, absl::StrCat(ref, "(", o.identity, ")"), "FUNCTION",
                           absl::StrCat(ref, "(", o.As<AggregateFacts>().function_arguments, ")"),
                           o.privileges);
    case MemberKind::kSequence:
      return PrivilegesSql(kind, "SEQUENCE", ref, o.privileges);
    case MemberKind::kType:
    case MemberKind::kDomain:
      return PrivilegesSql(kind, "TYPE", ref, o.privileges);
    default:
      return PrivilegesSql(kind, "TABLE", ref, o.privileges);
  }
}

std::string ViewDefinitionSql(const SchemaObjectDef& view) {
  const RelationFacts& r = view.As<RelationFacts>();
  return absl::StrCat("CREATE OR REPLACE VIEW ", QualifiedName(view.schema, view.name),
                      WithOptions(r.reloptions), " AS\n", StripTrailingSemicolon(r.definition),
                      ";\n\n");
}

std::string RefreshSql(const SchemaObjectDef& o) {
  if (!o.As<RelationFacts>().populated) return "";
  return absl::StrCat("REFRESH MATERIALIZED VIEW ", QualifiedName(o.schema, o.name), ";\n\n");
}

std::string DomainNotValidSql(const SchemaObjectDef& o) {
  std::string sql;
  for (const DomainCheck& check : o.As<DomainFacts>().checks) {
    if (check.validated) continue;
    const std::string domain = QualifiedName(o.schema, o.name);
    absl::StrAppend(&sql, "ALTER DOMAIN ", domain, " ADD CONSTRAINT ", QuoteIdent(check.name), " ",
                    check.definition, ";\n\n", DomainCheckComment(check, domain));
  }
  return sql;
}

}  // namespace pgark::engine
