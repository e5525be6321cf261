// Opening a URL in the user's browser from a terminal command.
#pragma once

#include <string>

namespace spotauth::cli {

// Starts `xdg-open URL` found on PATH, with stdin, stdout and stderr on /dev/null and no other
// inherited descriptors (a browser it starts must not keep our listening socket open), and does
// not wait for it. False when xdg-open is not on PATH or cannot be started.
bool OpenInBrowser(const std::string& url);

}  // namespace spotauth::cli
