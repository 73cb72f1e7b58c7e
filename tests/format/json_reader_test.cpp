#include "format/json_reader.h"

#include <gtest/gtest.h>

#include <string>

#include "format/format_error.h"

namespace aioconform::format {
namespace {

using nlohmann::json;

/// The "path: reason" of the format_error that `check` throws.
template <typename Check>
std::string failure_of(Check check) {
  try {
    check();
  } catch (const format_error& e) {
    EXPECT_EQ(e.file, "f.json");
    return e.json_path + ": " + e.reason;
  }
  return "no error";
}

TEST(json_reader, names_the_expected_and_found_types) {
  const json_reader in("f.json");
  const json_path at = json_path() / "x";
  EXPECT_EQ(failure_of([&] { (void)in.object(json::array(), at); }),
            "/x: expected an object, found array");
  EXPECT_EQ(failure_of([&] { (void)in.array(json(1.5), at); }),
            "/x: expected an array, found float");
  EXPECT_EQ(failure_of([&] { (void)in.string(json(3), at); }),
            "/x: expected a string, found integer");
  EXPECT_EQ(failure_of([&] { (void)in.boolean(json(nullptr), at); }),
            "/x: expected a boolean, found null");
  EXPECT_EQ(in.string(json("s"), at), "s");
  EXPECT_TRUE(in.boolean(json(true), at));
}

TEST(json_reader, integer_checks_range_and_kind) {
  const json_reader in("f.json");
  const json_path at = json_path() / "d";
  EXPECT_EQ(in.integer(json(5), at, 0, 10), 5);
  EXPECT_EQ(in.integer(json(-3), at, -3, 10), -3);
  EXPECT_EQ(failure_of([&] { (void)in.integer(json(11), at, 0, 10); }),
            "/d: expected integer 0..10, found 11");
  EXPECT_EQ(failure_of([&] { (void)in.integer(json(2.0), at, 0, 10); }),
            "/d: expected integer 0..10, found 2.0");
  EXPECT_EQ(failure_of([&] { (void)in.integer(json(true), at, 0, 10); }),
            "/d: expected integer 0..10, found boolean");
  EXPECT_EQ(
      failure_of([&] { (void)in.integer(json::parse("18446744073709551615"), at, 0, INT64_MAX); }),
      "/d: expected integer 0..9223372036854775807, found 18446744073709551615");
}

TEST(json_reader, object_rejects_unknown_keys_at_their_path) {
  const json_reader in("f.json");
  const json doc = json::parse(R"({"op": "sleep", "d": 1, "x/y": 2})");
  EXPECT_EQ(failure_of([&] {
              (void)in.object(doc, json_path() / "s", {"op", "d"});
            }),
            "/s/x~1y: unknown key 'x/y' (expected one of: op, d)");
  EXPECT_NO_THROW((void)in.object(doc, json_path(), {"op", "d", "x/y"}));
}

TEST(json_reader, required_and_optional_members) {
  const json_reader in("f.json");
  const json doc = json::parse(R"({"a": 1})");
  EXPECT_EQ(in.required(doc, json_path(), "a"), 1);
  EXPECT_EQ(failure_of([&] { (void)in.required(doc, json_path() / "o", "b"); }),
            "/o/b: missing required key 'b'");
  EXPECT_NE(json_reader::optional(doc, "a"), nullptr);
  EXPECT_EQ(json_reader::optional(doc, "b"), nullptr);
}

TEST(json_reader, expect_format_names_both_formats) {
  const json_reader in("f.json");
  EXPECT_NO_THROW(in.expect_format(json::parse(R"({"format": "x/1"})"), "x/1"));
  EXPECT_EQ(failure_of([&] { in.expect_format(json::parse(R"({"format": "y/1"})"), "x/1"); }),
            "/format: expected format 'x/1', found 'y/1'");
  EXPECT_EQ(failure_of([&] { in.expect_format(json::parse(R"({"format": null})"), "x/1"); }),
            "/format: expected format 'x/1', found null");
  EXPECT_EQ(failure_of([&] { in.expect_format(json::object(), "x/1"); }),
            "/format: missing required key 'format' (expected 'x/1')");
}

TEST(json_reader, unknown_lists_the_alternatives) {
  const std::array<std::string_view, 2> names = {"for", "async_for"};
  EXPECT_EQ(json_reader::unknown("form", "while", names),
            "unknown form 'while' (expected one of: for, async_for)");
}

}  // namespace
}  // namespace aioconform::format
