// Documents in the text formats: Markdown, and the single-table formats applied to
// each table in turn (charts are for HTML only; their numbers are in the tables).
#include "netledger/report/document.hpp"

namespace netledger::report {

namespace {

std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return clean_text(out, false);
}

bool numeric(Kind k) {
  return k == Kind::kCount || k == Kind::kBytes || k == Kind::kRate || k == Kind::kPercent;
}

}  // namespace

std::string render_markdown(const Document& d, const TimeZone& tz) {
  std::string out = "# " + md_cell(d.title) + "\n\n";
  for (const auto& line : d.intro) out += md_cell(line) + "  \n";
  if (!d.intro.empty()) out += "\n";
  for (const auto& t : d.tables) {
    out += "## " + md_cell(t.title) + "\n\n|";
    std::string rule = "|";
    for (const auto& c : t.columns) {
      if (!c.in_table) continue;
      out += " " + md_cell(c.header) + " |";
      rule += numeric(c.kind) ? " ---: |" : " --- |";
    }
    out += "\n" + rule + "\n";
    for (const auto& row : t.rows) {
      out += "|";
      for (size_t i = 0; i < t.columns.size(); ++i) {
        if (t.columns[i].in_table) out += " " + md_cell(human_cell(row[i], t.columns[i].kind, tz)) + " |";
      }
      out += "\n";
    }
    if (t.rows.empty()) out += "\n(no data in this range)\n";
    for (const auto& n : t.notes) out += "\n" + md_cell(n) + "\n";
    out += "\n";
  }
  return out;
}

std::string render_document(const Document& d, Format f, const TimeZone& tz) {
  switch (f) {
    case Format::kMarkdown: return render_markdown(d, tz);
    case Format::kHtml: return render_html(d, tz);
    case Format::kJson:
    case Format::kCsv:
    case Format::kTable: {
      if (d.tables.size() == 1) {
        std::string head;
        if (f == Format::kTable) {
          for (const auto& line : d.intro) head += clean_text(line, false) + "\n";
        }
        return head + render(d.tables[0], f, tz);
      }
      std::string head;
      if (f == Format::kTable) {
        for (const auto& line : d.intro) head += clean_text(line, false) + "\n";
      }
      return head + render(d.tables, f, tz);
    }
  }
  return "";
}

}  // namespace netledger::report
