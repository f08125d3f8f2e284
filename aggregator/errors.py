"""Error types shared by the core and platform plugins; each message says what went wrong and what to do."""

from __future__ import annotations


class AggregatorError(Exception):
    """Base class of every error the aggregator reports to a user."""


class ConfigError(AggregatorError):
    """The configuration file or a setting in it is invalid."""


class UnsupportedURL(AggregatorError):
    """No loaded platform claims a URL."""


class PluginError(AggregatorError):
    """A plugin could not be loaded or registered (duplicate name, broken hook)."""


class ParseError(AggregatorError):
    """A platform could not read a response; the base of the two cases below."""


class NotThisPlatform(ParseError):
    """The body is not a response of this platform at all (wrong site, wrong format)."""


class LayoutChanged(ParseError):
    """The response looks like the platform's, but the expected data is not where it used to be."""


class FetchError(AggregatorError):
    """A request failed; `health` says how the failure is classified, `retry_after` when to try again."""

    def __init__(
        self,
        message: str,
        *,
        health: str,
        url: str = "",
        http_status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.health = health
        self.url = url
        self.http_status = http_status
        self.retry_after = retry_after

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle with the keyword arguments too, so failures can cross process boundaries."""
        details = {
            "health": self.health,
            "url": self.url,
            "http_status": self.http_status,
            "retry_after": self.retry_after,
        }
        return (_rebuild_fetch_error, (type(self), str(self), details))


def _rebuild_fetch_error(kind: type[FetchError], message: str, details: dict[str, object]) -> FetchError:
    return kind(message, **details)  # type: ignore[arg-type]
