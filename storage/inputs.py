"""What users type, made safe to store: text without control characters, ids within the columns' range.

Why here, at the edge of the store: text from Telegram (a display name, a stem a secretary edits, a
reason for leave) can carry anything Unicode allows.  A NUL makes PostgreSQL refuse the whole write, a
lone surrogate cannot be encoded at all, control characters break the Excel ledgers later
(``IllegalCharacterError``), and bidirectional overrides make a name read backwards in the roster.  One
function cleans every user text on its way in, so no feature has to remember which of these bites.

Ids typed by users or carried in buttons are numbers of any size; the tables' keys are 32-bit integers
on PostgreSQL.  ``valid_id`` says whether a number can be a row id at all, so an out-of-range one is
answered like an unknown one instead of overflowing the query.
"""

from __future__ import annotations

import re
import unicodedata

MAX_ROW_ID = 2**31 - 1  # PostgreSQL ``integer`` primary keys

# bidirectional embeddings, overrides and isolates: they reorder the text around them when displayed
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def clean_text(value: str, *, limit: int | None = None, multiline: bool = False, keep_spaces: bool = False) -> str:
    """``value`` without control characters, lone surrogates or bidi overrides, trimmed, at most ``limit``
    characters.  ``multiline`` keeps line breaks (normalised to ``\\n``); otherwise they become spaces.
    ``keep_spaces`` leaves runs of spaces as they are: in question text the ideographic space of a blank
    ``（　）`` is part of the question, not spacing to tidy."""
    out: list[str] = []
    for char in value.replace("\r\n", "\n").replace("\r", "\n"):
        if char == "\n":
            out.append("\n" if multiline else " ")
        elif char == "\t":
            out.append(" ")
        elif char in _BIDI or unicodedata.category(char) in ("Cc", "Cs"):
            continue
        else:
            out.append(char)
    text = "".join(out)
    if multiline:
        lines = (line if keep_spaces else _SPACES.sub(" ", line) for line in text.split("\n"))
        text = "\n".join(line.strip() for line in lines).strip("\n")
    elif not keep_spaces:
        text = _SPACES.sub(" ", text)
    text = text.strip()
    return text[:limit] if limit is not None else text


def has_control_characters(value: str) -> bool:
    """True when ``value`` still holds something ``clean_text`` removes (tests and consistency checks)."""
    return any((unicodedata.category(c) in ("Cc", "Cs") and c != "\n") or c in _BIDI for c in value)


def valid_id(number: int) -> bool:
    """Whether ``number`` can be a row id: positive and within the 32-bit key columns."""
    return 0 < number <= MAX_ROW_ID
