"""补学 (make-up study) as a member reads it on a phone: a short message, the rest on request, the quiz.

::

    补学 message (≈ 700 chars): the meeting, the materials' titles, an excerpt, where the rest is
        [📝 已学完，开始测验]  [📖 阅读材料]
    nothing to read ─▶ said so, no button: the secretary records it (/attendance N 姓名 补学)
    📖 ─▶ the materials' text from where the excerpt stopped, a message per passage (each ≤ READ_CHARS)

A trial's 补学 message ran to ~2,300 characters — several screens before the button.  The excerpt ends
where one of its sentences ends; the rest of the materials comes with daily study (/study) as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.config import Settings
from bot.meeting_view import makeup_keyboard, when
from bot.texts import Catalog, Safe, book_title
from bot.words import join_names, kind_word, source_title
from content.sentences import split_sentences
from scheduler.kinds import Outgoing
from storage import meetings as meeting_store
from storage.makeup import makeup_of, makeup_questions
from storage.members import is_at_least
from storage.models import Delivery, Meeting, Member, MemberStatus, Role, StudyUnit

EXCERPT_CHARS = 300  # of the materials' text in the 补学 message itself
STUDY_CHARS = 1500  # of the materials' text offered in all (the rest comes with daily study, /study)
READ_CHARS = 1000  # at most per message when the member asks to read on


def render_makeup(texts: Catalog, settings: Settings, session: Session, row: Delivery) -> Outgoing | None:
    """补学: the meeting's materials to study (an excerpt, the rest a button away), then a short quiz on them
    (or, when none of their questions is published yet, it says so and reading completes it)."""
    meeting = meeting_store.meeting_by_id(session=session, meeting_id=row.subject_id or 0)
    member = session.get(Member, row.member_id) if row.member_id is not None else None
    if meeting is None or member is None or member.status != MemberStatus.ACTIVE or meeting.id is None \
            or member.id is None:
        return None
    owed = makeup_of(session=session, meeting_id=meeting.id, member_id=member.id)
    if owed is None or owed.completed_at is not None:
        return None
    return makeup_message(texts, settings, session, meeting, member)


def makeup_message(texts: Catalog, settings: Settings, session: Session, meeting: Meeting, member: Member
                   ) -> Outgoing:
    """The 补学 message with its buttons, as sent after the meeting — and again on ``/meeting N`` to a member
    who still owes it, once the first one is gone (deleted, scrolled past, another device: trial T22)."""
    assert meeting.id is not None and member.id is not None
    lang = texts.lang(member.language)
    # the host shows the check-in code and often does not check in: "您未参加" read wrong to them (V4)
    host = "_host" if (meeting.host or "").strip() == member.name.strip() else ""
    # a secretary keeps the ledger: told the command, not to "ask the secretary" (trial3 W4)
    own = "_secretary" if is_at_least(member, Role.SECRETARY) else ""
    who = member.name if member.name and not any(c.isspace() for c in member.name) else str(member.id)  # one word
    ledger = {"id": meeting.id, "name": who}
    reading = offered(session, meeting)
    questions = len(makeup_questions(session=session, meeting=meeting, size=settings.study.quiz_size,
                                     titles=reading.titles))
    passages = reading.passages
    if not passages:  # nothing to read: no button to "complete" it; the secretary records it (U12)
        return Outgoing(text=Safe("\n\n".join([
            texts.t(f"mtg.makeup.head_none{host}{own if host else ''}", lang, kind=kind_word(texts, lang, meeting.kind),
                    topic=meeting.topic, start=when(texts, lang, meeting.starts_at, settings.tz), **ledger),
            texts.t(f"mtg.makeup.nothing_to_read{own}", lang, **ledger)])))
    text = Safe("\n\n".join([makeup_text(texts, lang, meeting, passages, settings.tz, host=bool(host),
                                           secretary=who if own else None,
                                           offered=reading.titles),
                              texts.t("mtg.makeup.quiz" if questions else "mtg.makeup.no_quiz", lang,
                                      count=questions)]))
    more = sum(len(body) for _title, body in passages) > len(_excerpt(passages))
    return Outgoing(text=text, markup=makeup_keyboard(texts, lang, meeting.id, quiz=bool(questions), read=more))


@dataclass(frozen=True)
class Offered:
    """What a 补学 gives to read, worked out once per message: the meeting's materials in reading order, up to
    :data:`STUDY_CHARS` in whole sentences (each snippet with the excerpt of it that fits)."""

    meeting: Meeting
    excerpts: list[tuple[StudyUnit, str]]

    @property
    def passages(self) -> list[tuple[str, str]]:
        """(heading, text) of what is given to read."""
        return [(unit.heading or unit.title, excerpt) for unit, excerpt in self.excerpts]

    @property
    def titles(self) -> list[str]:
        """The materials given to read (at least in part), in the meeting's order: the message names these, and
        its quiz asks only about them (trial3 W10)."""
        shown = {unit.title for unit, _excerpt in self.excerpts}
        return [title for title in self.meeting.materials if title in shown]

    @property
    def whole_unit_ids(self) -> list[int]:
        """The snippets given whole (not cut at :data:`STUDY_CHARS`): reading them for the 补学 counts as
        studying them (trial V9: they were pushed again as daily study)."""
        return [unit.id for unit, excerpt in self.excerpts if unit.id is not None and excerpt == unit.text]


def offered(session: Session, meeting: Meeting) -> Offered:
    """The 补学's reading for ``meeting`` (one query, one cut) — every part of a message reads from it."""
    units = meeting_store.study_units(session=session, branch_id=meeting.branch_id, titles=list(meeting.materials))
    out: list[tuple[StudyUnit, str]] = []
    budget = STUDY_CHARS
    for unit in units:
        excerpt = whole_sentences(unit.text, budget) if budget > 0 else ""
        if not excerpt:
            break
        budget -= len(excerpt)
        out.append((unit, excerpt))
    return Offered(meeting, out)


def _excerpt(passages: list[tuple[str, str]]) -> str:
    """The start of the first passage, in whole sentences (its first sentence at least)."""
    if not passages:
        return ""
    body = passages[0][1]
    return whole_sentences(body, EXCERPT_CHARS) or next(iter(split_sentences(body)), body)


def makeup_text(texts: Catalog, lang: str, meeting: Meeting, passages: list[tuple[str, str]], tz: ZoneInfo,
                *, host: bool = False, secretary: str | None = None, offered: list[str] | None = None) -> Safe:
    """The 补学 message; to the meeting's own host it says so (they may have hosted it without checking in),
    and to a host who is a secretary (``secretary``: their name) it gives the command to record it."""
    key = ("mtg.makeup.head_host_secretary" if secretary else "mtg.makeup.head_host") if host else "mtg.makeup.head"
    parts = [texts.t(key, lang, kind=kind_word(texts, lang, meeting.kind), topic=meeting.topic,
                     start=when(texts, lang, meeting.starts_at, tz), id=meeting.id, name=secretary or "")]
    listed = list(meeting.materials) if offered is None else offered
    if listed:
        parts.append(texts.t("mtg.makeup.materials", lang, titles=Safe("\n".join(
            texts.t("mtg.makeup.material", lang, title=book_title(title, lang)) for title in listed))))
    left = [title for title in meeting.materials if title not in listed]
    if left:  # said, not silently dropped: the member knows what the 补学 (and its quiz) does not cover
        parts.append(texts.t("mtg.makeup.left_out", lang, titles=join_names(texts, lang, (
            source_title(texts, lang, title) for title in left))))
    excerpt = _excerpt(passages)
    if excerpt:
        parts.append(texts.t("mtg.makeup.unit", lang, title=passages[0][0], text=excerpt))
    more = sum(len(body) for _title, body in passages) > len(excerpt)
    parts.append(texts.t("mtg.makeup.ask_more" if more else "mtg.makeup.ask", lang))
    return Safe("\n\n".join(parts))


def read_on(texts: Catalog, lang: str, passages: list[tuple[str, str]]) -> list[Safe]:
    """The materials from where the 补学 message's excerpt stopped: one message per passage, none longer
    than :data:`READ_CHARS` (a long passage continues in the next, at a sentence's end)."""
    rest = list(passages)
    if rest:
        excerpt = _excerpt(rest)
        rest[0] = (rest[0][0], rest[0][1][len(excerpt):].lstrip())
    out: list[Safe] = []
    for title, body in rest:
        while body:
            piece = whole_sentences(body, READ_CHARS) or body[:READ_CHARS]
            out.append(texts.t("mtg.makeup.unit", lang, title=title, text=piece))
            body = body[len(piece):].lstrip()
    if out:
        out[-1] = Safe(out[-1] + "\n\n" + texts.t("mtg.makeup.read_end", lang))
    return out


def whole_sentences(text: str, budget: int) -> str:
    """At most ``budget`` characters of ``text``, ending where one of its sentences ends (content's own
    boundaries, quotations kept whole; the trial got "…实事好事，用")."""
    if len(text) <= budget:
        return text
    end = at = 0
    for sentence in split_sentences(text):
        at = text.index(sentence, at) + len(sentence)
        if at > budget:
            break
        end = at
    return text[:end]
