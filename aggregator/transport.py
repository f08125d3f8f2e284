"""The outbound transport: host overrides for tests and demos, and the guard against private addresses."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from .config import FetchSettings
from .errors import FetchError
from .platform import url_host
from .vocabulary import Health

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
#: resolves (host, port) to the IP addresses a connection may use, as strings
Resolver = Callable[[str, int], Awaitable[list[str]]]

_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: address properties that make a destination non-public, checked in this order
_FLAGS = ("loopback", "link_local", "unspecified", "multicast", "reserved", "private")


async def system_resolve(host: str, port: int) -> list[str]:
    """The addresses the operating system resolves a host name to."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def non_public_reason(address: IPAddress) -> str | None:
    """Why an address is not a public internet address (`"loopback"`, `"link-local"`...), else None."""
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    if mapped is not None:
        address = mapped
    for flag in _FLAGS:
        if getattr(address, f"is_{flag}"):
            return flag.replace("_", "-")
    if not address.is_global:
        return "non-global"
    return None


def _split_target(target: str) -> tuple[str, int]:
    """`127.0.0.1:8080` or `[::1]:8080` -> (host, port)."""
    host, _, port = target.rpartition(":")
    return host.strip("[]"), int(port)


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def check_scheme(url: str) -> None:
    """Refuse anything but an http(s) URL with a host, before any request is made."""
    if not url.lower().startswith(("http://", "https://")) or not url_host(url):
        raise FetchError(
            f"refusing {url!r}: only http and https URLs with a host are fetched",
            health=Health.BLOCKED,
            url=url,
        )


class GuardedTransport(httpx.AsyncBaseTransport):
    """Routes overridden hosts to a local address and refuses non-public destinations.

    Every request passes here, redirects included. An overridden host (`fetch.host_overrides`) is
    sent over plain http to its `HOST:PORT`, keeping the original `Host` header; it is trusted
    config and skips the guard. Any other host is resolved once, every address is checked, and
    the connection goes to the checked IP itself (URL host rewritten, `Host` header kept, SNI set
    for https), so a second DNS answer cannot swap in another address.

    Without `inner`, https connections are pooled per host name, so a TLS connection verified
    for one name is never reused for another name that happens to share its IP.
    """

    def __init__(
        self,
        fetch: FetchSettings,
        inner: httpx.AsyncBaseTransport | None = None,
        *,
        limits: httpx.Limits | None = None,
        resolve: Resolver | None = None,
    ) -> None:
        self._overrides = {host.rstrip(".").lower(): target for host, target in fetch.host_overrides.items()}
        self._allow_private = fetch.allow_private_addresses
        self._networks: tuple[Network, ...] = tuple(
            ipaddress.ip_network(network, strict=False) for network in fetch.allowed_networks
        )
        self._inner = inner
        self._limits = limits or httpx.Limits()
        self._resolve = resolve or system_resolve
        self._plain: httpx.AsyncHTTPTransport | None = None
        self._tls: dict[str, httpx.AsyncHTTPTransport] = {}
        self._ssl_context: ssl.SSLContext | None = None

    def check_address(self, address: IPAddress, host: str, url: str) -> None:
        """Raise a `blocked` FetchError when the address is non-public and not allowed by the config."""
        reason = non_public_reason(address)
        if reason is None or self._allow_private:
            return
        if any(address.version == network.version and address in network for network in self._networks):
            return
        named = f"{host} resolves to {address}" if _literal(host) is None else f"{address}"
        raise FetchError(
            f"refusing to connect to {url}: {named}, a {reason} address. "
            "If this destination is intended, allow it in the config with "
            "fetch.allow_private_addresses = true or a CIDR in fetch.allowed_networks "
            f'(e.g. allowed_networks = ["{address}/{address.max_prefixlen}"])',
            health=Health.BLOCKED,
            url=url,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in _SCHEMES:
            raise FetchError(
                f"refusing {url}: only http and https URLs are fetched", health=Health.BLOCKED, url=str(url)
            )
        host = url.host.rstrip(".").lower()
        target = self._overrides.get(host)
        if target is not None:
            local_host, local_port = _split_target(target)
            routed = url.copy_with(scheme="http", host=local_host, port=local_port)
            return await self._send(request, routed, tls_host=None)
        addresses = await self._addresses(request, host)
        for address in addresses:
            self.check_address(address, host, str(url))
        tls_host = host if url.scheme == "https" and _literal(host) is None else None
        failure: httpx.ConnectError | None = None
        for address in dict.fromkeys(addresses):
            try:
                return await self._send(request, url.copy_with(host=str(address)), tls_host=tls_host)
            except httpx.ConnectError as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def _addresses(self, request: httpx.Request, host: str) -> list[IPAddress]:
        literal = _literal(host)
        if literal is not None:
            return [literal]
        port = request.url.port or _DEFAULT_PORTS[request.url.scheme]
        try:
            found = await self._resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise httpx.ConnectError(f"cannot resolve {host}: {exc}", request=request) from exc
        addresses = [ipaddress.ip_address(address.split("%", 1)[0]) for address in found]
        if not addresses:
            raise httpx.ConnectError(f"cannot resolve {host}: no addresses", request=request)
        return addresses

    async def _send(
        self, request: httpx.Request, routed: httpx.URL, *, tls_host: str | None
    ) -> httpx.Response:
        extensions: dict[str, Any] = dict(request.extensions)
        if tls_host is not None:
            extensions["sni_hostname"] = tls_host
        outgoing = httpx.Request(
            request.method, routed, headers=request.headers, stream=request.stream, extensions=extensions
        )
        return await self._transport_for(tls_host).handle_async_request(outgoing)

    def _transport_for(self, tls_host: str | None) -> httpx.AsyncBaseTransport:
        if self._inner is not None:
            return self._inner
        if tls_host is None:
            if self._plain is None:
                self._plain = httpx.AsyncHTTPTransport(limits=self._limits, trust_env=False)
            return self._plain
        transport = self._tls.get(tls_host)
        if transport is None:
            if self._ssl_context is None:
                self._ssl_context = httpx.create_ssl_context(trust_env=False)
            transport = httpx.AsyncHTTPTransport(
                verify=self._ssl_context, limits=self._limits, trust_env=False
            )
            self._tls[tls_host] = transport
        return transport

    async def aclose(self) -> None:
        transports: list[httpx.AsyncBaseTransport] = [*self._tls.values()]
        if self._plain is not None:
            transports.append(self._plain)
        if self._inner is not None:
            transports.append(self._inner)
        self._tls.clear()
        self._plain = None
        for transport in transports:
            await transport.aclose()
