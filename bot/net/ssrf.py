"""Guard against server-side request forgery when fetching user-supplied URLs.

Contract: `parse_url` refuses anything that is not a plain http(s) URL with a host and no
credentials; `resolve_checked` resolves a host and refuses it unless every address is allowed by
the `AddressPolicy` (globally routable, or explicitly allow-listed); `GuardedBackend` repeats that
check at connect time and connects only to the address it has just validated, so a DNS answer that
changes between the check and the connection (DNS rebinding) cannot reach an internal address;
`check_peer` re-checks the address a response actually came from. Every refusal raises
`UnsafeURLError` with a one-sentence message that names the host and never echoes credentials, the
path or the query string; a host that does not resolve raises `FetchError`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias

import httpcore
import httpx

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network

ALLOWED_SCHEMES = frozenset({"http", "https"})

# Prefixes whose addresses carry an IPv4 address in their low 32 bits; the embedded address is what
# the packets finally reach, so it is what the policy must judge.
_NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
# Special-purpose blocks IANA lists as not globally reachable that `ipaddress` may call global:
# releases without the CVE-2024-4032 fix (3.11.7 among them) count 192.0.0.8-192.0.0.255 as
# global, and Python 3.11 does not know the 2024 blocks 3fff::/20 (documentation) and 5f00::/16
# (SRv6 segment identifiers).
_NOT_GLOBAL: tuple[IPNetwork, ...] = (
    ipaddress.IPv4Network("192.0.0.0/24"),
    ipaddress.IPv6Network("3fff::/20"),
    ipaddress.IPv6Network("5f00::/16"),
)

_LOCALHOST: tuple[IPAddress, ...] = (
    ipaddress.IPv4Address("127.0.0.1"),
    ipaddress.IPv6Address("::1"),
)

# One part of an inet_aton-style numeric host: decimal, 0x-hex or 0-prefixed octal.
_NUMERIC_PART = re.compile(r"^(?:0[xX][0-9a-fA-F]*|[0-9]+)$")


class FetchError(Exception):
    """A page could not be fetched; the message is one sentence that names the host."""

    def __init__(self, message: str, *, host: str | None = None) -> None:
        super().__init__(message)
        self.host = host


class UnsafeURLError(FetchError):
    """The URL or an address it leads to is not allowed by the SSRF policy."""


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses may be contacted: globally routable ones plus the explicit `allow` list.

    The allow-list exists for tests (a loopback fake server) and for deliberate operator choices;
    it is checked before the public-address rule, so it can only widen the policy.
    """

    allow: tuple[IPNetwork, ...] = ()

    def permits(self, address: IPAddress) -> bool:
        """Return True if the address may be contacted."""
        candidates = {address, embedded_ipv4(address) or address}
        if any(c.version == net.version and c in net for c in candidates for net in self.allow):
            return True
        return is_public(address)

    def check(self, address: IPAddress, host: str) -> None:
        """Raise `UnsafeURLError` unless the address may be contacted."""
        if not self.permits(address):
            raise UnsafeURLError(
                f"Refusing to fetch from {host}: it points to a private, local or reserved "
                "address.",
                host=host,
            )


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address an IPv6 address tunnels to (mapped, 6to4, NAT64), if any."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64_PREFIX:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """Return True if the address is globally routable unicast, judging tunnels by their target."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64_LOCAL:
            return False
        inner = embedded_ipv4(address)
        if inner is not None:
            return is_public(inner)
        # `is_global` alone is not enough on Python 3.11: it is True for deprecated site-local
        # fec0::/10 and for multicast, so the narrower properties are checked as well.
        if address.is_site_local:
            return False
    if any(address.version == net.version and address in net for net in _NOT_GLOBAL):
        return False
    return bool(
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and not address.is_loopback
        and not address.is_link_local
        and not address.is_unspecified
        and not address.is_private
    )


def literal_address(host: str) -> IPAddress | None:
    """Return the address a host names literally, normalising decimal, octal and hex IPv4 forms.

    `2130706433`, `0x7f.1` and `017700000001` all mean 127.0.0.1 to the C resolver, so they are
    read the way inet_aton reads them; a numeric host that inet_aton would reject is refused.
    """
    bare = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    parts = bare.split(".")
    if not 1 <= len(parts) <= 4 or not all(_NUMERIC_PART.match(p) for p in parts):
        return None
    try:
        numbers = [_parse_numeric_part(p) for p in parts]
    except ValueError:
        raise _malformed(host) from None
    *leading, last = numbers
    if any(n > 0xFF for n in leading) or last >= 1 << (8 * (5 - len(parts))):
        raise _malformed(host)
    value = last
    for index, number in enumerate(leading):
        value |= number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _parse_numeric_part(part: str) -> int:
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part[1:], 8)
    return int(part, 10)


def _malformed(host: str) -> UnsafeURLError:
    return UnsafeURLError(f"Refusing to fetch from {host}: it is not a valid address.", host=host)


def parse_url(url: str | httpx.URL) -> httpx.URL:
    """Parse a URL with httpx's own parser and refuse what is not a plain http(s) URL.

    Parsing with the same parser the client uses avoids the classic gap where the validator and
    the client disagree about which host a URL names.
    """
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise UnsafeURLError("Refusing to fetch that address: it is not a valid URL.") from None
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise UnsafeURLError(
            "Refusing to fetch that address: only http:// and https:// URLs are fetched."
        )
    host = parsed.host
    if not host:
        raise UnsafeURLError("Refusing to fetch that address: the URL has no host.")
    if parsed.userinfo:
        raise UnsafeURLError(
            f"Refusing to fetch from {host}: URLs with a user name or password are not fetched.",
            host=host,
        )
    return parsed


async def resolve_checked(
    host: str, port: int, policy: AddressPolicy, *, timeout: float | None = None
) -> tuple[IPAddress, ...]:
    """Resolve a host and return its addresses, refusing it if any address is not allowed.

    A host that mixes public and internal addresses is refused outright rather than filtered: such
    a record is either a misconfiguration or an attack.
    """
    literal = literal_address(host)
    if literal is not None:
        policy.check(literal, host)
        return (literal,)
    addresses = _LOCALHOST if _is_localhost(host) else await _getaddrinfo(host, port, timeout)
    for address in addresses:
        policy.check(address, host)
    return addresses


async def check_url(
    url: str | httpx.URL, policy: AddressPolicy, *, timeout: float | None = None
) -> httpx.URL:
    """Parse a URL and resolve its host under the policy; for validating a URL before storing it."""
    parsed = parse_url(url)
    await resolve_checked(
        parsed.raw_host.decode("ascii"), default_port(parsed), policy, timeout=timeout
    )
    return parsed


def default_port(url: httpx.URL) -> int:
    """The port a URL connects to, explicit or implied by its scheme."""
    return url.port or (443 if url.scheme == "https" else 80)


def _is_localhost(host: str) -> bool:
    # RFC 6761: these names are loopback whatever the resolver says, so no lookup is needed.
    name = host.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")


async def _getaddrinfo(host: str, port: int, timeout: float | None) -> tuple[IPAddress, ...]:
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout):
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, TimeoutError, UnicodeError):
        raise FetchError(f"Could not find the host {host}; check the address.", host=host) from None
    found: dict[IPAddress, None] = {}  # ordered and de-duplicated
    for _family, _type, _proto, _name, sockaddr in infos:
        found[ipaddress.ip_address(str(sockaddr[0]))] = None
    if not found:
        raise FetchError(f"Could not find the host {host}; check the address.", host=host)
    return tuple(found)


def check_peer(stream: Any, policy: AddressPolicy, host: str) -> None:
    """Raise `UnsafeURLError` unless a connected stream's remote address is allowed.

    `stream` is anything with httpcore's `get_extra_info("server_addr")`; an unknown peer is
    refused, because a check that cannot see the address must not pass it.
    """
    try:
        server_addr = stream.get_extra_info("server_addr") if stream is not None else None
    except OSError:
        # The address is read from the socket on demand; a reset connection has none left.
        raise FetchError(
            f"The connection to {host} was lost; try again later.", host=host
        ) from None
    if not isinstance(server_addr, tuple) or not server_addr:
        if _connection_lost(stream):
            # A peer that reset the connection after the answer's head (its address was checked
            # when it connected) has sent all it ever will: a network failure, not a refusal.
            raise FetchError(f"The connection to {host} was lost; try again later.", host=host)
        raise UnsafeURLError(
            f"Refusing the response from {host}: its network address could not be checked.",
            host=host,
        )
    try:
        address = ipaddress.ip_address(str(server_addr[0]))
    except ValueError:
        raise _malformed(host) from None
    policy.check(address, host)


def _connection_lost(stream: Any) -> bool:
    """Whether the stream's socket is no longer connected (closed, or reset by the peer)."""
    try:
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is None:
            return False
        sock.getpeername()
    except OSError:
        return True
    return False


def check_response_peer(response: httpx.Response, policy: AddressPolicy, host: str) -> None:
    """Re-check the peer address of a response through its `network_stream` extension."""
    check_peer(response.extensions.get("network_stream"), policy, host)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to addresses the policy allows.

    httpcore hands `connect_tcp` the URL's host name; this backend resolves it itself, validates
    every address, connects to a validated address literal and checks the socket's peer before
    returning the stream. TLS still uses the original host name (httpcore passes it to
    `start_tls` as the server name), so certificate checks are unchanged.
    """

    def __init__(
        self, policy: AddressPolicy, inner: httpcore.AsyncNetworkBackend | None = None
    ) -> None:
        self._policy = policy
        self._inner = inner if inner is not None else httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve, validate, connect to a validated address and verify the peer."""
        try:
            addresses = await resolve_checked(host, port, self._policy, timeout=timeout)
        except UnsafeURLError:
            raise
        except FetchError as exc:
            # Reported as a connection failure so httpx maps it to httpx.ConnectError.
            raise httpcore.ConnectError(str(exc)) from exc
        last_error: Exception | None = None
        for address in addresses:
            try:
                stream = await self._inner.connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc  # try the next validated address, like happy eyeballs would
                continue
            try:
                check_peer(stream, self._policy, host)
            except UnsafeURLError:
                await stream.aclose()
                raise
            return stream
        assert last_error is not None  # resolve_checked never returns an empty tuple
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Refuse Unix sockets: a fetched URL never names one."""
        raise UnsafeURLError("Refusing to connect to a Unix socket.")

    async def sleep(self, seconds: float) -> None:
        """Delegate to the wrapped backend."""
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """An httpx transport whose every new connection goes through `GuardedBackend`.

    httpx 0.28 has no public way to pass an httpcore network backend, so after the base class has
    validated its arguments the connection pool is rebuilt around the guarded backend. The pin to
    httpx 0.28.x in pyproject.toml keeps the private `_pool` attribute stable; a test fails if the
    guard stops applying.
    """

    def __init__(
        self,
        policy: AddressPolicy,
        *,
        limits: httpx.Limits,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        super().__init__(verify=verify, limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=GuardedBackend(policy),
        )
