"""URLs aimed at private addresses through the SSRF guard and the safe fetcher.

Decimal, octal and hex IPv4, IPv6 (mapped, compatible, NAT64, 6to4), `[::1]`, `0.0.0.0`, link-local,
RFC 1918, CGNAT, unique-local, "example.com@127.0.0.1" userinfo tricks, host names whose DNS
answer is internal, and redirects to all of those: every one is refused with one sentence, and
none is connected to. The event loop here has a fake resolver and a fake network: names resolve
from a table, and a connection to anything but loopback is recorded and refused, so nothing
leaves the machine even if the guard failed. A loopback listener counts the connections that
reached it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.net import AddressPolicy, FetchError, FetchOptions, SafeFetcher, UnsafeURLError
from bot.net.ssrf import check_url
from tests.hostile_checks import sentence_problems
from tests.hostile_strategies import hostile, ipv4_host, private_ipv4, private_urls
from tests.loopback_http import LoopbackServer, RecordedRequest, Route

# Host names with internal answers: what a hostile DNS zone (or a rebinding one) returns.
INTERNAL_NAMES: dict[str, tuple[str, ...]] = {
    "rebind.test": ("127.0.0.1",),
    "internal.test": ("10.0.0.7",),
    "metadata.test": ("169.254.169.254",),
    "mixed.test": ("93.184.215.14", "10.0.0.1"),
    "six.test": ("::1",),
    "mapped.test": ("::ffff:127.0.0.1",),
}


class FakeNetworkLoop(asyncio.SelectorEventLoop):
    """An event loop whose resolver answers from `table` and whose network reaches loopback
    only; every lookup and every outward connection attempt is recorded."""

    lookups: ClassVar[list[str]] = []
    outward: ClassVar[list[tuple[str, int]]] = []

    async def getaddrinfo(
        self,
        host: Any,
        port: Any,
        *,
        family: int = 0,
        type: int = 0,
        proto: int = 0,
        flags: int = 0,
    ) -> list[tuple[Any, ...]]:
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:
            ipaddress.ip_address(name.split("%", 1)[0])
        except ValueError:
            return self._answer(name, int(port or 0))
        numeric = flags | socket.AI_NUMERICHOST
        return await super().getaddrinfo(host, port, family=family, type=type, flags=numeric)

    def table(self, name: str) -> tuple[str, ...] | None:
        """The addresses `name` resolves to, or None when it does not exist."""
        return INTERNAL_NAMES.get(name)

    def _answer(self, name: str, port: int) -> list[tuple[Any, ...]]:
        self.lookups.append(name)
        addresses = self.table(name)
        if addresses is None:
            raise socket.gaierror(socket.EAI_NONAME, f"fake resolver: no {name}")
        answers: list[tuple[Any, ...]] = []
        for text in addresses:
            if ":" in text:
                answers.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (text, port, 0, 0)))
            else:
                answers.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (text, port)))
        return answers

    async def create_connection(
        self, protocol_factory: Any, host: Any = None, port: Any = None, **kwargs: Any
    ) -> Any:
        if not ipaddress.ip_address(str(host)).is_loopback:
            self.outward.append((str(host), int(port)))
            raise ConnectionRefusedError(f"fake network: {host} is not loopback")
        return await super().create_connection(protocol_factory, host, port, **kwargs)


class Listener:
    """A TCP listener on a loopback address that counts the connections it accepts."""

    def __init__(self, host: str) -> None:
        self._socket = socket.create_server((host, 0))
        self._socket.settimeout(0.02)
        self.port = int(self._socket.getsockname()[1])
        self.accepted = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._socket.accept()
            except OSError:
                continue
            self.accepted += 1
            connection.close()

    def close(self) -> None:
        """Stop accepting and free the port."""
        self._stopping.set()
        self._thread.join(timeout=5)
        self._socket.close()


@pytest.fixture(scope="module")
def network() -> Iterator[asyncio.Runner]:
    """One `FakeNetworkLoop` for the module's examples."""
    with asyncio.Runner(loop_factory=FakeNetworkLoop) as runner:
        yield runner


def fetcher_fixture(policy: AddressPolicy) -> Callable[[asyncio.Runner], Iterator[SafeFetcher]]:
    """A module fixture: one fetcher with `policy` (no retries, short timeouts)."""

    def make(network: asyncio.Runner) -> Iterator[SafeFetcher]:
        options = FetchOptions(policy=policy, retries=0, connect_timeout=2, deadline=5)
        fetcher = SafeFetcher(options)
        yield fetcher
        network.run(fetcher.aclose())

    return make


fetcher = pytest.fixture(fetcher_fixture(AddressPolicy()), scope="module", name="fetcher")
allowing_fetcher = pytest.fixture(
    fetcher_fixture(AddressPolicy(allow=(ipaddress.ip_network("127.0.0.1/32"),))),
    scope="module",
    name="allowing_fetcher",
)


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    """Counts connections to 127.0.0.1 on one port, for the whole module."""
    counting = Listener("127.0.0.1")
    yield counting
    counting.close()


@pytest.fixture(scope="module")
def second_loopback() -> Iterator[Listener]:
    """Counts connections to 127.0.0.2, a loopback address the redirect tests do not allow."""
    try:
        counting = Listener("127.0.0.2")
    except OSError:
        pytest.skip("127.0.0.2 cannot be bound here")
    yield counting
    counting.close()


def redirect_to(request: RecordedRequest) -> Route:
    """A redirect to the URL in the query (`?status=302&to=...`)."""
    query = parse_qs(urlsplit(request.path).query)
    return Route.redirect(query["to"][0], int(query["status"][0]))


@pytest.fixture(scope="module")
def redirector() -> Iterator[LoopbackServer]:
    """A feed server on 127.0.0.1 whose /feed redirects wherever its query says."""
    with LoopbackServer({"/feed": redirect_to}) as server:
        yield server


def assert_one_sentence(error: FetchError) -> None:
    """A refusal is one sentence and never repeats a password from the URL."""
    message = str(error)
    assert sentence_problems(message) == [], message
    assert "s3cret" not in message


def refused(network: asyncio.Runner, fetcher: SafeFetcher, url: str) -> FetchError:
    """The error fetching `url` raises (the fetch must fail)."""
    try:
        network.run(fetcher.fetch(url))
    except FetchError as error:
        return error
    raise AssertionError(f"{url} was fetched")


@hostile(300)
@given(private_urls())
@example("http://2130706433/")
@example("http://0x7f.1/")
@example("http://017700000001/")
@example("http://[::ffff:169.254.169.254]/")
@example("http://[::1]/")
@example("http://0.0.0.0/")
@example("http://example.com@127.0.0.1/")
@example("https://user:s3cret@10.0.0.1/")
@example("http://[fc00::1]/")
@example("http://100.64.0.1/")
@example("http://172.31.255.255/")
@example("http://192.168.0.1/")
@example("http://3221225480/")  # 192.0.0.8: global to Python 3.11.7, not to IANA
@example("http://[3fff::1]/")  # documentation block of 2024, global to every Python
def test_private_addresses_are_refused_before_any_lookup(network: asyncio.Runner, url: str) -> None:
    """check_url refuses every URL aimed inside with UnsafeURLError, and asks no resolver."""
    lookups = len(FakeNetworkLoop.lookups)
    with pytest.raises(UnsafeURLError) as caught:
        network.run(check_url(url, AddressPolicy()))
    assert_one_sentence(caught.value)
    assert len(FakeNetworkLoop.lookups) == lookups


hosts_on_listener = st.one_of(
    st.just(ipaddress.IPv4Address("127.0.0.1")).flatmap(ipv4_host),
    st.sampled_from(
        [
            "[::ffff:127.0.0.1]",
            "[::ffff:7f00:1]",
            "[0:0:0:0:0:ffff:7f00:1]",
            "localhost",
            "LocalHost.",
            "rebind.test",
            "mapped.test",
        ]
    ),
)


@hostile(150)
@given(hosts_on_listener, st.sampled_from(["", "example.com@", "user:s3cret@", "127.0.0.1@"]))
@example("2130706433", "")
@example("rebind.test", "")
@example("127.0.0.1", "example.com@")
def test_fetches_aimed_at_loopback_never_connect(
    network: asyncio.Runner, fetcher: SafeFetcher, listener: Listener, host: str, userinfo: str
) -> None:
    """Every way of writing 127.0.0.1 (and names resolving to it) is refused by the fetcher with
    one sentence, and the listener on that address and port never sees a connection."""
    url = f"http://{userinfo}{host}:{listener.port}/feed.xml"
    error = refused(network, fetcher, url)
    assert isinstance(error, UnsafeURLError)
    assert_one_sentence(error)
    assert listener.accepted == 0


@hostile(150)
@given(
    st.one_of(
        private_urls(),
        st.sampled_from(sorted(INTERNAL_NAMES)).map("http://{}/".format),
        private_ipv4.map("http://{}/".format),
    )
)
def test_fetches_aimed_inside_never_leave_the_machine(
    network: asyncio.Runner, fetcher: SafeFetcher, url: str
) -> None:
    """Through the whole fetcher, on the fake network: refused, and no connection attempted."""
    outward = len(FakeNetworkLoop.outward)
    error = refused(network, fetcher, url)
    assert isinstance(error, UnsafeURLError)
    assert_one_sentence(error)
    assert len(FakeNetworkLoop.outward) == outward


redirect_targets = st.one_of(
    st.just(ipaddress.IPv4Address("127.0.0.2")).flatmap(ipv4_host),
    st.sampled_from(["[::ffff:127.0.0.2]", "[::ffff:7f00:2]", "[64:ff9b::7f00:2]"]),
)


@hostile(100)
@given(
    host=redirect_targets,
    userinfo=st.sampled_from(["", "example.com@"]),
    status=st.sampled_from([301, 302, 303, 307, 308]),
)
@example(host="2130706434", userinfo="", status=302)
# httpx's own Location parser raised, and the fetcher retried it as a network error
@example(host="127.0.0.02", userinfo="", status=301)
def test_redirects_inside_are_refused_at_the_hop(
    network: asyncio.Runner,
    allowing_fetcher: SafeFetcher,
    redirector: LoopbackServer,
    second_loopback: Listener,
    *,
    host: str,
    userinfo: str,
    status: int,
) -> None:
    """A feed server allowed here (127.0.0.1) that redirects to another internal address, in
    any spelling, is refused at that hop; the target sees no connection."""
    target = f"http://{userinfo}{host}:{second_loopback.port}/latest/meta-data/"
    path = "/feed?" + urlencode({"status": status, "to": target})
    before = redirector.hits(path)
    error = refused(network, allowing_fetcher, redirector.url(path))
    assert redirector.hits(path) == before + 1
    assert isinstance(error, UnsafeURLError)
    assert_one_sentence(error)
    assert second_loopback.accepted == 0


def test_an_unparsable_redirect_is_refused_without_retrying(
    network: asyncio.Runner, redirector: LoopbackServer
) -> None:
    """Regression: a Location httpx cannot parse was reported as a failed connection and fetched
    again twice; it is refused as a bad redirect after one request."""
    policy = AddressPolicy(allow=(ipaddress.ip_network("127.0.0.1/32"),))
    path = "/feed?" + urlencode({"status": 302, "to": "http://127.0.0.02/"})
    fetcher = SafeFetcher(FetchOptions(policy=policy, retries=2, backoff=0.01))
    error = refused(network, fetcher, redirector.url(path))
    network.run(fetcher.aclose())
    assert isinstance(error, UnsafeURLError)
    assert "not a valid URL" in str(error)
    assert redirector.hits(path) == 1


def test_a_name_that_rebinds_between_check_and_connect_is_refused(listener: Listener) -> None:
    """DNS rebinding: the first answer is public, the next one loopback; the connect-time check
    refuses the second, and nothing connects anywhere."""
    answers = iter([("93.184.215.14",), ("127.0.0.1",)])

    class Rebinding(FakeNetworkLoop):
        def table(self, name: str) -> tuple[str, ...] | None:
            return next(answers, ("127.0.0.1",)) if name == "flip.test" else None

    outward = len(FakeNetworkLoop.outward)
    url = f"http://flip.test:{listener.port}/"
    with asyncio.Runner(loop_factory=Rebinding) as runner:
        fetcher = SafeFetcher(FetchOptions(retries=0, connect_timeout=2, deadline=5))
        error = refused(runner, fetcher, url)
        runner.run(fetcher.aclose())
    assert isinstance(error, UnsafeURLError)
    assert listener.accepted == 0
    assert len(FakeNetworkLoop.outward) == outward


def test_the_harness_sees_connections_it_allows(
    network: asyncio.Runner, allowing_fetcher: SafeFetcher, fetcher: SafeFetcher, listener: Listener
) -> None:
    """Control, run last: a fetch the policy allows does reach the listener, and a public address
    reaches the fake network, so the zero counts above mean no connection was made."""
    refused(network, allowing_fetcher, f"http://127.0.0.1:{listener.port}/")
    assert listener.accepted >= 1
    outward = len(FakeNetworkLoop.outward)
    refused(network, fetcher, "http://93.184.215.14/")
    assert FakeNetworkLoop.outward[outward:] == [("93.184.215.14", 80)]
