#include "cli/list_safeguards.hpp"

#include "catalog/coverage.hpp"
#include "util/json.hpp"
#include "util/text.hpp"

#include <functional>
#include <map>

namespace cisscan {

namespace {

constexpr size_t k_text_width = 100;
constexpr const char* k_attestation = "attestation required";

using Rows = std::vector<SafeguardCoverage>;

// "IG1: 56 safeguards; 20 with automated checks, 2 with manual checks only, 34 attestation
// required (profile level1-server: 290 of 320 checks)".
std::string summary(const Rows& rows, const CoverageScope& scope) {
  std::map<std::string, long long> counts;
  for (const auto& row : rows) {
    ++counts[row.coverage()];
  }
  return "IG" + std::to_string(scope.ig) + ": " +
         util::count_of(static_cast<long long>(rows.size()), "safeguard") + "; " +
         std::to_string(counts["automated"]) + " with automated checks, " +
         std::to_string(counts["manual"]) + " with manual checks only, " +
         std::to_string(counts["attestation"]) + " " + k_attestation + " (profile " +
         scope.profile + ": " + std::to_string(scope.checks_selected) + " of " +
         util::count_of(static_cast<long long>(scope.checks_in_catalog), "check") + ")";
}

// "automated (3): a, b, c" wrapped at the text width, continued under the first id.
void write_wrapped(std::ostream& out, const std::string& label,
                   const std::vector<std::string>& ids) {
  const std::string head = "      " + label + " (" + std::to_string(ids.size()) + "): ";
  const std::string indent(head.size(), ' ');
  std::string line = head;
  for (size_t i = 0; i < ids.size(); ++i) {
    const auto word = ids[i] + (i + 1 < ids.size() ? "," : "");
    if (i == 0) {
      line += word;
    } else if (line.size() + 1 + word.size() > k_text_width) {
      out << line << "\n";
      line = indent + word;
    } else {
      line += " " + word;
    }
  }
  out << line << "\n";
}

void write_text(const Rows& rows, const CoverageScope& scope, std::ostream& out) {
  out << summary(rows, scope) << "\n";
  for (const auto& row : rows) {
    auto id = row.safeguard->id;
    id.resize(std::max<size_t>(id.size(), 6), ' ');
    out << id << row.safeguard->title << "\n";
    if (row.coverage() == "attestation") {
      out << "      " << k_attestation << "\n";
    }
    if (!row.automated.empty()) {
      write_wrapped(out, "automated", row.automated);
    }
    if (!row.manual.empty()) {
      write_wrapped(out, "manual", row.manual);
    }
  }
}

std::string md_cell(const std::vector<std::string>& ids) {
  if (ids.empty()) {
    return "";
  }
  std::vector<std::string> quoted;
  for (const auto& id : ids) {
    quoted.push_back("`" + id + "`");
  }
  return std::to_string(ids.size()) + ": " + util::join(quoted, ", ");
}

std::string md_text(std::string text) {
  std::string out;
  for (const char c : text) {
    out += c == '|' ? std::string("\\|") : std::string(1, c);
  }
  return out;
}

void write_md(const Rows& rows, const CoverageScope& scope, std::ostream& out) {
  out << summary(rows, scope) << ".\n\n";
  out << "| safeguard | title | automated checks | manual checks |\n|---|---|---|---|\n";
  for (const auto& row : rows) {
    const bool attestation = row.coverage() == "attestation";
    out << "| " << row.safeguard->id << " | " << md_text(row.safeguard->title) << " | "
        << (attestation ? std::string(k_attestation) : md_cell(row.automated)) << " | "
        << md_cell(row.manual) << " |\n";
  }
}

void write_json(const Rows& rows, const CoverageScope& scope, std::ostream& out) {
  cisscan::json list = cisscan::json::array();
  for (const auto& row : rows) {
    list.push_back({{"id", row.safeguard->id},
                    {"title", row.safeguard->title},
                    {"coverage", row.coverage()},
                    {"automated", row.automated},
                    {"manual", row.manual}});
  }
  const cisscan::json doc = {{"ig", scope.ig},
                             {"profile", scope.profile},
                             {"checks_selected", scope.checks_selected},
                             {"checks_in_catalog", scope.checks_in_catalog},
                             {"safeguards", list}};
  out << doc.dump(2) << "\n";
}

using Writer = std::function<void(const Rows&, const CoverageScope&, std::ostream&)>;

const std::vector<std::pair<std::string, Writer>> k_writers = {
    {"text", write_text}, {"md", write_md}, {"json", write_json}};

} // namespace

std::vector<std::string> safeguard_list_formats() {
  std::vector<std::string> names;
  for (const auto& row : k_writers) {
    names.push_back(row.first);
  }
  return names;
}

void write_safeguard_list(const ControlsCatalog& controls, const Catalog& catalog,
                          const CoverageScope& scope, const std::string& format,
                          std::ostream& out) {
  for (const auto& [name, writer] : k_writers) {
    if (name == format) {
      writer(safeguard_coverage(controls, catalog, scope.ig), scope, out);
    }
  }
}

} // namespace cisscan
