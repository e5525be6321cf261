#include "server/pending_login.h"

#include <boost/json.hpp>

#include "core/crypto.h"
#include "core/encoding.h"
#include "core/json_fields.h"

namespace spotauth::server {

namespace json = boost::json;

std::string SealPendingLogins(std::span<const PendingLogin> logins, std::string_view key32,
                              std::string_view cookie_name, Random& random) {
  // Built in a buffer on the stack (every /login does this): no heap allocation for the tree.
  json_fields::ScratchJson scratch;
  json::array list(&scratch.memory);
  for (const PendingLogin& login : logins) {
    const auto expires =
        std::chrono::duration_cast<std::chrono::seconds>(login.expires_at.time_since_epoch());
    list.push_back(json::object(
        {{"s", login.state}, {"v", login.verifier}, {"e", expires.count()}, {"r", login.return_to}},
        list.storage()));
  }
  return Base64UrlEncode(AeadSeal(key32, kLoginKeyId, json::serialize(list), cookie_name, random));
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
