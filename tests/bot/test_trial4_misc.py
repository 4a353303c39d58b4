"""Help, stats, group and wording defects from the trial-3 session (W5, W6, W7, W9, W12, W13), each through
the real Application over the fake Bot API."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.fakeapi.session import OfflineSession
from bot.quiz_view import feedback_text
from bot.texts import Catalog
from content.questions.cloze import cited
from scheduler.clock import FakeClock
from storage.models import Question, QuestionStatus
from tests.bot.study_helpers import MEMBER, answer, db_of, join, study_fixture, waiting  # noqa: F401
from tests.bot.test_digest_nudge import _seed_week
from tests.bot.test_group_manners import GROUP, typed_in_group
from tests.bot.test_group_manners import branch as branch  # the ``branch`` fixture
from tests.bot.test_stats import _branch_with_members, _not_meetings, _svc
from tests.factories import SECRETARY_ID


async def test_a_member_typing_a_secretary_command_in_the_group_is_refused_privately(
    branch: OfflineSession, clock: FakeClock
) -> None:
    """W7: 王芳's /stats in the group was answered "send /stats again here" — in private, where she is
    refused too. She is told it is for secretaries; a secretary gets the figures in private (member trial)."""
    replies = await typed_in_group(branch, clock, MEMBER, "/stats")
    assert [m.chat_id for m in replies] == [MEMBER]
    told = replies[0].plain
    assert "仅供支部书记使用" in told and "/stats" in told, told
    assert "再发送一次" not in told, told
    replies = await typed_in_group(branch, clock, SECRETARY_ID, "/stats")
    assert [m.chat_id for m in replies] == [SECRETARY_ID]
    assert "📊" in replies[0].plain and "再发送一次" not in replies[0].plain
    assert not branch.api.messages_to(GROUP)


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_digest_button_says_it_leaves_out_the_reading_secretary(session: OfflineSession, lang: str) -> None:
    """W12: the digest listed four who had not answered (the secretary among them) and its button said 3."""
    from bot.ticker import tick

    ids = await _branch_with_members(session)
    _seed_week(session, ids)
    if lang == "en":
        await session.send(SECRETARY_ID, "/lang en")
    _svc(session).clock.set(datetime(2026, 3, 23, 1, 5, tzinfo=UTC))  # type: ignore[attr-defined]
    digest = [m for m in _not_meetings(await session.run(lambda: tick(session.app))) if m.chat_id == SECRETARY_ID]
    assert len(digest) == 1
    if lang == "zh":  # the secretary reading it is listed, and the button's count is the others
        assert "尚未答题（3）：李 书记" in digest[0].plain, digest[0].plain
    button = digest[0].button_list()[0].text
    wanted = {"zh": "提醒未学习或未答题的其余 3 人（不含您本人）", "en": "Nudge the other 3 members listed (not you)"}
    assert button == wanted[lang], button


async def test_me_says_a_study_day_counts_make_up_reading_too(study: OfflineSession) -> None:
    """W13: /me said 学习天数 counts days of 学完了 taps, but a day of 补学 reading counts as well (V9)."""
    await join(study)
    line = next(ln for ln in (await study.send(MEMBER, "/me"))[0].plain.splitlines() if "学习天数" in ln)
    assert "学完了" in line and "补学" in line, line
    await study.send(MEMBER, "/lang en")
    line = next(ln for ln in (await study.send(MEMBER, "/me"))[0].plain.splitlines() if "Study days" in ln)
    assert "done" in line and "make-up" in line, line


def _source_line(text: str) -> str:
    return next(ln for ln in text.splitlines() if ln.startswith(("出处：", "Source: ")))


def _assert_named_once(line: str, title: str) -> None:
    assert "（（" not in line and "））" not in line and "((" not in line and "))" not in line, line
    marks = str.maketrans("", "", "《》〈〉“”‘’")  # 《》 become 〈〉 inside a title, “” become ‘’ in English
    assert line.translate(marks).count(title.translate(marks)[-8:]) == 1, line


async def test_the_source_line_names_the_title_once(study: OfflineSession) -> None:
    """W9: 出处 read 《A》（《A》）, 《…印发〈…通知〉》（《…通知》） and 《…》（会议（载《…》））."""
    await join(study)
    await study.send(MEMBER, "/quiz")
    shown = 0
    while waiting(study, MEMBER):
        for message in await answer(study, MEMBER, right=True):
            if any(ln.startswith("出处：") for ln in message.plain.splitlines()):
                line = _source_line(message.plain)
                assert "（（" not in line and "））" not in line and "（《" not in line, line
                shown += 1
    assert shown
    with db_of(study).session() as s:
        bank = s.exec(select(Question).where(Question.status == QuestionStatus.PUBLISHED)).all()
    texts = Catalog.load()
    seen: set[str] = set()
    for q in bank:
        source = cited(q.explanation)
        if source is None:
            continue
        for lang in ("zh", "en"):
            line = _source_line(feedback_text(texts, lang, q, True, tuple(q.answer)))
            _assert_named_once(line, q.document)
            if "载《" in source[0]:
                speaker = source[0].split("（载")[0]
                assert speaker in line, line  # the speaker or meeting stays, once
                seen.add("speaker")
                if "汇编" in source[0]:  # another book than the title: named after the speaker, not nested
                    assert ("，载《" if lang == "zh" else ", in “") in line, line
                    seen.add("another book")
            else:
                seen.add("title")
    assert seen == {"title", "speaker", "another book"}, seen  # the bank still shows every case


async def test_newmeeting_shows_the_one_line_form_it_promises(study: OfflineSession) -> None:
    """W5: the first prompt said the one-line syntax was "见 /help", which did not have it."""
    await join(study, publish=False)
    prompt = (await study.send(SECRETARY_ID, "/newmeeting"))[0].plain
    # the example is dated a week from today (trial T5): the clock reads 2026-03-20
    assert "/newmeeting 类型 | 2026-03-27 14:30 | 地点 | 主题" in prompt and "见 /help" not in prompt, prompt
    await study.send(SECRETARY_ID, "/cancel")
    await study.send(SECRETARY_ID, "/lang en")
    prompt = (await study.send(SECRETARY_ID, "/newmeeting"))[0].plain
    assert "/newmeeting kind | 2026-03-27 14:30 | place | topic" in prompt and "see /help" not in prompt, prompt


async def test_stats_with_an_unknown_word_lists_the_periods(study: OfflineSession) -> None:
    """W6: /stats 3月 answered only about member names; the periods that work were not named."""
    await join(study, publish=False)
    told = (await study.send(SECRETARY_ID, "/stats 3月"))[0].plain
    assert "3月" in told and "/members" in told, told
    for period in ("本周", "本月", "2026-03", "全部"):
        assert period in told, (period, told)
    assert "2026-03" in (await study.send(SECRETARY_ID, "/stats 2026-03"))[0].plain  # a period still works
    await study.send(SECRETARY_ID, "/lang en")
    told = (await study.send(SECRETARY_ID, "/stats 3月"))[0].plain
    assert all(word in told for word in ("week", "month", "2026-03", "all")), told
