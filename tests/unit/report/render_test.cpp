#include <gtest/gtest.h>

#include "netledger/report/table.hpp"

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

TEST(HumanBytes, SwitchesUnitsAt1024) {
  EXPECT_EQ(human_bytes(1023), "1023 B");
  EXPECT_EQ(human_bytes(1024), "1.0 KiB");
  EXPECT_EQ(human_bytes(5LL * 1024 * 1024 * 1024), "5.0 GiB");
}

}  // namespace netledger::report
