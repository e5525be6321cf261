// The id a request is known by in the access log and to the client (X-Request-Id), so one
// request can be followed through a proxy's log, ours and a user's report.
#pragma once

#include <string>
#include <string_view>

namespace spotauth::http {

// `offered` (the request's X-Request-Id) when it is 1 to 64 characters of [A-Za-z0-9._-],
// which is safe to log and echo; otherwise a new id, unique within this process and unlikely
// to repeat across processes (a random prefix drawn at start and a counter). Ids are not
// secrets. Thread-safe.
std::string RequestId(std::string_view offered);

}  // namespace spotauth::http
