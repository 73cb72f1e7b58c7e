#include "format/canonical_json.h"

#include <gtest/gtest.h>

#include <string>

namespace aioconform::format {
namespace {

using nlohmann::json;

TEST(canonical_compact, sorts_keys_and_drops_white_space) {
  const json value = json::parse(R"({ "b": 1, "a": [ true, null, {"z": "", "y": -3} ] })");
  EXPECT_EQ(canonical_compact(value), R"({"a":[true,null,{"y":-3,"z":""}],"b":1})");
}

TEST(canonical_compact, sorts_keys_by_code_point) {
  // 'B' (U+0042) < 'a' (U+0061) < 'é' (U+00E9) < '€' (U+20AC) < '😀' (U+1F600)
  const json value =
      json::parse("{\"\xF0\x9F\x98\x80\":5,\"\xE2\x82\xAC\":4,\"\xC3\xA9\":3,\"a\":2,\"B\":1}");
  EXPECT_EQ(canonical_compact(value),
            "{\"B\":1,\"a\":2,\"\xC3\xA9\":3,\"\xE2\x82\xAC\":4,\"\xF0\x9F\x98\x80\":5}");
}

TEST(canonical_compact, writes_utf8_unescaped_and_escapes_controls) {
  const json value = json::parse(R"(["caf\u00e9 \ud83d\ude00", "tab\tnl\n\u0001 \"q\" \\ /"])");
  EXPECT_EQ(canonical_compact(value),
            "[\"caf\xC3\xA9 \xF0\x9F\x98\x80\",\"tab\\tnl\\n\\u0001 \\\"q\\\" \\\\ /\"]");
}

TEST(canonical_compact, keeps_integer_extremes_exact) {
  const json value = json::parse("[-9223372036854775808, 9223372036854775807, 0]");
  EXPECT_EQ(canonical_compact(value), "[-9223372036854775808,9223372036854775807,0]");
}

TEST(canonical_document, lays_out_a_trace_one_entry_per_line) {
  const json trace = json::parse(R"({
    "scenario": "s", "format": "aioconform.trace/1", "end": "completed", "missing": [],
    "runtime": {"name": "cpython-3.12", "unit_ms": 0, "clock": "virtual"},
    "events": [{"t": 0, "task": "main", "ev": "start"},
               {"task": "main", "t": 1, "ev": "exit", "outcome": {"result": [1, [2, [3]]]}}],
    "futures": {"main": {"state": {"result": null}, "kind": "task"}},
    "reports": []
  })");
  EXPECT_EQ(canonical_document(trace),
            "{\n"
            "  \"end\": \"completed\",\n"
            "  \"events\": [\n"
            "    {\"ev\":\"start\",\"t\":0,\"task\":\"main\"},\n"
            "    {\"ev\":\"exit\",\"outcome\":{\"result\":[1,[2,[3]]]},\"t\":1,\"task\":\"main\"}\n"
            "  ],\n"
            "  \"format\": \"aioconform.trace/1\",\n"
            "  \"futures\": {\n"
            "    \"main\": {\"kind\":\"task\",\"state\":{\"result\":null}}\n"
            "  },\n"
            "  \"missing\": [],\n"
            "  \"reports\": [],\n"
            "  \"runtime\": {\n"
            "    \"clock\": \"virtual\",\n"
            "    \"name\": \"cpython-3.12\",\n"
            "    \"unit_ms\": 0\n"
            "  },\n"
            "  \"scenario\": \"s\"\n"
            "}\n");
}

TEST(canonical_document, writes_empty_containers_and_scalars_inline) {
  const json doc = json::parse(R"({"a": {}, "b": [], "c": "x\u00e9", "d": -1, "e": null})");
  EXPECT_EQ(
      canonical_document(doc),
      "{\n  \"a\": {},\n  \"b\": [],\n  \"c\": \"x\xC3\xA9\",\n  \"d\": -1,\n  \"e\": null\n}\n");
}

TEST(canonical_document, writes_non_objects_compact) {
  EXPECT_EQ(canonical_document(json::object()), "{}\n");
  EXPECT_EQ(canonical_document(json::parse("[1, {\"b\":2,\"a\":1}]")), "[1,{\"a\":1,\"b\":2}]\n");
  EXPECT_EQ(canonical_document(json("s")), "\"s\"\n");
}

TEST(canonical_document, is_a_fixed_point_of_parse_and_encode) {
  const json doc = json::parse(R"({"main": {"steps": [{"op": "sleep", "d": 1}]},
                                    "scripts": {"w": {"steps": []}}, "name": "n"})");
  const std::string once = canonical_document(doc);
  EXPECT_EQ(canonical_document(json::parse(once)), once);
  EXPECT_EQ(once,
            "{\n"
            "  \"main\": {\n"
            "    \"steps\": [{\"d\":1,\"op\":\"sleep\"}]\n"
            "  },\n"
            "  \"name\": \"n\",\n"
            "  \"scripts\": {\n"
            "    \"w\": {\"steps\":[]}\n"
            "  }\n"
            "}\n");
}

}  // namespace
}  // namespace aioconform::format
