// A whole file as a string (a server's log, a database file); "" when it cannot be read.
#pragma once

#include <fstream>
#include <iterator>
#include <string>

namespace spotauth::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace spotauth::testing
