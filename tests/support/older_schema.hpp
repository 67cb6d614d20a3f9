// SQL that turns a file of the current schema back into what older versions wrote, for
// tests of the upgrade steps.
#pragma once

namespace netledger::test {

// Schema 6 made a flow's ends host ids; up to schema 5 the flows table held them as text.
inline constexpr const char* kFlowsAsSchema5 =
    "CREATE TABLE flows_v5 (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, ip_proto INTEGER NOT NULL, "
    "client TEXT NOT NULL, client_port INTEGER NOT NULL, server TEXT NOT NULL, server_port INTEGER NOT NULL, "
    "vlan INTEGER NOT NULL, outer_vlan INTEGER NOT NULL, tunnel INTEGER NOT NULL, first_us INTEGER NOT NULL, "
    "last_us INTEGER NOT NULL, packets_c2s INTEGER NOT NULL, bytes_c2s INTEGER NOT NULL, packets_s2c INTEGER "
    "NOT NULL, bytes_s2c INTEGER NOT NULL, end_reason TEXT NOT NULL, ndpi_id INTEGER NOT NULL DEFAULT 0, "
    "app_id INTEGER NOT NULL DEFAULT 0, master_id INTEGER NOT NULL DEFAULT 0, category_id INTEGER NOT NULL "
    "DEFAULT 0, guessed INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO flows_v5 SELECT * FROM v_flows;"
    "DROP VIEW v_flows; DROP TABLE flows; ALTER TABLE flows_v5 RENAME TO flows;"
    "PRAGMA user_version = 5;";

}  // namespace netledger::test
