// The pieces of util::read_json_object (json_reader.hpp): the window over the text it reads and
// its string reader.
#pragma once

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan::util::json_text {

// Thrown where the text is left to nlohmann's parser.
struct Unread {};

// The bytes not read yet: [p, end) of a window over the file, refilled at its end.
class Window {
public:
  explicit Window(FILE* file) : m_file(file), m_buffer(k_size) { p = end = m_buffer.data(); }
  explicit Window(std::string_view text) : p(text.data()), end(text.data() + text.size()) {}

  // Moves the bytes left to the front and reads more after them; false when none came.
  bool refill() {
    if (m_file == nullptr) {
      return false;
    }
    const size_t left = size();
    std::memmove(m_buffer.data(), p, left);
    const size_t got = std::fread(m_buffer.data() + left, 1, m_buffer.size() - left, m_file);
    p = m_buffer.data();
    end = p + left + got;
    return got > 0;
  }
  // At least n bytes from p, unless the text ends first.
  void need(size_t n) {
    while (size() < n && refill()) {
    }
  }
  size_t size() const { return static_cast<size_t>(end - p); }

  const char* p = nullptr;
  const char* end = nullptr;

private:
  static constexpr size_t k_size = size_t{1} << 20;
  FILE* m_file = nullptr;
  std::vector<char> m_buffer;
};

// After a string's opening quote: its bytes, past its closing quote. A view into the window when
// they stand there as they are (valid until the window moves), else into `scratch`. Throws Unread
// for anything nlohmann's lexer refuses (or might: the reader is never laxer than it).
std::string_view read_string(Window& w, std::string& scratch);

} // namespace cisscan::util::json_text
