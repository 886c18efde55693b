// The report's two longest lists, a section per host in Findings and in Hosts (two thirds of a
// fleet report's bytes), rendered side by side: the template is cut around each list; the
// pieces between are rendered in order on the calling thread, each list's items on a few
// workers, a small batch at a time (memory stays a few host sections, whatever the fleet), and
// written in their order. The output is byte for byte what one pass over the whole template
// gives: an item of a list is rendered as the section renders it, in the context of the view and
// the item.
#include "reports/html_view.hpp"

#include <algorithm>
#include <exception>
#include <ostream>
#include <stdexcept>
#include <thread>

namespace cisscan::reports::html {

namespace {

// The stream kainjow writes to: a string (one item) or the report file.
template <typename Target> struct Appender {
  Target& target;
  Appender& operator<<(const std::string& text) {
    if constexpr (std::is_same_v<Target, std::string>) {
      target += text;
    } else {
      target.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    return *this;
  }
};

kainjow::mustache::mustache parsed(const std::string& text) {
  kainjow::mustache::mustache tmpl{text};
  if (!tmpl.is_valid()) {
    throw std::logic_error("HTML report template: " + tmpl.error_message());
  }
  tmpl.set_custom_escape(escape_html);
  return tmpl;
}

template <typename Target>
void render(kainjow::mustache::mustache& tmpl, LazyContext& context, Target& target) {
  Appender<Target> appender{target};
  tmpl.render(context, appender);
  if (!tmpl.is_valid()) {
    throw std::logic_error("HTML report template: " + tmpl.error_message());
  }
}

size_t worker_count() {
  return std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);
}

// The items of `list`, each rendered through `item_text` in the context of `view` and the item.
void render_items(const std::string& item_text, const Data* list, const Data& view,
                  const std::map<std::string, LazyList>& lists, std::ostream& out) {
  if (list == nullptr || !list->is_non_empty_list()) {
    return;
  }
  const auto& items = list->list_value();
  const size_t workers = std::min(worker_count(), items.size());
  const size_t batch = workers * 2;
  std::vector<std::string> rendered(batch);
  for (size_t first = 0; first < items.size(); first += batch) {
    const size_t count = std::min(batch, items.size() - first);
    std::vector<std::exception_ptr> errors(workers);
    const auto work = [&](size_t worker) {
      try {
        auto tmpl = parsed(item_text);
        for (size_t i = worker; i < count; i += workers) {
          LazyContext context(&view, lists);
          context.push(&items[first + i]);
          rendered[i].clear();
          render(tmpl, context, rendered[i]);
        }
      } catch (...) {
        errors[worker] = std::current_exception();
      }
    };
    std::vector<std::thread> threads;
    for (size_t worker = 1; worker < std::min(workers, count); ++worker) {
      threads.emplace_back(work, worker);
    }
    work(0);
    for (auto& thread : threads) {
      thread.join();
    }
    for (const auto& error : errors) {
      if (error) {
        std::rethrow_exception(error);
      }
    }
    for (size_t i = 0; i < count; ++i) {
      out.write(rendered[i].data(), static_cast<std::streamsize>(rendered[i].size()));
    }
  }
}

// The tag `tag` alone on its line (as mustache drops such a line whole): the line's start and
// the start of the next line; npos when the tag is not there or shares its line.
std::pair<size_t, size_t> tag_line(std::string_view text, const std::string& tag, size_t from) {
  const auto at = text.find(tag, from);
  const auto end = at == std::string_view::npos ? at : at + tag.size();
  if (end == std::string_view::npos || (at > 0 && text[at - 1] != '\n') || end >= text.size() ||
      text[end] != '\n') {
    return {std::string_view::npos, std::string_view::npos};
  }
  return {at, end + 1};
}

} // namespace

TemplateCut cut_template(std::string_view text, const std::vector<std::string>& names) {
  TemplateCut cut;
  size_t from = 0;
  for (const auto& name : names) {
    const auto open = tag_line(text, "{{#" + name + "}}", from);
    const auto close = open.second == std::string_view::npos
                           ? open
                           : tag_line(text, "{{/" + name + "}}", open.second);
    if (close.first == std::string_view::npos ||
        text.find("{{#" + name + "}}", open.second) != std::string_view::npos) {
      throw std::logic_error("HTML report template: the list " + name +
                             " must open once, after the lists before it, and close, each tag "
                             "on a line of its own");
    }
    cut.pieces.emplace_back(text.substr(from, open.first - from));
    cut.lists.emplace_back(name, std::string(text.substr(open.second, close.first - open.second)));
    from = close.second;
  }
  cut.pieces.emplace_back(text.substr(from));
  return cut;
}

void render_side_by_side(const TemplateCut& cut, const Data& view, const Index& index,
                         std::ostream& out) {
  const auto lists = lazy_lists(index);
  LazyContext context(&view, lists);
  for (size_t i = 0; i < cut.pieces.size(); ++i) {
    auto piece = parsed(cut.pieces[i]);
    render(piece, context, out);
    if (i < cut.lists.size()) {
      render_items(cut.lists[i].second, view.get(cut.lists[i].first), view, lists, out);
    }
  }
}

} // namespace cisscan::reports::html
