#include "protocol/http/http_gate.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace pgark::protocol {

std::string HostName(absl::string_view authority) {
  authority = absl::StripAsciiWhitespace(authority);
  if (authority.empty()) return "";
  std::string host;
  if (authority.front() == '[') {  // an IPv6 literal
    const size_t close = authority.find(']');
    if (close == absl::string_view::npos) return "";
    host = std::string(authority.substr(0, close + 1));
    absl::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return "";
  } else {
    host = std::string(authority.substr(0, authority.find(':')));
  }
  return absl::AsciiStrToLower(host);
}

bool IsLoopbackHost(absl::string_view name) {
  return name == "localhost" || name == "::1" || name == "[::1]" ||
         absl::StartsWith(name, "127.");
}

OriginPolicy MakeOriginPolicy(absl::string_view bind_host, int port, bool tls,
                              const std::vector<std::string>& extra_hosts,
                              const std::vector<std::string>& extra_origins) {
  OriginPolicy p;
  const std::string bind = HostName(bind_host);
  std::vector<std::string> names = extra_hosts;
  if (IsLoopbackHost(bind)) {
    names.insert(names.end(), {"localhost", "127.0.0.1", "[::1]"});
  } else if (!extra_hosts.empty() && bind != "0.0.0.0" && bind != "[::]") {
    names.push_back(bind);
  }
  for (std::string& n : names) {
    n = HostName(n);
    p.hosts.push_back(n);
    p.origins.push_back(absl::StrCat(tls ? "https://" : "http://", n, ":", port));
  }
  for (const std::string& o : extra_origins) p.origins.push_back(absl::AsciiStrToLower(o));
  return p;
}

bool HostAllowed(const OriginPolicy& policy, absl::string_view host_header) {
  if (policy.hosts.empty()) return true;
  const std::string name = HostName(host_header);
  return !name.empty() &&
         std::find(policy.hosts.begin(), policy.hosts.end(), name) != policy.hosts.end();
}

bool OriginAllowed(const OriginPolicy& policy, absl::string_view origin, bool present) {
  if (!present) return true;
  const std::string o = absl::AsciiStrToLower(absl::StripAsciiWhitespace(origin));
  return std::find(policy.origins.begin(), policy.origins.end(), o) != policy.origins.end();
}

bool BearerMatches(absl::string_view authorization, absl::string_view token) {
  authorization = absl::StripAsciiWhitespace(authorization);
  if (authorization.size() < 7 || !absl::EqualsIgnoreCase(authorization.substr(0, 7), "bearer ")) {
    return false;
  }
  absl::string_view given = absl::StripLeadingAsciiWhitespace(authorization.substr(7));
  // Digests of equal length, so that the comparison takes the same time whatever was sent.
  unsigned char a[SHA256_DIGEST_LENGTH];
  unsigned char b[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a);
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), b);
  return !token.empty() && CRYPTO_memcmp(a, b, sizeof(a)) == 0;
}

AcceptedTypes ParseAccept(absl::string_view accept) {
  AcceptedTypes t;
  for (absl::string_view range : absl::StrSplit(accept, ',')) {
    std::vector<absl::string_view> parts = absl::StrSplit(range, ';');
    const std::string type = absl::AsciiStrToLower(absl::StripAsciiWhitespace(parts[0]));
    bool refused = false;  // q=0 means "not this one"
    for (size_t i = 1; i < parts.size(); ++i) {
      absl::string_view param = absl::StripAsciiWhitespace(parts[i]);
      double q = 1;
      if (absl::ConsumePrefix(&param, "q=") && absl::SimpleAtod(param, &q) && q <= 0) refused = true;
    }
    if (refused) continue;
    if (type == "*/*" || type == "application/*" || type == "application/json") t.json = true;
    if (type == "*/*" || type == "text/*" || type == "text/event-stream") t.sse = true;
  }
  return t;
}

bool IsJsonMediaType(absl::string_view content_type) {
  absl::string_view type = content_type.substr(0, content_type.find(';'));
  return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(type), "application/json");
}


}  // namespace pgark::protocol
