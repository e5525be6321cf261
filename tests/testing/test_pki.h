// A throw-away PKI for TLS tests, made with the openssl CLI in a directory.
#pragma once

#include <string>

namespace spotauth::testing {

// Writes into `dir`: ca.crt/ca.key (a test CA), good.crt/good.key (CA-signed, SANs IP:127.0.0.1,
// DNS:localhost and DNS:api.spotify.test), wrong.crt/wrong.key (CA-signed, SAN DNS:wrong.example)
// and self.crt/self.key (SANs as good, self-signed). False and *error (openssl's complaint) on
// failure.
bool MakeTestPki(const std::string& dir, std::string* error);

}  // namespace spotauth::testing
