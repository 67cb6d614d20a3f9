// A report document: tables and charts under one title. Builders fill it; renderers
// turn it into text (table, CSV, JSON, Markdown) or one self-contained HTML page.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netledger/report/table.hpp"

namespace netledger::report {

struct ChartSeries {
  std::string name;
  std::vector<double> values;  // one per x point
};

struct Chart {
  enum class Type : uint8_t { kLine, kStacked, kBars };
  Type type = Type::kLine;
  std::string title;
  std::string unit;                 // "bit/s", "bytes", "%"
  std::vector<int64_t> times;       // x for line and stacked charts (epoch seconds)
  std::vector<std::string> labels;  // x for bar charts
  std::vector<ChartSeries> series;
  // Horizontal reference lines (the 95th percentile), drawn dashed with their label.
  struct Mark {
    std::string label;
    double value = 0;
  };
  std::vector<Mark> marks;
};

struct Document {
  std::string title;
  std::vector<std::string> intro;  // lines under the title: range, resolution, completeness
  std::vector<Chart> charts;
  std::vector<Table> tables;
};

std::string render_document(const Document& d, Format f, const TimeZone& tz);
std::string render_markdown(const Document& d, const TimeZone& tz);
std::string render_html(const Document& d, const TimeZone& tz);

// Text for people in HTML: & < > " ' become entities.
std::string html_escape(const std::string& s);
// A time as people read it, in the chosen zone.
std::string format_time(int64_t epoch_s, const TimeZone& tz);

}  // namespace netledger::report
