"""Review R3: after /quiz resumes a session, its question is shown again as a new message while the message
shown before the pause keeps its buttons.  If the question was revised in between, a tap on the *old*
message names an option of the old wording; it must get the polite stale answer and record nothing (not be
graded against the new options).  A tap on the new message, an old message whose wording did not change,
and a button drawn before buttons carried the revision all still answer as before."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.callbacks import CallbackData, decode
from bot.fakeapi.records import SentMessage
from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage import bank_import
from storage.bank_import import BankEdit
from storage.models import Member, Question, QuizAnswer
from tests.bot.study_helpers import (
    MEMBER,
    answer_until,
    current,
    db_of,
    join,
    right_indices,
    study_fixture,  # noqa: F401  (the ``study`` fixture)
)
from tests.factories import SECRETARY_ID

STALE_ZH = "这道题的内容已更新"


def _answers(s: OfflineSession) -> list[QuizAnswer]:
    with db_of(s).session() as session:
        return list(session.exec(select(QuizAnswer).order_by(QuizAnswer.id)))  # type: ignore[arg-type]


def _rotate(s: OfflineSession, asked: Question) -> None:
    """The secretary moves the first option to the end (the answer stays): each letter names another option."""
    with db_of(s).session() as session:
        secretary = session.exec(select(Member).where(Member.tg_user_id == SECRETARY_ID)).one()
        options = (*asked.options[1:], asked.options[0])
        report = bank_import.apply_edits(session=session, actor=secretary, branch_id=asked.branch_id,
                                         now=s.clock.now(), edits=[BankEdit(row=2, qkey=asked.qkey, options=options,
                                                                            answer=tuple(asked.answer))])
        assert [r.revision for r in report.revised] == [asked.revision + 1], report.errors


async def _tap(s: OfflineSession, message_id: int, data: str) -> tuple[list[SentMessage], str | None]:
    """Tap a button (its callback data) under message ``message_id``; what was sent, and the toast."""
    update = s.api.callback_update(MEMBER, message_id, data)
    sent = await s.feed(update)
    query = update["callback_query"]
    answered = s.api.callback_answers.get(query["id"])
    assert answered is not None, "the callback query was not answered"
    return sent, answered["text"]


def _keyboard(s: OfflineSession) -> tuple[int, list[str]]:
    shown = s.api.last_keyboard(MEMBER)
    assert shown is not None
    return shown.message_id, [b.callback_data or "" for b in shown.buttons()]


async def _resumed_after_revision(s: OfflineSession, clock: FakeClock, *qtypes: str) -> tuple[Question, int, list[str]]:
    """A question of ``qtypes`` shown, revised, and shown again by /quiz: the question as first shown, and
    the first message with its buttons' data."""
    await join(s)
    await s.send(MEMBER, "/quiz")
    asked = await answer_until(s, MEMBER, *qtypes)
    old_message, old_buttons = _keyboard(s)
    clock.advance(timedelta(minutes=1))
    _rotate(s, asked)
    clock.advance(timedelta(minutes=1))
    resumed = await s.send(MEMBER, "/quiz")
    assert "继续上次的答题" in resumed[0].plain
    new_message, _ = _keyboard(s)
    assert new_message != old_message  # shown again as a new message: the old one still has its buttons
    return asked, old_message, old_buttons


async def test_a_tap_on_the_message_before_a_resume_is_refused_when_the_question_was_revised(
        study: OfflineSession, clock: FakeClock) -> None:
    asked, old_message, old_buttons = await _resumed_after_revision(study, clock, "single")
    before = _answers(study)
    quiz_before, _ = current(study, MEMBER)
    good = right_indices(asked)[0]  # right on the old wording; on the new one this letter names another option
    sent, toast = await _tap(study, old_message, old_buttons[good])
    assert toast is not None and STALE_ZH in toast
    assert not [m for m in sent if m.kind == "message"]
    assert _answers(study) == before  # nothing recorded
    quiz_after, question = current(study, MEMBER)
    assert quiz_after.position == quiz_before.position and question.revision == asked.revision + 1
    assert all(k.message_id != old_message for k in study.api.world.keyboards(MEMBER))  # its buttons are gone
    # the question as shown now answers as usual, graded on the new wording
    _, new_buttons = _keyboard(study)
    await _tap(study, study.api.last_keyboard(MEMBER).message_id,  # type: ignore[union-attr]
               new_buttons[right_indices(question)[0]])
    recorded = _answers(study)[-1]
    assert len(_answers(study)) == len(before) + 1
    assert recorded.question_id == asked.id and recorded.correct and recorded.revision == asked.revision + 1


async def test_a_multiple_toggle_on_the_message_before_a_resume_ticks_nothing(
        study: OfflineSession, clock: FakeClock) -> None:
    asked, old_message, old_buttons = await _resumed_after_revision(study, clock, "multiple")
    _sent, toast = await _tap(study, old_message, old_buttons[right_indices(asked)[0]])
    assert toast is not None and STALE_ZH in toast
    assert current(study, MEMBER)[0].selected == []
    before = _answers(study)
    _sent, toast = await _tap(study, old_message, old_buttons[-1])  # its 提交
    assert toast is not None and STALE_ZH in toast
    assert _answers(study) == before


async def test_old_buttons_still_answer_when_the_wording_did_not_change(
        study: OfflineSession, clock: FakeClock) -> None:
    await join(study)
    await study.send(MEMBER, "/quiz")
    asked = await answer_until(study, MEMBER, "single")
    old_message, old_buttons = _keyboard(study)
    clock.advance(timedelta(minutes=2))
    await study.send(MEMBER, "/quiz")  # resumed, nothing revised
    before = len(_answers(study))
    _sent, toast = await _tap(study, old_message, old_buttons[right_indices(asked)[0]])
    assert toast is None or STALE_ZH not in toast
    assert len(_answers(study)) == before + 1 and _answers(study)[-1].correct


async def test_a_button_without_a_revision_is_graded_as_before(study: OfflineSession) -> None:
    """A keyboard drawn before this change (callback data without the revision) keeps working."""
    await join(study)
    await study.send(MEMBER, "/quiz")
    asked = await answer_until(study, MEMBER, "single")
    message, buttons = _keyboard(study)
    data = decode(buttons[right_indices(asked)[0]])
    assert data is not None and len(data.args) == 4 and int(data.args[3]) == asked.revision
    legacy = CallbackData(data.feature, data.action, data.args[:3]).encode()
    before = len(_answers(study))
    await _tap(study, message, legacy)
    assert len(_answers(study)) == before + 1 and _answers(study)[-1].correct
