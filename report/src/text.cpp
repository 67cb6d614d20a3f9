// Text from the database made safe and measured for people: valid UTF-8, no control
// characters where a terminal would act on them, and widths in the columns a terminal draws.
#include <algorithm>
#include <clocale>
#include <cstdint>
#include <cwchar>

#include "netledger/report/table.hpp"

namespace netledger::report {

namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

// The length of the well-formed UTF-8 sequence at `p` (RFC 3629), or 0.
size_t sequence_length(const unsigned char* p, size_t n) {
  const unsigned char b = p[0];
  if (b < 0x80) return 1;
  size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;  // the range of the second byte
  if (b >= 0xC2 && b <= 0xDF) {
    len = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    len = 3;
    if (b == 0xE0) lo = 0xA0;  // no overlong forms
    if (b == 0xED) hi = 0x9F;  // no surrogates
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  if (n < len || p[1] < lo || p[1] > hi) return 0;
  for (size_t i = 2; i < len; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
  }
  return len;
}

bool control(const unsigned char* p, size_t len) {
  if (len == 1) return p[0] < 0x20 || p[0] == 0x7F;
  return len == 2 && p[0] == 0xC2 && p[1] < 0xA0;  // U+0080-U+009F
}

// The code point of the well-formed sequence of `len` bytes at `p`.
char32_t code_point(const unsigned char* p, size_t len) {
  if (len == 1) return p[0];
  char32_t cp = p[0] & (0x7F >> len);
  for (size_t i = 1; i < len; ++i) cp = (cp << 6) | (p[i] & 0x3F);
  return cp;
}

// The C library's character widths (Unicode's East Asian Width and its nonspacing marks),
// read in the built-in C.UTF-8 locale whatever the user's locale is; null where the C
// library has no such locale.
locale_t utf8_locale() {
  static const locale_t kUtf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
  return kUtf8;
}

// While one lives, this thread's character classes are C.UTF-8's (when there is such a
// locale), for wcwidth.
class Widths {
 public:
  Widths() : old_(utf8_locale() != nullptr ? uselocale(utf8_locale()) : nullptr) {}
  ~Widths() {
    if (old_ != nullptr) uselocale(old_);
  }
  Widths(const Widths&) = delete;
  Widths& operator=(const Widths&) = delete;

 private:
  locale_t old_;
};

// Terminal columns of the character of `len` bytes at `p`, with Widths in place: two for a
// wide one, none for a mark drawn over the one before, else one. A malformed byte (len 0)
// is drawn as U+FFFD, one column, as is a character the C library has no width for.
size_t columns_at(const unsigned char* p, size_t len) {
  if (len <= 1 || utf8_locale() == nullptr) return 1;
  const int w = wcwidth(static_cast<wchar_t>(code_point(p, len)));
  return w < 0 ? 1 : static_cast<size_t>(w);
}

}  // namespace

std::string clean_text(std::string_view s, bool controls) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  if (std::all_of(p, p + n, [](unsigned char b) { return b >= 0x20 && b < 0x7F; })) return std::string(s);
  std::string out;
  out.reserve(n);
  for (size_t i = 0; i < n;) {
    const size_t len = sequence_length(p + i, n - i);
    if (len == 0 || (!controls && control(p + i, len))) {
      out += kReplacement;
      i += len == 0 ? 1 : len;
      continue;
    }
    out.append(s.substr(i, len));
    i += len;
  }
  return out;
}

size_t text_columns(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  if (std::all_of(p, p + s.size(), [](unsigned char b) { return b < 0x80; })) return s.size();
  const Widths widths;
  size_t columns = 0;
  for (size_t i = 0; i < s.size();) {
    const size_t len = sequence_length(p + i, s.size() - i);
    columns += columns_at(p + i, len);
    i += len == 0 ? 1 : len;
  }
  return columns;
}

std::string elide_middle(const std::string& s, size_t max) {
  if (max < 5 || text_columns(s) <= max) return s;
  const Widths widths;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  // The head: whole characters, with the marks drawn over them, in (max - 3) / 2 columns.
  const size_t head_columns = (max - 3) / 2;
  size_t head = 0;
  for (size_t used = 0; head < n;) {
    const size_t len = sequence_length(p + head, n - head);
    const size_t w = columns_at(p + head, len);
    if (used + w > head_columns) break;
    used += w;
    head += len == 0 ? 1 : len;
  }
  // The tail: whole characters from the end in the columns left.
  const size_t tail_columns = max - 3 - head_columns;
  size_t from = n;
  for (size_t used = 0; from > head;) {
    size_t i = from - 1;
    while (i > head && (p[i] & 0xC0) == 0x80 && from - i < 4) --i;
    size_t len = sequence_length(p + i, n - i);
    if (len != from - i) {  // no character ends here: the last byte is a malformed one
      i = from - 1;
      len = 0;
    }
    const size_t w = columns_at(p + i, len);
    if (used + w > tail_columns) break;
    used += w;
    from = i;
  }
  // It starts at a character that takes a column, not at a mark whose base was left out.
  while (from < n) {
    const size_t len = sequence_length(p + from, n - from);
    if (columns_at(p + from, len) != 0) break;
    from += len;
  }
  return s.substr(0, head) + "..." + s.substr(from);
}

}  // namespace netledger::report
