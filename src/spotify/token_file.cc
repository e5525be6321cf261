#include "spotify/token_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <utility>

#include "core/json_fields.h"

namespace spotauth::spotify {
namespace {

// A token file is a few hundred bytes; anything far larger is not one, and is not read whole.
constexpr std::size_t kMaxTokenFileBytes = 64 * 1024;
// Unix seconds up to the year 5138: beyond it a time_point in nanoseconds would overflow.
constexpr std::int64_t kMaxExpiresAt = 100'000'000'000;

std::string SystemReason() { return std::strerror(errno); }

tl::unexpected<Error> FileError(const std::string& path, std::string_view what) {
  return MakeError(ErrorCode::kInvalidArgument, path + " " + std::string(what));
}

// Wording for json_fields' failures; the field's value never appears (it may be a token).
struct TokenFileJsonProblem {
  Error operator()(const json_fields::ReadError& error) const {
    if (error.key.empty()) {
      return Error{ErrorCode::kInvalidArgument, "not a token file: not a JSON object", {}};
    }
    return Error{
        ErrorCode::kInvalidArgument,
        "not a token file: " + error.key + " " + std::string(json_fields::Describe(error.problem)),
        {}};
  }
};

// Closes the descriptor on every path out of a function.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int Get() const { return fd_; }
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

std::string TokenFileJson(const Token& token) {
  const auto expires_at =
      std::chrono::duration_cast<std::chrono::seconds>(token.expires_at.time_since_epoch());
  boost::json::object object;
  object["access_token"] = token.access_token;
  object["refresh_token"] = token.refresh_token;
  object["expires_at"] = static_cast<std::int64_t>(expires_at.count());
  object["scope"] = token.scope.ToString();
  object["token_type"] = token.token_type;
  return boost::json::serialize(object) + "\n";
}

Result<Token> ParseTokenFile(std::string_view text) {
  const TokenFileJsonProblem complain;
  SPOTAUTH_TRY_ASSIGN(const boost::json::object object, json_fields::ParseObject(text, complain));
  SPOTAUTH_TRY_ASSIGN(std::string access_token,
                      json_fields::RequiredString(object, "access_token", complain));
  if (access_token.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "not a token file: access_token is empty");
  }
  SPOTAUTH_TRY_ASSIGN(const std::int64_t expires_at,
                      json_fields::RequiredInt(object, "expires_at", complain));
  if (expires_at < 0 || expires_at > kMaxExpiresAt) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "not a token file: expires_at is not a time in unix seconds");
  }
  SPOTAUTH_TRY_ASSIGN(auto refresh_token,
                      json_fields::OptionalString(object, "refresh_token", complain));
  SPOTAUTH_TRY_ASSIGN(const auto scope, json_fields::OptionalString(object, "scope", complain));
  SPOTAUTH_TRY_ASSIGN(auto token_type, json_fields::OptionalString(object, "token_type", complain));

  Token token;
  token.access_token = std::move(access_token);
  token.refresh_token = std::move(refresh_token).value_or("");
  if (token_type && !token_type->empty()) token.token_type = std::move(*token_type);
  if (scope) token.scope = Scope::Parse(*scope);
  token.expires_at = TimePoint{std::chrono::seconds{expires_at}};
  return token;
}

Result<Token> ReadTokenFile(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.Get() < 0) return FileError(path, "cannot be read: " + SystemReason());
  std::string text;
  std::array<char, 4096> buffer{};
  while (text.size() <= kMaxTokenFileBytes) {
    const ssize_t n = ::read(fd.Get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FileError(path, "cannot be read: " + SystemReason());
    if (n == 0) break;
    text.append(buffer.data(), static_cast<std::size_t>(n));
  }
  if (text.size() > kMaxTokenFileBytes) return FileError(path, "is too large for a token file");
  auto token = ParseTokenFile(text);
  if (!token) return FileError(path, "is " + token.error().message);
  return token;
}

Result<void> WriteTokenFile(const std::string& path, const Token& token) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  if (target.filename().empty()) return FileError(path, "is not a file name");
  // The new file goes beside the old one: rename(2) is atomic only within one file system.
  std::string temp_name = ".";  // appended piecewise: GCC 12 misreads "." + string (PR 105329)
  temp_name.append(target.filename().string()).append(".tmp-XXXXXX");
  std::string temp = (target.parent_path() / temp_name).string();
  Fd fd(::mkostemp(temp.data(), O_CLOEXEC));  // created 0600
  if (fd.Get() < 0) return FileError(path, "cannot be written: " + SystemReason());
  const auto fail = [&](std::string_view step) {
    const std::string reason = SystemReason();
    ::unlink(temp.c_str());
    return FileError(path, "cannot be written (" + std::string(step) + "): " + reason);
  };
  // mkstemp already gives 0600; the explicit mode documents it and survives an odd libc.
  if (::fchmod(fd.Get(), S_IRUSR | S_IWUSR) != 0) return fail("chmod");
  if (!WriteAll(fd.Get(), TokenFileJson(token))) return fail("write");
  // Durable before it becomes visible: otherwise a crash could leave an empty file in place of
  // a token whose refresh token Spotify has already rotated away.
  if (::fsync(fd.Get()) != 0) return fail("fsync");
  if (::close(fd.Release()) != 0) return fail("close");
  if (::rename(temp.c_str(), path.c_str()) != 0) return fail("rename");
  const std::string dir = target.parent_path().empty() ? "." : target.parent_path().string();
  if (const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir_fd >= 0) {
    ::fsync(dir_fd);  // best effort: the rename itself is done
    ::close(dir_fd);
  }
  return {};
}

Result<TokenFileLock> TokenFileLock::Acquire(const std::string& path) {
  for (;;) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.Get() < 0) return FileError(path, "cannot be opened: " + SystemReason());
    int locked;
    do {
      locked = ::flock(fd.Get(), LOCK_EX);
    } while (locked != 0 && errno == EINTR);
    if (locked != 0) return FileError(path, "cannot be locked: " + SystemReason());
    // The holder before us may have replaced the file: then we hold a lock on the old inode,
    // which nobody else will look at, and must lock the new one instead.
    struct stat held {};
    struct stat named {};
    if (::fstat(fd.Get(), &held) != 0) return FileError(path, "cannot be read: " + SystemReason());
    if (::stat(path.c_str(), &named) == 0 && named.st_dev == held.st_dev &&
        named.st_ino == held.st_ino) {
      return TokenFileLock(fd.Release());
    }
  }
}

TokenFileLock& TokenFileLock::operator=(TokenFileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

TokenFileLock::~TokenFileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace spotauth::spotify
