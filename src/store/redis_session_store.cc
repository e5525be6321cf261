#include "store/redis_session_store.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>

#include "core/encoding.h"

namespace spotauth::store {

namespace asio = boost::asio;
using asio::awaitable;
using Type = RedisReply::Type;

struct RedisSessionStore::Script {
  explicit Script(std::string body_in) : body(std::move(body_in)) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    EVP_Digest(body.data(), body.size(), digest.data(), &length, EVP_sha1(), nullptr);
    sha1 = HexEncode(std::string_view(reinterpret_cast<const char*>(digest.data()), length));
  }
  std::string body;
  std::string sha1;
};

namespace {

// Times travel as clock ticks since the epoch (exact round trip); scripts compare them as
// Lua numbers, exact to well under a microsecond.
std::string Ticks(TimePoint t) { return std::to_string(t.time_since_epoch().count()); }

std::optional<TimePoint> ParseTicks(const RedisReply& reply) {
  if (reply.type != Type::kString) return std::nullopt;
  TimePoint::rep value{};
  const char* end = reply.text.data() + reply.text.size();
  auto [ptr, ec] = std::from_chars(reply.text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return TimePoint{TimePoint::duration{value}};
}

// Redis forgets a key when the store's clock says it expired: the time left, at least 1 ms.
std::string TtlMs(TimePoint until, TimePoint now) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
  return std::to_string(std::max<long long>(left, 1));
}

// ARGV 1-7 of the create and update scripts: u n t c e, now, ttl.
std::vector<std::string> SessionFields(Session session, TimePoint now) {
  return {std::move(session.user_id),      std::move(session.display_name),
          std::move(session.sealed_token), Ticks(session.created_at),
          Ticks(session.expires_at),       Ticks(now),
          TtlMs(session.expires_at, now)};
}

Result<bool> AsFlag(const Result<RedisReply>& reply) {
  SPOTAUTH_TRY(reply);
  if (reply->type != Type::kInteger) {
    return MakeError(ErrorCode::kStore, "Redis answered a script with an unexpected type");
  }
  return reply->integer == 1;
}

Result<void> AsDone(const Result<RedisReply>& reply) {
  SPOTAUTH_TRY(reply);
  return {};
}

// Writes a session's fields; KEYS[1] the session.
constexpr const char* kSetFields =
    "redis.call('HSET', KEYS[1], 'u', ARGV[1], 'n', ARGV[2], 't', ARGV[3], 'c', ARGV[4], "
    "'e', ARGV[5]) ";

// KEYS: session, the user's index. ARGV: u n t c e, now, ttl, cap, key, prefix.
// Stores the session, then ends the user's oldest live sessions beyond the cap; index entries
// whose session is gone, expired or now someone else's are dropped on the way.
const RedisSessionStore::Script kCreate{std::string(kSetFields) + R"lua(
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[9])
local now = tonumber(ARGV[6])
local live = {}
for _, member in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local key = ARGV[10] .. '{' .. member .. '}:s'
  local held = redis.call('HMGET', key, 'u', 'e')
  if held[1] == ARGV[1] and held[2] and tonumber(held[2]) > now then
    live[#live + 1] = member
  else
    redis.call('ZREM', KEYS[2], member)
  end
end
for i = 1, #live - tonumber(ARGV[8]) do
  redis.call('DEL', ARGV[10] .. '{' .. live[i] .. '}:s')
  redis.call('ZREM', KEYS[2], live[i])
end
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[7]) then
  redis.call('PEXPIRE', KEYS[2], ARGV[7])
end
return 1)lua"};

// KEYS: session. ARGV: u n t c e, now, ttl. Writes only over a live session.
const RedisSessionStore::Script kUpdate{R"lua(
local e = redis.call('HGET', KEYS[1], 'e')
if not e or tonumber(e) <= tonumber(ARGV[6]) then return 0 end
)lua" + std::string(kSetFields) + R"lua(
redis.call('PEXPIRE', KEYS[1], ARGV[7])
return 1)lua"};

// KEYS: session. ARGV: new expiry, now, ttl. Moves a live session's expiry.
const RedisSessionStore::Script kTouch{R"lua(
local e = redis.call('HGET', KEYS[1], 'e')
if not e or tonumber(e) <= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'e', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1)lua"};

// KEYS: used state. ARGV: expiry, now, ttl. Test-and-set.
const RedisSessionStore::Script kUseState{R"lua(
local e = redis.call('GET', KEYS[1])
if e and tonumber(e) > tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1)lua"};

// KEYS: lease. ARGV: owner, until, now, ttl.
const RedisSessionStore::Script kTryLock{R"lua(
local held = redis.call('HMGET', KEYS[1], 'o', 'u')
if held[1] and held[1] ~= ARGV[1] and tonumber(held[2]) > tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], 'o', ARGV[1], 'u', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1)lua"};

// KEYS: lease. ARGV: owner. Only the owner releases.
const RedisSessionStore::Script kUnlock{R"lua(
if redis.call('HGET', KEYS[1], 'o') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1)lua"};

// KEYS: the pause. ARGV: until, ttl. A later pause wins.
const RedisSessionStore::Script kPauseUpstream{R"lua(
local held = redis.call('GET', KEYS[1])
if not held or tonumber(held) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1)lua"};

}  // namespace

RedisSessionStore::RedisSessionStore(RedisStoreOptions options, const Clock& clock)
    : prefix_(std::move(options.prefix)),
      clock_(clock),
      connections_(std::move(options.endpoint), options.timeouts) {}

std::string RedisSessionStore::Key(const std::string& key, const char* kind) const {
  std::string out;
  out.reserve(prefix_.size() + key.size() + 10);
  return out.append(prefix_).append("{").append(key).append("}:").append(kind);
}

std::string RedisSessionStore::SessionKey(const std::string& key) const { return Key(key, "s"); }

awaitable<Result<RedisReply>> RedisSessionStore::Command(std::vector<std::string> args) {
  const asio::any_io_executor caller = co_await asio::this_coro::executor;
  const std::shared_ptr<RedisConnection> connection = connections_.For(caller);
  Result<RedisReply> reply =
      co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Result<RedisReply>)>(
          [&connection](auto handler, std::vector<std::string> command) {
            asio::dispatch(connection->executor(), [connection, command = std::move(command),
                                                    handler = std::move(handler)]() mutable {
              auto shared = std::make_shared<decltype(handler)>(std::move(handler));
              connection->Execute(
                  command, [shared = std::move(shared)](Result<RedisReply> answer) mutable {
                    // Posted, not called: the caller resumes on its own executor, outside
                    // hiredis' read callback.
                    auto executor = asio::get_associated_executor(*shared);
                    asio::post(executor,
                               [shared = std::move(shared), answer = std::move(answer)]() mutable {
                                 std::move (*shared)(std::move(answer));
                               });
                  });
            });
          },
          asio::use_awaitable, std::move(args));
  if (reply && reply->type == Type::kError) {
    co_return MakeError(ErrorCode::kStore, "Redis refused a command: " + reply->text);
  }
  co_return reply;
}

awaitable<Result<RedisReply>> RedisSessionStore::RunScript(const Script& script,
                                                           std::vector<std::string> keys,
                                                           std::vector<std::string> args) {
  std::vector<std::string> command{"EVALSHA", script.sha1, std::to_string(keys.size())};
  command.insert(command.end(), std::make_move_iterator(keys.begin()),
                 std::make_move_iterator(keys.end()));
  command.insert(command.end(), std::make_move_iterator(args.begin()),
                 std::make_move_iterator(args.end()));
  auto reply = co_await Command(command);
  if (!reply && reply.error().message.find("NOSCRIPT") != std::string::npos) {
    command[0] = "EVAL";
    command[1] = script.body;
    reply = co_await Command(std::move(command));
  }
  co_return reply;
}

awaitable<Result<bool>> RedisSessionStore::UseState(std::string key, TimePoint expires_at) {
  const TimePoint now = clock_.Now();
  std::vector<std::string> keys{Key(key, "state")};
  std::vector<std::string> args{Ticks(expires_at), Ticks(now), TtlMs(expires_at, now)};
  co_return AsFlag(co_await RunScript(kUseState, std::move(keys), std::move(args)));
}

awaitable<Result<void>> RedisSessionStore::CreateSession(std::string key, Session session,
                                                         std::size_t max_per_user) {
  const TimePoint now = clock_.Now();
  std::vector<std::string> keys{SessionKey(key), Key("user:" + session.user_id, "sessions")};
  std::vector<std::string> args = SessionFields(std::move(session), now);
  args.insert(args.end(), {std::to_string(max_per_user), std::move(key), prefix_});
  co_return AsDone(co_await RunScript(kCreate, std::move(keys), std::move(args)));
}

awaitable<Result<bool>> RedisSessionStore::UpdateSession(std::string key, Session session) {
  const TimePoint now = clock_.Now();
  std::vector<std::string> keys{SessionKey(key)};
  std::vector<std::string> args = SessionFields(std::move(session), now);
  co_return AsFlag(co_await RunScript(kUpdate, std::move(keys), std::move(args)));
}

awaitable<Result<std::optional<Session>>> RedisSessionStore::GetSession(std::string key) {
  std::vector<std::string> command{"HMGET", SessionKey(key), "u", "n", "t", "c", "e"};
  SPOTAUTH_CO_TRY_ASSIGN(RedisReply reply, co_await Command(std::move(command)));
  if (reply.type != Type::kArray || reply.elements.size() != 5) {
    co_return MakeError(ErrorCode::kStore, "Redis answered HMGET with an unexpected shape");
  }
  auto& f = reply.elements;
  if (f[0].type == Type::kNil) co_return std::nullopt;  // absent (or expired by Redis)
  const auto created = ParseTicks(f[3]);
  const auto expires = ParseTicks(f[4]);
  if (f[1].type != Type::kString || f[2].type != Type::kString || !created || !expires) {
    co_return MakeError(ErrorCode::kStore, "a session in Redis is malformed");
  }
  if (*expires <= clock_.Now()) co_return std::nullopt;
  co_return Session{std::move(f[0].text), std::move(f[1].text), std::move(f[2].text), *created,
                    *expires};
}

awaitable<Result<void>> RedisSessionStore::TouchSession(std::string key, TimePoint expires_at) {
  const TimePoint now = clock_.Now();
  std::vector<std::string> keys{SessionKey(key)};
  std::vector<std::string> args{Ticks(expires_at), Ticks(now), TtlMs(expires_at, now)};
  co_return AsDone(co_await RunScript(kTouch, std::move(keys), std::move(args)));
}

awaitable<Result<void>> RedisSessionStore::DeleteSession(std::string key) {
  // The user's index keeps the key until their next login prunes it.
  std::vector<std::string> command{"DEL", SessionKey(key)};
  co_return AsDone(co_await Command(std::move(command)));
}

awaitable<Result<bool>> RedisSessionStore::TryLock(std::string key, std::string owner,
                                                   TimePoint until) {
  const TimePoint now = clock_.Now();
  std::vector<std::string> keys{Key(key, "lease")};
  std::vector<std::string> args{std::move(owner), Ticks(until), Ticks(now), TtlMs(until, now)};
  co_return AsFlag(co_await RunScript(kTryLock, std::move(keys), std::move(args)));
}

awaitable<Result<void>> RedisSessionStore::Unlock(std::string key, std::string owner) {
  std::vector<std::string> keys{Key(key, "lease")};
  std::vector<std::string> args{std::move(owner)};
  co_return AsDone(co_await RunScript(kUnlock, std::move(keys), std::move(args)));
}

awaitable<Result<void>> RedisSessionStore::PauseUpstream(TimePoint until) {
  std::vector<std::string> keys{Key("upstream", "pause")};
  std::vector<std::string> args{Ticks(until), TtlMs(until, clock_.Now())};
  co_return AsDone(co_await RunScript(kPauseUpstream, std::move(keys), std::move(args)));
}

awaitable<Result<std::optional<TimePoint>>> RedisSessionStore::UpstreamPause() {
  std::vector<std::string> command{"GET", Key("upstream", "pause")};
  SPOTAUTH_CO_TRY_ASSIGN(RedisReply reply, co_await Command(std::move(command)));
  if (reply.type == Type::kNil) co_return std::nullopt;
  const auto until = ParseTicks(reply);
  if (!until) co_return MakeError(ErrorCode::kStore, "the upstream pause in Redis is malformed");
  if (*until <= clock_.Now()) co_return std::nullopt;
  co_return *until;
}

awaitable<Result<void>> RedisSessionStore::Ping() {
  std::vector<std::string> command{"PING"};
  SPOTAUTH_CO_TRY_ASSIGN(RedisReply reply, co_await Command(std::move(command)));
  if (reply.type != Type::kStatus || reply.text != "PONG") {
    co_return MakeError(ErrorCode::kStore, "Redis did not answer PING with PONG");
  }
  co_return Result<void>{};
}

awaitable<Result<std::size_t>> RedisSessionStore::SweepExpired() { co_return std::size_t{0}; }

}  // namespace spotauth::store
