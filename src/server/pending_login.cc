#include "server/pending_login.h"

#include <boost/json.hpp>
#include <charconv>

#include "core/crypto.h"
#include "core/encoding.h"
#include "core/json_fields.h"

namespace spotauth::server {

namespace json = boost::json;

namespace {

// `text` as a JSON string, quoted and escaped by Boost.JSON's serializer, through a stack buffer.
void AppendJsonString(std::string_view text, std::string& out) {
  json::serializer writer;
  writer.reset(json::string_view(text.data(), text.size()));
  char buffer[256];
  while (!writer.done()) {
    const json::string_view part = writer.read(buffer, sizeof buffer);
    out.append(part.data(), part.size());
  }
}

}  // namespace

std::string SealPendingLogins(std::span<const PendingLogin> logins, std::string_view key32,
                              std::string_view cookie_name, Random& random) {
  // [{"s":state,"v":verifier,"e":expiry,"r":return_to},...] written straight into one string
  // (every /login does this): building a JSON tree and serializing it was a tenth of a /login.
  std::string plain;
  plain.reserve(64 * logins.size() + 2);
  plain.push_back('[');
  for (const PendingLogin& login : logins) {
    if (plain.size() > 1) plain.push_back(',');
    plain.append(R"({"s":)");
    AppendJsonString(login.state, plain);
    plain.append(R"(,"v":)");
    AppendJsonString(login.verifier, plain);
    plain.append(R"(,"e":)");
    const auto expires =
        std::chrono::duration_cast<std::chrono::seconds>(login.expires_at.time_since_epoch());
    char digits[24];
    plain.append(digits, std::to_chars(digits, digits + sizeof digits, expires.count()).ptr);
    plain.append(R"(,"r":)");
    AppendJsonString(login.return_to, plain);
    plain.push_back('}');
  }
  plain.push_back(']');
  return Base64UrlEncode(AeadSeal(key32, kLoginKeyId, plain, cookie_name, random));
}

std::vector<PendingLogin> OpenPendingLogins(std::string_view value, std::string_view key32,
                                            std::string_view cookie_name) {
  if (value.empty() || value.size() > kMaxLoginCookieBytes) return {};
  auto sealed = Base64UrlDecode(value);
  if (!sealed) return {};
  auto plain = AeadOpen(key32, kLoginKeyId, *sealed, cookie_name);
  if (!plain) return {};
  boost::system::error_code ec;
  json_fields::ScratchJson scratch;
  json::value parsed = json::parse(*plain, ec, &scratch.memory);
  if (ec || !parsed.is_array()) return {};
  std::vector<PendingLogin> logins;
  for (const json::value& item : parsed.get_array()) {
    const json::object* o = item.if_object();
    if (!o) return {};
    const auto* s = o->if_contains("s");
    const auto* v = o->if_contains("v");
    const auto* e = o->if_contains("e");
    const auto* r = o->if_contains("r");
    if (!s || !s->is_string() || !v || !v->is_string() || !e || !e->is_int64() || !r ||
        !r->is_string()) {
      return {};
    }
    logins.push_back(PendingLogin{std::string(s->get_string()), std::string(v->get_string()),
                                  TimePoint{std::chrono::seconds{e->get_int64()}},
                                  std::string(r->get_string())});
  }
  return logins;
}

}  // namespace spotauth::server
