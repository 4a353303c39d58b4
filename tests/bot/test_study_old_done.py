"""Trial T18: 学完了 pressed on an old snippet was thanked "已记下，今天的学习完成了。" while today's snippet
was still unread.  The old snippet is recorded as read (on the day of the tap, the README's rule for /me's
study days), and the toast names the day it was pushed instead."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.fakeapi.session import OfflineSession
from storage.models import StudyProgress
from tests.bot.study_helpers import MEMBER, db_of, join, member_of, study_fixture  # noqa: F401


def _delivered(s: OfflineSession) -> list[StudyProgress]:
    member = member_of(s, MEMBER)
    with db_of(s).session() as session:
        return list(session.exec(select(StudyProgress).where(StudyProgress.member_id == member.id)
                                 .order_by(col(StudyProgress.delivered_at))).all())


async def _tap_done(s: OfflineSession, unit_id: int) -> str:
    keyboard = s.api.last_keyboard(MEMBER)
    assert keyboard is not None
    update = s.api.callback_update(MEMBER, keyboard.message_id, f"v1:sd:d:{unit_id}")
    await s.feed(update)
    return str(s.api.callback_answers[update["callback_query"]["id"]]["text"] or "")


@pytest.mark.parametrize(("lang", "today", "earlier"), [
    ("zh", "今天的学习完成了", "推送的这一段已学完"), ("en", "today's reading is done", "is done"),
])
async def test_done_on_an_old_snippet_is_not_todays_reading(study: OfflineSession, lang: str, today: str,
                                                           earlier: str) -> None:
    await join(study)
    if lang == "en":
        await study.send(MEMBER, "/lang en")
    await study.send(MEMBER, "/today")
    old = _delivered(study)[0]
    study.clock.advance(timedelta(days=2))  # type: ignore[attr-defined]
    await study.send(MEMBER, "/today")
    fresh = [p for p in _delivered(study) if p.unit_id != old.unit_id]
    assert fresh, "the second /today pushed no new snippet"
    told = await _tap_done(study, old.unit_id)
    assert earlier in told and today not in told, told
    day = old.delivered_at.astimezone(study.app.bot_data["zhibu.services"].settings.tz)
    assert f"{day.month}" in told and f"{day.day}" in told, told
    read = {p.unit_id: p.read_at for p in _delivered(study)}
    assert read[old.unit_id] == study.clock.now()  # recorded as read, today
    assert read[fresh[0].unit_id] is None
    assert today in await _tap_done(study, fresh[0].unit_id)  # today's own snippet is today's reading
