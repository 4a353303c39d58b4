"""F62 for 多选 through the real application: a question revised while the member ticks its options is
graded, recorded and redrawn as it was shown, however many options they toggle after the revision (each
toggle moves the idle clock, but not the moment the question was shown)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage import bank_import
from storage.bank_import import BankEdit
from storage.models import Member, Question, QuizAnswer
from tests.bot.study_helpers import (
    MEMBER,
    answer,
    current,
    db_of,
    study_fixture,  # noqa: F401  (the ``study`` fixture)
)
from tests.bot.study_helpers import join as join_with_member
from tests.factories import SECRETARY_ID


async def _at_a_multiple(study: OfflineSession) -> Question:
    await join_with_member(study)
    await study.send(MEMBER, "/quiz")
    for _ in range(40):
        _, asked = current(study, MEMBER)
        if asked.qtype == "multiple":
            return asked
        await answer(study, MEMBER, right=True)
    raise AssertionError("the bank has no 多选 question")


def _revise(study: OfflineSession, asked: Question, options: tuple[str, ...], answer_: tuple[str, ...]) -> None:
    with db_of(study).session() as s:
        secretary = s.exec(select(Member).where(Member.tg_user_id == SECRETARY_ID)).one()
        report = bank_import.apply_edits(session=s, actor=secretary, branch_id=asked.branch_id, now=study.clock.now(),
                                         edits=[BankEdit(row=2, qkey=asked.qkey, options=options, answer=answer_)])
        assert [r.revision for r in report.revised] == [2], report.errors


async def test_multiple_ticked_after_a_revision_is_graded_as_shown(study: OfflineSession) -> None:
    asked = await _at_a_multiple(study)
    clock = study.clock
    assert isinstance(clock, FakeClock)
    good = [i for i, option in enumerate(asked.options) if option in asked.answer]
    clock.advance(timedelta(seconds=20))
    await study.press(MEMBER, good[0] + 1)  # one tick before the revision: the idle clock moves
    clock.advance(timedelta(seconds=20))
    # the secretary drops a wrong option and reorders the rest: on the member's screen nothing changed, but
    # the letters now mean other options and there is one fewer
    dropped = [option for option in asked.options if option not in asked.answer][-1]
    kept = [option for option in asked.options if option != dropped]
    _revise(study, asked, (*kept[1:], kept[0]), tuple(asked.answer))
    clock.advance(timedelta(seconds=5))
    redrawn = []
    for i in good[1:]:  # the rest of what was right on screen (revision 1)
        redrawn = await study.press(MEMBER, i + 1)
    assert redrawn  # the toggled keyboard keeps a letter for every option shown, and 提交
    assert len(redrawn[-1].button_list()) == len(asked.options) + 1
    await study.press(MEMBER, len(asked.options) + 1)  # 提交
    with db_of(study).session() as s:
        given = s.exec(select(QuizAnswer).where(QuizAnswer.question_id == asked.id)).one()
    assert (given.correct, given.revision) == (True, 1)
    assert sorted(given.chosen) == sorted(asked.options[i] for i in good)
