"""Where a request comes from, as evidence for vote velocity rules (not for rate limits)."""

import ipaddress

IPV4_PREFIX = 24
IPV6_PREFIX = 64


def client_address(request) -> str:
    """The client's address. Today REMOTE_ADDR; the trusted-proxy helper refines this one
    function, so every caller follows."""
    return (request.META.get("REMOTE_ADDR") or "").strip()


def network_of(address: str) -> str:
    """The /24 (IPv4) or /64 (IPv6) network of an address, e.g. "203.0.113.0/24"; "" when the
    address is missing or not an IP address. IPv4-mapped IPv6 addresses count as IPv4."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def client_network(request) -> str:
    return network_of(client_address(request))
