"""/quiz resuming a session shows its question again *now* (member trial): idle expiry and grading count from
that showing, and a 多选's ticks kept in the store (they survive a restart) are dropped when the question was
revised since they were ticked — the options under the letters may be other ones now."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage import bank_import
from storage.bank_import import BankEdit
from storage.models import Member, Question, QuizAnswer, QuizSessionState
from tests import factories
from tests.bot.study_helpers import MEMBER, answer, answer_until, current, db_of, join, right_indices, study_settings
from tests.factories import SECRETARY_ID

IDLE = timedelta(minutes=30)  # the default study.idle_minutes


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> object:
    return study_settings(tmp_path, db_url)


@pytest.fixture
async def study(settings: object, clock: FakeClock) -> AsyncIterator[OfflineSession]:
    async with factories.offline_bot(settings, clock) as s:  # type: ignore[arg-type]
        yield s


def restarted(settings: object, clock: FakeClock) -> OfflineSession:
    """The bot started again on the same database (Telegram still knows the member)."""
    api = FakeBotApi(clock=clock)
    api.add_user(MEMBER, "张三")
    return factories.offline_bot(settings, clock, api)  # type: ignore[arg-type]


def _revise(s: OfflineSession, asked: Question) -> None:
    """The secretary reorders the options (the answer stays): the letters now name other options."""
    with db_of(s).session() as session:
        secretary = session.exec(select(Member).where(Member.tg_user_id == SECRETARY_ID)).one()
        options = (*asked.options[1:], asked.options[0])
        report = bank_import.apply_edits(session=session, actor=secretary, branch_id=asked.branch_id,
                                         now=s.clock.now(), edits=[BankEdit(row=2, qkey=asked.qkey, options=options,
                                                                            answer=tuple(asked.answer))])
        assert [r.revision for r in report.revised] == [2], report.errors


async def test_a_resumed_question_counts_idle_time_from_its_new_showing(
    study: OfflineSession, clock: FakeClock
) -> None:
    await join(study)
    await study.send(MEMBER, "/quiz")
    clock.advance(IDLE - timedelta(minutes=5))
    resumed = await study.send(MEMBER, "/quiz")
    assert "继续上次的答题" in resumed[0].plain
    quiz, _ = current(study, MEMBER)
    assert quiz.shown_at == clock.now() and quiz.active_at == clock.now()
    clock.advance(IDLE - timedelta(minutes=5))  # 50 minutes after the first showing, 25 after the second
    with db_of(study).session() as session:
        before = len(session.exec(select(QuizAnswer)).all())
    await answer(study, MEMBER, right=True)
    with db_of(study).session() as session:
        assert len(session.exec(select(QuizAnswer)).all()) == before + 1  # answered, not expired
    quiz, _ = current(study, MEMBER)
    assert quiz.state == QuizSessionState.ACTIVE and quiz.position == 1


async def _ticked_multiple(s: OfflineSession) -> tuple[Question, int]:
    await join(s)
    await s.send(MEMBER, "/quiz")
    asked = await answer_until(s, MEMBER, "multiple")
    good = right_indices(asked)[0]
    await s.press(MEMBER, good + 1)
    assert current(s, MEMBER)[0].selected == [good]
    return asked, good


async def test_ticks_on_a_question_revised_before_a_restart_are_dropped(
    settings: object, clock: FakeClock
) -> None:
    async with factories.offline_bot(settings, clock) as first:  # type: ignore[arg-type]
        asked, _good = await _ticked_multiple(first)
        clock.advance(timedelta(minutes=1))
        _revise(first, asked)
    clock.advance(timedelta(minutes=1))
    async with restarted(settings, clock) as again:
        shown = await again.send(MEMBER, "/quiz")
        quiz, question = current(again, MEMBER)
        assert question.revision == 2 and quiz.selected == []  # not applied to the reordered options
        assert "✓" not in " ".join(b.text for b in shown[-1].button_list())
        assert quiz.shown_at == clock.now()


async def test_ticks_on_an_unchanged_question_are_kept_on_resume(settings: object, clock: FakeClock) -> None:
    async with factories.offline_bot(settings, clock) as first:  # type: ignore[arg-type]
        _asked, good = await _ticked_multiple(first)
    clock.advance(timedelta(minutes=2))
    async with restarted(settings, clock) as again:
        shown = await again.send(MEMBER, "/quiz")
        assert current(again, MEMBER)[0].selected == [good]
        assert [b.text for b in shown[-1].button_list()][good].startswith("✓")
