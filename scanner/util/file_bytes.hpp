// A file's bytes as an input iterator range, read in pieces: for nlohmann's parser over a file of
// any size (a fleet's record), which reads its input a byte at a time. Through a FILE* that is a
// call to fgetc for each byte; through these iterators, an inline step in a buffer.
#pragma once

#include <cstddef>
#include <cstdio>
#include <iterator>
#include <vector>

namespace cisscan::util {

class FileBytes {
public:
  // Reads `file` from its current position, `piece` bytes at a time. A read error ends the bytes
  // as the end of the file would (the parser then reports the text cut short).
  explicit FileBytes(FILE* file, size_t piece = size_t{1} << 20) : m_file(file), m_buffer(piece) {
    refill();
  }

  class iterator {
  public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    iterator() = default;
    explicit iterator(FileBytes* bytes) : m_bytes(bytes) {}
    reference operator*() const { return m_bytes->m_buffer[m_bytes->m_at]; }
    iterator& operator++() {
      if (++m_bytes->m_at == m_bytes->m_end) {
        m_bytes->refill();
      }
      return *this;
    }
    // Only "at the end or not" is compared: every iterator of a FileBytes shares its position.
    bool operator==(const iterator& other) const { return done() == other.done(); }
    bool operator!=(const iterator& other) const { return !(*this == other); }

  private:
    bool done() const { return m_bytes == nullptr || m_bytes->m_at == m_bytes->m_end; }
    FileBytes* m_bytes = nullptr;
  };

  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

private:
  void refill() {
    m_at = 0;
    m_end = std::fread(m_buffer.data(), 1, m_buffer.size(), m_file);
  }

  FILE* m_file;
  std::vector<char> m_buffer;
  size_t m_at = 0;
  size_t m_end = 0;
};

} // namespace cisscan::util
