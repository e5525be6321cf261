// What `spotauth --version` prints: the CMake project version, and the git revision when the
// binary was built from a checkout.
#pragma once

#include <string>

namespace spotauth::cli {

// "0.1.0" or "0.1.0 (git 1a2b3c4)".
std::string Version();
// Its two parts: "0.1.0", and "1a2b3c4" (with "-dirty" for uncommitted changes) or "" when the
// binary was not built from a checkout.
std::string ProjectVersion();
std::string Revision();

}  // namespace spotauth::cli
