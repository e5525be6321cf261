// Ports on 127.0.0.1 for servers the tests start (nginx, redis-server, spotauth processes).
#pragma once

#include <cstdint>
#include <span>

namespace spotauth::testing {

// Fills `ports` with distinct ports the kernel just handed out. They stay free until someone
// else binds them; a clash only makes the server fail to start, which its fixture retries.
bool PickLoopbackPorts(std::span<std::uint16_t> ports);

// Something accepts TCP connections on 127.0.0.1:port.
bool AcceptsConnections(std::uint16_t port);

}  // namespace spotauth::testing
