#include "adapters/runtime_config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "adapters/command_line.h"
#include "format/format_error.h"
#include "tests/fakes/fakes.h"

namespace aioconform::adapters {
namespace {

using json = nlohmann::json;

json valid_config() {
  return json::parse(R"({
    "format": "aioconform.runtimes/1",
    "runtimes": [
      {"name": "cpython-main", "command": ["/opt/py/bin/python3", "adapter.py", "--tasks", "python"],
       "env": {"PYTHONDEVMODE": "1"}, "description": "CPython built from main"},
      {"name": "graal-3.11", "command": ["graalpy", "adapter.py"]}
    ]})");
}

TEST(runtime_config, reads_custom_runtimes) {
  const auto runtimes = parse_runtime_config(valid_config(), "runtimes.json");
  ASSERT_EQ(runtimes.size(), 2u);
  EXPECT_EQ(runtimes[0].name, "cpython-main");
  EXPECT_EQ(runtimes[0].command,
            (std::vector<std::string>{"/opt/py/bin/python3", "adapter.py", "--tasks", "python"}));
  EXPECT_EQ(runtimes[0].env.at("PYTHONDEVMODE"), "1");
  EXPECT_EQ(runtimes[0].description, "CPython built from main");
  EXPECT_EQ(runtimes[0].interpreter, "/opt/py/bin/python3");
  EXPECT_EQ(runtimes[0].source, "config");
  EXPECT_EQ(runtimes[1].description, "config runtimes.json");
  EXPECT_TRUE(runtimes[1].env.empty());
}

// Applies `edit` to a valid configuration and returns the error it causes.
format::format_error error_after(void (*edit)(json&)) {
  json config = valid_config();
  edit(config);
  try {
    parse_runtime_config(config, "runtimes.json");
  } catch (const format::format_error& e) {
    return e;
  }
  throw std::runtime_error("expected a format_error");
}

TEST(runtime_config, errors_name_the_file_the_path_and_the_reason) {
  auto e = error_after([](json& c) { c["format"] = "aioconform.runtimes/2"; });
  EXPECT_EQ(e.file, "runtimes.json");
  EXPECT_EQ(e.json_path, "/format");
  EXPECT_EQ(e.reason, "is 'aioconform.runtimes/2'; expected 'aioconform.runtimes/1'");
  EXPECT_EQ(std::string(e.what()),
            "runtimes.json: /format: is 'aioconform.runtimes/2'; expected 'aioconform.runtimes/1'");

  EXPECT_EQ(error_after([](json& c) { c.erase("runtimes"); }).json_path, "/runtimes");
  EXPECT_EQ(error_after([](json& c) { c["runtimes"] = json::object(); }).json_path, "/runtimes");
  EXPECT_EQ(error_after([](json& c) { c["runtimes"][1] = 3; }).json_path, "/runtimes/1");
  EXPECT_EQ(error_after([](json& c) { c["runtimes"][1].erase("name"); }).json_path,
            "/runtimes/1/name");
  e = error_after([](json& c) { c["runtimes"][1]["name"] = "../escape"; });
  EXPECT_EQ(e.json_path, "/runtimes/1/name");
  EXPECT_NE(e.reason.find("not a valid runtime name"), std::string::npos);
  EXPECT_EQ(error_after([](json& c) { c["runtimes"][1]["command"] = json::array(); }).json_path,
            "/runtimes/1/command");
  EXPECT_EQ(error_after([](json& c) { c["runtimes"][1]["command"][1] = 7; }).json_path,
            "/runtimes/1/command/1");
  EXPECT_EQ(error_after([](json& c) { c["runtimes"][0]["env"]["PYTHONDEVMODE"] = 1; }).json_path,
            "/runtimes/0/env/PYTHONDEVMODE");
  e = error_after([](json& c) { c["runtimes"][0]["comand"] = json::array({"x"}); });
  EXPECT_EQ(e.json_path, "/runtimes/0/comand");
  EXPECT_NE(e.reason.find("unknown key"), std::string::npos);
  e = error_after([](json& c) { c["runtimes"][1]["name"] = "cpython-main"; });
  EXPECT_EQ(e.json_path, "/runtimes/1/name");
  EXPECT_EQ(e.reason, "runtime 'cpython-main' is defined twice");
  EXPECT_EQ(error_after([](json& c) { c = json::array(); }).json_path, "");
}

TEST(runtime_config, loads_files_and_reports_unreadable_ones) {
  aioconform::testing::temp_directory dir;
  aioconform::testing::write_file(dir / "runtimes.json", valid_config().dump());
  EXPECT_EQ(load_runtime_config(dir / "runtimes.json").size(), 2u);
  aioconform::testing::write_file(dir / "broken.json", "{\"format\": ");
  try {
    load_runtime_config(dir / "broken.json");
    FAIL() << "expected format_error";
  } catch (const format::format_error& e) {
    EXPECT_EQ(e.file, (dir / "broken.json").string());
  }
  EXPECT_THROW(load_runtime_config(dir / "missing.json"), format::format_error);
}

TEST(runtime_config, runtime_names_are_safe_directory_names) {
  EXPECT_TRUE(is_valid_runtime_name("cpython-3.12-eager"));
  EXPECT_TRUE(is_valid_runtime_name("pypy_3.9+jit"));
  EXPECT_FALSE(is_valid_runtime_name(""));
  EXPECT_FALSE(is_valid_runtime_name(".hidden"));
  EXPECT_FALSE(is_valid_runtime_name("a/b"));
  EXPECT_FALSE(is_valid_runtime_name("with space"));
  EXPECT_FALSE(is_valid_runtime_name(std::string(65, 'a')));
}

TEST(runtime_config, the_default_file_is_local_then_per_user) {
  aioconform::testing::temp_directory dir;
  const auto previous = std::filesystem::current_path();
  std::filesystem::create_directories(dir / "work");
  std::filesystem::current_path(dir / "work");
  ::setenv("XDG_CONFIG_HOME", (dir / "config").c_str(), 1);
  EXPECT_EQ(default_runtime_config_path(), std::nullopt);
  aioconform::testing::write_file(dir / "config/aioconform/runtimes.json", "{}");
  EXPECT_EQ(default_runtime_config_path(), dir / "config/aioconform/runtimes.json");
  aioconform::testing::write_file(dir / "work/aioconform-runtimes.json", "{}");
  EXPECT_EQ(default_runtime_config_path(), "aioconform-runtimes.json");
  std::filesystem::current_path(previous);
}

TEST(runtime_from_command, splits_without_a_shell) {
  const auto runtime = runtime_from_command("'/opt/my py/python3' adapter.py --loop uvloop");
  EXPECT_EQ(runtime.name, "custom");
  EXPECT_EQ(runtime.command,
            (std::vector<std::string>{"/opt/my py/python3", "adapter.py", "--loop", "uvloop"}));
  EXPECT_EQ(runtime.source, "--runtime-cmd");
  EXPECT_EQ(runtime_from_command("python3 a.py", "mine").name, "mine");
  EXPECT_THROW(runtime_from_command("   "), command_line_error);
  EXPECT_THROW(runtime_from_command("python3 'a.py"), command_line_error);
  EXPECT_THROW(runtime_from_command("python3 a.py", "no/slash"), std::invalid_argument);
}

}  // namespace
}  // namespace aioconform::adapters
