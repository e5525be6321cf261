#include "store/redis_command.h"

#include <array>
#include <charconv>

namespace spotauth::store {

namespace {

// "*" and the count go at the end of this slot once the count is known.
constexpr std::size_t kCountSlot = 24;

}  // namespace

RedisCommand::RedisCommand() {
  text_.reserve(160);
  text_.resize(kCountSlot);
}

void RedisCommand::Length(std::size_t length) {
  std::array<char, 24> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), length).ptr;
  text_.push_back('$');
  text_.append(digits.data(), end);
  text_.append("\r\n");
}

RedisCommand& RedisCommand::Arg(std::string_view value) {
  Length(value.size());
  text_.append(value).append("\r\n");
  ++count_;
  return *this;
}

RedisCommand& RedisCommand::Arg(std::span<const std::string_view> pieces) {
  std::size_t length = 0;
  for (std::string_view piece : pieces) length += piece.size();
  Length(length);
  for (std::string_view piece : pieces) text_.append(piece);
  text_.append("\r\n");
  ++count_;
  return *this;
}

RedisCommand& RedisCommand::Arg(std::int64_t value) {
  std::array<char, 24> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
  return Arg(std::string_view(digits.data(), static_cast<std::size_t>(end - digits.data())));
}

std::string RedisCommand::Take() && {
  std::array<char, kCountSlot> head{};
  head[0] = '*';
  char* end = std::to_chars(head.data() + 1, head.data() + head.size() - 2, count_).ptr;
  *end++ = '\r';
  *end++ = '\n';
  const auto size = static_cast<std::size_t>(end - head.data());
  text_.replace(0, kCountSlot, head.data(), size);
  return std::move(text_);
}

}  // namespace spotauth::store
