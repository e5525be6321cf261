#include "testing/nginx_fixture.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "testing/loopback_ports.h"
#include "testing/read_file.h"
#include "testing/test_pki.h"

namespace spotauth::http::testing {
namespace {

using spotauth::testing::ReadFile;

constexpr const char* kNginx = "/usr/sbin/nginx";

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

std::string ServerBlock(std::uint16_t port, const std::string& cert, const std::string& dir) {
  std::string listen = "listen 127.0.0.1:" + std::to_string(port);
  std::string tls;
  if (!cert.empty()) {
    listen += " ssl";
    tls = "    ssl_certificate " + dir + "/" + cert + ".crt;\n    ssl_certificate_key " + dir +
          "/" + cert + ".key;\n";
  }
  return "  server {\n    " + listen + ";\n" + tls + "    root " + dir +
         "/html;\n"
         "    add_header X-Conn $connection always;\n"
         "    location = /json {\n"
         "      default_type application/json;\n"
         "      add_header X-Conn $connection always;\n"
         "      add_header X-Spotauth-Test yes always;\n"
         "      return 200 '{\"ok\":true}';\n"
         "    }\n"
         "    location = /echo {\n"
         "      default_type text/plain;\n"
         "      return 200 \"$request_method $http_host $http_user_agent $content_length\";\n"
         "    }\n"
         "    location = /close {\n"
         "      keepalive_timeout 0;\n"
         "      default_type text/plain;\n"
         "      return 200 bye;\n"
         "    }\n"
         "    location = /big { default_type application/octet-stream; try_files /big.bin =404; }\n"
         "  }\n";
}

}  // namespace

std::unique_ptr<NginxFixture> NginxFixture::Start(std::string* error) {
  if (::access(kNginx, X_OK) != 0) {
    *error = std::string(kNginx) +
             " is not installed; the TLS tests need it (apt-get install nginx-light, or run "
             ".ci/run which installs it)";
    return nullptr;
  }
  char pattern[] = "/tmp/spotauth-nginx-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    *error = "cannot create a temp dir";
    return nullptr;
  }
  std::unique_ptr<NginxFixture> fixture(new NginxFixture(pattern));
  if (!fixture->MakePki(error) || !fixture->Launch(error)) return nullptr;
  return fixture;
}

NginxFixture::~NginxFixture() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

bool NginxFixture::MakePki(std::string* error) {
  if (!spotauth::testing::MakeTestPki(dir_, error)) return false;
  ca_file_ = dir_ + "/ca.crt";
  return true;
}

bool NginxFixture::Launch(std::string* error) {
  std::filesystem::create_directories(dir_ + "/html");
  std::filesystem::create_directories(dir_ + "/temp");
  if (!WriteFile(dir_ + "/html/big.bin", std::string(kBigBodyBytes, 'x'))) {
    *error = "cannot write the big body file";
    return false;
  }
  constexpr int kAttempts = 5;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    if (!spotauth::testing::PickLoopbackPorts(ports_)) {
      *error = "cannot pick free loopback ports";
      return false;
    }
    std::string conf =
        "daemon off;\nmaster_process off;\npid " + dir_ + "/nginx.pid;\n" + "error_log " + dir_ +
        "/error.log warn;\nevents { worker_connections 128; }\n" +
        "http {\n  access_log off;\n  keepalive_requests 1000;\n" + "  keepalive_timeout 30s;\n";
    for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
      conf += "  " + std::string(temp) + "_temp_path " + dir_ + "/temp/" + temp + ";\n";
    }
    conf += ServerBlock(ports_[0], "good", dir_) + ServerBlock(ports_[1], "self", dir_) +
            ServerBlock(ports_[2], "wrong", dir_) + ServerBlock(ports_[3], "", dir_) + "}\n";
    if (!WriteFile(dir_ + "/nginx.conf", conf)) {
      *error = "cannot write nginx.conf";
      return false;
    }
    std::filesystem::remove(dir_ + "/error.log");

    const std::string log = dir_ + "/error.log";
    const std::string conf_path = dir_ + "/nginx.conf";
    pid_t pid = ::fork();
    if (pid < 0) {
      *error = "fork failed";
      return false;
    }
    if (pid == 0) {
      // -e: nginx opens its error log before reading the config; keep it out of /var/log.
      ::execl(kNginx, kNginx, "-p", dir_.c_str(), "-c", conf_path.c_str(), "-e", log.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    pid_ = pid;

    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    bool exited = false;
    while (std::chrono::steady_clock::now() < until) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited = true;
        pid_ = -1;
        break;
      }
      bool ready = true;
      for (auto port : ports_) ready = ready && spotauth::testing::AcceptsConnections(port);
      if (ready) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const std::string complaint = ReadFile(log);
    if (exited && complaint.find("Address already in use") != std::string::npos &&
        attempt < kAttempts) {
      continue;
    }
    *error = std::string("nginx did not start") + (exited ? "" : " within 10 s") + ": " + complaint;
    return false;
  }
  return false;
}

}  // namespace spotauth::http::testing
