#include "server/sealed_token.h"

#include <boost/json.hpp>

#include "core/crypto.h"
#include "core/json_fields.h"

namespace spotauth::server {

namespace json = boost::json;

std::string SealToken(const Token& token, std::string_view key32, std::string_view record_key,
                      Random& random) {
  const auto expires =
      std::chrono::duration_cast<std::chrono::seconds>(token.expires_at.time_since_epoch());
  // Built in a stack buffer: five keys and their strings, serialized at once.
  json_fields::ScratchJson scratch;
  json::object o(5, &scratch.memory);
  o["a"] = token.access_token;
  o["r"] = token.refresh_token;
  o["t"] = token.token_type;
  o["s"] = token.scope.ToString();
  o["e"] = expires.count();
  return AeadSeal(key32, kTokenKeyId, json::serialize(o), record_key, random);
}

std::optional<Token> OpenToken(std::string_view sealed, std::string_view key32,
                               std::string_view record_key) {
  auto plain = AeadOpen(key32, kTokenKeyId, sealed, record_key);
  if (!plain) return std::nullopt;
  boost::system::error_code ec;
  json_fields::ScratchJson scratch;
  json::value v = json::parse(*plain, ec, &scratch.memory);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& o = v.get_object();
  const auto* a = o.if_contains("a");
  const auto* r = o.if_contains("r");
  const auto* t = o.if_contains("t");
  const auto* s = o.if_contains("s");
  const auto* e = o.if_contains("e");
  if (!a || !a->is_string() || !r || !r->is_string() || !t || !t->is_string() || !s ||
      !s->is_string() || !e || !e->is_int64()) {
    return std::nullopt;
  }
  Token token;
  token.access_token = std::string(a->get_string());
  token.refresh_token = std::string(r->get_string());
  token.token_type = std::string(t->get_string());
  token.scope = Scope::Parse(s->get_string());
  token.expires_at = TimePoint{std::chrono::seconds{e->get_int64()}};
  return token;
}

}  // namespace spotauth::server
