"""Digest rendering: a plain-text part and an HTML part (inline CSS, scraped text escaped)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .content import Digest

TEMPLATES = Path(__file__).parent / "templates"


def _number(value: int | float | None) -> str:
    return "—" if value is None else f"{value:,}"


def _signed(value: int | None) -> str:
    return "—" if value is None else f"{value:+,}"


def _day(value: datetime | None) -> str:
    return "—" if value is None else value.strftime("%-d %b %Y")


def _words(value: str) -> str:
    return value.replace("_", " ")


def environment() -> Environment:
    """The templates' environment: autoescaping for .html, none for .txt."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(number=_number, signed=_signed, day=_day, words=_words)
    return env


_ENV = environment()


def render_text(digest: Digest) -> str:
    """The plain-text part."""
    return _ENV.get_template("digest.txt").render(d=digest)


def render_html(digest: Digest) -> str:
    """The HTML part: inline styles only, one narrow column that reads on a phone."""
    return _ENV.get_template("digest.html").render(d=digest)
