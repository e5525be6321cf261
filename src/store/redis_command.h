// A Redis command in its wire form (RESP: an array of bulk strings), written argument by
// argument into one string, for hiredis' redisAsyncFormattedCommand. hiredis' own formatter
// (redisFormatSdsCommandArgv) took 4,750 instructions for a session read's seven arguments,
// in its printf-like sdscatfmt and buffer growth; this writes the same bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace spotauth::store {

class RedisCommand {
 public:
  RedisCommand();

  RedisCommand& Arg(std::string_view value);
  // One argument written from pieces, e.g. a key: prefix, "{", key, "}:s".
  RedisCommand& Arg(std::span<const std::string_view> pieces);
  // In decimal.
  RedisCommand& Arg(std::int64_t value);

  // The command: "*<count>\r\n" then each argument as "$<length>\r\n<bytes>\r\n".
  std::string Take() &&;

 private:
  void Length(std::size_t length);  // "$<length>\r\n"

  std::string text_;  // a slot for the count, then the arguments
  std::size_t count_ = 0;
};

}  // namespace spotauth::store
