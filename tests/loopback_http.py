"""A small loopback HTTP/1.1 server for tests: real sockets on 127.0.0.1, scripted answers.

Routes map a path to a `Route`, a sequence of routes (answered in order, the last one repeating)
or a callable that builds a route from the recorded request. The server runs in a background
thread, so tests can drive it from `asyncio.run` without an event-loop plugin; pass an
`ssl.SSLContext` as `tls` to serve https.

    with LoopbackServer({"/": Route(body=b"hi")}) as server:
        fetch(server.url("/"))
        assert server.requests[0].headers["user-agent"].startswith("newsbot")
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TypeAlias

HOST = "127.0.0.1"


@dataclass(frozen=True)
class RecordedRequest:
    """What the server received: method, path (with query) and lower-cased headers."""

    method: str
    path: str
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Route:
    """One scripted answer.

    `body` is sent `repeat` times (huge bodies without the memory), pausing `chunk_delay` seconds
    between pieces (slow bodies); `delay` pauses before the status line (slow servers);
    `chunked` uses Transfer-Encoding: chunked; `content_length` overrides the declared length.
    `reset_after` resets the connection (a TCP RST, as a crashing host or a middlebox sends)
    after that many bytes of the answer: 0 before the status line, more within the body.
    """

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    chunked: bool = False
    repeat: int = 1
    chunk_delay: float = 0.0
    content_length: int | None = None
    reset_after: int | None = None

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Route:
        """A redirect to `location`."""
        return cls(status=status, headers={"Location": location})

    @classmethod
    def html(cls, markup: str, *, charset: str = "utf-8", status: int = 200) -> Route:
        """An HTML page encoded with `charset` and declared in Content-Type."""
        headers = {"Content-Type": f"text/html; charset={charset}"}
        return cls(status=status, body=markup.encode(charset), headers=headers)


RouteSpec: TypeAlias = Route | Sequence[Route] | Callable[[RecordedRequest], Route]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LoopbackServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""

    def _answer(self, *, send_body: bool) -> None:
        request = RecordedRequest(
            method=self.command,
            path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
        )
        route = self.server.owner.answer(request)
        if route.reset_after is not None:
            self._reset(route)
            return
        # The client may hang up early (cap or deadline reached): exactly what some tests want.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._write(route, send_body=send_body)
        self.close_connection = True

    def _reset(self, route: Route) -> None:
        """Send the first `reset_after` bytes of the answer, then reset the connection: with a
        zero linger time, closing the socket sends RST, not FIN."""
        head = [f"HTTP/1.1 {route.status} Scripted", f"Content-Length: {len(route.body)}"]
        head += [f"{name}: {value}" for name, value in route.headers.items()]
        answer = ("\r\n".join(head) + "\r\n\r\n").encode() + route.body
        self.wfile.write(answer[: route.reset_after])
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _write(self, route: Route, *, send_body: bool) -> None:
        if route.delay:
            time.sleep(route.delay)
        self.send_response(route.status)
        for name, value in route.headers.items():
            self.send_header(name, value)
        if route.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            length = route.content_length
            if length is None:
                length = len(route.body) * route.repeat
            self.send_header("Content-Length", str(length))
        self.send_header("Connection", "close")
        self.end_headers()
        if not send_body or not route.body:
            if route.chunked and send_body:
                self.wfile.write(b"0\r\n\r\n")
            return
        for index in range(route.repeat):
            if index and route.chunk_delay:
                time.sleep(route.chunk_delay)
            piece = route.body
            if route.chunked:
                piece = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
            self.wfile.write(piece)
            self.wfile.flush()
        if route.chunked:
            self.wfile.write(b"0\r\n\r\n")


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 and an ephemeral port, serving scripted routes."""

    def __init__(
        self, routes: Mapping[str, RouteSpec] | None = None, *, tls: ssl.SSLContext | None = None
    ) -> None:
        self.routes: dict[str, RouteSpec] = dict(routes or {})
        self.requests: list[RecordedRequest] = []
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()
        self._httpd = _Server((HOST, 0), _Handler)
        self._httpd.owner = self
        self.scheme = "https" if tls else "http"
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        # A short poll interval keeps shutdown (and so each test) fast.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self._httpd.server_address[1])

    def url(self, path: str = "/", *, host: str = HOST) -> str:
        """The absolute URL of a path on this server, optionally naming it by another host name."""
        return f"{self.scheme}://{host}:{self.port}{path}"

    def hits(self, path: str) -> int:
        """How many requests asked for `path` (query included)."""
        return sum(1 for r in self.requests if r.path == path)

    def answer(self, request: RecordedRequest) -> Route:
        """Record a request and pick its scripted route (404 for unknown paths)."""
        with self._lock:
            self.requests.append(request)
            spec = self.routes.get(request.path) or self.routes.get(request.path.split("?")[0])
            if spec is None:
                return Route(status=404, body=b"not found")
            if isinstance(spec, Route):
                return spec
            if callable(spec):
                return spec(request)
            index = self._served.get(request.path, 0)
            self._served[request.path] = index + 1
            return spec[min(index, len(spec) - 1)]

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def unused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])
