"""Telegram's HTML parse mode, strict the way the real server is strict.

A bot that builds HTML by string concatenation fails in production on the first member whose name
contains ``<`` or on a stray ``<br>``.  Real Telegram answers such a message with 400 "can't parse
entities"; this module reproduces that so the failure shows up in tests instead.  It also returns what
Telegram returns on success: the plain text the user sees plus ``MessageEntity`` dicts with UTF-16
offsets, so a sent ``Message`` echoes back like the real one.

Rules (from the Bot API "HTML style" section and TDLib's parser): only the tags below are allowed, tag
names are case-insensitive, attributes are ``name="value"`` / ``'value'`` / bare, every tag must be closed
in order, ``&lt; &gt; &amp; &quot;`` and numeric entities are decoded, any other ``&`` is kept as text.
Errors name the UTF-8 byte offset of the offending ``<`` as TDLib does.
"""

from __future__ import annotations

import html as _stdlib_html
import re
from dataclasses import dataclass, field
from typing import Any

from bot.fakeapi.records import BotApiError

_ENTITY_OF_TAG = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_CHAR_REF = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ATTR = re.compile(r"""\s*([A-Za-z_-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    attrs: dict[str, str]
    start: int
    language: str | None = None
    children: list[str] = field(default_factory=list)


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.out: list[str] = []
        self.pos16 = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def fail(self, why: str) -> BotApiError:
        return BotApiError.bad_request(f"can't parse entities: {why}")

    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def emit(self, chars: str) -> None:
        self.out.append(chars)
        self.pos16 += utf16_len(chars)

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        src, i = self.src, 0
        while i < len(src):
            char = src[i]
            if char == "&":
                match = _CHAR_REF.match(src, i)
                if match:
                    self.emit(_decode_ref(match.group(1)))
                    i = match.end()
                    continue
                self.emit("&")
                i += 1
            elif char == "<":
                i = self.end_tag(i) if src.startswith("</", i) else self.start_tag(i)
            else:
                nxt = src.find("<", i)
                amp = src.find("&", i)
                stop = min(x for x in (nxt, amp, len(src)) if x >= 0)
                self.emit(src[i:stop])
                i = stop
        if self.stack:
            raise self.fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"')
        return "".join(self.out), sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))

    def start_tag(self, begin: int) -> int:
        src, i = self.src, begin + 1
        while i < len(src) and not src[i].isspace() and src[i] != ">":
            i += 1
        if i >= len(src):
            raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        name = src[begin + 1 : i].lower()
        if name not in _ENTITY_OF_TAG:
            raise self.fail(f'Unsupported start tag "{name}" at byte offset {self.byte_offset(begin)}')
        attrs: dict[str, str] = {}
        while True:
            while i < len(src) and src[i].isspace():
                i += 1
            if i >= len(src):
                raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            if src[i] == ">":
                break
            match = _ATTR.match(src, i)
            if not match or match.end() == i:
                raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            value = next((g for g in match.groups()[1:] if g is not None), "")
            attrs[match.group(1).lower()] = _stdlib_html.unescape(value)
            i = match.end()
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise self.fail(f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}')
        opened = _Open(name, attrs, self.pos16)
        if name == "code" and self.stack and self.stack[-1].tag == "pre":
            language = attrs.get("class", "")
            if language.startswith("language-"):
                self.stack[-1].language = language.removeprefix("language-")
                opened.language = "<merged>"
        self.stack.append(opened)
        return i + 1

    def end_tag(self, begin: int) -> int:
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        close = self.src.find(">", begin)
        if close < 0:
            raise self.fail(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        name = self.src[begin + 2 : close].strip().lower()
        top = self.stack[-1]
        if name != top.tag:
            raise self.fail(
                f'Unmatched end tag at byte offset {self.byte_offset(begin)}, expected "</{top.tag}>", '
                f'found "</{name}>"'
            )
        self.stack.pop()
        self.add_entity(top)
        return close + 1

    def add_entity(self, tag: _Open) -> None:
        length = self.pos16 - tag.start
        if length <= 0 or tag.language == "<merged>":
            return
        kind = _ENTITY_OF_TAG[tag.tag]
        entity: dict[str, Any] = {"type": kind, "offset": tag.start, "length": length}
        if kind == "text_link":
            href = tag.attrs.get("href")
            if not href:
                return
            entity["url"] = href
        elif kind == "pre" and tag.language:
            entity["language"] = tag.language
        elif kind == "blockquote" and "expandable" in tag.attrs:
            entity["type"] = "expandable_blockquote"
        elif kind == "custom_emoji":
            entity["custom_emoji_id"] = tag.attrs.get("emoji-id", "")
        self.entities.append(entity)


def _decode_ref(ref: str) -> str:
    if ref in _NAMED:
        return _NAMED[ref]
    code = int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:])
    return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities for an HTML-formatted message, or ``BotApiError`` 400 as Telegram would."""
    return _Parser(text).run()


def strip_outer_whitespace(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim the text as Telegram does before sending, moving entities with it and dropping empty ones."""
    stripped = text.strip()
    if not stripped:
        return "", []
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    end = lead + utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"], lead)
        stop = min(entity["offset"] + entity["length"], end)
        if stop > start:
            kept.append({**entity, "offset": start - lead, "length": stop - start})
    return stripped, kept


def render(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """What the user will see for ``text`` sent with ``parse_mode``: parsed, then trimmed.

    Only HTML is checked; Markdown modes pass through unparsed (zhibu speaks HTML only).
    """
    if parse_mode and parse_mode.lower() == "html":
        plain, entities = parse_html(text)
    else:
        plain, entities = text, []
    return strip_outer_whitespace(plain, entities)
