// Which network addresses an outbound fetch may reach. A URL given by a
// user (an image list, a request to the server) must not make imagebank
// talk to the machine it runs on, its private network or the cloud's
// metadata service (169.254.169.254): server-side request forgery. The
// fetcher resolves a host once, checks every address with this policy and
// connects only to an address it checked.
//
// Part of the one HTTP client the adapters share. In Python:
// classify_address (with address_class_name, on a text address) and
// validate_allow_host (check_allow_host).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/core/result.hpp"

namespace imagebank::http {

// An IPv4 or IPv6 address as bytes (IPv4 in the first 4 of `bytes`).
struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// "10.0.0.5", "::1", "::ffff:127.0.0.1" (IPv6 without brackets, no zone).
// invalid_argument for anything else (host names, "2130706433": a resolver
// may accept those, and what it answers is checked).
Result<IpAddress> parse_ip_address(std::string_view text);
// "10.0.0.5", "2001:db8::1", "::ffff:127.0.0.1" (RFC 5952's text: an
// IPv4-mapped address keeps its dotted tail).
std::string ip_address_string(const IpAddress& address);

enum class AddressClass : int {
  kPublic = 0,
  kLoopback,     // 127/8, ::1
  kPrivate,      // 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7, fec0::/10
  kLinkLocal,    // 169.254/16 (the cloud metadata service), fe80::/10
  kMulticast,    // 224/4, ff00::/8
  kUnspecified,  // 0/8 ("this network": 0.0.0.0 reaches the local host), ::
  // Not routable on the Internet: 240/4 (and the broadcast address),
  // 192.0.0/24, 198.18/15 (benchmarking), 192.0.2/24, 198.51.100/24,
  // 203.0.113/24, 2001:db8::/32 (documentation).
  kReserved,
};
// "public", "loopback", "private", "link-local", "multicast",
// "unspecified", "reserved".
std::string_view address_class_name(AddressClass c) noexcept;

// The class of an address. An IPv6 address that carries an IPv4 one is
// classed by the IPv4 address it reaches: IPv4-mapped (::ffff:a.b.c.d),
// IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4
// (2002:aabb:ccdd::) — "::ffff:127.0.0.1" is loopback.
AddressClass classify_address(const IpAddress& address) noexcept;

struct AddressPolicy {
  // Hosts that may resolve anywhere (an internal image server, a test's
  // loopback server): "host" (any port) or "host:port", "[::1]:8080"; the
  // host as the URL spells it (a name or a literal), compared without case.
  std::vector<std::string> allow_hosts;
  // Every address is allowed (a trusted list on a private network).
  bool allow_all = false;
};

// Whether the policy lets a URL's host:port be reached at `address`: OK for
// a public address or an allowed host; permission_denied naming the host,
// the address and its class otherwise.
Status check_address(const AddressPolicy& policy, std::string_view host,
                     std::uint16_t port, const IpAddress& address);

// invalid_argument for an allow-list entry that is not "host" or
// "host:port" (empty, a bad port, unbalanced brackets, spaces).
Status validate_allow_host(std::string_view entry);

}  // namespace imagebank::http
