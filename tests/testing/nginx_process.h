// nginx in the foreground for one test, in a fresh temp dir, with a config the test writes: for
// tests that put a real nginx in front of spotauth (deploy/ files included as they are).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "testing/child_process.h"

namespace spotauth::testing {

class NginxProcess {
 public:
  // Makes the temp dir (so that a test can put certificates there first); nullptr and *error
  // when nginx is not installed or the dir cannot be made.
  static std::unique_ptr<NginxProcess> Create(std::string* error);
  ~NginxProcess();  // stops nginx and removes the dir
  NginxProcess(const NginxProcess&) = delete;
  NginxProcess& operator=(const NginxProcess&) = delete;

  const std::string& dir() const { return dir_; }
  // Runs nginx (one process) with `http_block` as the body of its http { } block, "@DIR@" there
  // replaced by dir(), and waits until every port in `ports` accepts connections (10 s). False
  // and *error (with nginx's error log) otherwise.
  bool Start(const std::string& http_block, std::span<const std::uint16_t> ports,
             std::string* error);
  std::string ErrorLog() const;

 private:
  explicit NginxProcess(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace spotauth::testing
