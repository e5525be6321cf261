// FakeSpotifyState: everything the stand-in Spotify remembers — registered clients, users and
// what they play, authorization codes, tokens, injected faults and request counts.
//
// One instance is shared by the per-thread FakeSpotifyHandler instances: every member function
// is thread-safe (one mutex). Expiry is computed from the injected Clock, so tests move time with
// a ManualClock. The protocol rules (which errors, which tokens) are those of
// docs/spotify-protocol.md; where this class differs from it, this class is wrong.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/scope.h"

namespace spotauth::fake_spotify {

struct FakeClient {
  std::string id;
  std::string secret;  // empty: a public client, which must use PKCE
  // Matched exactly; a loopback URI registered without a port matches any port.
  std::vector<std::string> redirect_uris;
};

struct FakeTrack {
  std::string name;
  std::vector<std::string> artists;
  std::string album;
  std::string image_url;
  std::chrono::milliseconds duration{0};
  std::optional<std::string> id;  // nullopt: a local file

  bool operator==(const FakeTrack&) const = default;
};

struct FakeEpisode {
  std::string name;
  std::string show;
  std::chrono::milliseconds duration{0};
  std::string id;

  bool operator==(const FakeEpisode&) const = default;
};

// item null, currently_playing_type "ad".
struct FakeAd {
  bool operator==(const FakeAd&) const = default;
};
// item null, currently_playing_type "unknown".
struct FakeUnknownItem {
  bool operator==(const FakeUnknownItem&) const = default;
};

using FakeItem = std::variant<FakeTrack, FakeEpisode, FakeAd, FakeUnknownItem>;

struct FakePlayback {
  FakeItem item;
  bool is_playing = true;
  std::chrono::milliseconds progress{0};

  bool operator==(const FakePlayback&) const = default;
};

struct FakeUser {
  std::string id;
  std::optional<std::string> display_name;  // nullopt: JSON null, as Spotify allows
  std::optional<FakePlayback> playback;     // nullopt: nothing plays (204)
  // When `playback` last changed: currently-playing's "timestamp". Kept by FakeSpotifyState
  // (PutUser and SetPlayback), so callers leave it alone.
  TimePoint playback_changed_at{};
};

enum class FakeFaultKind {
  kStatus,     // answer `status` (429 with Retry-After and an empty body; others with JSON)
  kDelay,      // wait `delay`, then answer normally
  kMalformed,  // 200 with a truncated JSON body
  kReset,      // drop the connection with a TCP reset (http::ResetConnectionResponse)
};

struct FakeFault {
  FakeFaultKind kind = FakeFaultKind::kStatus;
  unsigned status = 500;
  std::chrono::seconds retry_after{0};
  std::chrono::milliseconds delay{0};
  int count = 1;  // the number of requests it applies to
};

struct FakeSpotifySettings {
  std::chrono::seconds code_lifetime{std::chrono::minutes{10}};
  std::chrono::seconds access_token_lifetime{3600};
  // Counted from the original authorization; refreshing does not extend it.
  std::chrono::seconds refresh_token_lifetime{std::chrono::hours{24 * 182}};
  // Confidential clients get a new refresh token on refresh only when this is set (the old one
  // is then revoked). PKCE grants always rotate.
  bool rotate_confidential_refresh_tokens = false;
  // Approve /authorize at once (no page) as `auto_approve_user` (empty: the first user).
  bool auto_approve = false;
  std::string auto_approve_user;
};

// An OAuth error as the token endpoint reports it.
struct OAuthError {
  unsigned status = 400;
  std::string error;        // "invalid_grant", "invalid_client", ...
  std::string description;  // error_description
};

// A token endpoint success.
struct IssuedTokens {
  std::string access_token;
  std::string refresh_token;   // empty: none in the response
  std::optional<Scope> scope;  // nullopt: no "scope" field (client credentials)
  std::chrono::seconds expires_in{0};
};

// What a valid access token grants.
struct AccessGrant {
  std::string client_id;
  std::string user_id;  // empty for client credentials
  Scope scope;
};

enum class AccessTokenProblem { kInvalid, kExpired };

struct CodeRequest {
  std::string client_id;
  std::string redirect_uri;
  std::string user_id;
  Scope scope;
  std::string code_challenge;  // empty: no PKCE
};

struct CodeRedemption {
  std::string client_id;
  bool client_authenticated = false;  // the client proved its secret (Basic)
  std::string code;
  std::string redirect_uri;
  std::optional<std::string> code_verifier;
};

struct RefreshRequest {
  std::string client_id;
  bool client_authenticated = false;
  std::string refresh_token;
};

class FakeSpotifyState {
 public:
  FakeSpotifyState(const Clock& clock, Random& random, FakeSpotifySettings settings = {});

  FakeSpotifyState(const FakeSpotifyState&) = delete;
  FakeSpotifyState& operator=(const FakeSpotifyState&) = delete;

  TimePoint Now() const { return clock_.Now(); }

  // Registry. Adding an existing id replaces it; users keep their registration order.
  void AddClient(FakeClient client);
  std::optional<FakeClient> FindClient(std::string_view id) const;
  void PutUser(FakeUser user);
  std::optional<FakeUser> FindUser(std::string_view id) const;
  std::vector<FakeUser> Users() const;
  // False when there is no such user.
  bool SetPlayback(std::string_view user_id, std::optional<FakePlayback> playback);

  // Settings.
  FakeSpotifySettings Settings() const;
  void SetAutoApprove(bool enabled, std::string user_id = {});
  // The user auto-approve signs in: the configured one, else the first registered one; empty
  // when there are no users.
  std::string AutoApproveUser() const;
  void SetAccessTokenLifetime(std::chrono::seconds lifetime);
  void SetRotateConfidentialRefreshTokens(bool enabled);

  // Authorization codes and tokens (fake_spotify_grants.cc). Codes are random, single-use,
  // bound to everything in the CodeRequest and expire after settings.code_lifetime.
  std::string IssueCode(CodeRequest request);
  // The authorization code grant. The caller has already checked the client's secret if one
  // was sent. A code presented a second time revokes every token issued from it
  // (RFC 6749 section 10.5).
  tl::expected<IssuedTokens, OAuthError> RedeemCode(const CodeRedemption& redemption);
  tl::expected<IssuedTokens, OAuthError> Refresh(const RefreshRequest& request);
  // The client credentials grant for an authenticated client: an access token without a user.
  IssuedTokens IssueClientCredentials(std::string_view client_id);
  tl::expected<AccessGrant, AccessTokenProblem> CheckAccessToken(std::string_view token) const;
  // As when a user removes the app's access: their refresh tokens stop working.
  void RevokeRefreshTokens(std::string_view user_id);
  // Every access token issued so far reads as expired from now on.
  void ExpireAccessTokens();

  // Faults: queued per exact path, applied in order, each to its next `count` requests.
  void AddFault(std::string path, FakeFault fault);
  void ClearFaults();
  // The fault for one request to `path`, consuming one of its count.
  std::optional<FakeFault> TakeFault(std::string_view path);

  // Request counts per path.
  void CountRequest(std::string_view path);
  std::uint64_t RequestCount(std::string_view path) const;
  std::map<std::string, std::uint64_t, std::less<>> RequestCounts() const;

  // Every code, access token and refresh token issued so far, so tests can check that none
  // of them leaked into a log, a page or a database.
  std::vector<std::string> IssuedSecrets() const;

 private:
  struct Grant {  // one user authorization, from which a family of tokens descends
    std::string client_id;
    std::string user_id;
    Scope scope;
    TimePoint authorized_at;
    bool is_public = false;  // redeemed with PKCE and no secret: refresh tokens are single-use
  };
  struct CodeRecord {
    CodeRequest request;
    TimePoint expires_at;
    bool used = false;
    std::uint64_t grant_id = 0;  // set when redeemed
  };
  struct AccessRecord {
    std::uint64_t grant_id = 0;  // 0: client credentials
    std::string client_id;
    std::string user_id;
    Scope scope;
    TimePoint expires_at;
  };
  struct RefreshRecord {
    std::uint64_t grant_id = 0;
    bool revoked = false;
  };

  std::string NewSecretLocked(std::size_t bytes);
  IssuedTokens IssueLocked(std::uint64_t grant_id, bool with_refresh_token);
  void RevokeGrantLocked(std::uint64_t grant_id);
  void PurgeLocked();

  const Clock& clock_;
  Random& random_;
  mutable std::mutex mutex_;
  FakeSpotifySettings settings_;
  std::vector<FakeClient> clients_;
  std::vector<FakeUser> users_;
  std::map<std::string, CodeRecord, std::less<>> codes_;
  std::map<std::uint64_t, Grant> grants_;
  std::uint64_t next_grant_id_ = 1;
  std::map<std::string, AccessRecord, std::less<>> access_tokens_;
  std::map<std::string, RefreshRecord, std::less<>> refresh_tokens_;
  std::map<std::string, std::deque<FakeFault>, std::less<>> faults_;
  std::map<std::string, std::uint64_t, std::less<>> request_counts_;
  std::vector<std::string> issued_secrets_;
};

// Registers the demo app and users: client `client_id` with `client_secret` (empty: public)
// and `redirect_uris`; "demo-user" ("Demo User", playing "Windowlicker" by Aphex Twin) and
// "second-user" ("Second User", playing a podcast episode).
void AddDemoDefaults(FakeSpotifyState& state, std::string client_id, std::string client_secret,
                     std::vector<std::string> redirect_uris);

}  // namespace spotauth::fake_spotify
