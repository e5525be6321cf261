// Whether a URL names this machine by an address literal.
#pragma once

#include <boost/url/url_view.hpp>

namespace spotauth::http {

// True for 127.0.0.0/8 and ::1 written as literals. Names such as "localhost" are false: what
// they resolve to is not ours to decide (RFC 8252 section 8.3 prefers literals for loopback).
inline bool IsLoopbackLiteral(const boost::urls::url_view& url) {
  switch (url.host_type()) {
    case boost::urls::host_type::ipv4:
      return url.host_ipv4_address().is_loopback();
    case boost::urls::host_type::ipv6:
      return url.host_ipv6_address().is_loopback();
    default:
      return false;
  }
}

}  // namespace spotauth::http
