"""Trial T13: members who joined on Friday afternoon were told on Monday "上周没有看到您的学习或答题记录" when
the secretary pressed the digest's 提醒 button, and the digest listed them as 尚未学习 / 尚未答题 like anyone.
A member who joined during the digest's week is marked 新加入 there and left out of the nudge.  Through the
real Application over the offline Bot API, the clock driven here."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.fakeapi.session import OfflineSession
from storage.models import Member
from tests.bot.test_digest_nudge import WEEK_START, _seed_week
from tests.bot.test_stats import _branch_with_members, _not_meetings, _svc
from tests.factories import SECRETARY_ID

FRIDAY_AFTERNOON = WEEK_START + timedelta(days=4, hours=16, minutes=30)  # Fri 2026-03-20 16:30 in Shanghai
MONDAY_DIGEST = datetime(2026, 3, 23, 1, 5, tzinfo=UTC)  # Mon 09:05 in Shanghai
ZHAO = 10004


def _joined(session: OfflineSession, tg_user_id: int, at: datetime) -> None:
    with _svc(session).db.session() as s:
        member = s.exec(select(Member).where(Member.tg_user_id == tg_user_id)).one()
        member.joined_at = at
        s.add(member)
        s.commit()


async def _digest(session: OfflineSession) -> str:
    from bot.ticker import tick

    _svc(session).clock.set(MONDAY_DIGEST)  # type: ignore[attr-defined]
    sent = [m for m in _not_meetings(await session.run(lambda: tick(session.app))) if m.chat_id == SECRETARY_ID]
    assert len(sent) == 1, sent
    return sent[0].plain + "\n" + "\n".join(b.text for b in sent[0].button_list())


async def test_a_member_who_joined_during_the_week_is_marked_new_and_not_nudged(session: OfflineSession) -> None:
    from bot.ticker import tick

    ids = await _branch_with_members(session)
    _seed_week(session, ids)  # 李四 only answered, 王五 only studied, 赵六 and the secretary did neither
    _joined(session, ZHAO, FRIDAY_AFTERNOON)
    digest = await _digest(session)
    not_studied = next(line for line in digest.splitlines() if line.startswith("尚未学习"))
    assert "赵六（新加入）" in not_studied and "李四" in not_studied and "李四（" not in not_studied, digest
    assert "赵六（新加入）" in next(line for line in digest.splitlines() if line.startswith("尚未答题")), digest
    assert "不在提醒之列" in digest, digest  # says why the button counts fewer than the lists name
    assert re.search(r"其余 2 人（不含您本人）", digest), digest  # 李四、王五: not 赵六, not the secretary
    await session.press(SECRETARY_ID, 1)
    toast = list(session.api.callback_answers.values())[-1].get("text") or ""
    assert "已安排提醒 2 人" in toast, toast
    nudged = {m.chat_id for m in _not_meetings(await session.run(lambda: tick(session.app)))}
    assert nudged == {10002, 10003}, nudged


async def test_one_who_joined_before_the_week_is_neither_marked_nor_spared(session: OfflineSession) -> None:
    """The week's boundary: joined on the Sunday evening before it, a full week in the branch — behind."""
    ids = await _branch_with_members(session)
    _seed_week(session, ids)
    _joined(session, ZHAO, WEEK_START - timedelta(hours=2))
    digest = await _digest(session)
    assert "新加入" not in digest and "不在提醒之列" not in digest, digest
    assert re.search(r"其余 3 人（不含您本人）", digest), digest


async def test_the_english_digest_marks_the_newcomer_too(session: OfflineSession) -> None:
    ids = await _branch_with_members(session)
    _seed_week(session, ids)
    _joined(session, ZHAO, FRIDAY_AFTERNOON)
    await session.send(SECRETARY_ID, "/lang en")
    digest = await _digest(session)
    assert "赵六 (new)" in digest and "not nudged" in digest, digest
