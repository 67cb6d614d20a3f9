#include "netledger/report/oui.hpp"

#include <cctype>
#include <fstream>
#include <set>

namespace netledger::report {

namespace {

// "aa:bb:cc:..." -> "AABBCC"; "" when it is not a MAC.
std::string prefix_of(const std::string& mac) {
  std::string p;
  for (char c : mac) {
    if (std::isxdigit(static_cast<unsigned char>(c)) != 0) {
      p.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      if (p.size() == 6) return p;
    }
  }
  return "";
}

int hex_value(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0 ? c - '0' : std::toupper(c) - 'A' + 10;
}

}  // namespace

std::map<std::string, std::string> mac_vendors(const std::vector<std::string>& macs,
                                               const std::string& registry) {
  std::map<std::string, std::string> out;
  std::map<std::string, std::vector<std::string>> wanted;  // prefix -> the MACs with it
  for (const auto& m : macs) {
    std::string p = prefix_of(m);
    if (p.empty()) continue;
    // The U/L bit (IEEE 802 §8.2.2): set on addresses no registry assigned.
    if ((hex_value(p[1]) & 0x2) != 0) {
      out[m] = "locally administered";
      continue;
    }
    out[m] = "";
    wanted[p].push_back(m);
  }
  if (wanted.empty()) return out;
  std::ifstream in(registry);
  std::string line;
  // Lines look like "002272     (base 16)\t\tAmerican Micro-Fuel Device Corp."
  while (!wanted.empty() && std::getline(in, line)) {
    if (line.size() < 7 || line.find("(base 16)") == std::string::npos) continue;
    auto it = wanted.find(line.substr(0, 6));
    if (it == wanted.end()) continue;
    size_t at = line.find("(base 16)") + 9;
    at = line.find_first_not_of(" \t", at);
    std::string vendor = at == std::string::npos ? "" : line.substr(at);
    while (!vendor.empty() && std::isspace(static_cast<unsigned char>(vendor.back())) != 0) vendor.pop_back();
    for (const auto& m : it->second) out[m] = vendor;
    wanted.erase(it);
  }
  return out;
}

}  // namespace netledger::report
