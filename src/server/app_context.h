// What every event loop's LoginApp shares: configuration, keys, time, randomness, the store,
// the counters (SessionContext: all that sign-in needs), and the app-wide now-playing state.
// Built once in cli/; everything here is thread-safe.
#pragma once

#include <openssl/crypto.h>

#include <string>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/random.h"
#include "server/app_metrics.h"
#include "server/config.h"
#include "server/now_playing.h"
#include "store/session_store.h"

namespace spotauth::server {

struct CookieNames {
  std::string session;
  std::string login;
  // The __Host- prefix pins a cookie to this exact origin over https (no Domain, Path=/).
  static CookieNames For(bool secure) {
    return secure ? CookieNames{"__Host-spotauth", "__Host-spotauth_login"}
                  : CookieNames{"spotauth", "spotauth_login"};
  }
};

struct SessionContext {
  static Config WithoutMasterSecret(Config config) {
    OPENSSL_cleanse(config.master_secret.data(), config.master_secret.size());
    config.master_secret.clear();
    return config;
  }

  // Derives the keys, then forgets the master secret: only the derived keys live on.
  SessionContext(Config config_in, const Clock& clock_in, Random& random_in,
                 store::SessionStore& store_in)
      : keys(DerivedKeys::FromMaster(config_in.master_secret)),
        config(WithoutMasterSecret(std::move(config_in))),
        cookies(CookieNames::For(config.secure_cookies)),
        clock(clock_in),
        random(random_in),
        store(store_in) {}

  const DerivedKeys keys;  // before config: it is made from the secret config then drops
  const Config config;
  const CookieNames cookies;
  const Clock& clock;
  Random& random;
  store::SessionStore& store;
  AppMetrics metrics;  // cli/ registers them for the metrics listener
};

struct AppContext : SessionContext {
  using SessionContext::SessionContext;

  RateLimitGate now_playing_gate;
  NowPlayingCache now_playing_cache;
};

}  // namespace spotauth::server
