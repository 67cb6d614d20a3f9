// The schema, one step per version. A released step is never edited: a change is a
// new step. docs/SCHEMA.md describes the tables for people querying the file directly.
#include "schema.hpp"

namespace netledger::storage {

namespace {

constexpr const char* kVersion1 = R"sql(
CREATE TABLE capture_runs (
  id               INTEGER PRIMARY KEY,
  kind             TEXT NOT NULL,              -- 'replay' or 'capture'
  source           TEXT NOT NULL,              -- file names or the interface
  started_s        INTEGER NOT NULL,           -- wall clock, UTC epoch seconds
  finished_s       INTEGER,
  first_packet_us  INTEGER,
  last_packet_us   INTEGER,
  packets_read     INTEGER NOT NULL DEFAULT 0,
  bytes_read       INTEGER NOT NULL DEFAULT 0, -- wire bytes
  bytes_captured   INTEGER NOT NULL DEFAULT 0,
  packets_decoded  INTEGER NOT NULL DEFAULT 0, -- frames with at least one IP layer
  non_ip_packets   INTEGER NOT NULL DEFAULT 0,
  drops_kernel     INTEGER NOT NULL DEFAULT 0,
  drops_interface  INTEGER NOT NULL DEFAULT 0,
  flows_seen       INTEGER NOT NULL DEFAULT 0,
  flows_evicted    INTEGER NOT NULL DEFAULT 0,
  status           TEXT NOT NULL,              -- running, complete, truncated, interrupted, failed
  error            TEXT
);
CREATE TABLE capture_anomalies (
  run_id  INTEGER NOT NULL REFERENCES capture_runs(id),
  name    TEXT NOT NULL,
  count   INTEGER NOT NULL,
  PRIMARY KEY (run_id, name)
) WITHOUT ROWID;
CREATE TABLE hosts (
  id          INTEGER PRIMARY KEY,
  address     TEXT NOT NULL UNIQUE,
  first_seen  INTEGER NOT NULL,   -- bucket start, UTC epoch seconds
  last_seen   INTEGER NOT NULL
);
CREATE TABLE host_traffic_minute (
  bucket            INTEGER NOT NULL,  -- UTC epoch seconds, start of the minute
  host_id           INTEGER NOT NULL REFERENCES hosts(id),
  ip_proto          INTEGER NOT NULL,
  packets_sent      INTEGER NOT NULL,
  bytes_sent        INTEGER NOT NULL,
  packets_received  INTEGER NOT NULL,
  bytes_received    INTEGER NOT NULL,
  flows             INTEGER NOT NULL,
  PRIMARY KEY (bucket, host_id, ip_proto)
) WITHOUT ROWID;
CREATE TABLE protocol_traffic_minute (
  bucket    INTEGER NOT NULL,
  ip_proto  INTEGER NOT NULL,  -- innermost transport: each frame counted once
  packets   INTEGER NOT NULL,
  bytes     INTEGER NOT NULL,
  flows     INTEGER NOT NULL,
  PRIMARY KEY (bucket, ip_proto)
) WITHOUT ROWID;
CREATE TABLE flows (
  id           INTEGER PRIMARY KEY,
  run_id       INTEGER NOT NULL REFERENCES capture_runs(id),
  ip_proto     INTEGER NOT NULL,
  client       TEXT NOT NULL,
  client_port  INTEGER NOT NULL,
  server       TEXT NOT NULL,
  server_port  INTEGER NOT NULL,
  vlan         INTEGER NOT NULL,
  outer_vlan   INTEGER NOT NULL,
  tunnel       INTEGER NOT NULL,  -- 1 when the flow carried other IP layers
  first_us     INTEGER NOT NULL,
  last_us      INTEGER NOT NULL,
  packets_c2s  INTEGER NOT NULL,
  bytes_c2s    INTEGER NOT NULL,
  packets_s2c  INTEGER NOT NULL,
  bytes_s2c    INTEGER NOT NULL,
  end_reason   TEXT NOT NULL
);
)sql";

// Application protocols (nDPI), learned names and MACs.
constexpr const char* kVersion2 = R"sql(
CREATE TABLE labels (
  id    INTEGER PRIMARY KEY,
  name  TEXT NOT NULL UNIQUE   -- an application protocol, nDPI flow name or category
);
INSERT INTO labels(id, name) VALUES (0, 'Unknown');
CREATE TABLE host_traffic_minute_v2 (
  bucket            INTEGER NOT NULL,
  host_id           INTEGER NOT NULL REFERENCES hosts(id),
  ip_proto          INTEGER NOT NULL,
  app_id            INTEGER NOT NULL REFERENCES labels(id),  -- application protocol
  packets_sent      INTEGER NOT NULL,
  bytes_sent        INTEGER NOT NULL,
  packets_received  INTEGER NOT NULL,
  bytes_received    INTEGER NOT NULL,
  flows             INTEGER NOT NULL,
  PRIMARY KEY (bucket, host_id, ip_proto, app_id)
) WITHOUT ROWID;
INSERT INTO host_traffic_minute_v2
  SELECT bucket, host_id, ip_proto, 0, packets_sent, bytes_sent, packets_received, bytes_received, flows
  FROM host_traffic_minute;
DROP TABLE host_traffic_minute;
ALTER TABLE host_traffic_minute_v2 RENAME TO host_traffic_minute;
ALTER TABLE flows ADD COLUMN ndpi_id INTEGER NOT NULL DEFAULT 0;      -- the name nDPI prints
ALTER TABLE flows ADD COLUMN app_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE flows ADD COLUMN master_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE flows ADD COLUMN category_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE flows ADD COLUMN guessed INTEGER NOT NULL DEFAULT 0;      -- 1: by port only
CREATE TABLE host_names (
  host_id     INTEGER NOT NULL REFERENCES hosts(id),
  name        TEXT NOT NULL,
  source      TEXT NOT NULL,     -- dns, tls-sni, quic-sni, http-host, dhcp
  first_seen  INTEGER NOT NULL,  -- packet time, UTC epoch seconds
  last_seen   INTEGER NOT NULL,
  PRIMARY KEY (host_id, name, source)
) WITHOUT ROWID;
CREATE TABLE host_macs (
  host_id     INTEGER NOT NULL REFERENCES hosts(id),
  mac         TEXT NOT NULL,     -- aa:bb:cc:dd:ee:ff
  first_seen  INTEGER NOT NULL,
  last_seen   INTEGER NOT NULL,
  PRIMARY KEY (host_id, mac)
) WITHOUT ROWID;
)sql";

// SNMP: devices, interfaces, raw samples, rates, findings.
constexpr const char* kVersion3 = R"sql(
CREATE TABLE snmp_devices (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,  -- inventory name, or host:port
  address        TEXT NOT NULL,
  sys_name       TEXT,
  sys_descr      TEXT,
  sys_object_id  TEXT,
  uptime_s       INTEGER,
  last_poll_s    INTEGER,
  last_ok_s      INTEGER,
  last_result    TEXT,                  -- 'ok' or the error
  last_took_ms   INTEGER,
  interfaces     INTEGER,
  memory         TEXT                   -- the poller's state between cycles
);
CREATE TABLE snmp_interfaces (
  device_id     INTEGER NOT NULL REFERENCES snmp_devices(id),
  if_index      INTEGER NOT NULL,
  name          TEXT, descr TEXT, alias TEXT,
  type          INTEGER,
  speed_bps     INTEGER,
  mtu           INTEGER,
  mac           TEXT,
  admin_status  INTEGER,
  oper_status   INTEGER,
  duplex        INTEGER,               -- dot3StatsDuplexStatus: 1 unknown, 2 half, 3 full
  last_change   INTEGER,
  in_octets     INTEGER,               -- the counters used (64-bit where the device has them)
  out_octets    INTEGER,
  counter_width INTEGER,
  updated_s     INTEGER NOT NULL,
  memory        TEXT,
  PRIMARY KEY (device_id, if_index)
) WITHOUT ROWID;
CREATE TABLE snmp_samples (
  device_id     INTEGER NOT NULL,
  if_index      INTEGER NOT NULL,
  at_s          INTEGER NOT NULL,
  uptime_s      INTEGER,
  counter_width INTEGER NOT NULL,
  in_octets     INTEGER, out_octets INTEGER,
  in_packets    INTEGER, out_packets INTEGER,
  in_errors     INTEGER, out_errors INTEGER,
  in_discards   INTEGER, out_discards INTEGER,
  fcs_errors    INTEGER, late_collisions INTEGER,
  oper_status   INTEGER,
  PRIMARY KEY (device_id, if_index, at_s)
) WITHOUT ROWID;
CREATE TABLE snmp_rates (
  device_id        INTEGER NOT NULL,
  if_index         INTEGER NOT NULL,
  at_s             INTEGER NOT NULL,    -- end of the interval
  interval_s       REAL NOT NULL,
  in_bps REAL NOT NULL, out_bps REAL NOT NULL,
  in_pps REAL NOT NULL, out_pps REAL NOT NULL,
  in_errors_ps REAL NOT NULL, out_errors_ps REAL NOT NULL,
  in_discards_ps REAL NOT NULL, out_discards_ps REAL NOT NULL,
  utilisation      REAL,                -- max(in, out) / speed; NULL when the speed is unknown
  PRIMARY KEY (device_id, if_index, at_s)
) WITHOUT ROWID;
CREATE TABLE findings (
  id           INTEGER PRIMARY KEY,
  rule         TEXT NOT NULL,
  severity     TEXT NOT NULL,          -- info, warn, crit
  device_id    INTEGER NOT NULL REFERENCES snmp_devices(id),
  if_index     INTEGER NOT NULL,       -- 0: the device itself
  port         TEXT,
  first_seen   INTEGER NOT NULL,
  last_seen    INTEGER NOT NULL,
  cleared_s    INTEGER,                -- NULL while open
  evidence     TEXT,
  explanation  TEXT
);
CREATE INDEX findings_open ON findings(device_id, if_index, rule) WHERE cleared_s IS NULL;
)sql";

// Rollups (hour, day, month) and retention.
constexpr const char* kVersion4 = R"sql(
CREATE TABLE host_traffic_hour (
  bucket INTEGER NOT NULL, host_id INTEGER NOT NULL, ip_proto INTEGER NOT NULL, app_id INTEGER NOT NULL,
  packets_sent INTEGER NOT NULL, bytes_sent INTEGER NOT NULL,
  packets_received INTEGER NOT NULL, bytes_received INTEGER NOT NULL, flows INTEGER NOT NULL,
  PRIMARY KEY (bucket, host_id, ip_proto, app_id)
) WITHOUT ROWID;
CREATE TABLE protocol_traffic_hour (
  bucket INTEGER NOT NULL, ip_proto INTEGER NOT NULL,
  packets INTEGER NOT NULL, bytes INTEGER NOT NULL, flows INTEGER NOT NULL,
  PRIMARY KEY (bucket, ip_proto)
) WITHOUT ROWID;
CREATE TABLE if_traffic_hour (
  bucket INTEGER NOT NULL, device_id INTEGER NOT NULL, if_index INTEGER NOT NULL,
  in_bytes REAL NOT NULL, out_bytes REAL NOT NULL,   -- carried in the bucket, from the rates
  seconds REAL NOT NULL,                             -- time the rates cover
  max_in_bps REAL NOT NULL, max_out_bps REAL NOT NULL, samples INTEGER NOT NULL,
  PRIMARY KEY (bucket, device_id, if_index)
) WITHOUT ROWID;
CREATE TABLE host_traffic_day (
  bucket INTEGER NOT NULL, host_id INTEGER NOT NULL, ip_proto INTEGER NOT NULL, app_id INTEGER NOT NULL,
  packets_sent INTEGER NOT NULL, bytes_sent INTEGER NOT NULL,
  packets_received INTEGER NOT NULL, bytes_received INTEGER NOT NULL, flows INTEGER NOT NULL,
  PRIMARY KEY (bucket, host_id, ip_proto, app_id)
) WITHOUT ROWID;
CREATE TABLE protocol_traffic_day (
  bucket INTEGER NOT NULL, ip_proto INTEGER NOT NULL,
  packets INTEGER NOT NULL, bytes INTEGER NOT NULL, flows INTEGER NOT NULL,
  PRIMARY KEY (bucket, ip_proto)
) WITHOUT ROWID;
CREATE TABLE if_traffic_day (
  bucket INTEGER NOT NULL, device_id INTEGER NOT NULL, if_index INTEGER NOT NULL,
  in_bytes REAL NOT NULL, out_bytes REAL NOT NULL,   -- carried in the bucket, from the rates
  seconds REAL NOT NULL,                             -- time the rates cover
  max_in_bps REAL NOT NULL, max_out_bps REAL NOT NULL, samples INTEGER NOT NULL,
  PRIMARY KEY (bucket, device_id, if_index)
) WITHOUT ROWID;
CREATE TABLE host_traffic_month (
  bucket INTEGER NOT NULL, host_id INTEGER NOT NULL, ip_proto INTEGER NOT NULL, app_id INTEGER NOT NULL,
  packets_sent INTEGER NOT NULL, bytes_sent INTEGER NOT NULL,
  packets_received INTEGER NOT NULL, bytes_received INTEGER NOT NULL, flows INTEGER NOT NULL,
  PRIMARY KEY (bucket, host_id, ip_proto, app_id)
) WITHOUT ROWID;
CREATE TABLE protocol_traffic_month (
  bucket INTEGER NOT NULL, ip_proto INTEGER NOT NULL,
  packets INTEGER NOT NULL, bytes INTEGER NOT NULL, flows INTEGER NOT NULL,
  PRIMARY KEY (bucket, ip_proto)
) WITHOUT ROWID;
CREATE TABLE if_traffic_month (
  bucket INTEGER NOT NULL, device_id INTEGER NOT NULL, if_index INTEGER NOT NULL,
  in_bytes REAL NOT NULL, out_bytes REAL NOT NULL,   -- carried in the bucket, from the rates
  seconds REAL NOT NULL,                             -- time the rates cover
  max_in_bps REAL NOT NULL, max_out_bps REAL NOT NULL, samples INTEGER NOT NULL,
  PRIMARY KEY (bucket, device_id, if_index)
) WITHOUT ROWID;
INSERT INTO host_traffic_hour
  SELECT bucket - bucket % 3600, host_id, ip_proto, app_id, sum(packets_sent), sum(bytes_sent), sum(packets_received),
         sum(bytes_received), sum(flows) FROM host_traffic_minute GROUP BY 1, 2, 3, 4;
INSERT INTO protocol_traffic_hour
  SELECT bucket - bucket % 3600, ip_proto, sum(packets), sum(bytes), sum(flows) FROM protocol_traffic_minute GROUP BY 1, 2;
INSERT INTO host_traffic_day
  SELECT bucket - bucket % 86400, host_id, ip_proto, app_id, sum(packets_sent), sum(bytes_sent), sum(packets_received),
         sum(bytes_received), sum(flows) FROM host_traffic_minute GROUP BY 1, 2, 3, 4;
INSERT INTO protocol_traffic_day
  SELECT bucket - bucket % 86400, ip_proto, sum(packets), sum(bytes), sum(flows) FROM protocol_traffic_minute GROUP BY 1, 2;
INSERT INTO host_traffic_month
  SELECT CAST(strftime('%s', bucket, 'unixepoch', 'start of month') AS INTEGER), host_id, ip_proto, app_id, sum(packets_sent), sum(bytes_sent), sum(packets_received),
         sum(bytes_received), sum(flows) FROM host_traffic_minute GROUP BY 1, 2, 3, 4;
INSERT INTO protocol_traffic_month
  SELECT CAST(strftime('%s', bucket, 'unixepoch', 'start of month') AS INTEGER), ip_proto, sum(packets), sum(bytes), sum(flows) FROM protocol_traffic_minute GROUP BY 1, 2;
-- Retention per resolution; pruned_before is how far back a table was cut, so a query
-- knows which resolution still covers a range.
CREATE TABLE retention (
  resolution     TEXT PRIMARY KEY,   -- minute, hour, day, month, rates
  keep_s         INTEGER,            -- NULL: forever
  pruned_before  INTEGER NOT NULL DEFAULT -9223372036854775807
);
INSERT INTO retention(resolution, keep_s) VALUES ('minute', 172800), ('hour', 7776000), ('day', 63072000),
  ('month', NULL), ('rates', 7776000);
CREATE TABLE settings (
  name   TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
)sql";

// Days and months are folded from hours once, when packet time has moved past a day,
// not re-added at every hour. Hours from folded_before on are not in the day and month
// tables yet; the v_ views add them, so readers see every hour exactly once.
constexpr const char* kVersion5 = R"sql(
CREATE TABLE rollup_state (
  folded_before INTEGER NOT NULL   -- a day boundary: hours before it are in the day and month tables
);
INSERT INTO rollup_state
  SELECT coalesce(max(b) - max(b) % 86400 + 86400, 0)
  FROM (SELECT max(bucket) AS b FROM host_traffic_hour UNION ALL SELECT max(bucket) FROM protocol_traffic_hour);
CREATE VIEW v_host_traffic_day AS
  SELECT bucket, host_id, ip_proto, app_id, packets_sent, bytes_sent, packets_received, bytes_received, flows
  FROM host_traffic_day
  UNION ALL
  SELECT bucket - bucket % 86400, host_id, ip_proto, app_id, packets_sent, bytes_sent, packets_received,
         bytes_received, flows
  FROM host_traffic_hour WHERE bucket >= (SELECT folded_before FROM rollup_state);
CREATE VIEW v_host_traffic_month AS
  SELECT bucket, host_id, ip_proto, app_id, packets_sent, bytes_sent, packets_received, bytes_received, flows
  FROM host_traffic_month
  UNION ALL
  SELECT CAST(strftime('%s', bucket, 'unixepoch', 'start of month') AS INTEGER), host_id, ip_proto, app_id,
         packets_sent, bytes_sent, packets_received, bytes_received, flows
  FROM host_traffic_hour WHERE bucket >= (SELECT folded_before FROM rollup_state);
CREATE VIEW v_protocol_traffic_day AS
  SELECT bucket, ip_proto, packets, bytes, flows FROM protocol_traffic_day
  UNION ALL
  SELECT bucket - bucket % 86400, ip_proto, packets, bytes, flows
  FROM protocol_traffic_hour WHERE bucket >= (SELECT folded_before FROM rollup_state);
CREATE VIEW v_protocol_traffic_month AS
  SELECT bucket, ip_proto, packets, bytes, flows FROM protocol_traffic_month
  UNION ALL
  SELECT CAST(strftime('%s', bucket, 'unixepoch', 'start of month') AS INTEGER), ip_proto, packets, bytes, flows
  FROM protocol_traffic_hour WHERE bucket >= (SELECT folded_before FROM rollup_state);
)sql";

// Flow endpoints are host ids, not address text: a flow row is about a fifth smaller and
// is written without formatting its addresses. Every endpoint is a host already (each is
// charged for the flow's packets); one that is not is added, seen in its flow's minutes.
// v_flows shows flows with their addresses, as the table had them before.
constexpr const char* kVersion6 = R"sql(
INSERT INTO hosts(address, first_seen, last_seen)
  SELECT address, min(first_s - first_s % 60), max(last_s - last_s % 60) FROM (
    SELECT client AS address, first_us / 1000000 AS first_s, last_us / 1000000 AS last_s FROM flows
    UNION ALL
    SELECT server, first_us / 1000000, last_us / 1000000 FROM flows)
  WHERE address NOT IN (SELECT address FROM hosts) GROUP BY address;
CREATE TABLE flows_v6 (
  id           INTEGER PRIMARY KEY,
  run_id       INTEGER NOT NULL REFERENCES capture_runs(id),
  ip_proto     INTEGER NOT NULL,
  client_id    INTEGER NOT NULL REFERENCES hosts(id),
  client_port  INTEGER NOT NULL,
  server_id    INTEGER NOT NULL REFERENCES hosts(id),
  server_port  INTEGER NOT NULL,
  vlan         INTEGER NOT NULL,
  outer_vlan   INTEGER NOT NULL,
  tunnel       INTEGER NOT NULL,  -- 1 when the flow carried other IP layers
  first_us     INTEGER NOT NULL,
  last_us      INTEGER NOT NULL,
  packets_c2s  INTEGER NOT NULL,
  bytes_c2s    INTEGER NOT NULL,
  packets_s2c  INTEGER NOT NULL,
  bytes_s2c    INTEGER NOT NULL,
  end_reason   TEXT NOT NULL,
  ndpi_id      INTEGER NOT NULL DEFAULT 0,  -- labels: the name nDPI prints
  app_id       INTEGER NOT NULL DEFAULT 0,
  master_id    INTEGER NOT NULL DEFAULT 0,
  category_id  INTEGER NOT NULL DEFAULT 0,
  guessed      INTEGER NOT NULL DEFAULT 0   -- 1: by port only
);
INSERT INTO flows_v6
  SELECT f.id, run_id, ip_proto, c.id, client_port, s.id, server_port, vlan, outer_vlan, tunnel, first_us, last_us,
         packets_c2s, bytes_c2s, packets_s2c, bytes_s2c, end_reason, ndpi_id, app_id, master_id, category_id, guessed
  FROM flows f JOIN hosts c ON c.address = f.client JOIN hosts s ON s.address = f.server
  ORDER BY f.id;
DROP TABLE flows;
ALTER TABLE flows_v6 RENAME TO flows;
CREATE VIEW v_flows AS
  SELECT f.id, run_id, ip_proto, c.address AS client, client_port, s.address AS server, server_port, vlan,
         outer_vlan, tunnel, first_us, last_us, packets_c2s, bytes_c2s, packets_s2c, bytes_s2c, end_reason,
         ndpi_id, app_id, master_id, category_id, guessed
  FROM flows f JOIN hosts c ON c.id = f.client_id JOIN hosts s ON s.id = f.server_id;
)sql";

}  // namespace

const char* schema_step(int version) {
  switch (version) {
    case 1: return kVersion1;
    case 2: return kVersion2;
    case 3: return kVersion3;
    case 4: return kVersion4;
    case 5: return kVersion5;
    case 6: return kVersion6;
    default: return "";
  }
}

}  // namespace netledger::storage
