#include "testing/nginx_process.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "testing/loopback_ports.h"
#include "testing/read_file.h"

namespace spotauth::testing {
namespace {

constexpr const char* kNginx = "/usr/sbin/nginx";

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
  return text;
}

}  // namespace

std::unique_ptr<NginxProcess> NginxProcess::Create(std::string* error) {
  if (::access(kNginx, X_OK) != 0) {
    *error = std::string(kNginx) + " is not installed (make test and .ci/run install it)";
    return nullptr;
  }
  char pattern[] = "/tmp/spotauth-nginx-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    *error = "cannot create a temp dir";
    return nullptr;
  }
  return std::unique_ptr<NginxProcess>(new NginxProcess(pattern));
}

NginxProcess::~NginxProcess() {
  process_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string NginxProcess::ErrorLog() const { return ReadFile(dir_ + "/error.log"); }

bool NginxProcess::Start(const std::string& http_block, std::span<const std::uint16_t> ports,
                         std::string* error) {
  std::filesystem::create_directories(dir_ + "/temp");
  std::string conf = "daemon off;\nmaster_process off;\npid " + dir_ + "/nginx.pid;\nerror_log " +
                     dir_ + "/error.log warn;\nevents { worker_connections 256; }\nhttp {\n" +
                     "  access_log off;\n";
  for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
    conf += "  " + std::string(temp) + "_temp_path " + dir_ + "/temp/" + temp + ";\n";
  }
  conf += ReplaceAll(http_block, "@DIR@", dir_) + "\n}\n";
  if (!(std::ofstream(dir_ + "/nginx.conf") << conf)) {
    *error = "cannot write nginx.conf";
    return false;
  }
  // -e: nginx opens its error log before reading the config; keep it out of /var/log.
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{kNginx, "-p", dir_, "-c", dir_ + "/nginx.conf", "-e",
                               dir_ + "/error.log"},
      std::vector<std::string>{}, dir_ + "/stdout.log", dir_ + "/stderr.log");
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < until) {
    if (!process_->Running()) {
      *error = "nginx exited: " + ErrorLog() + ReadFile(dir_ + "/stderr.log");
      return false;
    }
    bool ready = true;
    for (auto port : ports) ready = ready && AcceptsConnections(port);
    if (ready) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  *error = "nginx did not listen within 10 s: " + ErrorLog();
  return false;
}

}  // namespace spotauth::testing
