#pragma once
// The two byte streams an HTTP or WebSocket connection runs on: plain TCP, or TLS over it.

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace rtcgate::net {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

}  // namespace rtcgate::net
