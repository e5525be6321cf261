// Runs the sign-in server for a checked configuration until SIGINT or SIGTERM.
#pragma once

#include <functional>

#include "server/config.h"

namespace spotauth::cli {

// Opens the store, starts one event loop per thread, sweeps expired rows in the background,
// and on a signal stops accepting, finishes requests in flight and closes the store.
// `on_listening` runs once the server accepts connections. Returns the exit code.
int RunServer(const server::Config& config, const std::function<void()>& on_listening = {});

}  // namespace spotauth::cli
