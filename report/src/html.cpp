// One self-contained HTML page: inline CSS and SVG charts, no script, no font, no
// request to anywhere. Every string from the database is escaped as text.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "netledger/core/clamp_cast.hpp"
#include "netledger/core/time_format.hpp"
#include "netledger/report/document.hpp"

namespace netledger::report {

namespace {

constexpr const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
constexpr double kWidth = 920;
constexpr double kHeight = 280;
constexpr double kLeft = 80;
constexpr double kRight = 20;
constexpr double kTop = 20;
constexpr double kBottom = 40;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string unit_text(double v, const std::string& unit) {
  if (unit == "bit/s") return human_rate(v);
  if (unit == "bytes") return human_bytes(clamp_to_int64(v));
  char buf[64];
  std::snprintf(buf, sizeof buf, std::fabs(v) < 1e9 ? "%.1f %s" : "%.3g %s", v, unit.c_str());
  return buf;
}

// The chart with every value a finite number that sums of many cannot take past a double:
// values read from a database can be anything SQLite stores, and one infinity would put
// NaN in every coordinate of the chart.
Chart drawable(Chart c) {
  auto clean = [](double& v) { v = std::isfinite(v) ? std::clamp(v, -1e300, 1e300) : 0; };
  for (auto& s : c.series) {
    for (double& v : s.values) clean(v);
  }
  for (auto& m : c.marks) clean(m.value);
  return c;
}

std::string short_time(int64_t t, const TimeZone& tz, int64_t span) {
  auto tt = static_cast<std::time_t>(t);
  std::tm tm{};
  if (tz.local) {
    localtime_r(&tt, &tm);
  } else {
    gmtime_r(&tt, &tm);
  }
  if (span > int64_t{3} * 86400) {
    std::string day = format_tm(tm);
    return day.substr(0, day.find(' '));
  }
  char buf[32];
  std::strftime(buf, sizeof buf, "%m-%d %H:%M", &tm);
  return buf;
}

double nice_max(double v) {
  if (v <= 0) return 1;
  double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

std::string legend(const std::vector<ChartSeries>& series, double y) {
  std::string out;
  double x = kLeft;
  for (size_t i = 0; i < series.size(); ++i) {
    out += "<rect x=\"" + num(x) + "\" y=\"" + num(y - 9) + "\" width=\"10\" height=\"10\" fill=\"" +
           kPalette[i % 10] + "\"/>";
    out += "<text x=\"" + num(x + 14) + "\" y=\"" + num(y) + "\">" + html_escape(series[i].name) + "</text>";
    x += 24 + 7.0 * static_cast<double>(std::min<size_t>(series[i].name.size(), 40));
  }
  return out;
}

// Line or stacked-area chart over time.
std::string time_chart(const Chart& chart, const TimeZone& tz) {
  const Chart c = drawable(chart);
  const size_t n = c.times.size();
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  double top = 0;
  std::vector<double> stack(n, 0);
  for (const auto& s : c.series) {
    for (size_t i = 0; i < n && i < s.values.size(); ++i) {
      stack[i] = c.type == Chart::Type::kStacked ? stack[i] + s.values[i] : std::max(stack[i], s.values[i]);
      top = std::max(top, stack[i]);
    }
  }
  for (const auto& m : c.marks) top = std::max(top, m.value);
  top = nice_max(top);
  auto x_at = [&](size_t i) {
    return kLeft + (n <= 1 ? plot_w / 2 : plot_w * static_cast<double>(i) / static_cast<double>(n - 1));
  };
  auto y_at = [&](double v) { return kTop + plot_h - plot_h * v / top; };
  std::string svg = "<svg class=\"chart\" width=\"" + num(kWidth) + "\" height=\"" + num(kHeight + 24) +
                    "\" viewBox=\"0 0 " + num(kWidth) + " " + num(kHeight + 24) + "\" role=\"img\"><title>" +
                    html_escape(c.title) + "</title>";
  for (int k = 0; k <= 4; ++k) {
    double v = top * k / 4;
    double y = y_at(v);
    svg += "<line class=\"grid\" x1=\"" + num(kLeft) + "\" x2=\"" + num(kWidth - kRight) + "\" y1=\"" +
           num(y) + "\" y2=\"" + num(y) + "\"/>";
    svg += "<text class=\"axis\" x=\"" + num(kLeft - 6) + "\" y=\"" + num(y + 4) + "\" text-anchor=\"end\">" +
           html_escape(unit_text(v, c.unit)) + "</text>";
  }
  if (n > 0) {
    const int64_t span = c.times.back() - c.times.front();
    const size_t ticks = std::min<size_t>(n, 6);
    for (size_t k = 0; k < ticks; ++k) {
      size_t i = ticks == 1 ? 0 : k * (n - 1) / (ticks - 1);
      svg += "<text class=\"axis\" x=\"" + num(x_at(i)) + "\" y=\"" + num(kHeight - kBottom + 16) +
             "\" text-anchor=\"middle\">" + html_escape(short_time(c.times[i], tz, span)) + "</text>";
    }
  }
  std::vector<double> base(n, 0);
  for (size_t s = 0; s < c.series.size(); ++s) {
    const auto& vals = c.series[s].values;
    const char* color = kPalette[s % 10];
    if (c.type == Chart::Type::kStacked && n == 1) {
      // One step: a stacked column, since an area needs two points.
      double v = vals.empty() ? 0 : vals[0];
      double y0 = y_at(base[0]);
      double y1 = y_at(base[0] + v);
      svg += "<rect class=\"area\" fill=\"" + std::string(color) + "\" x=\"" + num(x_at(0) - 30) + "\" y=\"" +
             num(y1) + "\" width=\"60\" height=\"" + num(std::max(0.0, y0 - y1)) + "\"/>";
      base[0] += v;
    } else if (c.type == Chart::Type::kStacked) {
      std::string pts;
      for (size_t i = 0; i < n; ++i)
        pts += num(x_at(i)) + "," + num(y_at(base[i] + (i < vals.size() ? vals[i] : 0))) + " ";
      for (size_t i = n; i-- > 0;) pts += num(x_at(i)) + "," + num(y_at(base[i])) + " ";
      svg += "<polygon class=\"area\" fill=\"" + std::string(color) + "\" points=\"" + pts + "\"/>";
      for (size_t i = 0; i < n && i < vals.size(); ++i) base[i] += vals[i];
    } else {
      std::string pts;
      for (size_t i = 0; i < n && i < vals.size(); ++i) pts += num(x_at(i)) + "," + num(y_at(vals[i])) + " ";
      svg += "<polyline class=\"line\" stroke=\"" + std::string(color) + "\" points=\"" + pts + "\"/>";
      // Few points: mark each, so a single one still shows.
      for (size_t i = 0; n <= 60 && i < n && i < vals.size(); ++i) {
        svg += "<circle cx=\"" + num(x_at(i)) + "\" cy=\"" + num(y_at(vals[i])) + "\" r=\"3\" fill=\"" +
               color + "\"/>";
      }
    }
  }
  for (const auto& m : c.marks) {
    double y = y_at(m.value);
    svg += "<line class=\"mark\" x1=\"" + num(kLeft) + "\" x2=\"" + num(kWidth - kRight) + "\" y1=\"" +
           num(y) + "\" y2=\"" + num(y) + "\"/>";
    svg += "<text class=\"marklabel\" x=\"" + num(kWidth - kRight - 4) + "\" y=\"" + num(y - 4) +
           "\" text-anchor=\"end\">" + html_escape(m.label + " " + unit_text(m.value, c.unit)) + "</text>";
  }
  svg += legend(c.series, kHeight + 18);
  return svg + "</svg>";
}

// Horizontal bars: one per label, the first series.
std::string bar_chart(const Chart& chart) {
  const Chart c = drawable(chart);
  const size_t n = c.labels.size();
  const double row = 24;
  const double height = kTop + row * static_cast<double>(n) + 10;
  const double label_w = 260;
  const double plot_w = kWidth - label_w - 120;
  double top = 0;
  const std::vector<double>* vals = c.series.empty() ? nullptr : &c.series[0].values;
  if (vals != nullptr) {
    for (double v : *vals) top = std::max(top, v);
  }
  top = top > 0 ? top : 1;
  std::string svg = "<svg class=\"chart\" width=\"" + num(kWidth) + "\" height=\"" + num(height) +
                    "\" viewBox=\"0 0 " + num(kWidth) + " " + num(height) + "\" role=\"img\"><title>" +
                    html_escape(c.title) + "</title>";
  for (size_t i = 0; i < n; ++i) {
    double v = vals != nullptr && i < vals->size() ? (*vals)[i] : 0;
    double y = kTop + row * static_cast<double>(i);
    double w = std::max(1.0, plot_w * v / top);
    svg += "<text class=\"axis\" x=\"" + num(label_w - 8) + "\" y=\"" + num(y + 15) +
           "\" text-anchor=\"end\">" + html_escape(c.labels[i]) + "</text>";
    svg += "<rect class=\"bar\" x=\"" + num(label_w) + "\" y=\"" + num(y + 3) + "\" width=\"" + num(w) +
           "\" height=\"" + num(row - 6) + "\" fill=\"" + kPalette[i % 10] + "\"/>";
    svg += "<text class=\"axis\" x=\"" + num(label_w + w + 6) + "\" y=\"" + num(y + 15) + "\">" +
           html_escape(unit_text(v, c.unit)) + "</text>";
  }
  return svg + "</svg>";
}

constexpr const char* kStyle = R"css(
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
p.intro { margin: 2px 0; color: #555; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { padding: 3px 10px; border-bottom: 1px solid #e4e4e4; text-align: left; vertical-align: top; }
th { background: #f4f6f8; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
svg.chart { display: block; margin: 6px 0 14px; }
svg .grid { stroke: #e6e6e6; } svg .axis { font-size: 11px; fill: #555; }
svg .line { fill: none; stroke-width: 1.8; } svg .area { opacity: 0.85; stroke: none; }
svg .mark { stroke: #d62728; stroke-dasharray: 6 4; stroke-width: 1.5; }
svg .marklabel { font-size: 12px; fill: #d62728; } svg text { font-size: 12px; }
.sev-crit { color: #b00020; font-weight: 600; } .sev-warn { color: #a15c00; } .sev-info { color: #555; }
.note { color: #666; font-size: 13px; }
)css";

bool numeric(Kind k) {
  return k == Kind::kCount || k == Kind::kBytes || k == Kind::kRate || k == Kind::kPercent;
}

std::string html_table(const Table& t, const TimeZone& tz) {
  std::string out = "<h2>" + html_escape(t.title) + "</h2>\n<table>\n<tr>";
  for (const auto& c : t.columns) {
    if (c.in_table) out += "<th>" + html_escape(c.header) + "</th>";
  }
  out += "</tr>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const Column& c = t.columns[i];
      if (!c.in_table) continue;
      std::string text = human_cell(row[i], c.kind, tz);
      std::string cls = numeric(c.kind) ? " class=\"num\"" : "";
      if (c.key == "severity") cls = " class=\"sev-" + html_escape(text) + "\"";
      out += "<td" + cls + ">" + html_escape(text) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</table>\n";
  if (t.rows.empty()) out += "<p class=\"note\">No data in this range.</p>\n";
  for (const auto& n : t.notes) out += "<p class=\"note\">" + html_escape(n) + "</p>\n";
  return out;
}

}  // namespace

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : clean_text(s, false)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string format_time(int64_t epoch_s, const TimeZone& tz) {
  return human_cell(Cell{epoch_s}, Kind::kTime, tz);
}

std::string render_html(const Document& d, const TimeZone& tz) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
      "img-src data:\"><title>" +
      html_escape(d.title) + "</title><style>" + kStyle + "</style></head><body>\n";
  out += "<h1>" + html_escape(d.title) + "</h1>\n";
  for (const auto& line : d.intro) out += "<p class=\"intro\">" + html_escape(line) + "</p>\n";
  for (const auto& c : d.charts) {
    out += "<h2>" + html_escape(c.title) + "</h2>\n";
    out += (c.type == Chart::Type::kBars ? bar_chart(c) : time_chart(c, tz)) + "\n";
  }
  for (const auto& t : d.tables) out += html_table(t, tz);
  out += "<p class=\"note\">Made by netledger. Times in " + html_escape(tz.name) + ".</p>\n</body></html>\n";
  return out;
}

}  // namespace netledger::report
