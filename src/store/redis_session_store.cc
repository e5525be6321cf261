#include "store/redis_session_store.h"

#include <hiredis/hiredis.h>
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
#include <cstdint>

#include "core/encoding.h"
#include "store/redis_command.h"

namespace spotauth::store {

namespace asio = boost::asio;
using asio::awaitable;

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

std::optional<TimePoint> ParseTicks(const redisReply& reply) {
  if (reply.type != REDIS_REPLY_STRING) return std::nullopt;
  TimePoint::rep value{};
  const char* end = reply.str + reply.len;
  auto [ptr, ec] = std::from_chars(reply.str, end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return TimePoint{TimePoint::duration{value}};
}

std::string_view Text(const redisReply& reply) { return {reply.str, reply.len}; }

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

Result<bool> AsFlag(const redisReply& reply) {
  if (reply.type != REDIS_REPLY_INTEGER) {
    return MakeError(ErrorCode::kStore, "Redis answered a script with an unexpected type");
  }
  return reply.integer == 1;
}

Result<void> AsDone(const redisReply& /*reply*/) { return {}; }

// What a command's caller gets: the failure, Redis' refusal, or the reply as `parse` reads it.
template <class T, class Parse>
Result<T> Answer(Result<const redisReply*> reply, const Parse& parse) {
  if (!reply) return tl::unexpected(std::move(reply.error()));
  if ((*reply)->type == REDIS_REPLY_ERROR) {
    return MakeError(ErrorCode::kStore, "Redis refused a command: " + std::string(Text(**reply)));
  }
  return parse(**reply);
}

// HMGET u n t c e of a session, without judging its expiry (the caller's clock does).
Result<std::optional<Session>> AsSession(const redisReply& reply) {
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 5) {
    return MakeError(ErrorCode::kStore, "Redis answered HMGET with an unexpected shape");
  }
  const redisReply* const* f = reply.element;
  if (f[0]->type == REDIS_REPLY_NIL) return std::nullopt;  // absent (or expired by Redis)
  const auto created = ParseTicks(*f[3]);
  const auto expires = ParseTicks(*f[4]);
  if (f[0]->type != REDIS_REPLY_STRING || f[1]->type != REDIS_REPLY_STRING ||
      f[2]->type != REDIS_REPLY_STRING || !created || !expires) {
    return MakeError(ErrorCode::kStore, "a session in Redis is malformed");
  }
  return Session{std::string(Text(*f[0])), std::string(Text(*f[1])), std::string(Text(*f[2])),
                 *created, *expires};
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

std::array<std::string_view, 5> RedisSessionStore::KeyPieces(std::string_view key,
                                                             std::string_view kind) const {
  return {prefix_, "{", key, "}:", kind};
}

std::string RedisSessionStore::Key(std::string_view key, std::string_view kind) const {
  std::string out;
  for (const std::string_view piece : KeyPieces(key, kind)) out.append(piece);
  return out;
}

std::string RedisSessionStore::SessionKey(std::string_view key) const { return Key(key, "s"); }

template <class T, class Parse>
awaitable<Result<T>> RedisSessionStore::Command(std::string command, Parse parse) {
  const asio::any_io_executor caller = co_await asio::this_coro::executor;
  const std::shared_ptr<RedisConnection> connection = connections_.For(caller);
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Result<T>)>(
      [&connection, &parse](auto handler, std::string text) {
        asio::dispatch(connection->executor(), [connection, parse, text = std::move(text),
                                                handler = std::move(handler)]() mutable {
          connection->Execute(
              text, MakeRedisReplyHandler([parse, handler = std::move(handler)](
                                              Result<const redisReply*> reply) mutable {
                Result<T> answer = Answer<T>(std::move(reply), parse);
                // Posted, not called: the caller resumes on its own executor, outside hiredis'
                // read callback.
                auto executor = asio::get_associated_executor(handler);
                asio::post(executor,
                           [handler = std::move(handler), answer = std::move(answer)]() mutable {
                             std::move(handler)(std::move(answer));
                           });
              }));
        });
      },
      asio::use_awaitable, std::move(command));
}

template <class T, class Parse>
awaitable<Result<T>> RedisSessionStore::RunScript(const Script& script,
                                                  std::vector<std::string> keys,
                                                  std::vector<std::string> args, Parse parse) {
  const auto call = [&](std::string_view verb, std::string_view script_or_sha1) {
    RedisCommand command;
    command.Arg(verb).Arg(script_or_sha1).Arg(static_cast<std::int64_t>(keys.size()));
    for (const std::string& key : keys) command.Arg(key);
    for (const std::string& arg : args) command.Arg(arg);
    return std::move(command).Take();
  };
  auto reply = co_await Command<T>(call("EVALSHA", script.sha1), parse);
  if (!reply && reply.error().message.find("NOSCRIPT") != std::string::npos) {
    reply = co_await Command<T>(call("EVAL", script.body), parse);
  }
  co_return reply;
}

awaitable<Result<bool>> RedisSessionStore::UseState(std::string key, TimePoint expires_at) {
  const TimePoint now = clock_.Now();
  std::vector<std::string> keys{Key(key, "state")};
  std::vector<std::string> args{Ticks(expires_at), Ticks(now), TtlMs(expires_at, now)};
  co_return co_await RunScript<bool>(kUseState, std::move(keys), std::move(args), AsFlag);
}

awaitable<Result<void>> RedisSessionStore::CreateSession(std::string key, Session session,
                                                         std::size_t max_per_user) {
  const TimePoint now = clock_.Now();
  std::vector<std::string> keys{SessionKey(key), Key("user:" + session.user_id, "sessions")};
  std::vector<std::string> args = SessionFields(std::move(session), now);
  args.insert(args.end(), {std::to_string(max_per_user), std::move(key), prefix_});
  co_return co_await RunScript<void>(kCreate, std::move(keys), std::move(args), AsDone);
}

awaitable<Result<bool>> RedisSessionStore::UpdateSession(std::string key, Session session) {
  const TimePoint now = clock_.Now();
  std::vector<std::string> keys{SessionKey(key)};
  std::vector<std::string> args = SessionFields(std::move(session), now);
  co_return co_await RunScript<bool>(kUpdate, std::move(keys), std::move(args), AsFlag);
}

awaitable<Result<std::optional<Session>>> RedisSessionStore::GetSession(std::string key) {
  RedisCommand command;
  command.Arg("HMGET").Arg(KeyPieces(key, "s")).Arg("u").Arg("n").Arg("t").Arg("c").Arg("e");
  SPOTAUTH_CO_TRY_ASSIGN(std::optional<Session> session, co_await Command<std::optional<Session>>(
                                                             std::move(command).Take(), AsSession));
  if (session && session->expires_at <= clock_.Now()) co_return std::nullopt;
  co_return session;
}

awaitable<Result<void>> RedisSessionStore::TouchSession(std::string key, TimePoint expires_at) {
  const TimePoint now = clock_.Now();
  std::vector<std::string> keys{SessionKey(key)};
  std::vector<std::string> args{Ticks(expires_at), Ticks(now), TtlMs(expires_at, now)};
  co_return co_await RunScript<void>(kTouch, std::move(keys), std::move(args), AsDone);
}

awaitable<Result<void>> RedisSessionStore::DeleteSession(std::string key) {
  // The user's index keeps the key until their next login prunes it.
  RedisCommand command;
  command.Arg("DEL").Arg(KeyPieces(key, "s"));
  co_return co_await Command<void>(std::move(command).Take(), AsDone);
}

awaitable<Result<bool>> RedisSessionStore::TryLock(std::string key, std::string owner,
                                                   TimePoint until) {
  const TimePoint now = clock_.Now();
  std::vector<std::string> keys{Key(key, "lease")};
  std::vector<std::string> args{std::move(owner), Ticks(until), Ticks(now), TtlMs(until, now)};
  co_return co_await RunScript<bool>(kTryLock, std::move(keys), std::move(args), AsFlag);
}

awaitable<Result<void>> RedisSessionStore::Unlock(std::string key, std::string owner) {
  std::vector<std::string> keys{Key(key, "lease")};
  std::vector<std::string> args{std::move(owner)};
  co_return co_await RunScript<void>(kUnlock, std::move(keys), std::move(args), AsDone);
}

awaitable<Result<void>> RedisSessionStore::PauseUpstream(TimePoint until) {
  std::vector<std::string> keys{Key("upstream", "pause")};
  std::vector<std::string> args{Ticks(until), TtlMs(until, clock_.Now())};
  co_return co_await RunScript<void>(kPauseUpstream, std::move(keys), std::move(args), AsDone);
}

awaitable<Result<std::optional<TimePoint>>> RedisSessionStore::UpstreamPause() {
  RedisCommand command;
  command.Arg("GET").Arg(KeyPieces("upstream", "pause"));
  SPOTAUTH_CO_TRY_ASSIGN(std::optional<TimePoint> until,
                         co_await Command<std::optional<TimePoint>>(
                             std::move(command).Take(),
                             [](const redisReply& reply) -> Result<std::optional<TimePoint>> {
                               if (reply.type == REDIS_REPLY_NIL) return std::nullopt;
                               auto ticks = ParseTicks(reply);
                               if (!ticks) {
                                 return MakeError(ErrorCode::kStore,
                                                  "the upstream pause in Redis is malformed");
                               }
                               return ticks;
                             }));
  if (until && *until <= clock_.Now()) co_return std::nullopt;
  co_return until;
}

awaitable<Result<void>> RedisSessionStore::Ping() {
  RedisCommand command;
  command.Arg("PING");
  co_return co_await Command<void>(
      std::move(command).Take(), [](const redisReply& reply) -> Result<void> {
        if (reply.type != REDIS_REPLY_STATUS || Text(reply) != "PONG") {
          return MakeError(ErrorCode::kStore, "Redis did not answer PING with PONG");
        }
        return {};
      });
}

awaitable<Result<std::size_t>> RedisSessionStore::SweepExpired() { co_return std::size_t{0}; }

}  // namespace spotauth::store
