"""Text from users, cleaned where it enters the store.

A stem typed in chat or a cell of a returned sheet can carry characters no later reader accepts:
PostgreSQL refuses NUL in a text column, openpyxl refuses control characters when it writes the next
``/bank`` sheet, and a lone surrogate cannot be encoded at all.  Storing them would break every later
read, so they are removed once, on the way in; line breaks and tabs are text and stay.
"""

from __future__ import annotations

import re

# C0 controls except tab and line feed, DEL, C1 controls, lone surrogates, the two non-characters
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """``text`` without characters a database column or a sheet cannot hold; CR LF becomes LF."""
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
