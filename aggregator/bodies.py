"""Response bodies read within a size limit, gzip/deflate decoded in bounded steps (no bombs)."""

from __future__ import annotations

import zlib

import httpx

from .errors import FetchError
from .vocabulary import Health


class BoundedInflater:
    """gzip/deflate decoding that never produces more output than asked for (bounds compression bombs)."""

    def __init__(self, encoding: str) -> None:
        self._deflate = encoding == "deflate"
        self._z = zlib.decompressobj(zlib.MAX_WBITS if self._deflate else 16 + zlib.MAX_WBITS)
        self._started = False

    def feed(self, data: bytes, max_length: int) -> bytes:
        try:
            out = self._z.decompress(data, max_length)
        except zlib.error:
            if not (self._deflate and not self._started):
                raise
            self._z = zlib.decompressobj(-zlib.MAX_WBITS)  # "deflate" sent without its zlib header
            out = self._z.decompress(data, max_length)
        self._started = True
        return out

    def flush(self) -> bytes:
        return self._z.flush()


def oversize(url: str, limit: int, status: int) -> FetchError:
    """The error for a body over `fetch.max_body_bytes`."""
    return FetchError(
        f"response larger than fetch.max_body_bytes ({limit} bytes); raise the limit if "
        f"this page is legitimately that big ({url})",
        health=Health.LAYOUT_CHANGED,
        url=url,
        http_status=status,
    )


async def read_limited(response: httpx.Response, url: str, limit: int, *, truncate: bool) -> bytes:
    """The decoded body, refusing (or with `truncate`, cutting) anything over `limit` bytes."""
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limit and not truncate:
        raise oversize(url, limit, response.status_code)
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
        raise FetchError(
            f"{url} sent Content-Encoding {encoding!r}, which we did not ask for",
            health=Health.LAYOUT_CHANGED,
            url=url,
            http_status=response.status_code,
        )
    inflater = BoundedInflater(encoding) if encoding not in ("identity", "") else None
    chunks: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        data = inflater.feed(raw, limit - size + 1) if inflater else raw
        chunks.append(data)
        size += len(data)
        if size > limit:
            if truncate:
                return b"".join(chunks)[:limit]
            raise oversize(url, limit, response.status_code)
    if inflater is not None:
        tail = inflater.flush()
        chunks.append(tail)
        size += len(tail)
        if size > limit and not truncate:
            raise oversize(url, limit, response.status_code)
    return b"".join(chunks)[:limit]
