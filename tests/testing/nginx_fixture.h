// A real nginx on loopback with a throw-away test PKI, for TLS tests of the HTTP client.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

namespace spotauth::http::testing {

// Creates, in a fresh temp dir, a test CA and three server certificates (made with the
// openssl CLI): "good" (CA-signed, SANs IP:127.0.0.1 and DNS:localhost), "wrong host"
// (CA-signed, SAN DNS:wrong.example) and "self-signed" (SANs as good, not CA-signed). Then
// runs /usr/sbin/nginx in the foreground with one server per certificate and one plain-HTTP
// server, each on its own 127.0.0.1 port. Every server has these locations:
//   /json   200, application/json {"ok":true}, header X-Spotauth-Test: yes
//   /echo   200, text/plain "<method> <Host> <User-Agent> <Content-Length>"
//   /close  200, "bye", with Connection: close
//   /big    200, a 2 MiB body
// and every response carries X-Conn: nginx's connection serial number.
// The destructor stops nginx and removes the temp dir.
class NginxFixture {
 public:
  // Returns nullptr and fills *error (with nginx's or openssl's complaint) on failure;
  // a missing nginx is a failure, never a reason to skip.
  static std::unique_ptr<NginxFixture> Start(std::string* error);
  ~NginxFixture();
  NginxFixture(const NginxFixture&) = delete;
  NginxFixture& operator=(const NginxFixture&) = delete;

  [[nodiscard]] const std::string& ca_file() const { return ca_file_; }
  [[nodiscard]] std::uint16_t good_port() const { return ports_[0]; }
  [[nodiscard]] std::uint16_t self_signed_port() const { return ports_[1]; }
  [[nodiscard]] std::uint16_t wrong_host_port() const { return ports_[2]; }
  [[nodiscard]] std::uint16_t plain_port() const { return ports_[3]; }

  static constexpr std::size_t kBigBodyBytes = 2 * 1024 * 1024;

 private:
  explicit NginxFixture(std::string dir) : dir_(std::move(dir)) {}
  bool MakePki(std::string* error);
  bool Launch(std::string* error);

  std::string dir_;
  std::string ca_file_;
  std::uint16_t ports_[4] = {};
  pid_t pid_ = -1;
};

}  // namespace spotauth::http::testing
