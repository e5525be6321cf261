#include "http/client_address.h"

#include <algorithm>

namespace spotauth::http {
namespace {

namespace ip = boost::asio::ip;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// An IPv4 peer on a dual-stack socket shows as ::ffff:a.b.c.d; it is the IPv4 address.
ip::address Unmapped(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  }
  return address;
}

}  // namespace

Result<TrustedProxies> TrustedProxies::Parse(std::string_view list) {
  TrustedProxies trusted;
  for (std::size_t at = 0; at <= list.size();) {
    std::size_t comma = list.find(',', at);
    if (comma == std::string_view::npos) comma = list.size();
    const std::string entry(Trim(list.substr(at, comma - at)));
    at = comma + 1;
    if (entry.empty()) continue;
    boost::system::error_code ec;
    if (entry.find('/') != std::string::npos) {
      if (entry.find(':') != std::string::npos) {
        auto network = ip::make_network_v6(entry, ec);
        if (!ec) trusted.v6_.push_back(network.canonical());
      } else {
        auto network = ip::make_network_v4(entry, ec);
        if (!ec) trusted.v4_.push_back(network.canonical());
      }
    } else {
      const ip::address address = Unmapped(ip::make_address(entry, ec));
      if (!ec && address.is_v4()) trusted.v4_.emplace_back(address.to_v4(), 32);
      if (!ec && address.is_v6()) trusted.v6_.emplace_back(address.to_v6(), 128);
    }
    if (ec) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "'" + entry + "' is not an IP address or CIDR block (e.g. 10.0.0.0/8)");
    }
  }
  return trusted;
}

bool TrustedProxies::Contains(const ip::address& address_in) const {
  const ip::address address = Unmapped(address_in);
  if (address.is_v4()) {
    return std::any_of(v4_.begin(), v4_.end(), [&](const ip::network_v4& network) {
      return ip::network_v4(address.to_v4(), network.prefix_length()).canonical() == network;
    });
  }
  return std::any_of(v6_.begin(), v6_.end(), [&](const ip::network_v6& network) {
    return ip::network_v6(address.to_v6(), network.prefix_length()).canonical() == network;
  });
}

std::string ClientAddress(const ip::address& peer, std::string_view forwarded_for,
                          const TrustedProxies& trusted) {
  ip::address client = Unmapped(peer);
  if (!trusted.Contains(client)) return client.to_string();
  while (!forwarded_for.empty()) {
    const std::size_t comma = forwarded_for.rfind(',');
    const std::string entry(
        Trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1)));
    forwarded_for =
        comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
    boost::system::error_code ec;
    const ip::address hop = ip::make_address(entry, ec);
    if (ec) break;
    client = Unmapped(hop);
    if (!trusted.Contains(client)) break;
  }
  return client.to_string();
}

}  // namespace spotauth::http
