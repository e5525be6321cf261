#include "http/preset_fields.h"

#include <boost/beast/core/string.hpp>
#include <stdexcept>

#include "http/message.h"  // the beast_http alias

namespace spotauth::http {

PresetFields::PresetFields(std::initializer_list<Field> fields) {
  for (const Field& field : fields) Add(field);
}

PresetFields::PresetFields(const PresetFields& first, std::initializer_list<Field> more) {
  for (const Field& field : first.fields_) Add(field);
  for (const Field& field : more) Add(field);
}

void PresetFields::Add(const Field& field) {
  const beast_http::field known = beast_http::string_to_field(field.name);
  if (known == beast_http::field::content_length || known == beast_http::field::transfer_encoding ||
      known == beast_http::field::connection || known == beast_http::field::server ||
      boost::beast::iequals(field.name, "X-Request-Id")) {
    throw std::invalid_argument("a preset holds no framing field");
  }
  fields_.push_back(field);
  known_.push_back(known);
  text_.append(field.name).append(": ").append(field.value).append("\r\n");
}

bool PresetFields::Names(const beast_http::fields::value_type& field) const {
  // Beast's constant for a known name is an integer compare; only unknown names need the text.
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    if (known_[i] != field.name()) continue;
    if (known_[i] != beast_http::field::unknown ||
        boost::beast::iequals(fields_[i].name, field.name_string())) {
      return true;
    }
  }
  return false;
}

const PresetFields::Field* PresetFields::Find(std::string_view name) const {
  for (const Field& field : fields_) {
    if (boost::beast::iequals(field.name, name)) return &field;
  }
  return nullptr;
}

}  // namespace spotauth::http
