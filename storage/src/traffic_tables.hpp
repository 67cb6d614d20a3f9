// Where traffic of each resolution is read from. Minutes and hours are tables; days and
// months are the v_ views, which add the hours not folded into their tables yet.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "netledger/core/result.hpp"
#include "netledger/storage/database.hpp"
#include "netledger/storage/maintenance.hpp"

namespace netledger::storage {

// SQL for the day and the month (UTC) an hour bucket falls in.
inline constexpr const char* kDayOfBucket = "bucket - bucket % 86400";
inline constexpr const char* kMonthOfBucket =
    "CAST(strftime('%s', bucket, 'unixepoch', 'start of month') AS INTEGER)";

// The start of the first day (month, UTC) that begins at or after `t`; the extremes of
// int64_t stay as they are (open ends).
int64_t period_start_from(int64_t t, bool month);

// `base` is host_traffic or protocol_traffic; anything else (if_traffic) is a table at
// every resolution.
std::string traffic_source(const std::string& base, Resolution r);

// The rows of `base` at resolution `r` whose bucket is in [since, until), as a
// parenthesized SELECT for a FROM clause. Days and months read their table and, only
// where the range reaches past rollup_state.folded_before, the hours not folded yet —
// the views' rows without the views' cost of passing every row through them.
Result<std::string> traffic_rows(const Database& db, const std::string& base, Resolution r, int64_t since_s,
                                 int64_t until_s);
// The same rows as one or two SELECTs joined by UNION ALL, without the parentheses, for
// a longer compound.
Result<std::string> traffic_selects(const Database& db, const std::string& base, Resolution r,
                                    int64_t since_s, int64_t until_s);

// The first and last bucket `source` (a name traffic_source gave) holds in [since, until),
// or none. On a view each part is asked on its own, so the table's index answers.
using Span = std::optional<std::pair<int64_t, int64_t>>;
Result<Span> bucket_span(const Database& db, const std::string& source, int64_t since_s, int64_t until_s);

}  // namespace netledger::storage
