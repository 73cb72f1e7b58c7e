#include "cli/check_report.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "cli/text_table.h"

namespace aioconform::cli {
namespace {

void write_file(const std::filesystem::path& path, const std::string& text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        // XML 1.0 allows no control characters but tab, newline and carriage return.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

nlohmann::json items_json(const std::vector<check_report::item>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& i : items) {
    out.push_back({{"case", i.case_index},
                   {"clause", i.clause},
                   {"explanation", i.text},
                   {"folder", i.folder},
                   {"reproduce", i.reproduce}});
  }
  return out;
}

}  // namespace

std::string check_report::clause_table() const {
  text_table table({"clause", "cases", "passes", "findings", "known deviations"});
  for (std::size_t c = 1; c < 5; ++c) table.align_right(c);
  for (const auto& [clause, n] : clauses) {
    table.add_row({clause, std::to_string(n.cases), std::to_string(n.passes),
                   std::to_string(n.findings), std::to_string(n.deviations)});
  }
  return table.str();
}

void check_report::write_json(const std::filesystem::path& path) const {
  nlohmann::json per_clause = nlohmann::json::object();
  for (const auto& [clause, n] : clauses) {
    per_clause[clause] = {{"cases", n.cases},
                          {"passes", n.passes},
                          {"findings", n.findings},
                          {"known_deviations", n.deviations}};
  }
  nlohmann::json doc = {{"format", "aioconform.check-report/1"},
                        {"runtime", runtime},
                        {"profile", profile},
                        {"seed", seed},
                        {"cases", cases},
                        {"conform", conforms},
                        {"inconclusive", inconclusive},
                        {"known_deviations", deviations},
                        {"findings", items_json(finding_items)},
                        {"runtime_failures", items_json(failure_items)},
                        {"clauses", per_clause}};
  write_file(path, doc.dump(2) + "\n");
}

void check_report::write_junit(const std::filesystem::path& path) const {
  std::size_t failing = 0;
  for (const auto& [clause, n] : clauses) failing += n.findings > 0 ? 1 : 0;
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format("<testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
                     xml_escape("aioconform check " + runtime + " (profile " + profile + ", seed " +
                                std::to_string(seed) + ")"),
                     clauses.size() + (failures > 0 ? 1 : 0), failing, failures > 0 ? 1 : 0);
  for (const auto& [clause, n] : clauses) {
    xml += fmt::format("  <testcase classname=\"{}\" name=\"{}\">\n", xml_escape(runtime),
                       xml_escape(clause));
    if (n.findings > 0) {
      std::string text;
      for (const auto& f : finding_items) {
        if (f.clause == clause) text += f.text + "\n  reproduce: " + f.reproduce + "\n";
      }
      xml += fmt::format("    <failure message=\"{} finding{} in {} case{}\">{}</failure>\n",
                         n.findings, n.findings == 1 ? "" : "s", n.cases, n.cases == 1 ? "" : "s",
                         xml_escape(text));
    }
    xml += "  </testcase>\n";
  }
  if (failures > 0) {
    std::string text;
    for (const auto& f : failure_items) text += f.text + "\n  reproduce: " + f.reproduce + "\n";
    xml += fmt::format(
        "  <testcase classname=\"{}\" name=\"runtime\">\n    <error message=\"{} runtime "
        "failure{}\">{}</error>\n  </testcase>\n",
        xml_escape(runtime), failures, failures == 1 ? "" : "s", xml_escape(text));
  }
  xml += "</testsuite>\n";
  write_file(path, xml);
}

}  // namespace aioconform::cli
