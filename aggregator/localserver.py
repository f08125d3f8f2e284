"""A real HTTP server on 127.0.0.1 for tests, the demo and benchmarks: routes by (virtual host, path)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self


@dataclass
class Reply:
    """What a route answers. `delay` sleeps (real time) before answering; `chunked` sends the body
    with chunked transfer encoding and no Content-Length. A `Content-Length` given in `headers` is
    sent as is (it may lie)."""

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    chunked: bool = False


@dataclass(frozen=True)
class Seen:
    """One request the server received. `host` has no port; `headers` keys are lower-case."""

    method: str
    host: str
    path: str
    headers: dict[str, str]
    at: float

    @property
    def path_only(self) -> str:
        return self.path.split("?", 1)[0]


Handler = Callable[[Seen], Reply]


def redirect(location: str, status: int = 302) -> Reply:
    """A redirect reply."""
    return Reply(status, b"", {"Location": location})


def unused_port() -> int:
    """A local TCP port nothing listens on (for connection-refused tests)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalServer:
    """`ThreadingHTTPServer` in a thread. Route with `route(path, Reply | handler, host=...)`.

    Lookup order: (host, path with query), (host, path), (any host, path with query), (any host,
    path); otherwise 404. So `/robots.txt` is a 404 (no restrictions) unless routed.
    """

    def __init__(self) -> None:
        self._routes: dict[tuple[str | None, str], Reply | Handler] = {}
        self._lock = threading.Lock()
        self.requests: list[Seen] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def address(self) -> str:
        """`127.0.0.1:PORT`, the value for `fetch.host_overrides`."""
        return f"127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"http://{self.address}"

    def overrides(self, *hosts: str) -> dict[str, str]:
        """A `fetch.host_overrides` map sending these hosts to this server."""
        return {host: self.address for host in hosts}

    def route(self, path: str, reply: Reply | Handler, *, host: str | None = None) -> None:
        """Answer GET `path` (on virtual `host`, or any host) with a fixed reply or a handler."""
        with self._lock:
            self._routes[(host.lower() if host else None, path)] = reply

    def hits(self, path: str, host: str | None = None) -> int:
        """How many requests asked for `path` (with or without its query), optionally on one host."""
        with self._lock:
            return sum(
                1
                for seen in self.requests
                if path in (seen.path, seen.path_only) and (host is None or seen.host == host.lower())
            )

    def seen(self, path: str) -> list[Seen]:
        with self._lock:
            return [seen for seen in self.requests if path in (seen.path, seen.path_only)]

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.02,), daemon=True, name="localserver"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _lookup(self, seen: Seen) -> Reply:
        with self._lock:
            self.requests.append(seen)
            for key in (
                (seen.host, seen.path),
                (seen.host, seen.path_only),
                (None, seen.path),
                (None, seen.path_only),
            ):
                if key in self._routes:
                    target = self._routes[key]
                    break
            else:
                return Reply(404, b"not found", {"Content-Type": "text/plain"})
        return target(seen) if callable(target) else target


@contextmanager
def serving() -> Iterator[LocalServer]:
    """A started server, stopped on exit."""
    with LocalServer() as server:
        yield server


def _make_handler(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            host = (self.headers.get("Host") or "").lower()
            host = host.rsplit(":", 1)[0] if host.count(":") == 1 or host.startswith("[") else host
            headers = {key.lower(): value for key, value in self.headers.items()}
            seen = Seen(self.command, host.strip("[]"), self.path, headers, time.monotonic())
            try:
                reply = server._lookup(seen)
            except Exception as exc:  # a failing handler answers 500 so the test sees it
                reply = Reply(500, f"handler failed: {exc!r}".encode())
            if reply.delay:
                time.sleep(reply.delay)
            body = reply.body.encode() if isinstance(reply.body, str) else reply.body
            try:
                self._send(reply, body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _send(self, reply: Reply, body: bytes) -> None:
            self.send_response(reply.status)
            names = {name.lower() for name in reply.headers}
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.chunked:
                self.send_header("Transfer-Encoding", "chunked")
            elif "content-length" not in names:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if reply.status == 304 or reply.status < 200:
                return
            if reply.chunked:
                for start in range(0, len(body), 4096):
                    piece = body[start : start + 4096]
                    self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.wfile.write(body)
            self.wfile.flush()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return _Handler
