"""The catalog's word for every stored enum value a user can see: a role, a standing, a member's status, a
meeting's kind, a question's status, an attendance mark.

Why one table: a raw value (``probationary``, ``withdrawn``, ``党员大会`` in an English chat) reached users
wherever a caller built the key by hand and a group lacked a value.  ``WORDS`` names the catalog group of
each enum, ``tests/bot/test_words.py`` renders every value of every one in both languages, so a value added
to an enum without its word fails a test instead of showing up in a member's chat.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from bot.texts import Catalog, book_title
from storage.models import AttendanceStatus, MeetingKind, MemberStatus, QuestionStatus, Role, Standing

WORDS: dict[type[StrEnum], str] = {
    Role: "role",
    Standing: "standing",
    MemberStatus: "status",
    MeetingKind: "meeting_kind",
    QuestionStatus: "review.status",
    AttendanceStatus: "attendance_mark",
}

# whose standing is a Party member's: an applicant (pending, rejected, withdrawn) has none yet
_HAS_STANDING = (MemberStatus.ACTIVE, MemberStatus.LEFT)


def join_names(texts: Catalog, lang: str, names: Iterable[str]) -> str:
    """Items of a list in the reader's language: 张三、李四 in Chinese, "Zhang San and Li Si" in English
    (``Catalog.join``, the one place that decides), so no English list is joined with "、" (trial 3, V19)."""
    return texts.join(names, lang)


def source_title(texts: Catalog, lang: str, document: str, cited: str = "") -> str:
    """A question's (or snippet's) source document as every screen names it — quiz feedback, group polls,
    review cards, /stats, /me and the ledgers: 《…》 in Chinese, “…” in English, never marked twice (a title
    stored with its own 《》 loses them first).  One function, so the names cannot drift apart (V5).

    ``cited`` is who or what an explanation says the sentence comes from ("习近平（载《…》）", "《…通知》"): it
    is added beside the title only when it says something the title does not — a title is named once, not
    again in brackets (《A》（《A》）) nor nested ((载《…》) inside （…）), trial 3 W9."""
    title = _bare(document)
    named = texts.plain("punct.title", lang, title=book_title(title, lang))
    who = _speaker(texts, lang, cited.strip(), title)
    return texts.plain("punct.cited", lang, title=named, who=who) if who else named


_CARRIED = re.compile(r"^(?P<who>.+?)[（(]载(?P<where>《.+》)[）)]$", re.S)


def _bare(title: str) -> str:
    title = title.strip()
    if title.startswith("《") and title.endswith("》") and title.count("《") == 1:
        title = title[1:-1]
    return title


def _same(a: str, b: str) -> bool:
    """Whether title ``a`` is ``b`` or named inside it (《中共中央办公厅印发〈…通知〉》 names 《…通知》)."""

    def key(s: str) -> str:
        return re.sub(r"[\s《》〈〉“”‘’\"']", "", s)

    return bool(key(a)) and key(a) in key(b)


def _speaker(texts: Catalog, lang: str, cited: str, title: str) -> str:
    """What ``cited`` adds to ``title`` ("" when nothing): a speaker or meeting, with the book that carries
    it only when that is another book."""
    if not cited:
        return ""
    if cited.startswith("《") and cited.endswith("》") and cited.count("《") == 1:
        return "" if _same(cited[1:-1], title) else source_title(texts, lang, cited)
    carried = _CARRIED.match(cited)
    if carried is None:
        return cited
    where = _bare(carried["where"])
    if _same(where, title):
        return carried["who"]
    return texts.plain("punct.carried", lang, who=carried["who"], where=source_title(texts, lang, where))


def word(texts: Catalog, lang: str, value: StrEnum) -> str:
    """``value`` in the reader's language (plain text: callers escape it, or the catalog does)."""
    for kind, group in WORDS.items():
        if isinstance(value, kind):
            return texts.plain(f"{group}.{value.value}", lang)
    raise KeyError(f"no catalog group for {type(value).__name__}")


def standing_word(texts: Catalog, lang: str, status: str, standing: str) -> str:
    """What a person is in the Party as a secretary's view shows it: 正式党员 / 预备党员 for a member (also
    one removed, for the ledgers), and for an applicant where their request stands — an applicant is not
    yet a 正式党员, whatever the column's default says."""
    if MemberStatus(status) in _HAS_STANDING:
        return word(texts, lang, Standing(standing))
    return word(texts, lang, MemberStatus(status))


def kind_word(texts: Catalog, lang: str, kind: str) -> str:
    """A meeting's kind as stored (党员大会 …) in the reader's language; a kind the enum does not know (an
    old row) as it is."""
    try:
        return word(texts, lang, MeetingKind(kind))
    except ValueError:
        return kind


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def file_word(name: str) -> str:
    """A display name made safe inside a file name (no path separators or characters a phone or Windows
    refuses): a saved file is named after the branch people know, not its internal key.  Spaces become
    ``-`` too: "meeting-theme party day-0515.ics" breaks on a command line and in a link (trial T20)."""
    return _UNSAFE.sub("-", "-".join(name.split())).strip(" .-") or "-"


def sentence_start(text: str) -> str:
    """``text`` with its first letter capitalised, for a word that opens a line or a card ("Party lecture
    (#2)"): the catalog's English kinds are lower case to sit inside a sentence (trial T20).  Chinese text
    is unchanged."""
    return text[:1].upper() + text[1:]
