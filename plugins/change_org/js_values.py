"""Tolerant decoding of JSON and JavaScript object literals found inside inline `<script>` text."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_KEY_COLON = re.compile(r"\s*:")
_JS_NULLS = frozenset({"undefined", "NaN", "Infinity"})
#: `= {` or `= [` in an assignment (not `==`, `=>`, `<=`, `!=`)
_ASSIGNMENT = re.compile(r"(?<![=!<>])=(?![=>])\s*(?=[\{\[])")
_JSON_PARSE = re.compile(r"JSON\.parse\(\s*(?=[\"'])")


def _string_end(text: str, start: int) -> int:
    """The index just after the string literal opening at `start`, or -1 when it is unterminated."""
    quote = text[start]
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == quote:
            return i + 1
        if char == "\n" and quote != "`":
            return -1
        i += 1
    return -1


def balanced_end(text: str, start: int) -> int:
    """The index just after the `{...}` or `[...]` opening at `start`, or -1 if it never closes."""
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char in "\"'`":
            i = _string_end(text, i)
            if i < 0:
                return -1
            continue
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _js_string_to_json(literal: str) -> str:
    """A single-quoted JavaScript string literal rewritten as a JSON string literal."""
    body = literal[1:-1]
    out = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append("'" if nxt == "'" else char + nxt)
            i += 2
            continue
        out.append('\\"' if char == '"' else char)
        i += 1
    return '"' + "".join(out) + '"'


def js_to_json(source: str) -> str:
    """Rewrite a JavaScript object literal as JSON: `undefined`/`NaN` become `null`, bare keys and
    single-quoted strings are quoted, trailing commas are dropped. JSON passes through unchanged."""
    out: list[str] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char in "\"'":
            end = _string_end(source, i)
            if end < 0:
                raise ValueError("unterminated string")
            literal = source[i:end]
            out.append(literal if char == '"' else _js_string_to_json(literal))
            i = end
            continue
        if char in "}]":
            while out and out[-1].isspace():
                out.pop()
            if out and out[-1] == ",":
                out.pop()
            out.append(char)
            i += 1
            continue
        match = _IDENT.match(source, i) if (char.isalpha() or char in "_$") else None
        if match:
            word = match.group(0)
            if _KEY_COLON.match(source, match.end()) and word not in ("true", "false", "null"):
                out.append(json.dumps(word))
            elif word in _JS_NULLS:
                out.append("null")
            else:
                out.append(word)
            i = match.end()
            continue
        out.append(char)
        i += 1
    return "".join(out)


def decode_at(text: str, start: int) -> Any:
    """The JSON or JavaScript value (object or array) opening at `start`, or None."""
    end = balanced_end(text, start)
    if end < 0:
        return None
    chunk = text[start:end]
    try:
        return json.loads(chunk)
    except ValueError:
        pass
    try:
        return json.loads(js_to_json(chunk))
    except ValueError:
        return None


def _decode_json_parse(text: str, start: int) -> Any:
    """The value of `JSON.parse("...")` whose string literal opens at `start`, or None."""
    end = _string_end(text, start)
    if end < 0:
        return None
    literal = text[start:end]
    try:
        inner = json.loads(literal if literal[0] == '"' else _js_string_to_json(literal))
        return json.loads(inner)
    except (ValueError, TypeError):
        return None


def assigned_values(script: str) -> Iterator[Any]:
    """Every object or array assigned (`x = {...}`) or parsed (`JSON.parse("...")`) in a script."""
    position = 0
    while True:
        assign = _ASSIGNMENT.search(script, position)
        parsed = _JSON_PARSE.search(script, position)
        match = min((m for m in (assign, parsed) if m), key=lambda m: m.end(), default=None)
        if match is None:
            return
        if match is parsed:
            value = _decode_json_parse(script, match.end())
            end = _string_end(script, match.end())
        else:
            value = decode_at(script, match.end())
            end = balanced_end(script, match.end())
        if value is not None:
            yield value
        position = end if end > match.end() else match.end() + 1


def value_after(script: str, name: str) -> Any:
    """The object assigned to `name` (`window.name = {...}`) in a script, or None."""
    match = re.search(re.escape(name) + r"\s*=\s*(?=[\{\[])", script)
    return decode_at(script, match.end()) if match else None
