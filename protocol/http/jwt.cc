#include "protocol/http/jwt.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace pgark::protocol {
namespace {

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using Bignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;

absl::Status Bad(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("invalid token: ", why));
}

bool Unbase64(absl::string_view in, std::string* out) { return absl::WebSafeBase64Unescape(in, out); }

Bignum BignumOf(const std::string& b64) {
  std::string bytes;
  if (!Unbase64(b64, &bytes) || bytes.empty()) return nullptr;
  return Bignum(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()), nullptr));
}

// The RSA public key of a JWK, or null.
Pkey RsaKey(const Json& jwk) {
  if (StringMember(jwk, "kty") != "RSA" || !jwk.contains("n") || !jwk.contains("e")) return nullptr;
  Bignum n = BignumOf(StringMember(jwk, "n")), e = BignumOf(StringMember(jwk, "e"));
  ParamBld bld(OSSL_PARAM_BLD_new());
  if (!n || !e || !bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get())) {
    return nullptr;
  }
  Params params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return Pkey(key);
}

bool SignatureMatches(const Json& jwks, const std::string& kid, absl::string_view signed_part,
                      const std::string& signature) {
  const Json keys = jwks.contains("keys") && jwks.at("keys").is_array() ? jwks.at("keys") : Json::array();
  for (const Json& jwk : keys) {
    if (!kid.empty() && StringMember(jwk, "kid") != kid) continue;
    Pkey key = RsaKey(jwk);
    MdCtx md(EVP_MD_CTX_new());
    if (!key || !md ||
        EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) {
      continue;
    }
    if (EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                         signature.size(),
                         reinterpret_cast<const unsigned char*>(signed_part.data()),
                         signed_part.size()) == 1) {
      return true;
    }
  }
  return false;
}

// A NumericDate, clamped to what a token can mean (hostile values are not UB).
absl::Time TimeOf(double seconds) {
  if (!(seconds > 0)) return absl::UnixEpoch();
  return absl::FromUnixSeconds(static_cast<int64_t>(std::min(seconds, 4e11)));
}

bool AudienceHas(const Json& aud, const std::string& audience) {
  if (aud.is_string()) return aud == audience;
  if (!aud.is_array()) return false;
  for (const Json& a : aud) {
    if (a.is_string() && a == audience) return true;
  }
  return false;
}

absl::Status CheckClaims(const Json& claims, const JwtPolicy& policy, absl::Time now) {
  if (StringMember(claims, "iss") != policy.issuer) return Bad("issued by another server");
  if (!AudienceHas(claims.contains("aud") ? claims["aud"] : Json(), policy.audience)) {
    return Bad("issued for another resource");
  }
  auto exp = claims.find("exp");
  if (exp == claims.end() || !exp->is_number() ||
      TimeOf(exp->get<double>()) + policy.leeway < now) {
    return Bad("expired");
  }
  if (auto nbf = claims.find("nbf"); nbf != claims.end() && nbf->is_number() &&
                                     TimeOf(nbf->get<double>()) - policy.leeway > now) {
    return Bad("not valid yet");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Json> LoadJwks(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("--jwks-file ", path, ": cannot read it"));
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().size() > (1u << 20)) {
    return absl::InvalidArgumentError(absl::StrCat("--jwks-file ", path, ": larger than 1 MiB"));
  }
  std::optional<Json> jwks = ParseMessage(text.str());
  if (!jwks || !jwks->is_object() || !(*jwks)["keys"].is_array()) {
    return absl::InvalidArgumentError(absl::StrCat("--jwks-file ", path, ": not a JWK set"));
  }
  for (const Json& k : (*jwks)["keys"]) {
    if (RsaKey(k)) return *jwks;
  }
  return absl::InvalidArgumentError(absl::StrCat("--jwks-file ", path, ": no RSA key in it"));
}

absl::StatusOr<Json> VerifyJwt(absl::string_view token, const JwtPolicy& policy, absl::Time now) {
  if (token.size() > 16384) return Bad("too long");
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return Bad("not a JWT");
  std::string header_text, claims_text, signature;
  if (!Unbase64(parts[0], &header_text) || !Unbase64(parts[1], &claims_text) ||
      !Unbase64(parts[2], &signature)) {
    return Bad("not base64url");
  }
  std::optional<Json> header = ParseMessage(header_text);
  std::optional<Json> claims = ParseMessage(claims_text);
  if (!header || !header->is_object() || !claims || !claims->is_object()) return Bad("not JSON");
  if (StringMember(*header, "alg") != "RS256") return Bad("algorithm other than RS256");
  const absl::string_view signed_part(parts[0].data(), parts[0].size() + 1 + parts[1].size());
  if (!SignatureMatches(policy.jwks, StringMember(*header, "kid"), signed_part, signature)) {
    return Bad("signature does not match the authorization server's keys");
  }
  if (absl::Status s = CheckClaims(*claims, policy, now); !s.ok()) return s;
  return *claims;
}

}  // namespace pgark::protocol
