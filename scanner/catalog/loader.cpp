#include "catalog/loader.hpp"

#include "catalog/check_parser.hpp"
#include "util/files.hpp"
#include "util/sha256.hpp"
#include "util/yaml.hpp"

#include <algorithm>
#include <cstdint>
#include <set>

namespace cisscan {

namespace fs = std::filesystem;

namespace {

// Top-level keys of the other kinds of YAML file that live beside check files.
const std::set<std::string> k_other_kinds = {"safeguards", "register",     "criteria", "entries",
                                             "waivers",    "attestations", "hosts"};

// The file's `vars:` into `vars`; false, with a problem, for a top-level key other than checks
// and vars or a variable that is not one value.
bool read_vars(const util::YamlFile& file, Variables& vars) {
  bool ok = true;
  for (const auto& item : file.root()) {
    const auto key = item.first.IsScalar() ? item.first.as<std::string>() : std::string();
    if (key == "vars" && item.second.IsMap()) {
      for (const auto& var : item.second) {
        if (!var.first.IsScalar() || !var.second.IsScalar()) {
          file.report(var.second, "expected one value for a variable (vars: {name: value})");
          return false;
        }
        vars[var.first.as<std::string>()] = var.second.as<std::string>();
      }
    } else if (key != "checks") {
      file.report(item.first, "unknown key '" + key + "' (expected checks, vars)");
      ok = false;
    }
  }
  return ok;
}

// A file of another kind (a risk register, waivers, ...): not for the catalog loader.
bool other_kind(const yaml::Node& root) {
  return root.IsMap() && !root["checks"] &&
         std::any_of(root.begin(), root.end(), [](const auto& item) {
           return item.first.IsScalar() &&
                  k_other_kinds.count(item.first.template as<std::string>()) != 0;
         });
}

// Every check of one file: the clean ones into `checks` (`seen` by id), the problems to `file`.
void read_checks(const util::YamlFile& file, const CheckContext& context,
                 std::map<std::string, const Check*>& seen,
                 std::vector<std::shared_ptr<Check>>& checks) {
  for (const auto& node : file.root()["checks"]) {
    const std::string id = node.IsMap() && node["id"] && node["id"].IsScalar()
                               ? node["id"].as<std::string>()
                               : std::string();
    file.set_subject(id);
    const auto before = file.problems();
    auto check = std::make_shared<Check>();
    file.guard([&] { *check = parse_check(node, context, file); });
    const auto it = id.empty() ? seen.end() : seen.find(id);
    if (it != seen.end()) {
      file.report(check->line, "duplicate id (first defined at " + it->second->file + ":" +
                                   std::to_string(it->second->line) + ")");
    }
    if (file.problems() == before) {
      seen[check->id] = check.get();
      checks.push_back(std::move(check));
    }
  }
  file.set_subject("");
}

} // namespace

std::vector<std::pair<fs::path, std::string>> find_yaml_files(const std::vector<fs::path>& paths,
                                                              std::vector<Diagnostic>& diags) {
  std::vector<std::pair<fs::path, std::string>> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      for (const auto& entry : fs::recursive_directory_iterator(path, ec)) {
        const auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) {
          files.emplace_back(entry.path(), entry.path().lexically_relative(path).string());
        }
      }
    } else if (fs::is_regular_file(path, ec)) {
      files.emplace_back(path, path.filename().string());
    } else {
      diags.push_back({path.string(), 0, "", "no such file or folder"});
    }
  }
  // The same file reached through a folder and directly is loaded once.
  std::sort(files.begin(), files.end());
  std::set<std::pair<std::uint64_t, std::uint64_t>> seen;
  std::vector<std::pair<fs::path, std::string>> unique;
  for (auto& file : files) {
    const auto identity = util::file_identity(file.first);
    if (!identity || seen.insert(*identity).second) {
      unique.push_back(std::move(file));
    }
  }
  return unique;
}

CatalogLoad load_catalog(const std::vector<fs::path>& paths, const ControlsCatalog& controls,
                         const KnownRisk& known_risk) {
  CatalogLoad load;
  std::map<std::string, const Check*> seen;
  std::vector<std::shared_ptr<Check>> checks;
  std::string digest_input;
  for (const auto& [path, digest_name] : find_yaml_files(paths, load.diagnostics)) {
    const util::YamlFile file(path, util::YamlFile::Mode::collect);
    const auto& root = file.root();
    Variables vars;
    if (!file.parsed() || other_kind(root)) {
      // Nothing of the catalog: a problem already said so, or a file of another kind.
    } else if (!root.IsMap() || !root["checks"] || !root["checks"].IsSequence()) {
      file.report(1, "expected a mapping with a 'checks:' list");
    } else if (read_vars(file, vars)) {
      read_checks(file, {vars, controls, known_risk}, seen, checks);
      load.catalog.files.push_back(file.name());
      digest_input += digest_name + "\n" + util::sha256_hex(file.text()) + "\n";
    }
    load.diagnostics.insert(load.diagnostics.end(), file.diagnostics().begin(),
                            file.diagnostics().end());
  }
  load.catalog.digest = util::sha256_hex(digest_input);
  for (auto& check : checks) {
    load.catalog.checks.push_back(std::move(check));
  }
  return load;
}

} // namespace cisscan
