// `spotauth demo`: the sign-in server wired to the built-in stand-in Spotify, in one process,
// with a random secret: try the whole login without a Spotify account.
#pragma once

#include <cstdint>
#include <string>

namespace spotauth::cli {

struct DemoOptions {
  std::uint16_t port = 5000;
  std::string store = "memory";
  bool pkce = false;          // public client: no secret, PKCE
  bool auto_approve = false;  // skip the stand-in's consent page
  std::string upstream;       // gateway mode in front of this app (SPOTAUTH_UPSTREAM)
};

// Runs until SIGINT or SIGTERM; returns the exit code.
int RunDemo(const DemoOptions& options);

}  // namespace spotauth::cli
