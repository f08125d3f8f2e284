"""GuardedTransport: host overrides, the private-address guard, and pinning the checked IP."""

from __future__ import annotations

import socket

import httpx
import pytest

from aggregator.config import FetchSettings
from aggregator.errors import FetchError
from aggregator.localserver import LocalServer, Reply
from aggregator.transport import GuardedTransport


def client_for(transport: httpx.AsyncBaseTransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=transport, trust_env=False, timeout=5)


def stub_resolver(table: dict[str, list[str]], calls: list[str] | None = None):
    async def resolve(host: str, port: int) -> list[str]:
        if calls is not None:
            calls.append(host)
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]

    return resolve


class Recorder:
    """An inner transport that records what would be sent, and never connects."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, text="recorded")


def private_urls(port: int) -> list[str]:
    return [
        f"http://127.0.0.1:{port}/",
        "http://10.1.2.3/x",
        "http://169.254.169.254/latest/meta-data/",
        f"http://[::1]:{port}/",
        "http://0.0.0.0/",
        "http://[::ffff:127.0.0.1]/",
        "http://192.168.1.1/",
        "http://224.0.0.1/",
        "http://100.64.0.1/",
    ]


async def test_refuses_private_literal_addresses(local_server: LocalServer) -> None:
    recorder = Recorder()
    async with client_for(GuardedTransport(FetchSettings(), recorder.transport)) as client:
        for url in private_urls(local_server.port):
            with pytest.raises(FetchError) as caught:
                await client.get(url)
            assert caught.value.health == "blocked"
            message = str(caught.value)
            assert "fetch.allow_private_addresses" in message
            assert "fetch.allowed_networks" in message
    assert recorder.requests == []
    assert local_server.requests == []


async def test_message_names_the_address() -> None:
    async with client_for(GuardedTransport(FetchSettings())) as client:
        with pytest.raises(FetchError, match=r"169\.254\.169\.254.*link-local"):
            await client.get("http://169.254.169.254/latest/meta-data/")


async def test_refuses_hostname_resolving_to_loopback(local_server: LocalServer) -> None:
    async with client_for(GuardedTransport(FetchSettings())) as client:
        with pytest.raises(FetchError, match="localhost resolves to") as caught:
            await client.get(f"http://localhost:{local_server.port}/")
    assert caught.value.health == "blocked"
    assert local_server.requests == []


async def test_allow_private_addresses_connects(local_server: LocalServer) -> None:
    local_server.route("/ok", Reply(200, "fine"))
    fetch = FetchSettings(allow_private_addresses=True)
    async with client_for(GuardedTransport(fetch)) as client:
        assert (await client.get(f"http://127.0.0.1:{local_server.port}/ok")).text == "fine"
        assert (await client.get(f"http://localhost:{local_server.port}/ok")).text == "fine"
    assert local_server.hits("/ok") == 2
    assert local_server.requests[1].host == "localhost"


async def test_allow_private_addresses_for_other_networks() -> None:
    recorder = Recorder()
    fetch = FetchSettings(allow_private_addresses=True)
    async with client_for(GuardedTransport(fetch, recorder.transport)) as client:
        await client.get("http://10.1.2.3/x")
        await client.get("http://169.254.169.254/latest/meta-data/")
        await client.get("http://[::1]/")
    assert [r.url.host for r in recorder.requests] == ["10.1.2.3", "169.254.169.254", "::1"]


async def test_allowed_networks(local_server: LocalServer) -> None:
    local_server.route("/ok", Reply(200, "fine"))
    recorder = Recorder()
    fetch = FetchSettings(allowed_networks=["127.0.0.0/8", "169.254.169.254/32"])
    async with client_for(GuardedTransport(fetch)) as client:
        assert (await client.get(f"http://127.0.0.1:{local_server.port}/ok")).status_code == 200
        with pytest.raises(FetchError, match=r"10\.1\.2\.3"):
            await client.get("http://10.1.2.3/x")
    async with client_for(GuardedTransport(fetch, recorder.transport)) as client:
        await client.get("http://169.254.169.254/latest/meta-data/")
        with pytest.raises(FetchError):
            await client.get("http://169.254.169.1/")
    assert len(recorder.requests) == 1


async def test_connects_to_the_checked_ip_keeping_host_and_sni() -> None:
    recorder = Recorder()
    calls: list[str] = []
    resolve = stub_resolver({"petition.example.org": ["93.184.216.34"]}, calls)
    async with client_for(GuardedTransport(FetchSettings(), recorder.transport, resolve=resolve)) as client:
        response = await client.get("https://petition.example.org/p/1?x=2")
    assert response.text == "recorded"
    assert str(response.url) == "https://petition.example.org/p/1?x=2"
    (sent,) = recorder.requests
    assert str(sent.url) == "https://93.184.216.34/p/1?x=2"
    assert sent.headers["host"] == "petition.example.org"
    assert sent.extensions["sni_hostname"] == "petition.example.org"
    assert calls == ["petition.example.org"]


async def test_plain_http_has_no_sni_and_keeps_port() -> None:
    recorder = Recorder()
    resolve = stub_resolver({"petition.example.org": ["93.184.216.34"]})
    async with client_for(GuardedTransport(FetchSettings(), recorder.transport, resolve=resolve)) as client:
        await client.get("http://petition.example.org:8080/a")
    (sent,) = recorder.requests
    assert str(sent.url) == "http://93.184.216.34:8080/a"
    assert sent.headers["host"] == "petition.example.org:8080"
    assert "sni_hostname" not in sent.extensions


async def test_refuses_when_any_resolved_address_is_private() -> None:
    recorder = Recorder()
    resolve = stub_resolver({"rebind.example": ["93.184.216.34", "10.0.0.5"]})
    async with client_for(GuardedTransport(FetchSettings(), recorder.transport, resolve=resolve)) as client:
        with pytest.raises(FetchError, match=r"rebind\.example resolves to 10\.0\.0\.5"):
            await client.get("https://rebind.example/")
    assert recorder.requests == []


async def test_dns_failure_is_a_connect_error() -> None:
    resolve = stub_resolver({})
    async with client_for(GuardedTransport(FetchSettings(), Recorder().transport, resolve=resolve)) as client:
        with pytest.raises(httpx.ConnectError, match=r"cannot resolve nowhere\.example"):
            await client.get("https://nowhere.example/")


async def test_tries_the_next_checked_address_when_one_refuses(local_server: LocalServer) -> None:
    local_server.route("/ok", Reply(200, "second address"))
    resolve = stub_resolver({"multi.test": ["::1", "127.0.0.1"]})
    fetch = FetchSettings(allow_private_addresses=True)
    async with client_for(GuardedTransport(fetch, resolve=resolve)) as client:
        response = await client.get(f"http://multi.test:{local_server.port}/ok")
    assert response.text == "second address"
    assert local_server.requests[0].host == "multi.test"


@pytest.mark.parametrize("url", ["ftp://example.org/file", "file:///etc/passwd", "gopher://example.org/"])
async def test_non_http_schemes_are_refused(url: str) -> None:
    recorder = Recorder()
    async with client_for(GuardedTransport(FetchSettings(), recorder.transport)) as client:
        with pytest.raises((FetchError, httpx.UnsupportedProtocol)) as caught:
            await client.get(url)
    if isinstance(caught.value, FetchError):
        assert caught.value.health == "blocked"
    assert recorder.requests == []


async def test_transport_refuses_non_http_scheme_directly() -> None:
    transport = GuardedTransport(FetchSettings(), Recorder().transport)
    with pytest.raises(FetchError, match="only http and https") as caught:
        await transport.handle_async_request(httpx.Request("GET", "ftp://example.org/file"))
    assert caught.value.health == "blocked"


async def test_host_override_keeps_the_virtual_host(local_server: LocalServer) -> None:
    local_server.route("/page", Reply(200, "petition A"), host="petition.example.org")
    local_server.route("/page", Reply(200, "petition B"), host="other.example.net")
    fetch = FetchSettings(host_overrides=local_server.overrides("petition.example.org", "other.example.net"))
    async with client_for(GuardedTransport(fetch)) as client:
        first = await client.get("https://petition.example.org/page")
        second = await client.get("http://other.example.net/page")
    assert (first.text, second.text) == ("petition A", "petition B")
    assert str(first.url) == "https://petition.example.org/page"
    assert [seen.host for seen in local_server.requests] == ["petition.example.org", "other.example.net"]


async def test_override_hosts_are_matched_case_insensitively(local_server: LocalServer) -> None:
    local_server.route("/", Reply(200, "home"))
    fetch = FetchSettings(host_overrides={"Petition.Example.org": local_server.address})
    async with client_for(GuardedTransport(fetch)) as client:
        assert (await client.get("https://PETITION.example.org/")).text == "home"
