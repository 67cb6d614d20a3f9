// Reports over periods: top talkers, traffic over time, interface utilisation with the
// 95th percentile, daily/monthly totals, and the one-page overview.
#include <algorithm>
#include <cstdio>

#include "netledger/core/clamp_cast.hpp"
#include "netledger/core/time_format.hpp"
#include "netledger/report/reports.hpp"
#include "netledger/storage/period_queries.hpp"

namespace netledger::report {

namespace {

Cell count(uint64_t v) {
  return Cell{static_cast<int64_t>(v)};
}

std::string range_text(const storage::TimeRange& r) {
  std::string since = r.since_s == INT64_MIN ? "the beginning" : format_utc(r.since_s) + " UTC";
  std::string until = r.until_s == INT64_MAX ? "now" : format_utc(r.until_s) + " UTC";
  return "From " + since + " to " + until + ".";
}

storage::Filter filter_of(const ReportOptions& o) {
  return storage::Filter{o.host, o.protocol, o.device, o.port};
}

Result<storage::SeriesBy> series_by(const std::string& by) {
  if (by.empty() || by == "total") return storage::SeriesBy::kTotal;
  if (by == "host" || by == "hosts") return storage::SeriesBy::kHost;
  if (by == "protocol" || by == "protocols" || by == "l4") return storage::SeriesBy::kProtocol;
  if (by == "app" || by == "apps") return storage::SeriesBy::kApp;
  if (by == "interface" || by == "interfaces") return storage::SeriesBy::kInterface;
  return make_error(ErrorCode::kInvalidArgument,
                    "--by '" + by + "': expected total, host, protocol, app or interface");
}

}  // namespace

Result<Document> top_document(const storage::Database& db, const ReportOptions& o) {
  Document d;
  d.intro.push_back(range_text(o.range));
  Table t;
  Chart bars;
  bars.type = Chart::Type::kBars;
  bars.unit = "bytes";
  const std::string by = o.by.empty() ? "hosts" : o.by;
  if (by == "hosts" || by == "host") {
    auto rows = storage::query_hosts(db, o.range, 0);
    if (!rows.ok()) return rows.error();
    uint64_t total = 0;
    for (const auto& r : *rows) total += r.bytes_sent + r.bytes_received;
    d.title = "Top hosts";
    t.name = "top";
    t.title = "Top hosts by bytes";
    t.columns = {{"address", "Host", Kind::kText},
                 {"name", "Name", Kind::kText},
                 {"bytes_sent", "Sent", Kind::kBytes},
                 {"bytes_received", "Received", Kind::kBytes},
                 {"bytes", "Total", Kind::kBytes},
                 {"share", "Share", Kind::kPercent},
                 {"packets_sent", "Pkts sent", Kind::kCount, false},
                 {"packets_received", "Pkts recv", Kind::kCount, false},
                 {"flows", "Flows", Kind::kCount}};
    size_t shown = 0;
    for (const auto& r : *rows) {
      if (o.top != 0 && shown++ >= o.top) break;
      uint64_t b = r.bytes_sent + r.bytes_received;
      // Every byte is charged to both its ends, so shares are of twice the traffic.
      double share = total > 0 ? 100.0 * static_cast<double>(b) / static_cast<double>(total) * 2 : 0;
      std::string name = r.names.substr(0, r.names.find(' '));
      t.rows.push_back({r.address, name.empty() ? Cell{} : Cell{name}, count(r.bytes_sent),
                        count(r.bytes_received), count(b), Cell{share}, count(r.packets_sent),
                        count(r.packets_received), count(r.flows)});
      bars.labels.push_back(name.empty() ? r.address : r.address + " (" + name + ")");
      if (bars.series.empty()) bars.series.push_back(ChartSeries{"bytes", {}});
      bars.series[0].values.push_back(static_cast<double>(b));
    }
    t.notes.emplace_back("Share: of all bytes seen, each counted once; a host's sent and received together.");
    bars.title = "Top talkers";
  } else if (by == "protocols" || by == "protocol" || by == "apps" || by == "app") {
    const bool apps = by.rfind("app", 0) == 0;
    std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>> rows;  // name, bytes, packets
    std::vector<uint64_t> flows;
    if (apps) {
      auto r = storage::query_apps(db, o.range, 0);
      if (!r.ok()) return r.error();
      for (const auto& a : *r) {
        rows.push_back({a.app, {a.bytes, a.packets}});
        flows.push_back(a.flows);
      }
    } else {
      auto r = storage::query_protocols(db, o.range, 0);
      if (!r.ok()) return r.error();
      for (const auto& p : *r) {
        rows.push_back({p.l4, {p.bytes, p.packets}});
        flows.push_back(p.flows);
      }
    }
    uint64_t total = 0;
    for (const auto& r : rows) total += r.second.first;
    d.title = apps ? "Top applications" : "Top protocols";
    t.name = "top";
    t.title = d.title + " by bytes";
    t.columns = {{apps ? "app" : "l4", apps ? "Application" : "Protocol", Kind::kText},
                 {"bytes", "Bytes", Kind::kBytes},
                 {"share", "Share", Kind::kPercent},
                 {"packets", "Packets", Kind::kCount},
                 {"flows", "Flows", Kind::kCount}};
    for (size_t i = 0; i < rows.size(); ++i) {
      if (o.top != 0 && i >= o.top) break;
      double share =
          total > 0 ? 100.0 * static_cast<double>(rows[i].second.first) / static_cast<double>(total) : 0;
      t.rows.push_back({rows[i].first, count(rows[i].second.first), Cell{share}, count(rows[i].second.second),
                        count(flows[i])});
      bars.labels.push_back(rows[i].first);
      if (bars.series.empty()) bars.series.push_back(ChartSeries{"bytes", {}});
      bars.series[0].values.push_back(static_cast<double>(rows[i].second.first));
    }
    bars.title = d.title;
  } else {
    return make_error(ErrorCode::kInvalidArgument,
                      "--by '" + by + "': report top takes hosts, protocols or apps");
  }
  if (!bars.labels.empty()) d.charts.push_back(std::move(bars));
  d.tables.push_back(std::move(t));
  return d;
}

Result<Document> timeline_document(const storage::Database& db, const ReportOptions& o) {
  auto by = series_by(o.by);
  if (!by.ok()) return by.error();
  auto tl = storage::query_timeline(db, o.range, o.step_s, *by, filter_of(o), 6);
  if (!tl.ok()) return tl.error();
  Document d;
  d.title = "Traffic over time";
  d.intro.push_back(range_text(o.range));
  char step_text[96];
  std::snprintf(step_text, sizeof step_text, "Step %lld s, from %s buckets.",
                static_cast<long long>(tl->step_s), storage::resolution_name(tl->resolution));
  d.intro.emplace_back(step_text);
  if (tl->step_s != o.step_s) {
    d.intro.emplace_back("The step was widened to the finest data that covers this range.");
  }
  const bool ifs = *by == storage::SeriesBy::kInterface;
  Chart c;
  c.type = (*by == storage::SeriesBy::kProtocol || *by == storage::SeriesBy::kApp) ? Chart::Type::kStacked
                                                                                   : Chart::Type::kLine;
  c.title = ifs ? "Interface traffic (in and out)" : "Bandwidth";
  c.unit = "bit/s";
  c.times = tl->starts;
  Table t;
  t.name = "timeline";
  t.title = d.title;
  t.columns = {{"start", "Start", Kind::kTime},
               {"series", "Series", Kind::kText},
               {"bytes", "Bytes", Kind::kBytes},
               {"bits_per_s", "Average", Kind::kRate}};
  if (ifs) {
    t.columns = {{"start", "Start", Kind::kTime},          {"series", "Interface", Kind::kText},
                 {"bytes_in", "In", Kind::kBytes},         {"bytes_out", "Out", Kind::kBytes},
                 {"in_bits_per_s", "In avg", Kind::kRate}, {"out_bits_per_s", "Out avg", Kind::kRate}};
  }
  const auto step = static_cast<double>(tl->step_s);
  for (const auto& s : tl->series) {
    ChartSeries in{ifs ? s.name + " in" : s.name, {}};
    ChartSeries out{s.name + " out", {}};
    for (size_t i = 0; i < tl->starts.size(); ++i) {
      in.values.push_back(s.values[i] * 8 / step);
      out.values.push_back(s.values_out[i] * 8 / step);
      if (ifs) {
        t.rows.push_back({Cell{tl->starts[i]}, s.name, Cell{clamp_to_int64(s.values[i])},
                          Cell{clamp_to_int64(s.values_out[i])}, Cell{s.values[i] * 8 / step},
                          Cell{s.values_out[i] * 8 / step}});
      } else {
        t.rows.push_back(
            {Cell{tl->starts[i]}, s.name, Cell{clamp_to_int64(s.values[i])}, Cell{s.values[i] * 8 / step}});
      }
    }
    c.series.push_back(std::move(in));
    if (ifs) c.series.push_back(std::move(out));
  }
  if (!c.times.empty()) d.charts.push_back(std::move(c));
  d.tables.push_back(std::move(t));
  return d;
}

Result<Document> interfaces_document(const storage::Database& db, const ReportOptions& o) {
  auto inventory = interfaces_report(db, o);
  if (!inventory.ok()) return inventory.error();
  auto usage = storage::query_interface_usage(db, filter_of(o), o.range);
  if (!usage.ok()) return usage.error();
  Document d;
  d.title = "Interface utilisation";
  d.intro.push_back(range_text(o.range));
  d.intro.emplace_back("95th percentile: the polled samples sorted, the top 5% dropped (burstable billing).");
  Table& t = *inventory;
  // The period's statistics beside the inventory: averages, peaks, 95th percentiles.
  for (const char* key : {"samples", "avg_in_bps", "avg_out_bps", "max_in_bps", "max_out_bps", "p95_in_bps",
                          "p95_out_bps", "p95_utilisation"}) {
    std::string k = key;
    Kind kind = k == "samples" ? Kind::kCount : k == "p95_utilisation" ? Kind::kPercent : Kind::kRate;
    std::string header = k == "samples"            ? "Samples"
                         : k == "p95_utilisation"  ? "95th %"
                         : k.substr(0, 3) == "avg" ? (k[4] == 'i' ? "Avg in" : "Avg out")
                         : k.substr(0, 3) == "max" ? (k[4] == 'i' ? "Max in" : "Max out")
                                                   : (k[4] == 'i' ? "95th in" : "95th out");
    bool shown = k != "samples" && k.substr(0, 3) != "avg";
    t.columns.push_back({k, header, kind, shown || k == "avg_in_bps" || k == "avg_out_bps"});
  }
  std::vector<const storage::InterfaceUsage*> charted;
  for (auto& row : t.rows) {
    const auto* dev = std::get_if<std::string>(&row[0]);
    const auto* idx = std::get_if<int64_t>(&row[1]);
    const storage::InterfaceUsage* u = nullptr;
    for (const auto& x : *usage) {
      if (dev != nullptr && idx != nullptr && x.device == *dev && x.if_index == *idx) u = &x;
    }
    if (u == nullptr || u->samples == 0) {
      row.resize(row.size() + 8);
      continue;
    }
    double p95 = std::max(u->p95_in_bps, u->p95_out_bps);
    row.emplace_back(static_cast<int64_t>(u->samples));
    for (double v :
         {u->avg_in_bps, u->avg_out_bps, u->max_in_bps, u->max_out_bps, u->p95_in_bps, u->p95_out_bps}) {
      row.emplace_back(v);
    }
    row.push_back(u->speed_bps > 0 ? Cell{100.0 * p95 / static_cast<double>(u->speed_bps)} : Cell{});
    charted.push_back(u);
  }
  // Charts for the busiest few, each with its 95th-percentile lines.
  std::sort(charted.begin(), charted.end(), [](const auto* a, const auto* b) {
    return std::max(a->p95_in_bps, a->p95_out_bps) > std::max(b->p95_in_bps, b->p95_out_bps);
  });
  for (size_t i = 0; i < charted.size() && i < 4; ++i) {
    const auto& u = *charted[i];
    Chart c;
    c.title = u.device + " " + (u.name.empty() ? std::to_string(u.if_index) : u.name) +
              (u.alias.empty() ? "" : " (" + u.alias + ")");
    c.unit = "bit/s";
    c.times = u.at_s;
    c.series = {ChartSeries{"in", u.in_bps}, ChartSeries{"out", u.out_bps}};
    c.marks = {Chart::Mark{"95th in", u.p95_in_bps}, Chart::Mark{"95th out", u.p95_out_bps}};
    d.charts.push_back(std::move(c));
  }
  d.tables.push_back(std::move(t));
  return d;
}

Result<Document> summary_document(const storage::Database& db, const ReportOptions& o) {
  if (o.billing_day < 1 || o.billing_day > 28) {
    return make_error(ErrorCode::kInvalidArgument, "--billing-day must be between 1 and 28");
  }
  auto rows = storage::query_summary(db, o.range, o.monthly, o.billing_day, o.now_s);
  if (!rows.ok()) return rows.error();
  Document d;
  d.title = o.monthly ? "Monthly totals" : "Daily totals";
  d.intro.push_back(range_text(o.range));
  if (o.monthly && o.billing_day != 1) {
    d.intro.push_back("Months start on day " + std::to_string(o.billing_day) + " (billing day).");
  }
  Table t;
  t.name = "summary";
  t.title = d.title;
  t.columns = {{"start", "Period", Kind::kTime},
               {"end", "Until", Kind::kTime, false},
               {"bytes", "Bytes", Kind::kBytes},
               {"packets", "Packets", Kind::kCount},
               {"flows", "Flows", Kind::kCount},
               {"average_bps", "Average", Kind::kRate},
               {"estimate_bytes", "Estimate", Kind::kBytes}};
  Chart bars;
  bars.type = Chart::Type::kBars;
  bars.unit = "bytes";
  bars.title = d.title;
  bars.series.push_back(ChartSeries{"bytes", {}});
  for (const auto& p : *rows) {
    auto secs = static_cast<double>(p.end_s - p.start_s);
    if (p.current) secs = static_cast<double>(std::max<int64_t>(1, o.now_s - p.start_s));
    t.rows.push_back({Cell{p.start_s}, Cell{p.end_s}, count(p.bytes), count(p.packets), count(p.flows),
                      Cell{static_cast<double>(p.bytes) * 8 / secs},
                      p.current ? Cell{clamp_to_int64(p.estimate_bytes)} : Cell{}});
    bars.labels.push_back(format_utc(p.start_s).substr(0, o.monthly ? 7 : 10));
    bars.series[0].values.push_back(static_cast<double>(p.bytes));
  }
  t.notes.emplace_back(
      "Bytes: every frame once (innermost transport). Estimate: the current period at its pace so far.");
  if (!bars.labels.empty()) d.charts.push_back(std::move(bars));
  d.tables.push_back(std::move(t));
  return d;
}

Result<Document> overview_document(const storage::Database& db, const ReportOptions& o) {
  Document d;
  d.title = "netledger report";
  d.intro.push_back(range_text(o.range));
  ReportOptions tl = o;
  tl.by = "total";
  // About a hundred points over the range, in steps people read. The first try, by the
  // minute, shows how long the range is; over months of minutes (more points than a
  // timeline takes) the try is by the day.
  tl.step_s = 60;
  auto total = timeline_document(db, tl);
  if (!total.ok() && total.error().code == ErrorCode::kInvalidArgument) {
    tl.step_s = 86400;
    total = timeline_document(db, tl);
  }
  if (!total.ok()) return total.error();
  size_t points = total->charts.empty() ? 0 : total->charts[0].times.size();
  int64_t step =
      total->charts.empty() || points < 2 ? tl.step_s : total->charts[0].times[1] - total->charts[0].times[0];
  if (points > 150) {
    int64_t want = step * static_cast<int64_t>(points) / 100;
    for (int64_t s : {300, 900, 3600, 6 * 3600, 86400, 7 * 86400}) {
      tl.step_s = s;
      if (s >= want) break;
    }
    total = timeline_document(db, tl);
    if (!total.ok()) return total.error();
  } else {
    tl.step_s = step;
  }
  for (auto& line : total->intro) {
    if (line.rfind("Step", 0) == 0) d.intro.push_back(line);
  }
  for (auto& c : total->charts) {
    c.title = "Bandwidth";
    d.charts.push_back(std::move(c));
  }
  tl.by = "app";
  auto shares = timeline_document(db, tl);
  if (!shares.ok()) return shares.error();
  for (auto& c : shares->charts) {
    c.title = "Protocol shares (applications, stacked)";
    d.charts.push_back(std::move(c));
  }
  ReportOptions top = o;
  top.by = "hosts";
  top.top = o.top == 0 ? 10 : o.top;
  auto hosts = top_document(db, top);
  if (!hosts.ok()) return hosts.error();
  for (auto& c : hosts->charts) d.charts.push_back(std::move(c));
  auto ifs = interfaces_document(db, o);
  if (!ifs.ok()) return ifs.error();
  for (size_t i = 0; i < ifs->charts.size() && i < 2; ++i) {
    ifs->charts[i].title = "Utilisation: " + ifs->charts[i].title;
    d.charts.push_back(std::move(ifs->charts[i]));
  }
  for (auto& t : hosts->tables) d.tables.push_back(std::move(t));
  top.by = "apps";
  auto apps = top_document(db, top);
  if (!apps.ok()) return apps.error();
  for (auto& t : apps->tables) d.tables.push_back(std::move(t));
  ReportOptions health = o;
  health.top = 50;
  auto findings = health_report(db, health);
  if (!findings.ok()) return findings.error();
  d.tables.push_back(std::move(*findings));
  auto runs = runs_report(db, o);
  if (!runs.ok()) return runs.error();
  d.tables.push_back(std::move(*runs));
  return d;
}

}  // namespace netledger::report
