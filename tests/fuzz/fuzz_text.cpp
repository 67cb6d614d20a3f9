// Fuzz target: text from the database on its way to people. Whatever the bytes (a
// hostile SNI, an agent's ifAlias in any encoding, a hand-edited row), what a table
// shows is valid UTF-8 without control characters, JSON and CSV keep it exact but valid,
// and a cell cut to a column width fits it, keeps a start and an end of the text, and
// cuts between characters.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "netledger/report/table.hpp"

namespace {

using netledger::report::clean_text;
using netledger::report::elide_middle;
using netledger::report::text_columns;

[[noreturn]] void fail(const char* what, const std::string& text) {
  std::fprintf(stderr, "%s: '%s'\n", what, text.c_str());
  std::abort();
}

// `text` cut to `max` columns: unchanged when it fits (or `max` leaves no room for both
// ends), else no wider than `max`, and a start and an end of `text` around "...". Cut
// between characters: when `text` is clean, so is the cut.
void check_cut(const std::string& text, size_t max, bool clean) {
  const std::string cut = elide_middle(text, max);
  if (max < 5 || text_columns(text) <= max) {
    if (cut != text) fail("text that fits (or no room to cut) was changed", text);
    return;
  }
  if (text_columns(cut) > max) fail("a cut cell is wider than its column", cut);
  if (clean && clean_text(cut, false) != cut) fail("a cut went inside a character", cut);
  // The dots stand between a start and an end of the text (which may hold dots itself).
  bool start_and_end = false;
  const std::string_view whole(text);
  for (size_t dots = cut.find("..."); dots != std::string::npos && !start_and_end;
       dots = cut.find("...", dots + 1)) {
    const std::string_view head(cut.data(), dots);
    const std::string_view tail(cut.data() + dots + 3, cut.size() - dots - 3);
    start_and_end = head.size() + tail.size() < whole.size() && whole.substr(0, head.size()) == head &&
                    whole.substr(whole.size() - tail.size()) == tail;
  }
  if (!start_and_end) fail("a cut cell is not a start and an end of the text around dots", cut);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t max = data[0] % 48;  // the width a column allows
  const std::string raw(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string shown = clean_text(raw, false);
  const std::string exact = clean_text(raw, true);
  // Once clean, clean: nothing is left for a second pass to replace.
  if (clean_text(shown, false) != shown) fail("text for people changed on a second pass", shown);
  if (clean_text(exact, true) != exact) fail("exact text changed on a second pass", exact);
  // Controls are kept only in the exact form, and only they differ between the two.
  if (clean_text(exact, false) != shown) fail("the two forms differ in more than controls", raw);
  const size_t columns = text_columns(shown);
  if (columns > shown.size()) fail("more columns than bytes", shown);

  check_cut(shown, max, true);
  // Raw bytes too: a malformed one counts as the one column its U+FFFD would take.
  check_cut(raw, max, false);
  return 0;
}
