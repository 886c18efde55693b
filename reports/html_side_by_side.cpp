// The report's two longest lists, a section per host in Findings and in Hosts (two thirds of a
// fleet report's bytes), rendered side by side: the template is cut around each list; the
// pieces between are rendered in order on the calling thread, each list's items by a few
// workers that keep at most two sections each ahead of the writer (memory stays a few host
// sections, whatever the fleet), written in their order. The output is byte for byte what one pass
// over the whole template gives: an item of a list is rendered as the section renders it, in the
// context of the view and the item.
#include "reports/html_view.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

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

// Items handed out in order to the workers, at most `ahead` beyond the last one written, and
// taken back in order by the writer.
class ItemQueue {
public:
  ItemQueue(size_t count, size_t ahead) : m_count(count), m_ahead(ahead), m_slots(ahead) {}

  // The next item for a worker to render; false when there is none or the render failed.
  bool claim(size_t& item) {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock,
                   [&] { return m_failed || m_next >= m_count || m_next < m_written + m_ahead; });
    if (m_failed || m_next >= m_count) {
      return false;
    }
    item = m_next++;
    return true;
  }
  void deliver(size_t item, std::string text) {
    {
      const std::lock_guard lock(m_mutex);
      m_slots[item % m_ahead] = Slot{true, std::move(text)};
    }
    m_changed.notify_all();
  }
  void fail(std::exception_ptr error) {
    {
      const std::lock_guard lock(m_mutex);
      m_failed = true;
      if (!m_error) {
        m_error = std::move(error);
      }
    }
    m_changed.notify_all();
  }
  // Item `item`'s text, once rendered; false when a worker failed.
  bool take(size_t item, std::string& text) {
    std::unique_lock lock(m_mutex);
    auto& slot = m_slots[item % m_ahead];
    m_changed.wait(lock, [&] { return m_failed || slot.ready; });
    if (m_failed) {
      return false;
    }
    text = std::move(slot.text);
    slot = Slot{};
    m_written = item + 1;
    lock.unlock();
    m_changed.notify_all();
    return true;
  }
  std::exception_ptr error() const { return m_error; }

private:
  struct Slot {
    bool ready = false;
    std::string text;
  };
  const size_t m_count;
  const size_t m_ahead;
  std::vector<Slot> m_slots;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  size_t m_next = 0;
  size_t m_written = 0;
  bool m_failed = false;
  std::exception_ptr m_error;
};

// The items of `list`, each rendered through `item_text` in the context of `view` and the item,
// by workers that stay a few items ahead of this thread, which writes them in order.
void render_items(const std::string& item_text, const Data* list, const Data& view,
                  const std::map<std::string, LazyList>& lists, std::ostream& out) {
  if (list == nullptr || !list->is_non_empty_list()) {
    return;
  }
  const auto& items = list->list_value();
  const size_t workers = std::min(worker_count(), items.size());
  ItemQueue queue(items.size(), workers * 2);
  std::vector<std::thread> threads;
  for (size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      try {
        auto tmpl = parsed(item_text);
        for (size_t item = 0; queue.claim(item);) {
          std::string text;
          LazyContext context(&view, lists);
          context.push(&items[item]);
          render(tmpl, context, text);
          queue.deliver(item, std::move(text));
        }
      } catch (...) {
        queue.fail(std::current_exception());
      }
    });
  }
  try {
    std::string text;
    for (size_t item = 0; item < items.size() && queue.take(item, text); ++item) {
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
  } catch (...) { // the report file: the workers stop, then the error goes on up
    queue.fail(std::current_exception());
  }
  for (auto& thread : threads) {
    thread.join();
  }
  if (queue.error()) {
    std::rethrow_exception(queue.error());
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
