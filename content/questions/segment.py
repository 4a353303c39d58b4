"""Word boundaries from jieba, initialised once, quietly, without writing under $HOME.

jieba logs its dictionary load at DEBUG/INFO and caches the built prefix dictionary in a temp file; in a
read-only container ``$HOME`` may not be writable, so the cache goes to the system temp dir (jieba
falls back to rebuilding in memory when even that fails).  Only two things use words: trimming the
first/last item of an unquoted list to a word boundary, and picking the key word of a quoted saying.
"""

from __future__ import annotations

import logging
import tempfile
from functools import cache

import jieba


@cache
def _tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = tempfile.gettempdir()
    tokenizer.cache_file = "zhibu.jieba.cache"
    tokenizer.initialize()
    return tokenizer


def words(text: str) -> list[tuple[str, int, int]]:
    """``(word, start, end)`` for each jieba word of ``text``."""
    return list(_tokenizer().tokenize(text))


def boundaries(text: str) -> set[int]:
    """Offsets in ``text`` where a word starts or ends."""
    out = {0, len(text)}
    for _, a, b in words(text):
        out.add(a)
        out.add(b)
    return out
