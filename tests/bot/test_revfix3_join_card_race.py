"""Review R3.7: a join-request card sent in the instant another decider decides (the cards go out one by one)
gets the decision's edit — no live 批准 / 拒绝, no card record left for a later decision to edit."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from bot.fakeapi.session import OfflineSession
from bot.handlers import registration
from scheduler import join_cards
from scheduler.clock import FakeClock
from storage.models import Delivery, Member
from tests.bot.study_helpers import db_of
from tests.bot.test_meetings import deliver
from tests.bot.test_rolefix_request_cards import SUN, ZHANG, _card, _shown, _two_secretaries
from tests.factories import SECRETARY_ID


async def test_a_card_sent_as_the_request_is_decided_loses_its_buttons(
        session: OfflineSession, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    await _two_secretaries(session, clock)
    send = registration.send_to_member

    async def racing(bot: Any, svc: Any, member: Member, *args: Any, **kwargs: Any) -> Any:
        if member.tg_user_id == ZHANG:  # the first secretary rejects while this card is on its way
            def reject(*, session: Any) -> None:
                actor = session.exec(select(Member).where(Member.tg_user_id == SECRETARY_ID)).one()
                applicant = session.exec(select(Member).where(Member.tg_user_id == SUN)).one()
                join_cards.decide(session=session, actor=actor, member_id=applicant.id, approve=False,
                                  now=clock.now())
            await svc.db.run(reject)
        return await send(bot, svc, member, *args, **kwargs)

    monkeypatch.setattr(registration, "send_to_member", racing)
    session.api.add_user(SUN, "孙八")
    await session.send(SUN, "/start")
    his = _card(session, ZHANG, "孙八")
    await deliver(session, produce=False)
    text, buttons = _shown(session, ZHANG, his)
    assert not buttons and "孙八" in text, text
    with db_of(session).session() as s:
        assert not s.exec(select(Delivery).where(Delivery.kind == join_cards.CARD)).all()
