#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "netledger/core/time_format.hpp"
#include "netledger/report/table.hpp"

namespace netledger::report {

namespace {

std::string number(int64_t v) {
  return std::to_string(v);
}

// Six decimals while a double has digits for them; from 1e15 on, every digit it has in
// exponent form ("%.6f" of 1e308 is 316 characters). An infinity or NaN is no number: empty
// here, null in JSON, "-" for people.
std::string fractional(double v) {
  if (!std::isfinite(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, std::fabs(v) < 1e15 ? "%.6f" : "%.17g", v);
  return buf;
}

bool no_number(const Cell& c) {
  const auto* d = std::get_if<double>(&c);
  return d != nullptr && !std::isfinite(*d);
}

std::string zoned(int64_t t, const TimeZone& tz) {
  if (!tz.local) return format_utc(t);
  auto tt = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char zone[48];
  std::strftime(zone, sizeof zone, "%Z", &tm);
  return format_tm(tm) + " " + zone;
}

std::string time_text(const Cell& c, const TimeZone& tz) {
  if (const auto* i = std::get_if<int64_t>(&c)) return zoned(*i, tz);
  if (const auto* d = std::get_if<double>(&c)) {
    auto whole = static_cast<int64_t>(std::floor(*d));
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>((*d - static_cast<double>(whole)) * 1000.0));
    std::string s = zoned(whole, tz);
    // After the seconds, before the zone; a year need not have four digits.
    const auto clock = s.find(' ');
    const auto space = clock == std::string::npos ? clock : s.find(' ', clock + 1);
    return space == std::string::npos ? s + frac : s.substr(0, space) + frac + s.substr(space);
  }
  return "";
}

}  // namespace

// For people: bytes in binary units, times as UTC text.
std::string human_cell(const Cell& c, Kind k, const TimeZone& tz) {
  if (std::holds_alternative<std::monostate>(c) || no_number(c)) return "-";
  if (k == Kind::kBytes) {
    if (const auto* i = std::get_if<int64_t>(&c)) return human_bytes(*i);
    if (const auto* u = std::get_if<uint64_t>(&c))
      return human_bytes(static_cast<int64_t>(std::min<uint64_t>(*u, INT64_MAX)));
  }
  if (k == Kind::kTime) return time_text(c, tz);
  if (k == Kind::kRate) {
    if (const auto* d = std::get_if<double>(&c)) return human_rate(*d);
    if (const auto* i = std::get_if<int64_t>(&c)) return human_rate(static_cast<double>(*i));
  }
  if (k == Kind::kPercent) {
    if (const auto* d = std::get_if<double>(&c)) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%.1f%%", *d);
      return buf;
    }
  }
  if (const auto* s = std::get_if<std::string>(&c)) return clean_text(*s, false);
  if (const auto* i = std::get_if<int64_t>(&c)) return number(*i);
  if (const auto* u = std::get_if<uint64_t>(&c)) return std::to_string(*u);
  if (const auto* d = std::get_if<double>(&c)) return fractional(*d);
  if (const auto* b = std::get_if<bool>(&c)) return *b ? "yes" : "no";
  return "";
}

// For machines: exact values (text as valid UTF-8).
std::string exact_cell(const Cell& c) {
  if (const auto* s = std::get_if<std::string>(&c)) return clean_text(*s, true);
  if (const auto* i = std::get_if<int64_t>(&c)) return number(*i);
  if (const auto* u = std::get_if<uint64_t>(&c)) return std::to_string(*u);
  if (const auto* d = std::get_if<double>(&c)) return fractional(*d);
  if (const auto* b = std::get_if<bool>(&c)) return *b ? "true" : "false";
  return "";
}

namespace {

std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char ch : clean_text(s, true)) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (ch < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", ch);
          out += buf;
        } else {
          out += static_cast<char>(ch);
        }
    }
  }
  return out + "\"";
}

std::string json_cell(const Cell& c) {
  if (std::holds_alternative<std::monostate>(c) || no_number(c)) return "null";
  if (const auto* s = std::get_if<std::string>(&c)) return json_string(*s);
  return exact_cell(c);
}

bool right_aligned(Kind k) {
  return k == Kind::kCount || k == Kind::kBytes || k == Kind::kRate || k == Kind::kPercent;
}

}  // namespace

bool parse_format(const std::string& text, Format& out) {
  if (text == "table")
    out = Format::kTable;
  else if (text == "csv")
    out = Format::kCsv;
  else if (text == "json")
    out = Format::kJson;
  else if (text == "markdown" || text == "md")
    out = Format::kMarkdown;
  else if (text == "html")
    out = Format::kHtml;
  else
    return false;
  return true;
}

std::string human_bytes(int64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  auto v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024.0 && u < 5) {
    v /= 1024.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[u]);
  return buf;
}

std::string human_rate(double bps) {
  static constexpr const char* kUnits[] = {"b/s", "kb/s", "Mb/s", "Gb/s", "Tb/s"};
  int u = 0;
  while (bps >= 1000.0 && u < 4) {
    bps /= 1000.0;
    ++u;
  }
  char buf[32];
  // Past a million Tb/s (a value edited into a database, say), three digits and an exponent.
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : bps < 1e6 ? "%.1f %s" : "%.3g %s", bps, kUnits[u]);
  return buf;
}

std::string render_table(const Table& t, const TimeZone& tz) {
  std::vector<size_t> cols;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (t.columns[i].in_table) cols.push_back(i);
  }
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> width(t.columns.size(), 0);
  for (size_t i : cols) width[i] = text_columns(t.columns[i].header);
  for (const auto& row : t.rows) {
    cells.emplace_back();
    for (size_t i : cols) {
      cells.back().push_back(elide_middle(human_cell(row[i], t.columns[i].kind, tz), t.columns[i].max_width));
      width[i] = std::max(width[i], text_columns(cells.back().back()));
    }
  }
  auto pad = [](const std::string& s, size_t w, bool right) {
    const size_t used = text_columns(s);
    std::string fill(w > used ? w - used : 0, ' ');
    return right ? fill + s : s + fill;
  };
  std::string out;
  if (!t.title.empty()) out += clean_text(t.title, false) + "\n";
  std::string line;
  for (size_t k = 0; k < cols.size(); ++k) {
    const Column& c = t.columns[cols[k]];
    line += (k ? "  " : "") + pad(c.header, width[cols[k]], right_aligned(c.kind));
  }
  out += line.substr(0, line.find_last_not_of(' ') + 1) + "\n";
  for (const auto& row : cells) {
    line.clear();
    for (size_t k = 0; k < cols.size(); ++k) {
      line += (k ? "  " : "") + pad(row[k], width[cols[k]], right_aligned(t.columns[cols[k]].kind));
    }
    out += line.substr(0, line.find_last_not_of(' ') + 1) + "\n";
  }
  if (t.rows.empty()) out += "(no data in this range)\n";
  for (const auto& n : t.notes) out += clean_text(n, false) + "\n";
  return out;
}

std::string render_csv(const Table& t) {
  std::string out;
  for (size_t i = 0; i < t.columns.size(); ++i) out += (i ? "," : "") + csv_quote(t.columns[i].key);
  out += "\n";
  for (const auto& row : t.rows) {
    for (size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + csv_quote(exact_cell(row[i]));
    out += "\n";
  }
  return out;
}

std::string render_json(const Table& t) {
  std::string out = "{" + json_string(t.name) + ":[";
  for (size_t r = 0; r < t.rows.size(); ++r) {
    out += r ? ",\n{" : "\n{";
    for (size_t i = 0; i < t.columns.size(); ++i) {
      out += (i ? "," : "") + json_string(t.columns[i].key) + ":" + json_cell(t.rows[r][i]);
    }
    out += "}";
  }
  out += t.rows.empty() ? "]}\n" : "\n]}\n";
  return out;
}

std::string render(const std::vector<Table>& tables, Format f, const TimeZone& tz) {
  std::string out;
  if (f == Format::kJson) {
    out = "{";
    for (size_t i = 0; i < tables.size(); ++i) {
      std::string one = render_json(tables[i]);
      // Each table renders as {"name":[...]}: keep what is inside the braces.
      out += (i ? ",\n" : "") + one.substr(1, one.rfind('}') - 1);
    }
    return out + "}\n";
  }
  for (size_t i = 0; i < tables.size(); ++i) {
    if (i != 0) out += "\n";
    if (f == Format::kCsv) out += "# " + tables[i].name + "\n";
    out += render(tables[i], f, tz);
  }
  return out;
}

std::string render(const Table& t, Format f, const TimeZone& tz) {
  switch (f) {
    case Format::kTable: return render_table(t, tz);
    case Format::kCsv: return render_csv(t);
    case Format::kJson: return render_json(t);
    case Format::kMarkdown:
    case Format::kHtml: return render_table(t, tz);
  }
  return "";
}

}  // namespace netledger::report
