// The system's `gzip -dc` as an oracle for unit tests: what it makes of some bytes.
#ifndef PGARK_TESTS_GUNZIP_TOOL_H_
#define PGARK_TESTS_GUNZIP_TOOL_H_

#include <cstdio>
#include <string>

#include "gtest/gtest.h"

namespace pgark::testing {

struct GunzipOutput {
  int exit_status = -1;
  std::string data;
};

inline GunzipOutput GunzipWithTool(const std::string& gz, const std::string& name) {
  GunzipOutput r;
  const std::string path = ::testing::TempDir() + "/" + name + ".gz";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return r;
  std::fwrite(gz.data(), 1, gz.size(), f);
  std::fclose(f);
  FILE* p = popen(("gzip -dc " + path).c_str(), "r");
  if (p == nullptr) return r;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.data.append(buf, n);
  r.exit_status = pclose(p);
  return r;
}

}  // namespace pgark::testing

#endif  // PGARK_TESTS_GUNZIP_TOOL_H_
