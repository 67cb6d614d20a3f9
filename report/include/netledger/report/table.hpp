// The report model: a titled table of typed cells. Builders fill it from storage
// queries; renderers turn it into text. Renderers never query, queries never format.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace netledger::report {

enum class Kind : uint8_t {
  kText,
  kCount,  // an integer count
  kBytes,  // an integer byte count: human units in tables, exact elsewhere
  kTime,   // UTC epoch seconds, integer or fractional
  kBool,
  kRate,     // bits per second: human units in tables
  kPercent,  // a share 0..100
};

struct Column {
  std::string key;     // JSON member and CSV header
  std::string header;  // terminal table heading
  Kind kind = Kind::kText;
  bool in_table = true;  // some columns are for machines only (JSON/CSV)
  // Terminal table: longer text keeps its start and end around "..." (0: no limit).
  // JSON and CSV always have the whole text.
  size_t max_width = 0;
};

using Cell = std::variant<std::monostate, std::string, int64_t, double, bool, uint64_t>;

struct Table {
  std::string name;   // top-level JSON member: "hosts", "protocols", ...
  std::string title;  // heading for people
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;
  std::vector<std::string> notes;  // shown under a terminal table, e.g. how complete the data is
};

// How times are shown: UTC unless a zone was asked for (stored times stay UTC).
struct TimeZone {
  bool local = false;  // true: the process's TZ, which --tz sets
  std::string name = "UTC";
};

enum class Format : uint8_t { kTable, kCsv, kJson, kMarkdown, kHtml };

// Parses "table", "csv", "json", "markdown" or "html".
bool parse_format(const std::string& text, Format& out);

std::string render(const Table& t, Format f, const TimeZone& tz = {});
// Several tables as one document: one after another for people and CSV, one JSON
// object with a member per table.
std::string render(const std::vector<Table>& tables, Format f, const TimeZone& tz = {});
std::string render_table(const Table& t, const TimeZone& tz = {});
std::string render_csv(const Table& t);
std::string render_json(const Table& t);

// 1536 -> "1.5 KiB"; exact below 1 KiB.
std::string human_bytes(int64_t bytes);
// 1.5e6 -> "1.5 Mb/s".
std::string human_rate(double bits_per_s);
// A cell as people read it (human units, UTC times), and as machines do (exact).
std::string human_cell(const Cell& c, Kind k, const TimeZone& tz = {});
std::string exact_cell(const Cell& c);

// Text from the database as valid UTF-8: a byte that starts or continues no well-formed
// sequence (an agent's ifAlias in Latin-1, an SNI of any bytes, a hand-edited name) reads
// as U+FFFD. Unless `controls`, control characters (C0, DEL, C1) do too: in text for
// people (tables, Markdown, HTML) an escape sequence would act on the terminal. JSON and
// CSV keep them, escaped or quoted: they are exact.
std::string clean_text(std::string_view s, bool controls);
// Terminal columns `s` takes: none for a mark drawn over the character before it, two for
// an East Asian wide character (Han, kana, Hangul, fullwidth forms, emoji), else one.
size_t text_columns(std::string_view s);
// `s` in at most `max` terminal columns: its start and end around "...", cut between
// characters. Unchanged when it fits, or when `max` leaves no room for both ends.
std::string elide_middle(const std::string& s, size_t max);

}  // namespace netledger::report
