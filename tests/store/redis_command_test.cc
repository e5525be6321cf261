// The command writer against hiredis' own formatter: the same bytes for the same arguments.
#include "store/redis_command.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace spotauth::store {
namespace {

std::string HiredisFormat(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const std::string& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  char* text = nullptr;
  const int length =
      redisFormatCommandArgv(&text, static_cast<int>(args.size()), argv.data(), lengths.data());
  EXPECT_GT(length, 0);
  std::string out(text, static_cast<std::size_t>(length));
  redisFreeCommand(text);
  return out;
}

RedisCommand Written(const std::vector<std::string>& args) {
  RedisCommand command;
  for (const std::string& arg : args) command.Arg(arg);
  return command;
}

TEST(RedisCommand, WritesWhatHiredisWritesForTheSameArguments) {
  const std::string binary("a\r\nb\0c$*", 9);
  const std::vector<std::vector<std::string>> cases = {
      {"PING"},
      {"HMGET", "spotauth:{k}:s", "u", "n", "t", "c", "e"},
      {"SET", "", "empty value first"},
      {"SET", binary, binary},
      {"EVALSHA", std::string(40, 'f'), "1", std::string(5000, 'x'), "é ü"},
      std::vector<std::string>(12, "ten or more arguments"),
  };
  for (const auto& args : cases) {
    EXPECT_EQ(Written(args).Take(), HiredisFormat(args)) << args.front();
  }
}

TEST(RedisCommand, AnArgumentFromPiecesIsOneArgument) {
  const std::array<std::string_view, 4> key = {"spotauth:", "{", "key", "}:s"};
  RedisCommand command;
  command.Arg("GET").Arg(key).Arg(std::span<const std::string_view>());
  EXPECT_EQ(std::move(command).Take(), HiredisFormat({"GET", "spotauth:{key}:s", ""}));
}

TEST(RedisCommand, NumbersAreWrittenInDecimal) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  RedisCommand command;
  command.Arg("X").Arg(std::int64_t{0}).Arg(std::int64_t{-42}).Arg(kMax).Arg(kMin);
  EXPECT_EQ(std::move(command).Take(),
            HiredisFormat({"X", "0", "-42", std::to_string(kMax), std::to_string(kMin)}));
}

}  // namespace
}  // namespace spotauth::store
