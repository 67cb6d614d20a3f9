#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "netledger/report/oui.hpp"
#include "netledger/report/table.hpp"
#include "support/temp_dir.hpp"

namespace netledger::report {

namespace {

Table sample() {
  Table t;
  t.name = "hosts";
  t.title = "Hosts";
  t.columns = {
      {"address", "Host", Kind::kText}, {"bytes", "Bytes", Kind::kBytes}, {"note", "Note", Kind::kText}};
  t.rows = {{std::string("10.0.0.1"), Cell{int64_t{1536}}, std::string("a \"quoted\", <b>\n")},
            {std::string("10.0.0.2"), Cell{int64_t{12}}, Cell{}}};
  return t;
}

}  // namespace

TEST(Render, JsonKeepsExactNumbersAndEscapesText) {
  std::string j = render_json(sample());
  EXPECT_NE(j.find(R"({"address":"10.0.0.1","bytes":1536,"note":"a \"quoted\", <b>\n"})"), std::string::npos)
      << j;
  EXPECT_NE(j.find(R"("note":null)"), std::string::npos);
  EXPECT_EQ(j.rfind("{\"hosts\":[", 0), 0U);
}

TEST(Render, EmptyTableIsValidJson) {
  Table t = sample();
  t.rows.clear();
  EXPECT_EQ(render_json(t), "{\"hosts\":[]}\n");
}

TEST(Render, CsvQuotesFieldsThatNeedIt) {
  std::string c = render_csv(sample());
  EXPECT_NE(c.find("address,bytes,note\n"), std::string::npos);
  EXPECT_NE(c.find("10.0.0.1,1536,\"a \"\"quoted\"\", <b>\n\"\n"), std::string::npos) << c;
}

TEST(Render, TableUsesHumanUnitsAndAlignsNumbersRight) {
  std::string t = render_table(sample());
  EXPECT_NE(t.find("1.5 KiB"), std::string::npos);
  EXPECT_NE(t.find("   12 B"), std::string::npos) << t;
}

// Doubles read back from a database can be anything SQLite stores: infinities, and values
// whose six decimals would not fit a buffer (they were cut to their first 63 characters).
TEST(Render, NumbersPastWhatADoubleSpellsStayValidAndWhole) {
  Table t;
  t.name = "rates";
  t.columns = {{"in", "In", Kind::kRate}, {"out", "Out", Kind::kRate}, {"util", "Util", Kind::kPercent}};
  t.rows = {{Cell{HUGE_VAL}, Cell{-HUGE_VAL}, Cell{std::nan("")}}, {Cell{1e308}, Cell{2.5}, Cell{1e15}}};
  const std::string j = render_json(t);
  EXPECT_NE(j.find(R"({"in":null,"out":null,"util":null})"), std::string::npos) << j;
  EXPECT_NE(j.find(R"({"in":1e+308,"out":2.500000,"util":1000000000000000})"), std::string::npos) << j;
  const std::string c = render_csv(t);
  EXPECT_NE(c.find("\n,,\n"), std::string::npos) << c;
  EXPECT_EQ(c.find("inf"), std::string::npos) << c;
  const std::string h = render_table(t);
  EXPECT_EQ(h.find("inf"), std::string::npos) << h;
  EXPECT_EQ(h.find("nan"), std::string::npos) << h;
}

// A replay of a thousand rotated files names them all: the terminal shows where the list
// starts and ends, JSON and CSV all of it.
TEST(Render, LongTextKeepsItsStartAndEndInATerminalTable) {
  auto one_column = [](const std::string& text, size_t width) {
    Table t;
    t.name = "runs";
    t.columns = {{"source", "Source", Kind::kText, true, width}, {"status", "Status", Kind::kText}};
    t.rows = {{text, std::string("complete")}};
    return t;
  };
  std::string names;
  for (int i = 0; i < 1000; ++i) names += (i ? " r" : "r") + std::to_string(1000 + i) + ".pcap";
  const Table runs = one_column(names, 24);
  const std::string table = render_table(runs);
  EXPECT_NE(table.find("\nr1000.pcap... r1999.pcap  complete\n"), std::string::npos) << table;
  EXPECT_EQ(table.find("r1500.pcap"), std::string::npos);
  EXPECT_NE(render_json(runs).find(names), std::string::npos);
  EXPECT_NE(render_csv(runs).find(names), std::string::npos);
  // Cut between characters, never inside one: each e-acute is two bytes, one column.
  const std::string accents = "\xc3\xa9t\xc3\xa9-\xc3\xa9t\xc3\xa9-\xc3\xa9t\xc3\xa9-\xc3\xa9t\xc3\xa9";
  EXPECT_NE(render_table(one_column(accents, 9)).find("\xc3\xa9t\xc3\xa9...\xc3\xa9t\xc3\xa9  complete"),
            std::string::npos)
      << render_table(one_column(accents, 9));
  EXPECT_NE(render_table(one_column(names, 0)).find(names), std::string::npos);
}

// Host names and interface descriptions in Chinese, Japanese or Korean take two terminal
// columns a character, as do emoji; an accent written as a combining mark takes none.
TEST(TextColumns, CountWhatATerminalDraws) {
  EXPECT_EQ(text_columns("sw1"), 3U);
  EXPECT_EQ(text_columns("Z\xC3\xBCrich"), 6U);             // precomposed u-umlaut
  EXPECT_EQ(text_columns("Zu\xCC\x88rich"), 6U);            // u and a combining diaeresis
  EXPECT_EQ(text_columns("\xE6\x9D\xB1\xE4\xBA\xAC"), 4U);  // Tokyo in Han
  EXPECT_EQ(text_columns("\xEC\x84\x9C\xEC\x9A\xB8"), 4U);  // Seoul in Hangul
  EXPECT_EQ(text_columns("\xEF\xBC\xA1"), 2U);              // fullwidth A
  EXPECT_EQ(text_columns("\xF0\x9F\x98\x80"), 2U);          // an emoji
  EXPECT_EQ(text_columns("a\xE2\x80\x8B"
                         "b"),
            2U);                        // a zero-width space
  EXPECT_EQ(text_columns("\xFF"), 1U);  // a malformed byte
}

TEST(Render, WideCharactersKeepTheColumnsAligned) {
  Table t;
  t.name = "interfaces";
  t.columns = {{"alias", "Alias", Kind::kText}, {"n", "N", Kind::kCount}};
  const std::string tokyo = "\xE6\x9D\xB1\xE4\xBA\xAC-uplink";  // 11 columns in 15 bytes
  t.rows = {{tokyo, Cell{int64_t{7}}}, {std::string("core-uplink"), Cell{int64_t{12}}}};
  const std::string table = render_table(t);
  EXPECT_NE(table.find(tokyo + "   7\n"), std::string::npos) << table;
  EXPECT_NE(table.find("core-uplink  12\n"), std::string::npos) << table;
  // Cut by columns: three a side of the dots in nine, a wide character whole or not at all.
  const std::string han = "\xE6\x9D\xB1\xE4\xBA\xAC\xE9\x83\xBD\xE5\xBA\x81";  // 8 columns
  EXPECT_EQ(elide_middle(han + han, 9), "\xE6\x9D\xB1...\xE5\xBA\x81");
  EXPECT_EQ(elide_middle(han, 9), han);
  // A combining mark stays with the letter it is drawn over, at either end.
  EXPECT_EQ(elide_middle("ae\xCC\x81"
                         "bcdefgh",
                         7),
            "ae\xCC\x81...gh");
  EXPECT_EQ(elide_middle("abcdefghx\xCC\x81yz", 7), "ab...yz");
}

// A time with a fraction shows milliseconds after its seconds, whatever digits its year has
// (a capture file's stamps can be anywhere in 64 bits of microseconds).
// Each malformed byte reads as U+FFFD; well-formed text, whatever its script, is kept.
TEST(CleanText, GivesValidUtf8AndKeepsControlsOnlyWhenAsked) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(clean_text("plain.example", false), "plain.example");
  EXPECT_EQ(clean_text("Z\xC3\xBCrich \xE6\x9D\xB1 \xF0\x9F\x98\x80", false),
            "Z\xC3\xBCrich \xE6\x9D\xB1 \xF0\x9F\x98\x80");
  EXPECT_EQ(clean_text("Z\xFCrich", true), "Z" + r + "rich");                   // Latin-1
  EXPECT_EQ(clean_text("\xC0\xAF", true), r + r);                               // overlong '/'
  EXPECT_EQ(clean_text("\xE0\x80\xAF", true), r + r + r);                       // overlong, 3 bytes
  EXPECT_EQ(clean_text("\xED\xA0\x80", true), r + r + r);                       // a surrogate
  EXPECT_EQ(clean_text("\xF4\x90\x80\x80", true), r + r + r + r);               // past U+10FFFF
  EXPECT_EQ(clean_text("ab\xE6\x9D", true), "ab" + r + r);                      // cut short
  EXPECT_EQ(clean_text(std::string("a\0b", 3), true), std::string("a\0b", 3));  // exact
  EXPECT_EQ(clean_text(std::string("a\0b", 3), false), "a" + r + "b");
  EXPECT_EQ(clean_text("\x1B[31mred\x07\x7F\xC2\x85", false), r + "[31mred" + r + r + r);
  EXPECT_EQ(clean_text("\x1B[31mred\x07\x7F\xC2\x85", true), "\x1B[31mred\x07\x7F\xC2\x85");
  EXPECT_EQ(clean_text("\xC2\xA0", false), "\xC2\xA0");  // U+00A0 is no control
}

TEST(Render, TextFromTheDatabaseIsSafeInEveryFormat) {
  Table t;
  t.name = "names";
  t.columns = {{"name", "Name", Kind::kText}, {"n", "N", Kind::kCount}};
  t.rows = {{std::string("\xFFsni\x1B[2J"), Cell{int64_t{1}}},
            {std::string("Z\xC3\xBCrich"), Cell{int64_t{22}}}};
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_NE(render_json(t).find(R"("name":")" + r + R"(sni\u001b[2J")"), std::string::npos) << render_json(t);
  EXPECT_NE(render_csv(t).find(r + "sni\x1B[2J,1\n"), std::string::npos);
  const std::string table = render_table(t);
  EXPECT_EQ(table.find('\x1B'), std::string::npos) << table;
  // Aligned by characters, not bytes: both counts end in the same column.
  EXPECT_NE(table.find(r + "sni" + r + "[2J   1\n"), std::string::npos) << table;
  EXPECT_NE(table.find("Z\xC3\xBCrich    22\n"), std::string::npos) << table;
  EXPECT_EQ(text_columns("Z\xC3\xBCrich"), 6U);
}

TEST(HumanCell, PutsTheMillisecondsAfterTheSeconds) {
  EXPECT_EQ(human_cell(Cell{1'700'000'000.25}, Kind::kTime), "2023-11-14 22:13:20.250");
  EXPECT_EQ(human_cell(Cell{253'402'300'800.5}, Kind::kTime), "10000-01-01 00:00:00.500");
  EXPECT_EQ(human_cell(Cell{-62'135'596'799.875}, Kind::kTime), "0001-01-01 00:00:00.125");
}

TEST(HumanBytes, SwitchesUnitsAt1024) {
  EXPECT_EQ(human_bytes(1023), "1023 B");
  EXPECT_EQ(human_bytes(1024), "1.0 KiB");
  EXPECT_EQ(human_bytes(5LL * 1024 * 1024 * 1024), "5.0 GiB");
}

}  // namespace netledger::report

namespace netledger::report {

TEST(Oui, VendorsComeFromTheRegistryFileAndLocalAddressesSaySo) {
  test::TempDir dir;
  const std::string path = dir.file("oui.txt");
  {
    std::ofstream f(path);
    f << "OUI/MA-L\t\tOrganization\n\n00-22-72   (hex)\t\tAmerican Micro-Fuel Device Corp.\n"
         "002272     (base 16)\t\tAmerican Micro-Fuel Device Corp.\n\t\t\t\t2181 Buchanan Loop\n\n"
         "00-D0-EF   (hex)\t\tIGT\n00D0EF     (base 16)\t\tIGT  \n";
  }
  auto v =
      mac_vendors({"00:22:72:01:02:03", "00:d0:ef:00:00:01", "96:03:f6:af:da:9b", "00:00:01:00:00:00"}, path);
  EXPECT_EQ(v["00:22:72:01:02:03"], "American Micro-Fuel Device Corp.");
  EXPECT_EQ(v["00:d0:ef:00:00:01"], "IGT");
  EXPECT_EQ(v["96:03:f6:af:da:9b"], "locally administered");
  EXPECT_EQ(v["00:00:01:00:00:00"], "");
  // Without the registry, vendors are unknown, not an error.
  auto none = mac_vendors({"00:22:72:01:02:03"}, path + ".absent");
  EXPECT_EQ(none["00:22:72:01:02:03"], "");
}

}  // namespace netledger::report
