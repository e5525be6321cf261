// Who the client is when spotauth sits behind proxies: X-Forwarded-For is believed only from
// the proxies an operator names (SPOTAUTH_TRUSTED_PROXIES); anyone else could write anything
// there.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace spotauth::http {

class TrustedProxies {
 public:
  // Comma-separated addresses and CIDR blocks, e.g. "10.0.0.0/8, 127.0.0.1, ::1, fd00::/8".
  // Errors: kInvalidArgument naming the first entry that is neither.
  [[nodiscard]] static Result<TrustedProxies> Parse(std::string_view list);

  bool Contains(const boost::asio::ip::address& address) const;
  bool empty() const { return v4_.empty() && v6_.empty(); }

 private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

// The client's address as text. The peer itself unless it is a trusted proxy; then
// X-Forwarded-For (`forwarded_for`: its values joined by commas) is read from the right, each
// trusted proxy skipped, and the first address that is not one is the client. A malformed
// entry ends the walk at the last address known good; if every entry is a trusted proxy, the
// leftmost is the client.
std::string ClientAddress(const boost::asio::ip::address& peer, std::string_view forwarded_for,
                          const TrustedProxies& trusted);

}  // namespace spotauth::http
