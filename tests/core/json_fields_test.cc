#include "core/json_fields.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <type_traits>

namespace spotauth::json_fields {
namespace {

namespace json = boost::json;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

// {"k": field}, or {} when field is nullptr (the key is absent).
json::object WithField(const char* field) {
  if (field == nullptr) return {};
  return json::parse(std::string(R"({"k":)") + field + "}").as_object();
}

// What a read should give: a value, or the problem it reports for "k".
template <class T>
struct Case {
  const char* field;  // JSON text of the value under "k"; nullptr: absent
  std::optional<T> value;
  std::optional<Problem> problem;
};

template <class T, class ReadFn>
void ExpectCases(std::initializer_list<Case<T>> cases, ReadFn read) {
  for (const Case<T>& c : cases) {
    const char* field = c.field == nullptr ? "(absent)" : c.field;
    const auto got = read(WithField(c.field));
    if (c.problem) {
      ASSERT_FALSE(got) << field;
      EXPECT_EQ(got.error().problem, *c.problem) << field;
      EXPECT_EQ(got.error().key, "k") << field;
      EXPECT_EQ(got.error().detail, "") << field;
    } else {
      ASSERT_TRUE(got) << field << ": " << Describe(got.error().problem);
      ASSERT_TRUE(c.value.has_value()) << field;
      EXPECT_EQ(*got, *c.value) << field;
    }
  }
}

TEST(JsonFields, ParseObjectAcceptsOnlyAJsonObject) {
  struct ParseCase {
    std::string_view text;
    std::optional<Problem> problem;
  };
  const ParseCase cases[] = {
      {"{}", std::nullopt},
      {R"( {"a": [1, {"b": null}]} )", std::nullopt},
      {"", Problem::kNotJson},
      {"{", Problem::kNotJson},
      {R"({"a":1} trailing)", Problem::kNotJson},
      {"{'a':1}", Problem::kNotJson},
      {"[]", Problem::kNotJsonObject},
      {"null", Problem::kNotJsonObject},
      {R"("{}")", Problem::kNotJsonObject},
      {"17", Problem::kNotJsonObject},
  };
  for (const ParseCase& c : cases) {
    const auto got = ParseObject(c.text);
    if (!c.problem) {
      EXPECT_TRUE(got) << c.text;
      continue;
    }
    ASSERT_FALSE(got) << c.text;
    EXPECT_EQ(got.error().problem, *c.problem) << c.text;
    EXPECT_EQ(got.error().key, "") << c.text;  // the text as a whole, not a field
    // The parser's message says where; a JSON value of the wrong kind needs no detail.
    EXPECT_EQ(got.error().detail.empty(), c.problem == Problem::kNotJsonObject) << c.text;
  }
}

TEST(JsonFields, ParseObjectKeepsTheFields) {
  const auto got = ParseObject(R"({"a":"x","b":2})");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->size(), 2u);
  EXPECT_EQ(OptionalString(*got, "a").value(), "x");
}

TEST(JsonFields, OptionalIntAcceptsExactlyTheInt64Numbers) {
  ExpectCases<std::optional<std::int64_t>>(
      {
          {nullptr, std::optional<std::int64_t>(), std::nullopt},
          {"null", std::optional<std::int64_t>(), std::nullopt},
          {"0", 0, std::nullopt},
          {"-1", -1, std::nullopt},
          {"3600", 3600, std::nullopt},
          {"3600.0", 3600, std::nullopt},
          {"1e3", 1000, std::nullopt},
          {"-0.0", 0, std::nullopt},
          {"9223372036854775807", kMax, std::nullopt},
          {"-9223372036854775808", kMin, std::nullopt},
          // One past either end: a uint64, and a double below the range.
          {"9223372036854775808", std::nullopt, Problem::kNotInteger},
          {"18446744073709551615", std::nullopt, Problem::kNotInteger},
          {"-9223372036854775809", std::nullopt, Problem::kNotInteger},
          // As a double this is 2^63, one past the largest int64.
          {"9223372036854775807.0", std::nullopt, Problem::kNotInteger},
          {"1.5", std::nullopt, Problem::kNotInteger},
          {"-0.5", std::nullopt, Problem::kNotInteger},
          {"1e300", std::nullopt, Problem::kNotInteger},
          {R"("3600")", std::nullopt, Problem::kNotNumber},
          {"true", std::nullopt, Problem::kNotNumber},
          {"[1]", std::nullopt, Problem::kNotNumber},
          {"{}", std::nullopt, Problem::kNotNumber},
      },
      [](const json::object& object) { return OptionalInt(object, "k"); });
}

TEST(JsonFields, RequiredIntRefusesAbsentAndNull) {
  ExpectCases<std::int64_t>(
      {
          {nullptr, std::nullopt, Problem::kMissing},
          {"null", std::nullopt, Problem::kMissing},
          {"3600.0", 3600, std::nullopt},
          {"-9223372036854775808", kMin, std::nullopt},
          {"1.5", std::nullopt, Problem::kNotInteger},
          {R"("1")", std::nullopt, Problem::kNotNumber},
      },
      [](const json::object& object) { return RequiredInt(object, "k"); });
}

TEST(JsonFields, OptionalStringReadsStringsOnly) {
  ExpectCases<std::optional<std::string>>(
      {
          {nullptr, std::optional<std::string>(), std::nullopt},
          {"null", std::optional<std::string>(), std::nullopt},
          {R"("")", std::string(), std::nullopt},
          {R"("x y")", std::string("x y"), std::nullopt},
          {R"("caf\u00e9")", std::string("caf\xc3\xa9"), std::nullopt},
          {R"("a\u0000b")", std::string("a\0b", 3), std::nullopt},
          {"17", std::nullopt, Problem::kNotString},
          {"false", std::nullopt, Problem::kNotString},
          {R"(["x"])", std::nullopt, Problem::kNotString},
          {R"({"x":1})", std::nullopt, Problem::kNotString},
      },
      [](const json::object& object) { return OptionalString(object, "k"); });
}

TEST(JsonFields, RequiredStringRefusesAbsentAndNullButNotEmpty) {
  ExpectCases<std::string>(
      {
          {nullptr, std::nullopt, Problem::kMissing},
          {"null", std::nullopt, Problem::kMissing},
          {R"("")", std::string(), std::nullopt},
          {R"("x")", std::string("x"), std::nullopt},
          {"1", std::nullopt, Problem::kNotString},
      },
      [](const json::object& object) { return RequiredString(object, "k"); });
}

TEST(JsonFields, BoolReadsTakeOnlyTrueAndFalse) {
  ExpectCases<std::optional<bool>>(
      {
          {nullptr, std::optional<bool>(), std::nullopt},
          {"null", std::optional<bool>(), std::nullopt},
          {"true", true, std::nullopt},
          {"false", false, std::nullopt},
          {"0", std::nullopt, Problem::kNotBoolean},
          {R"("true")", std::nullopt, Problem::kNotBoolean},
      },
      [](const json::object& object) { return OptionalBool(object, "k"); });
  ExpectCases<bool>(
      {
          {nullptr, std::nullopt, Problem::kMissing},
          {"null", std::nullopt, Problem::kMissing},
          {"false", false, std::nullopt},
          {"1", std::nullopt, Problem::kNotBoolean},
      },
      [](const json::object& object) { return RequiredBool(object, "k"); });
}

TEST(JsonFields, OptionalObjectPointsIntoTheObjectRead) {
  const json::object outer = WithField(R"({"name":"inner"})");
  const auto inner = OptionalObject(outer, "k");
  ASSERT_TRUE(inner);
  ASSERT_NE(*inner, nullptr);
  EXPECT_EQ(*inner, outer.at("k").if_object());
  // Absent and null are both "no object"; another kind is an error.
  ExpectCases<bool>(
      {
          {nullptr, false, std::nullopt},
          {"null", false, std::nullopt},
          {"{}", true, std::nullopt},
          {"[]", std::nullopt, Problem::kNotObject},
          {R"("{}")", std::nullopt, Problem::kNotObject},
      },
      [](const json::object& object) {
        return OptionalObject(object, "k").map([](const json::object* o) { return o != nullptr; });
      });
}

TEST(JsonFields, EveryProblemHasItsOwnWords) {
  const Problem all[] = {Problem::kNotJson,    Problem::kNotJsonObject, Problem::kMissing,
                         Problem::kNotString,  Problem::kNotNumber,     Problem::kNotInteger,
                         Problem::kNotBoolean, Problem::kNotObject};
  std::set<std::string_view> words;
  for (Problem problem : all) {
    EXPECT_FALSE(Describe(problem).empty());
    words.insert(Describe(problem));
  }
  EXPECT_EQ(words.size(), std::size(all));
  EXPECT_EQ(Describe(Problem::kMissing), "is missing");
}

// A caller's own error type, as the stand-in's 400 text or a client's Error.
struct Complaint {
  std::string text;
};

Complaint Word(const ReadError& error) {
  return Complaint{error.key + " " + std::string(Describe(error.problem))};
}

TEST(JsonFields, ComplainGivesTheCallersErrorType) {
  const json::object object = WithField("1.5");
  const auto number = RequiredInt(object, "k", Word);
  static_assert(std::is_same_v<decltype(number), const tl::expected<std::int64_t, Complaint>>);
  ASSERT_FALSE(number);
  EXPECT_EQ(number.error().text, "k is not an integer");

  const auto absent = OptionalString(object, "other", Word);
  ASSERT_TRUE(absent);
  EXPECT_EQ(*absent, std::nullopt);

  const auto parsed = ParseObject("[", [](const ReadError& error) { return error.problem; });
  static_assert(std::is_same_v<decltype(parsed), const tl::expected<json::object, Problem>>);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error(), Problem::kNotJson);
}

}  // namespace
}  // namespace spotauth::json_fields
