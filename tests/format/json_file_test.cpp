#include "format/json_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "format/format_error.h"

namespace aioconform::format {
namespace {

using nlohmann::json;

/// The format_error that parsing `text` throws (fails the test when none is thrown).
format_error parse_error_of(const std::string& text) {
  try {
    (void)parse_json_text(text, "doc.json");
  } catch (const format_error& e) {
    return e;
  }
  ADD_FAILURE() << "no format_error for: " << text;
  return format_error("", "", "");
}

class temp_dir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("aioconform_json_file_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path write(const std::string& name, const std::string& content) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::filesystem::path dir_;
};

TEST(parse_json_text, parses_a_document) {
  const json doc = parse_json_text(R"({"a": [1, -2, "x\u00e9", null, true], "b": {}})", "x");
  EXPECT_EQ(doc, json::parse(R"({"a":[1,-2,"xé",null,true],"b":{}})"));
  EXPECT_TRUE(doc["a"][0].is_number_unsigned());
  EXPECT_TRUE(doc["a"][1].is_number_integer());
}

TEST(parse_json_text, keeps_integers_and_floats_apart) {
  const json doc = parse_json_text("[1, 1.0, 1e3, 18446744073709551615]", "x");
  EXPECT_TRUE(doc[0].is_number_integer());
  EXPECT_TRUE(doc[1].is_number_float());
  EXPECT_TRUE(doc[2].is_number_float());
  EXPECT_TRUE(doc[3].is_number_unsigned());
}

TEST(parse_json_text, skips_a_utf8_byte_order_mark) {
  EXPECT_EQ(parse_json_text("\xEF\xBB\xBF[1]", "x"), json::array({1}));
}

TEST(parse_json_text, reports_syntax_errors_with_line_and_column) {
  const format_error e = parse_error_of("[1,\n  2,,]");
  EXPECT_EQ(e.file, "doc.json");
  EXPECT_EQ(e.json_path, "");
  EXPECT_NE(e.reason.find("invalid JSON at line 2, column 5"), std::string::npos) << e.reason;
  EXPECT_EQ(std::string(e.what()), "doc.json: " + e.reason);
}

TEST(parse_json_text, rejects_what_strict_json_forbids) {
  for (const char* text :
       {"", "[1,]", "{\"a\":1,}", "// comment\n[]", "[1] [2]", "{'a':1}", "[NaN]", "\"\\x\""}) {
    const format_error e = parse_error_of(text);
    EXPECT_NE(e.reason.find("invalid JSON at line 1"), std::string::npos)
        << text << " -> " << e.reason;
  }
}

TEST(parse_json_text, rejects_invalid_utf8_with_a_printable_message) {
  const format_error e = parse_error_of("[\"a\xFF\"]");
  EXPECT_NE(e.reason.find("ill-formed UTF-8"), std::string::npos) << e.reason;
  EXPECT_EQ(e.reason.find('\xFF'), std::string::npos);
}

TEST(parse_json_text, rejects_duplicate_keys_at_their_path) {
  const format_error e = parse_error_of(R"({"a": {"b": 1, "c": [{"x": 1}, {"x": 2, "x": 3}]}})");
  EXPECT_EQ(e.json_path, "/a/c/1/x");
  EXPECT_EQ(e.reason, "duplicate key 'x'");
  EXPECT_EQ(std::string(e.what()), "doc.json: /a/c/1/x: duplicate key 'x'");

  const format_error top = parse_error_of(R"({"k~/": 1, "k~/": 2})");
  EXPECT_EQ(top.json_path, "/k~0~1");
}

TEST(parse_json_text, the_same_key_in_sibling_objects_is_fine) {
  const json doc = parse_json_text(R"([{"x": 1}, {"x": 2}, {"y": {"x": 3}}])", "x");
  EXPECT_EQ(doc[2]["y"]["x"], 3);
}

TEST(parse_json_text, limits_nesting) {
  const std::string deepest(max_json_nesting, '[');
  const std::string closing(max_json_nesting, ']');
  EXPECT_NO_THROW((void)parse_json_text(deepest + closing, "x"));

  const format_error e = parse_error_of("{\"a\": " + deepest + closing + "}");
  EXPECT_EQ(e.reason, "nesting deeper than 256 levels");
  std::string expected_path = "/a";
  for (std::size_t i = 1; i < max_json_nesting; ++i) expected_path += "/0";
  EXPECT_EQ(e.json_path, expected_path);
}

TEST_F(temp_dir, load_json_file_reads_a_file) {
  const auto path = write("ok.json", "{\"x\": [1, 2]}\n");
  EXPECT_EQ(load_json_file(path), json::parse(R"({"x":[1,2]})"));
}

TEST_F(temp_dir, load_json_file_names_the_file_in_errors) {
  const auto path = write("bad.json", "{\"x\": }");
  try {
    (void)load_json_file(path);
    FAIL() << "no error";
  } catch (const format_error& e) {
    EXPECT_EQ(e.file, path.string());
    EXPECT_EQ(std::string(e.what()).rfind(path.string() + ": invalid JSON at line 1, column 7", 0),
              0u)
        << e.what();
  }
}

TEST_F(temp_dir, load_json_file_reports_unreadable_files) {
  try {
    (void)load_json_file(dir_ / "absent.json");
    FAIL() << "no error";
  } catch (const format_error& e) {
    EXPECT_EQ(e.reason, "cannot read file: No such file or directory");
    EXPECT_EQ(e.json_path, "");
  }
  try {
    (void)load_json_file(dir_);
    FAIL() << "no error";
  } catch (const format_error& e) {
    EXPECT_EQ(e.reason, "cannot read file: it is a directory");
  }
}

}  // namespace
}  // namespace aioconform::format
