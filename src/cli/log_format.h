// The one shape of spotauth's log lines, for every sink: text with a UTC time marked `Z` (lines
// from several hosts sort and compare), or JSON objects (SPOTAUTH_LOG_FORMAT=json).
#pragma once

#include <spdlog/formatter.h>

#include <memory>

namespace spotauth::cli {

std::unique_ptr<spdlog::formatter> MakeLogFormatter(bool json);

}  // namespace spotauth::cli
