#include "catalog/loader.hpp"

#include "catalog/check_parser.hpp"
#include "util/files.hpp"
#include "util/parallel.hpp"
#include "util/sha256.hpp"
#include "util/yaml.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <set>
#include <tuple>

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

// One check as its file's thread read it: `clean` when no problem was found in it; `problems`,
// how many the file had once it was read (a duplicate id, found later, goes there).
struct ReadCheck {
  std::shared_ptr<Check> check;
  std::string id;
  bool clean = false;
  size_t problems = 0;
};

// One file's part of the catalog, read on any thread: its checks in order, each before it is
// compared with those of the files ahead of it.
struct FileRead {
  std::unique_ptr<const util::YamlFile> file;
  bool in_catalog = false; // a check file, its `vars:` clean
  std::vector<ReadCheck> checks;
  std::exception_ptr error;
};

FileRead read_file(const fs::path& path, const ControlsCatalog& controls,
                   const KnownRisk& known_risk) {
  FileRead read;
  try {
    read.file = std::make_unique<const util::YamlFile>(path, util::YamlFile::Mode::collect);
    const auto& file = *read.file;
    const auto& root = file.root();
    Variables vars;
    if (!file.parsed() || other_kind(root)) {
      return read; // nothing of the catalog: a problem already said so, or another kind of file
    }
    if (!root.IsMap() || !root["checks"] || !root["checks"].IsSequence()) {
      file.report(1, "expected a mapping with a 'checks:' list");
      return read;
    }
    if (!read_vars(file, vars)) {
      return read;
    }
    read.in_catalog = true;
    const CheckContext context{vars, controls, known_risk};
    for (const auto& node : root["checks"]) {
      ReadCheck entry;
      entry.id = node.IsMap() && node["id"] && node["id"].IsScalar() ? node["id"].as<std::string>()
                                                                     : std::string();
      file.set_subject(entry.id);
      const auto before = file.problems();
      entry.check = std::make_shared<Check>();
      file.guard([&] { *entry.check = parse_check(node, context, file); });
      entry.clean = file.problems() == before;
      entry.problems = file.problems();
      read.checks.push_back(std::move(entry));
    }
    file.set_subject("");
  } catch (...) {
    read.error = std::current_exception();
  }
  return read;
}

// The file's checks into the catalog in order, each unless a file ahead (or it) has its id, and
// the file's problems into `diagnostics`, a duplicate id's right after the other problems of its
// check.
void add_checks(const FileRead& read, std::map<std::string, const Check*>& seen,
                std::vector<std::shared_ptr<Check>>& checks, std::vector<Diagnostic>& diagnostics) {
  const auto& problems = read.file->diagnostics();
  size_t copied = 0;
  const auto copy_to = [&](size_t end) {
    diagnostics.insert(diagnostics.end(), problems.begin() + static_cast<std::ptrdiff_t>(copied),
                       problems.begin() + static_cast<std::ptrdiff_t>(end));
    copied = end;
  };
  for (const auto& entry : read.checks) {
    copy_to(entry.problems);
    const auto it = entry.id.empty() ? seen.end() : seen.find(entry.id);
    if (it != seen.end()) {
      diagnostics.push_back({read.file->name(), entry.check->line, entry.id,
                             "duplicate id (first defined at " + it->second->file + ":" +
                                 std::to_string(it->second->line) + ")"});
    } else if (entry.clean) {
      seen[entry.check->id] = entry.check.get();
      checks.push_back(entry.check);
    }
  }
  copy_to(problems.size());
}

// A probe that several checks share (one id) weighs the highest cost any of them states and
// runs in the greatest lane any names, so one `cost:` or `lane:` places it whichever of them
// comes first.
void place_shared_probes(const std::vector<std::shared_ptr<Check>>& checks) {
  std::map<std::string, std::pair<int, std::string>> places;
  for (const auto& check : checks) {
    if (check->probe) {
      auto& [cost, lane] = places[check->probe->id];
      cost = std::max(cost, check->probe->cost);
      lane = std::max(lane, check->probe->lane);
    }
  }
  for (const auto& check : checks) {
    if (check->probe) {
      std::tie(check->probe->cost, check->probe->lane) = places[check->probe->id];
    }
  }
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
  const auto files = find_yaml_files(paths, load.diagnostics);
  // The files are read and their checks parsed side by side (libyaml's scanning and the checks'
  // patterns are most of a load), then taken in order: ids are compared across files, and the
  // problems, the checks and the digest come out as one file after the other would give them.
  std::vector<FileRead> reads(files.size());
  util::for_each_index(
      files.size(), [&](size_t i) { reads[i] = read_file(files[i].first, controls, known_risk); });
  std::map<std::string, const Check*> seen;
  std::vector<std::shared_ptr<Check>> checks;
  std::string digest_input;
  for (size_t i = 0; i < files.size(); ++i) {
    if (reads[i].error != nullptr) {
      std::rethrow_exception(reads[i].error);
    }
    add_checks(reads[i], seen, checks, load.diagnostics);
    if (reads[i].in_catalog) {
      const auto& file = *reads[i].file;
      load.catalog.files.push_back(file.name());
      digest_input += files[i].second + "\n" + util::sha256_hex(file.text()) + "\n";
    }
  }
  load.catalog.digest = util::sha256_hex(digest_input);
  place_shared_probes(checks);
  for (auto& check : checks) {
    load.catalog.checks.push_back(std::move(check));
  }
  return load;
}

} // namespace cisscan
