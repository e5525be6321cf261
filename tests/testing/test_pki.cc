#include "testing/test_pki.h"

#include <cstdlib>
#include <fstream>
#include <vector>

#include "testing/read_file.h"

namespace spotauth::testing {

bool MakeTestPki(const std::string& dir, std::string* error) {
  const std::string config =
      "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = spotauth-test\n"
      "[ca_ext]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n"
      "subjectKeyIdentifier = hash\n"
      "[good_ext]\nbasicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n"
      "subjectAltName = IP:127.0.0.1,DNS:localhost,DNS:api.spotify.test\n"
      "[wrong_ext]\nbasicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n"
      "subjectAltName = DNS:wrong.example\n";
  if (!(std::ofstream(dir + "/pki.cnf") << config)) {
    *error = "cannot write " + dir + "/pki.cnf";
    return false;
  }
  const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
  const std::string common = " -config pki.cnf -days 2";
  const std::vector<std::string> commands = {
      "openssl req -x509" + common + key +
          " -extensions ca_ext -subj /CN=spotauth-test-ca"
          " -keyout ca.key -out ca.crt",
      "openssl req -new -config pki.cnf" + key +
          " -subj /CN=localhost -keyout good.key"
          " -out good.csr",
      "openssl x509 -req -days 2 -in good.csr -CA ca.crt -CAkey ca.key -set_serial 2"
      " -extfile pki.cnf -extensions good_ext -out good.crt",
      "openssl req -new -config pki.cnf" + key +
          " -subj /CN=wrong.example -keyout wrong.key"
          " -out wrong.csr",
      "openssl x509 -req -days 2 -in wrong.csr -CA ca.crt -CAkey ca.key -set_serial 3"
      " -extfile pki.cnf -extensions wrong_ext -out wrong.crt",
      "openssl req -x509" + common + key +
          " -extensions good_ext -subj /CN=localhost"
          " -keyout self.key -out self.crt",
  };
  for (const auto& command : commands) {
    const std::string line = "cd " + dir + " && " + command + " >>openssl.log 2>&1";
    if (std::system(line.c_str()) != 0) {
      *error = "'" + command + "' failed: " + ReadFile(dir + "/openssl.log");
      return false;
    }
  }
  return true;
}

}  // namespace spotauth::testing
