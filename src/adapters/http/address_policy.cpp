#include "imagebank/adapters/http/address_policy.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <charconv>

namespace imagebank::http {
namespace {

using Bytes = std::array<std::uint8_t, 16>;

AddressClass classify_v4(std::uint8_t a, std::uint8_t b, std::uint8_t c) {
  if (a == 0) return AddressClass::kUnspecified;
  if (a == 127) return AddressClass::kLoopback;
  if (a == 10 || (a == 172 && (b & 0xF0) == 16) || (a == 192 && b == 168) ||
      (a == 100 && (b & 0xC0) == 64)) {
    return AddressClass::kPrivate;
  }
  if (a == 169 && b == 254) return AddressClass::kLinkLocal;
  if ((a & 0xF0) == 224) return AddressClass::kMulticast;
  if ((a & 0xF0) == 240 || (a == 192 && b == 0 && (c == 0 || c == 2)) ||
      (a == 198 && (b & 0xFE) == 18) || (a == 198 && b == 51 && c == 100) ||
      (a == 203 && b == 0 && c == 113)) {
    return AddressClass::kReserved;
  }
  return AddressClass::kPublic;
}

bool all_zero(const Bytes& b, int from, int to) {
  return std::all_of(b.begin() + from, b.begin() + to,
                     [](std::uint8_t x) { return x == 0; });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

struct HostPort {
  std::string host;
  int port = -1;  // -1: any
};

Result<HostPort> split_allow_host(std::string_view entry) {
  const auto bad = [&](std::string_view why) {
    std::string message = "allowed host \"";
    message += entry;
    message += "\": ";
    message += why;
    message += " (expected host or host:port)";
    return invalid_argument_error(std::move(message));
  };
  if (entry.empty()) return bad("empty");
  if (entry.size() > 300) return bad("longer than 300 characters");
  for (char ch : entry) {
    if (static_cast<unsigned char>(ch) <= ' ' || ch == '/' || ch == '@') {
      return bad("a space, control character, '/' or '@'");
    }
  }
  HostPort out;
  std::string_view rest;
  if (entry.front() == '[') {
    const auto close = entry.find(']');
    if (close == std::string_view::npos) return bad("unbalanced brackets");
    out.host = lower(entry.substr(1, close - 1));
    rest = entry.substr(close + 1);
  } else {
    const auto colon = entry.find(':');
    if (colon != std::string_view::npos &&
        entry.find(':', colon + 1) != std::string_view::npos) {
      // A bare IPv6 literal: the whole entry is the host.
      out.host = lower(entry);
      return out;
    }
    out.host = lower(entry.substr(0, colon));
    if (colon != std::string_view::npos) rest = entry.substr(colon);
  }
  if (out.host.empty()) return bad("no host");
  if (!rest.empty()) {
    if (rest.front() != ':' || rest.size() < 2 || rest.size() > 6) {
      return bad("a bad port");
    }
    int port = 0;
    const auto [end, ec] =
        std::from_chars(rest.data() + 1, rest.data() + rest.size(), port);
    if (ec != std::errc() || end != rest.data() + rest.size() || port < 1 ||
        port > 65535) {
      return bad("a bad port");
    }
    out.port = port;
  }
  return out;
}

}  // namespace

Result<IpAddress> parse_ip_address(std::string_view text) {
  boost::system::error_code ec;
  const auto addr = boost::asio::ip::make_address(std::string(text), ec);
  if (ec || text.find('%') != std::string_view::npos) {
    std::string message = "\"";
    message += text;
    message += "\" is not an IPv4 or IPv6 address";
    return invalid_argument_error(std::move(message));
  }
  IpAddress out;
  if (addr.is_v4()) {
    const auto b = addr.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), out.bytes.begin());
  } else {
    out.v6 = true;
    out.bytes = addr.to_v6().to_bytes();
  }
  return out;
}

std::string ip_address_string(const IpAddress& address) {
  if (!address.v6) {
    boost::asio::ip::address_v4::bytes_type b;
    std::copy_n(address.bytes.begin(), 4, b.begin());
    return boost::asio::ip::address_v4(b).to_string();
  }
  return boost::asio::ip::address_v6(address.bytes).to_string();
}

std::string_view address_class_name(AddressClass c) noexcept {
  switch (c) {
    case AddressClass::kPublic:
      return "public";
    case AddressClass::kLoopback:
      return "loopback";
    case AddressClass::kPrivate:
      return "private";
    case AddressClass::kLinkLocal:
      return "link-local";
    case AddressClass::kMulticast:
      return "multicast";
    case AddressClass::kUnspecified:
      return "unspecified";
    case AddressClass::kReserved:
      return "reserved";
  }
  return "reserved";
}

AddressClass classify_address(const IpAddress& address) noexcept {
  const Bytes& b = address.bytes;
  if (!address.v6) return classify_v4(b[0], b[1], b[2]);
  if (all_zero(b, 0, 16)) return AddressClass::kUnspecified;
  if (all_zero(b, 0, 15) && b[15] == 1) return AddressClass::kLoopback;
  // IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d.
  if (all_zero(b, 0, 10) &&
      ((b[10] == 0xFF && b[11] == 0xFF) || (b[10] == 0 && b[11] == 0))) {
    return classify_v4(b[12], b[13], b[14]);
  }
  // NAT64 64:ff9b::a.b.c.d: a translator reaches the IPv4 address.
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B &&
      all_zero(b, 4, 12)) {
    return classify_v4(b[12], b[13], b[14]);
  }
  // 6to4 2002:aabb:ccdd::/48 tunnels to a.b.c.d.
  if (b[0] == 0x20 && b[1] == 0x02) return classify_v4(b[2], b[3], b[4]);
  if (b[0] == 0xFF) return AddressClass::kMulticast;
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return AddressClass::kLinkLocal;
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return AddressClass::kPrivate;
  if ((b[0] & 0xFE) == 0xFC) return AddressClass::kPrivate;
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) {
    return AddressClass::kReserved;
  }
  return AddressClass::kPublic;
}

Status validate_allow_host(std::string_view entry) {
  return split_allow_host(entry).status();
}

Status check_address(const AddressPolicy& policy, std::string_view host,
                     std::uint16_t port, const IpAddress& address) {
  const AddressClass c = classify_address(address);
  if (c == AddressClass::kPublic || policy.allow_all) return ok_status();
  const std::string wanted = lower(host);
  for (const std::string& entry : policy.allow_hosts) {
    Result<HostPort> allowed = split_allow_host(entry);
    if (!allowed.ok()) continue;
    if (allowed->host == wanted &&
        (allowed->port < 0 || allowed->port == port)) {
      return ok_status();
    }
  }
  const std::string text = ip_address_string(address);
  std::string message = std::string(host);
  if (text != host) message += " resolves to " + text + ", which";
  const std::string_view name = address_class_name(c);
  message += name.front() == 'u' ? " is an " : " is a ";
  message += name;
  message +=
      " address: fetching from it is refused (allow the host "
      "explicitly to reach an internal server)";
  return permission_denied_error(message);
}

}  // namespace imagebank::http
