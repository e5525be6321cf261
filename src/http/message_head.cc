#include "http/message_head.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/status.hpp>
#include <charconv>
#include <cstring>

namespace spotauth::http {
namespace {

// One resize and two copies: four appends each checked the capacity and called memcpy.
void AppendField(std::string& out, std::string_view name, std::string_view value) {
  const std::size_t at = out.size();
  out.resize(at + name.size() + value.size() + 4);
  char* p = out.data() + at;
  std::memcpy(p, name.data(), name.size());
  p += name.size();
  *p++ = ':';
  *p++ = ' ';
  std::memcpy(p, value.data(), value.size());
  p += value.size();
  *p++ = '\r';
  *p = '\n';
}

void AppendNumber(std::string& out, std::size_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

// The preset's fields that no own field replaces; all of them in one copy when none does (a
// page has no own field, a redirect only Location and perhaps Set-Cookie).
void AppendPresetFields(const Response& response, std::string& out) {
  const PresetFields* preset = response.preset_fields();
  if (preset == nullptr) return;
  bool replaced = false;
  for (const auto& field : response) replaced = replaced || preset->Names(field);
  if (!replaced) {
    out.append(preset->text());
    return;
  }
  for (const PresetFields::Field& field : preset->fields()) {
    if (response.find(field.name) == response.end()) AppendField(out, field.name, field.value);
  }
}

}  // namespace

void AppendResponseHead(const Response& response, const ResponseFraming& framing,
                        std::string& out) {
  const unsigned status = response.result_int();
  out.append(response.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  AppendNumber(out, status);
  out.push_back(' ');
  const auto reason = response.reason();
  out.append(reason.empty() ? beast_http::obsolete_reason(response.result()) : reason);
  out.append("\r\n");

  AppendPresetFields(response, out);
  bool has_server = false;
  for (const auto& field : response) {
    switch (field.name()) {
      case beast_http::field::content_length:
      case beast_http::field::transfer_encoding:
      case beast_http::field::connection:
        continue;
      case beast_http::field::server:
        has_server = true;
        break;
      default:
        if (beast_http::field::unknown == field.name() &&
            boost::beast::iequals(field.name_string(), "X-Request-Id")) {
          continue;
        }
    }
    AppendField(out, field.name_string(), field.value());
  }
  if (!has_server) AppendField(out, "Server", "spotauth");
  AppendField(out, "X-Request-Id", framing.request_id);
  // Each version's default needs no field: HTTP/1.1 keeps the connection, HTTP/1.0 closes it.
  if (response.version() == 10) {
    if (framing.keep_alive) AppendField(out, "Connection", "keep-alive");
  } else if (!framing.keep_alive) {
    AppendField(out, "Connection", "close");
  }
  // These statuses never carry content (RFC 9110 §6.4.1, §8.6).
  if (status >= 200 && status != 204 && status != 304) {
    out.append("Content-Length: ");
    AppendNumber(out, response.body().size());
    out.append("\r\n");
  }
  out.append("\r\n");
}

void AppendRequestHead(beast_http::verb method, std::string_view target,
                       const beast_http::fields& fields, std::string_view host,
                       std::string_view user_agent, std::size_t body_size, std::string& out) {
  // One allocation for the whole head: the fixed parts and the separators take under 96 bytes.
  std::size_t size = target.size() + host.size() + user_agent.size() + 96;
  for (const auto& field : fields) size += field.name_string().size() + field.value().size() + 4;
  out.reserve(out.size() + size);
  out.append(beast_http::to_string(method)).append(" ").append(target).append(" HTTP/1.1\r\n");
  bool has_user_agent = false;
  for (const auto& field : fields) {
    switch (field.name()) {
      case beast_http::field::host:
      case beast_http::field::content_length:
      case beast_http::field::transfer_encoding:
        continue;
      case beast_http::field::user_agent:
        has_user_agent = true;
        break;
      default:
        break;
    }
    AppendField(out, field.name_string(), field.value());
  }
  AppendField(out, "Host", host);
  if (!has_user_agent) AppendField(out, "User-Agent", user_agent);
  if (body_size > 0 || method == beast_http::verb::post || method == beast_http::verb::put ||
      method == beast_http::verb::options) {
    out.append("Content-Length: ");
    AppendNumber(out, body_size);
    out.append("\r\n");
  }
  out.append("\r\n");
}

}  // namespace spotauth::http
