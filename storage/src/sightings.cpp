#include "sightings.hpp"

#include <sqlite3.h>

#include <utility>

namespace netledger::storage {

namespace {

constexpr const char* kNamesInto = "INSERT INTO host_names(host_id, name, source, first_seen, last_seen)";
constexpr const char* kMacsInto = "INSERT INTO host_macs(host_id, mac, first_seen, last_seen)";
// A sighting written again widens its first and last seen times.
constexpr const char* kSeenAdd =
    "ON CONFLICT DO UPDATE SET first_seen = min(first_seen, excluded.first_seen), "
    "last_seen = max(last_seen, excluded.last_seen)";

std::string mac_text(const std::array<uint8_t, 6>& m) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < m.size(); ++i) {
    if (i != 0) out.push_back(':');
    out.push_back(kHex[m[i] >> 4]);
    out.push_back(kHex[m[i] & 0xF]);
  }
  return out;
}

// Notes a sighting: a known one only moves its times; a new one goes on `fresh`.
template <class Map, class Key>
void sight(Map& seen, Key&& key, int64_t t, std::vector<const typename Map::value_type*>& fresh) {
  auto [it, added] = seen.try_emplace(std::forward<Key>(key), SeenTimes{t, t, false});
  if (added) {
    fresh.push_back(&*it);
  } else {
    it->second.see(t);
  }
}

// The entries in their table's key order, so each row lands beside the one before.
template <class Entry>
void sort_by_key(std::vector<const Entry*>& rows) {
  std::sort(rows.begin(), rows.end(), [](const Entry* a, const Entry* b) { return a->first < b->first; });
}

template <class Map>
std::vector<const typename Map::value_type*> moved(const Map& seen) {
  std::vector<const typename Map::value_type*> out;
  for (const auto& e : seen) {
    if (e.second.dirty) out.push_back(&e);
  }
  return out;
}

}  // namespace

size_t SightingCache::NameKeyHash::operator()(const NameKey& k) const noexcept {
  return std::hash<std::string>{}(k.name) ^ (static_cast<size_t>(k.host_id) * 0x9E3779B97F4A7C15ULL) ^
         static_cast<size_t>(k.source);
}

size_t SightingCache::MacKeyHash::operator()(const MacKey& k) const noexcept {
  uint64_t m = 0;
  for (uint8_t b : k.mac) m = (m << 8) | b;
  return static_cast<size_t>((m ^ static_cast<uint64_t>(k.host_id) * 0xBF58476D1CE4E5B9ULL) *
                             0x9E3779B97F4A7C15ULL);
}

Result<SightingCache> SightingCache::prepare(const Database& db) {
  auto names = BulkRows::prepare(db, kNamesInto, 5, kSeenAdd);
  if (!names.ok()) return names.error();
  auto macs = BulkRows::prepare(db, kMacsInto, 4, kSeenAdd);
  if (!macs.ok()) return macs.error();
  return SightingCache(std::move(*names), std::move(*macs));
}

void SightingCache::add(int64_t host_id, const std::string& name, NameSource source, int64_t seen_s) {
  sight(names_, NameKey{host_id, name, source}, seen_s, new_names_);
}

void SightingCache::add(int64_t host_id, const std::array<uint8_t, 6>& mac, int64_t seen_s) {
  sight(macs_, MacKey{host_id, mac}, seen_s, new_macs_);
}

Status SightingCache::write(const Database& db, std::vector<const Entry<NameKey>*>& rows) {
  sort_by_key(rows);
  int rc = upsert_names_.run(rows.size(), [&](BulkRows::Row& r, size_t i) {
    const auto& [k, times] = *rows[i];
    r.bind(1, k.host_id).bind(2, k.name).bind_static(3, name_source_name(k.source));
    r.bind(4, times.first_s).bind(5, times.last_s);
  });
  if (rc != SQLITE_DONE) return db.error("upsert host_names", ErrorCode::kIo);
  return {};
}

Status SightingCache::write(const Database& db, std::vector<const Entry<MacKey>*>& rows) {
  sort_by_key(rows);
  int rc = upsert_macs_.run(rows.size(), [&](BulkRows::Row& r, size_t i) {
    const auto& [k, times] = *rows[i];
    r.bind(1, k.host_id).bind(2, mac_text(k.mac)).bind(3, times.first_s).bind(4, times.last_s);
  });
  if (rc != SQLITE_DONE) return db.error("upsert host_macs", ErrorCode::kIo);
  return {};
}

Status SightingCache::write_new(const Database& db) {
  Status s = write(db, new_names_);
  if (s.ok()) s = write(db, new_macs_);
  new_names_.clear();
  new_macs_.clear();
  return s;
}

Status SightingCache::flush(const Database& db) {
  auto names = moved(names_);
  if (Status s = write(db, names); !s.ok()) return s;
  auto macs = moved(macs_);
  if (Status s = write(db, macs); !s.ok()) return s;
  names_.clear();
  macs_.clear();
  new_names_.clear();
  new_macs_.clear();
  return {};
}

}  // namespace netledger::storage
