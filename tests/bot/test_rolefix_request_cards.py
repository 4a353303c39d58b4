"""Trial T10: a join request decided by ``/reject`` (or ``/approve``) kept its 批准 buttons on every
secretary's card, and a stale 批准 admitted the rejected applicant — who heard no, then yes.  A decision made
anywhere now edits the request's other cards through the outbox, and a stale 批准 is refused with what was
decided and what to type to change it."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.fakeapi.session import OfflineSession
from scheduler.clock import FakeClock
from storage.models import Member, MemberStatus
from tests.bot.study_helpers import db_of, start_secretary
from tests.bot.test_meetings import deliver
from tests.factories import INVITE, SECRETARY_ID

ZHANG, SUN, ZHOU = 10201, 10202, 10203


def _status(session: OfflineSession, tg: int) -> MemberStatus:
    with db_of(session).session() as s:
        return s.exec(select(Member.status).where(Member.tg_user_id == tg)).one()


def _card(session: OfflineSession, chat: int, name: str) -> int:
    """The message id of the join-request card about ``name`` in ``chat``."""
    return max(mid for (cid, mid), stored in session.api.world.messages.items()
               if cid == chat and stored.from_bot and name in str(stored.json.get("text", ""))
               and ("申请" in str(stored.json.get("text", ""))))


def _shown(session: OfflineSession, chat: int, message_id: int) -> tuple[str, bool]:
    stored = session.api.world.message(chat, message_id)
    assert stored is not None
    return str(stored.json.get("text", "")), bool(stored.json.get("reply_markup"))


async def _two_secretaries(session: OfflineSession, clock: FakeClock) -> None:
    await start_secretary(session)
    session.api.add_user(ZHANG, "张三")
    await session.send(ZHANG, f"/start {INVITE}")
    await session.send(SECRETARY_ID, "/setrole 张三 书记")
    clock.advance(timedelta(minutes=1))


async def test_reject_by_command_edits_every_card_and_a_stale_approve_admits_nobody(
        session: OfflineSession, clock: FakeClock) -> None:
    await _two_secretaries(session, clock)
    session.api.add_user(SUN, "孙八")
    await session.send(SUN, "/start")
    mine, his = _card(session, SECRETARY_ID, "孙八"), _card(session, ZHANG, "孙八")
    assert _shown(session, ZHANG, his)[1] and _shown(session, SECRETARY_ID, mine)[1]
    told = await session.send(SECRETARY_ID, "/reject 孙八")
    assert any(r.chat_id == SUN and "未获批准" in r.plain for r in told)
    # 张三's card still shows its buttons (the edit is queued): his 批准 is stale and admits nobody
    pressed = await session.press(ZHANG, 1, message_id=his)
    toast = list(session.api.callback_answers.values())[-1].get("text") or ""
    assert "已被拒绝" in toast and "/approve" in toast, toast
    assert _status(session, SUN) == MemberStatus.REJECTED
    assert not [r for r in pressed if r.chat_id == SUN]
    assert "已拒绝" in _shown(session, ZHANG, his)[0] and not _shown(session, ZHANG, his)[1]
    await deliver(session)  # the outbox edits the cards of the decision by command
    text, buttons = _shown(session, SECRETARY_ID, mine)
    assert "孙八" in text and "已拒绝" in text and "李 书记" in text and not buttons, text
    # a change of mind is /approve, on purpose; its buttons (a readmission) work
    asked = (await session.send(SECRETARY_ID, "/approve 孙八"))[0]
    assert asked.buttons
    await session.press(SECRETARY_ID, 1)
    assert _status(session, SUN) == MemberStatus.ACTIVE


async def test_approve_by_command_edits_the_other_cards(session: OfflineSession, clock: FakeClock) -> None:
    await _two_secretaries(session, clock)
    session.api.add_user(ZHOU, "周九")
    await session.send(ZHOU, "/start")
    his = _card(session, ZHANG, "周九")
    await session.send(SECRETARY_ID, "/approve 周九 正式")
    await deliver(session)
    text, buttons = _shown(session, ZHANG, his)
    assert "已批准" in text and "正式党员" in text and not buttons, text
    assert _status(session, ZHOU) == MemberStatus.ACTIVE


async def test_the_approve_question_card_is_edited_when_another_secretary_rejects(
        session: OfflineSession, clock: FakeClock) -> None:
    await _two_secretaries(session, clock)
    session.api.add_user(ZHOU, "周九")
    await session.send(ZHOU, "/start")
    asked = (await session.send(SECRETARY_ID, "/approve 周九"))[0]
    assert asked.buttons
    await session.send(SECRETARY_ID, "/lang en")  # the edit is in the reader's language
    await session.press(ZHANG, 3, message_id=_card(session, ZHANG, "周九"))  # 张三 rejects on his card
    await deliver(session)
    text, buttons = _shown(session, SECRETARY_ID, asked.message_id)
    assert "Rejected" in text and "张三" in text and not buttons, text
    assert _status(session, ZHOU) == MemberStatus.REJECTED
