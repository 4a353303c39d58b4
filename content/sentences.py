"""Chinese sentence boundaries, the unit every later step cuts at.

Snippets are cut only between sentences and questions quote one sentence as their evidence, so both need
the same answer to "where does a sentence end".  A sentence ends after 。！？； or an ellipsis (……),
together with any closing quotes or brackets that follow it::

    “坚持从实际出发、按规律办事。”近日，中共中央办公厅印发通知。
    └──────────── one ─────────────┘└──────── two ────────┘

A terminator inside “…” does not end the sentence: the quotation is part of the sentence that cites it.
If the text's quotes do not balance (a broken copy), quote depth is ignored rather than swallowing the rest
of the paragraph into one sentence.  Sentences are returned verbatim (only surrounding whitespace is
trimmed), so each one is a substring of the text it came from.
"""

from __future__ import annotations

TERMINATORS = frozenset("。！？；!?;…")
CLOSERS = frozenset("”’」』）》)]】")
_OPEN_QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』"}
_CLOSE_QUOTES = frozenset(_OPEN_QUOTES.values())
FINAL_ENDINGS = TERMINATORS | CLOSERS


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences; the last piece may lack a terminator (an unfinished tail)."""
    spans = _spans(text, respect_quotes=True)
    if spans is None:
        spans = _spans(text, respect_quotes=False) or []
    out: list[str] = []
    for start, end in spans:
        piece = text[start:end].strip()
        if piece:
            out.append(piece)
    return out


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends like a finished sentence (terminator, maybe followed by closing quotes)."""
    stripped = text.rstrip()
    while stripped and stripped[-1] in CLOSERS:
        stripped = stripped[:-1]
    return bool(stripped) and stripped[-1] in TERMINATORS


def _spans(text: str, *, respect_quotes: bool) -> list[tuple[int, int]] | None:
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if respect_quotes and ch in _OPEN_QUOTES:
            depth += 1
        elif respect_quotes and ch in _CLOSE_QUOTES:
            depth -= 1
            if depth < 0:
                return None
            if depth == 0 and _after_terminator(text, i):
                end = _consume_tail(text, i + 1)
                spans.append((start, end))
                start = i = end
                continue
        elif ch in TERMINATORS and depth == 0:
            end = _consume_tail(text, i + 1)
            spans.append((start, end))
            start = i = end
            continue
        i += 1
    if respect_quotes and depth != 0:
        return None
    if start < n:
        spans.append((start, n))
    return spans


def _after_terminator(text: str, i: int) -> bool:
    """Does the closing quote at ``i`` directly follow a terminator (possibly via inner closers: 。’”)?"""
    j = i - 1
    while j >= 0 and text[j] in CLOSERS:
        j -= 1
    return j >= 0 and text[j] in TERMINATORS


def _consume_tail(text: str, i: int) -> int:
    """Extend a sentence end over further terminators (……, ？！) and closing quotes or brackets."""
    n = len(text)
    while i < n and (text[i] in TERMINATORS or text[i] in CLOSERS):
        i += 1
    return i
