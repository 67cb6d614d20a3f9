#include "netledger/snmp/inventory.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace netledger::snmp {
namespace {

// An inventory file of its own for each test, removed after it.
class Inventory : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/netledger-test-inventory-XXXXXX";
    int fd = mkstemp(name);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = name;
  }
  void TearDown() override { std::remove(path_.c_str()); }

  Result<std::vector<Target>> load(const std::string& text) {
    std::ofstream(path_) << text;
    return load_inventory(path_);
  }
  // The error a device with `lines` gives, or "" when it loads.
  std::string error_of(const std::string& lines) {
    auto r = load("[devices.sw1]\naddress = \"192.0.2.1\"\ncommunity = \"c\"\n" + lines + "\n");
    return r.ok() ? "" : r.error().message;
  }

  std::string path_;
};

TEST_F(Inventory, ReadsEachDeviceWithTheDefaultsUnderItsOwnValues) {
  auto r = load(
      "[defaults]\ncommunity = \"shared\"\ninterval = 60\ntimeout = 2.5\n"
      "[devices.a]\naddress = \"192.0.2.1:1161\"\nretries = 3\n"
      "[devices.a.thresholds]\nutilisation_warn = 70\nflaps_warn = 5\nerror_count_warn = 20\n"
      "[devices.a.ports.\"Gi0/1\"]\nutilisation_warn = 95\ncritical = true\n"
      "[devices.b]\naddress = \"[2001:db8::1]\"\ncommunity = \"own\"\ninterval = 30\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2U);
  const Target& a = (*r)[0];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.port, 1161);
  EXPECT_EQ(a.community, "shared");
  EXPECT_EQ(a.interval_s, 60);
  EXPECT_DOUBLE_EQ(a.timeout_s, 2.5);
  EXPECT_EQ(a.retries, 3);
  EXPECT_DOUBLE_EQ(a.thresholds.utilisation_warn, 0.70);
  EXPECT_EQ(a.thresholds.flaps_warn, 5);
  EXPECT_EQ(a.thresholds.error_count_warn, 20U);
  EXPECT_DOUBLE_EQ(a.port_thresholds.at("Gi0/1").utilisation_warn, 0.95);
  EXPECT_EQ(a.port_thresholds.at("Gi0/1").flaps_warn, 5);  // the device's, where the port says nothing
  EXPECT_TRUE(a.critical_ports.count("Gi0/1"));
  const Target& b = (*r)[1];
  EXPECT_EQ(b.host, "2001:db8::1");
  EXPECT_EQ(b.community, "own");
  EXPECT_EQ(b.interval_s, 30);
}

// Each value is refused with a line naming the file, the device and the key; none is cast
// into a field that cannot hold it (nan, inf and 1e300 into an integer were undefined).
TEST_F(Inventory, RefusesNumbersOutsideTheirRangeNamingTheKey) {
  const struct {
    const char* lines;
    const char* says;
  } cases[] = {
      {"timeout = 0", "timeout must be a number of seconds from 0.01 to 600"},
      {"timeout = nan", "timeout must be"},
      {"timeout = inf", "timeout must be"},
      {"timeout = 1e300", "timeout must be"},
      {"timeout = \"5\"", "timeout must be"},
      {"retries = -1", "retries must be a whole number from 0 to 20"},
      {"retries = 4294967296", "retries must be"},  // was cast to an int of 0
      {"retries = 1.5", "retries must be"},
      {"interval = 0", "interval must be a whole number of seconds from 1 to 86400"},
      {"interval = 9223372036854775807", "interval must be"},
      {"interval = \"300\"", "interval must be"},  // was the default, silently
      {"port = 70000", "port must be a whole number from 1 to 65535"},
      {"[devices.sw1.thresholds]\nutilisation_warn = -5",
       "utilisation_warn must be a percentage from 0 to 100"},
      {"[devices.sw1.thresholds]\nerror_ratio_crit = 101", "error_ratio_crit must be a percentage"},
      {"[devices.sw1.thresholds]\nerror_count_warn = -1", "error_count_warn must be a whole number"},
      {"[devices.sw1.thresholds]\nfcs_count = 1e300", "fcs_count must be a whole number"},
      {"[devices.sw1.thresholds]\nflaps_crit = nan", "flaps_crit must be a whole number from 0 to 1000000"},
      {"[devices.sw1.thresholds]\nflaps_warn = 1e10", "flaps_warn must be"},
      {"[devices.sw1.thresholds]\nunreachable_s = -inf", "unreachable_s must be a number of seconds"},
      {"[devices.sw1.thresholds]\nerror_rate_ps = \"high\"", "error_rate_ps must be a rate per second"},
      {"[devices.sw1.thresholds]\nspeed = 1", "unknown threshold 'speed'"},
      {"[devices.sw1.ports.1]\ndiscard_ratio_warn = 200", "discard_ratio_warn must be a percentage"},
      {"[devices.sw1.ports.1]\ncritical = \"yes\"", "ports.1.critical must be true or false"},
  };
  for (const auto& c : cases) {
    const std::string e = error_of(c.lines);
    EXPECT_NE(e.find(path_ + ": "), std::string::npos) << c.lines << " -> " << e;
    EXPECT_NE(e.find("sw1"), std::string::npos) << c.lines << " -> " << e;
    EXPECT_NE(e.find(c.says), std::string::npos) << c.lines << " -> " << e;
  }
}

// Text keys hold text: a number or a list there is refused, not replaced by the default
// unseen (`community = 12345` polled with "public"). A version of 9.2e86 was cast to an
// integer unchecked inside toml++.
TEST_F(Inventory, RefusesWhatIsNotTextWhereTextGoes) {
  const struct {
    const char* lines;
    const char* says;
  } cases[] = {
      {"address = 17", "address must be text in quotes"},
      {"address = \"192.0.2.1\"\ncommunity = 12345", "community must be text in quotes"},
      {"address = \"192.0.2.1\"\ncommunity_env = true", "community_env must be text in quotes"},
      {"address = \"192.0.2.1\"\ncommunity = \"c\"\nversion = 9.2e86", "version must be 1, 2c or 3"},
      {"address = \"192.0.2.1\"\ncommunity = \"c\"\nversion = 2.0", "version must be 1, 2c or 3"},
      {"address = \"192.0.2.1\"\nversion = 3\nuser = 7", "user must be text in quotes"},
      {"address = \"192.0.2.1\"\nversion = 3\nuser = \"u\"\nlevel = 1", "level must be text in quotes"},
      {"address = \"192.0.2.1\"\ncommunity = \"c\"\ncontext = []", "context must be text in quotes"},
      {"address = \"192.0.2.1\"\nversion = 3\nuser = \"u\"\nlevel = \"authNoPriv\"\nauth_password = 1",
       "auth_password must be text in quotes"},
  };
  for (const auto& c : cases) {
    auto r = load(std::string("[devices.sw1]\n") + c.lines + "\n");
    if (r.ok()) {
      ADD_FAILURE() << c.lines << " was taken";
      continue;
    }
    const std::string& e = r.error().message;
    EXPECT_NE(e.find(path_ + ": device 'sw1': "), std::string::npos) << c.lines << " -> " << e;
    EXPECT_NE(e.find(c.says), std::string::npos) << c.lines << " -> " << e;
  }
  auto v3 = load("[devices.sw1]\naddress = \"192.0.2.1\"\nversion = 3\nuser = \"u\"\n");
  ASSERT_TRUE(v3.ok()) << v3.error().message;
  EXPECT_EQ((*v3)[0].version, 3);
}

TEST_F(Inventory, TakesTheEndsOfEachRange) {
  EXPECT_EQ(error_of("timeout = 0.01\nretries = 0\ninterval = 1\nport = 1"), "");
  EXPECT_EQ(error_of("timeout = 600\nretries = 20\ninterval = 86400\nport = 65535"), "");
  EXPECT_EQ(error_of("[devices.sw1.thresholds]\nutilisation_warn = 0\nutilisation_crit = 100\n"
                     "flaps_warn = 0\nflaps_crit = 1000000\nunreachable_s = 1000000000\n"
                     "error_count_warn = 1000000000000\nerror_ratio_warn = 0.01"),
            "");
}

// parse_inventory (the fuzz target's way in) reads text as load_inventory reads the file.
TEST_F(Inventory, TextReadsAsTheFileDoes) {
  const std::string good =
      "[defaults]\ncommunity = \"c\"\n[devices.a]\naddress = \"192.0.2.1:1161\"\nretries = 4\n"
      "[devices.a.thresholds]\nflaps_warn = 7\n";
  auto from_file = load(good);
  auto from_text = parse_inventory(good, path_);
  ASSERT_TRUE(from_file.ok() && from_text.ok());
  ASSERT_EQ(from_text->size(), 1U);
  EXPECT_EQ((*from_text)[0].port, (*from_file)[0].port);
  EXPECT_EQ((*from_text)[0].retries, 4);
  EXPECT_EQ((*from_text)[0].thresholds.flaps_warn, 7);
  for (const std::string bad :
       {"[devices.a]\naddress = \"x\"\ncommunity = \"c\"\nretries = 21\n", "[devices.a\naddress = \"x\"\n"}) {
    auto f = load(bad);
    auto t = parse_inventory(bad, path_);
    ASSERT_FALSE(f.ok() || t.ok()) << bad;
    EXPECT_EQ(t.error().message, f.error().message);
  }
}

}  // namespace
}  // namespace netledger::snmp
