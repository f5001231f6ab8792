"""The SSRF guard: URL rules, the address matrix, and the connect-time check on real sockets."""

from __future__ import annotations

import asyncio
import ipaddress
import shutil
import ssl
import subprocess
from pathlib import Path

import httpx
import pytest

from bot.net import (
    AddressPolicy,
    FetchError,
    FetchOptions,
    SafeFetcher,
    UnsafeURLError,
    make_client,
)
from bot.net.ssrf import (
    GuardedTransport,
    check_response_peer,
    check_url,
    is_public,
    literal_address,
)
from tests.loopback_http import LoopbackServer, Route

LOOPBACK_ONLY = AddressPolicy(allow=(ipaddress.ip_network("127.0.0.1/32"),))

REFUSED_URLS = [
    # loopback, by name and by literal
    "http://127.0.0.1/",
    "http://127.9.9.9:8080/feed",
    "http://[::1]/",
    "http://localhost/",
    "http://localhost./",
    "http://app.localhost/",
    # RFC 1918, link-local (cloud metadata), CGNAT, multicast, reserved, unspecified
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",
    "http://224.0.0.1/",
    "http://239.255.255.250/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://0.0.0.0/",
    "http://[::]/",
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://[fec0::1]/",
    "http://[ff02::1]/",
    # IPv6 forms that carry a private IPv4 address
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[64:ff9b::a00:1]/",
    "http://[2002:7f00:1::]/",
    "http://[2002:a9fe:a9fe::]/",
    "http://[::127.0.0.1]/",
    # decimal, hex and octal IPv4 forms, all 127.0.0.1
    "http://2130706433/",
    "http://0x7f.1/",
    "http://0x7f000001/",
    "http://017700000001/",
    "http://127.1/",
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_internal_addresses_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError, match="private, local or reserved"):
        asyncio.run(check_url(url, AddressPolicy()))


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.215.14/",
        "https://[2606:4700:4700::1111]/",
        "http://[64:ff9b::808:808]/",  # NAT64 of 8.8.8.8 is public
        "http://[2002:808:808::]/",  # 6to4 of 8.8.8.8 is public
        "http://0x08080808/",  # a public address in hex is still just that address
    ],
)
def test_public_literals_pass(url: str) -> None:
    assert asyncio.run(check_url(url, AddressPolicy())).host


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0177.0.0.01", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("192.168.257", "192.168.1.1"),
        ("[::ffff:7f00:1]", "::ffff:127.0.0.1"),
        ("example.com", None),
        ("1.2.3.example", None),
    ],
)
def test_numeric_hosts_are_normalised(host: str, expected: str | None) -> None:
    expected_address = ipaddress.ip_address(expected) if expected else None
    assert literal_address(host) == expected_address


@pytest.mark.parametrize(
    "host", ["0177.0.0.1", "256.256.256.256", "0x1ff.1.1.1", "09.1.1.1", "1.2.3.4294967296"]
)
def test_malformed_numeric_hosts_are_refused(host: str) -> None:
    with pytest.raises(UnsafeURLError):
        asyncio.run(check_url(f"http://{host}/", AddressPolicy()))


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/file",
        "gopher://127.0.0.1:70/",
        "javascript:alert(1)",
        "example.com/article",
        "http:///no-host",
    ],
)
def test_non_http_urls_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError, match="Refusing"):
        asyncio.run(check_url(url, AddressPolicy()))


def test_credentials_are_refused_without_echoing_them() -> None:
    with pytest.raises(UnsafeURLError) as caught:
        asyncio.run(check_url("https://alice:s3cret@example.com/feed?token=abc", AddressPolicy()))
    message = str(caught.value)
    assert "user name or password" in message
    assert "example.com" in message
    assert "s3cret" not in message
    assert "alice" not in message
    assert "token" not in message


def test_unresolvable_host_is_a_fetch_error() -> None:
    with pytest.raises(FetchError, match=r"Could not find the host nothing\.invalid") as caught:
        asyncio.run(check_url("http://nothing.invalid/", AddressPolicy()))
    assert not isinstance(caught.value, UnsafeURLError)


def test_allow_list_widens_only_what_it_names() -> None:
    assert LOOPBACK_ONLY.permits(ipaddress.ip_address("127.0.0.1"))
    assert LOOPBACK_ONLY.permits(ipaddress.ip_address("::ffff:127.0.0.1"))
    assert not LOOPBACK_ONLY.permits(ipaddress.ip_address("127.0.0.2"))
    assert not LOOPBACK_ONLY.permits(ipaddress.ip_address("::1"))
    assert not is_public(ipaddress.ip_address("127.0.0.1"))


def test_guard_is_on_by_default() -> None:
    with LoopbackServer({"/": Route(body=b"secret")}) as server:

        async def run() -> None:
            async with SafeFetcher() as fetcher:
                await fetcher.fetch(server.url("/"))

        with pytest.raises(UnsafeURLError):
            asyncio.run(run())
        assert server.requests == []


def test_transport_refuses_at_connect_time() -> None:
    # Straight through the client, skipping SafeFetcher's pre-check: the connection itself is
    # guarded, which is what defeats DNS rebinding ("localhost" is resolved at connect time).
    with LoopbackServer({"/": Route(body=b"secret")}) as server:

        async def run(url: str, policy: AddressPolicy) -> int:
            async with make_client(FetchOptions(policy=policy)) as client:
                return (await client.get(url)).status_code

        with pytest.raises(UnsafeURLError):
            asyncio.run(run(server.url("/"), AddressPolicy()))
        with pytest.raises(UnsafeURLError):
            asyncio.run(run(f"http://localhost:{server.port}/", AddressPolicy()))
        assert server.requests == []
        assert asyncio.run(run(server.url("/"), LOOPBACK_ONLY)) == 200


def test_response_peer_check_sees_the_real_address() -> None:
    # An unguarded client (as a caller might inject) still has its peer checked per response.
    with LoopbackServer({"/": Route(body=b"x")}) as server:

        async def run(policy: AddressPolicy) -> None:
            async with (
                httpx.AsyncClient(trust_env=False) as client,
                client.stream("GET", server.url("/")) as response,
            ):
                check_response_peer(response, policy, "127.0.0.1")

        with pytest.raises(UnsafeURLError):
            asyncio.run(run(AddressPolicy()))
        asyncio.run(run(LOOPBACK_ONLY))


def test_redirect_hops_are_checked() -> None:
    routes = {
        "/to-loopback": Route.redirect("http://127.0.0.2/"),
        "/to-metadata": Route.redirect("http://169.254.169.254/latest/meta-data/"),
        "/to-file": Route.redirect("file:///etc/passwd"),
        "/to-decimal": Route.redirect("http://2852039166/"),  # 169.254.169.254
    }
    with LoopbackServer(routes) as server:

        async def run(path: str) -> None:
            async with SafeFetcher(FetchOptions(policy=LOOPBACK_ONLY)) as fetcher:
                await fetcher.fetch(server.url(path))

        for path in routes:
            with pytest.raises(UnsafeURLError, match="Refusing"):
                asyncio.run(run(path))
            assert server.hits(path) == 1


@pytest.fixture(scope="module")
def localhost_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for the name "localhost" only (no IP address in it)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def test_tls_verifies_the_host_name_while_connecting_to_the_pinned_address(
    localhost_cert: tuple[Path, Path],
) -> None:
    # The guard connects to 127.0.0.1 itself; the certificate must still be checked against the
    # name in the URL, or pinning the address would have quietly weakened TLS.
    cert, key = localhost_cert
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    client_tls = ssl.create_default_context(cafile=str(cert))
    policy = AddressPolicy(
        allow=(ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128"))
    )

    async def run(url: str) -> str:
        transport = GuardedTransport(policy, limits=httpx.Limits(), verify=client_tls)
        async with (
            httpx.AsyncClient(transport=transport, trust_env=False) as client,
            SafeFetcher(FetchOptions(policy=policy, retries=0), client=client) as fetcher,
        ):
            return (await fetcher.fetch(url)).text

    with LoopbackServer({"/": Route(body=b"over tls")}, tls=server_tls) as server:
        assert asyncio.run(run(server.url("/", host="localhost"))) == "over tls"
        with pytest.raises(FetchError, match=r"Could not connect to 127\.0\.0\.1"):
            asyncio.run(run(server.url("/")))  # the certificate does not name 127.0.0.1
