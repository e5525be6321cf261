#include "cli/version.h"

namespace spotauth::cli {

std::string Version() {
  const std::string revision = SPOTAUTH_REVISION;
  return revision.empty() ? SPOTAUTH_VERSION
                          : std::string(SPOTAUTH_VERSION) + " (git " + revision + ")";
}

std::string ProjectVersion() { return SPOTAUTH_VERSION; }

std::string Revision() { return SPOTAUTH_REVISION; }

}  // namespace spotauth::cli
