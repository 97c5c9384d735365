#include "protocol/tools/environment.h"

#include <cstdlib>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/strings/match.h"
#include "engine/log.h"
#include "formats/status_macros.h"

namespace pgark::protocol {

std::string Env(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

absl::StatusOr<bool> BoolFromEnvironment(const char* name, bool fallback) {
  const std::string value = Env(name);
  if (value.empty()) return fallback;
  const std::string flag = absl::AsciiStrToLower(value);
  if (flag == "true" || flag == "1" || flag == "yes" || flag == "on") return true;
  if (flag == "false" || flag == "0" || flag == "no" || flag == "off") return false;
  // Never a guess: a misspelt BACKUP_ENCRYPT must not write plaintext.
  return absl::InvalidArgumentError(absl::StrCat(
      name, "=\"", value.substr(0, 40), value.size() > 40 ? "..." : "",
      "\" is not a boolean; use true or false (or 1/0, yes/no, on/off)"));
}

absl::StatusOr<formats::Compression> CompressionFromEnvironment() {
  formats::Compression c;  // gzip at its default level
  const std::string value = Env("BACKUP_COMPRESSION");
  if (absl::StatusOr<bool> on = BoolFromEnvironment("BACKUP_COMPRESSION", true); on.ok()) {
    if (!*on) c.codec = formats::Codec::kNone;
  } else {
    absl::StatusOr<formats::Compression> parsed = formats::ParseCompression(value);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "BACKUP_COMPRESSION: ", parsed.status().message(), " (or true/false)"));
    }
    c = *parsed;
    if (absl::StrContains(value, ':')) return c;  // the level is named
  }
  const std::string level = Env("BACKUP_COMPRESSION_LEVEL");
  if (level.empty() || c.codec == formats::Codec::kNone) return c;
  PGARK_ASSIGN_OR_RETURN(c.level, ParseCompressionLevel(level, "BACKUP_COMPRESSION_LEVEL"));
  if (absl::Status s = formats::ValidateCompression(c); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("BACKUP_COMPRESSION_LEVEL: ", s.message()));
  }
  return c;
}

absl::StatusOr<int> ParseCompressionLevel(absl::string_view text, absl::string_view what) {
  int level = 0;
  if (text == "fast") return 1;
  if (!absl::SimpleAtoi(text, &level)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " \"", text.substr(0, 40), "\" is not fast or a number"));
  }
  return level;
}

absl::StatusOr<formats::Compression> ChooseCompression(std::optional<bool> enabled,
                                                       absl::string_view spec,
                                                       const formats::Compression& fallback) {
  formats::Compression c = fallback;
  if (!spec.empty()) {
    PGARK_ASSIGN_OR_RETURN(c, formats::ParseCompression(spec));
  }
  if (enabled == false) {
    if (!spec.empty() && c.codec != formats::Codec::kNone) {
      return absl::InvalidArgumentError(absl::StrCat(
          "no compression and compression ", formats::CompressionSpec(c), " exclude each other"));
    }
    c.codec = formats::Codec::kNone;
  } else if (enabled == true && c.codec == formats::Codec::kNone && spec.empty()) {
    c = formats::Compression();
  }
  return c;
}

absl::StatusOr<Encryption> EncryptionFromEnvironment() {
  Encryption e;
  PGARK_ASSIGN_OR_RETURN(e.encrypt, BoolFromEnvironment("BACKUP_ENCRYPT", false));
  std::string secret = Env("BACKUP_ENCRYPTION_KEY");
  if (secret.empty()) {
    if (std::string file = Env("BACKUP_ENCRYPTION_KEY_FILE"); !file.empty()) {
      std::ifstream in(file, std::ios::binary);
      if (!in || !std::getline(in, secret) || secret.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "BACKUP_ENCRYPTION_KEY_FILE \"", file, "\" cannot be read or its first line is empty"));
      }
      if (!secret.empty() && secret.back() == '\r') secret.pop_back();
    }
  }
  if (secret.empty()) {
    if (e.encrypt) {
      return absl::InvalidArgumentError(
          "BACKUP_ENCRYPT=true needs BACKUP_ENCRYPTION_KEY or BACKUP_ENCRYPTION_KEY_FILE");
    }
    return e;
  }
  PGARK_ASSIGN_OR_RETURN(e.key, formats::EncryptionKey::FromPassphrase(std::move(secret)));
  return e;
}

std::vector<std::string> AllowedTablesFromEnvironment() {
  std::vector<std::string> tables;
  const std::string env = Env("PGARK_ALLOWED_TABLES");
  for (absl::string_view t : absl::StrSplit(env, ',', absl::SkipWhitespace())) {
    tables.push_back(std::string(absl::StripAsciiWhitespace(t)));
  }
  return tables;
}

absl::Status CheckWholeDatabaseAllowed(const std::vector<std::string>& allowed,
                                       absl::string_view operation) {
  if (allowed.empty()) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      operation, " reads or writes every table, and PGARK_ALLOWED_TABLES confines pgark to ",
      absl::StrJoin(allowed, ", "), "; back up or restore those tables by name"));
}

absl::Status CheckAllowedTable(const std::vector<std::string>& allowed, const std::string& table) {
  if (allowed.empty()) return absl::OkStatus();
  for (const std::string& a : allowed) {
    if (a == table || absl::StrCat("public.", table) == a || absl::StrCat("public.", a) == table) {
      return absl::OkStatus();
    }
  }
  return absl::PermissionDeniedError(absl::StrCat("table \"", table,
                                                  "\" is not in PGARK_ALLOWED_TABLES (allowed: ",
                                                  absl::StrJoin(allowed, ", "), ")"));
}

absl::Status ConfigureLogging(bool verbose) {
  using engine::log::Level;
  const std::string name = absl::AsciiStrToLower(Env("PGARK_LOG"));
  Level level = Level::kOff;
  if (name == "debug") {
    level = Level::kDebug;
  } else if (name == "info") {
    level = Level::kInfo;
  } else if (name == "warn" || name == "warning") {
    level = Level::kWarn;
  } else if (!name.empty() && name != "off") {
    return absl::InvalidArgumentError("PGARK_LOG must be debug, info, warn or off");
  }
  const std::string debug = Env("DEBUG");
  if (verbose || debug == "*" || absl::StrContains(debug, "backup:")) level = Level::kDebug;
  const std::string format = absl::AsciiStrToLower(Env("PGARK_LOG_FORMAT", "text"));
  if (format != "text" && format != "json") {
    return absl::InvalidArgumentError("PGARK_LOG_FORMAT must be text or json");
  }
  engine::log::Configure(level, format == "json");
  return absl::OkStatus();
}

absl::StatusOr<engine::OperationsConfig> OperationsFromEnvironment() {
  engine::OperationsConfig c;
  for (absl::string_view to : absl::StrSplit(Env("BACKUP_NOTIFICATION_EMAIL"), ',')) {
    to = absl::StripAsciiWhitespace(to);
    if (!to.empty()) c.notify.email_to.emplace_back(to);
  }
  c.notify.smtp_url = Env("BACKUP_SMTP_URL");
  c.notify.smtp_user = Env("BACKUP_SMTP_USER");
  c.notify.smtp_password = Env("BACKUP_SMTP_PASSWORD");
  c.notify.from = Env("BACKUP_NOTIFICATION_FROM");
  c.notify.webhook_url = Env("BACKUP_NOTIFICATION_WEBHOOK");
  const std::string on = absl::AsciiStrToLower(Env("BACKUP_NOTIFY_ON", "failure"));
  if (on != "failure" && on != "always") {
    return absl::InvalidArgumentError("BACKUP_NOTIFY_ON must be failure or always");
  }
  c.notify.always = on == "always";
  c.metrics_file = Env("BACKUP_METRICS_FILE");
  return c;
}

}  // namespace pgark::protocol
