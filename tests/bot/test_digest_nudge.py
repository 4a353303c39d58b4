"""The digest's 提醒 button nudges exactly whom that digest lists, and says to each what is missing (V10)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.fakeapi.session import OfflineSession
from storage.models import Member, Question, QuizAnswer, StudyProgress, StudyUnit
from tests.bot.test_stats import _branch_with_members, _not_meetings, _svc
from tests.factories import SECRETARY_ID

WEEK_START = datetime(2026, 3, 15, 16, 0, tzinfo=UTC)  # Monday 2026-03-16 00:00 in Shanghai


def _seed_week(session: OfflineSession, ids: dict[int, int]) -> None:
    """张三 studied and answered, 李四 only answered, 王五 only studied, 赵六 and the secretary did neither."""
    with _svc(session).db.session() as s:
        branch_id = s.exec(select(Member.branch_id)).first()
        for person in s.exec(select(Member)).all():
            person.joined_at = WEEK_START - timedelta(days=30)
            s.add(person)
        unit = s.exec(select(StudyUnit).order_by(StudyUnit.position)).first()
        question = s.exec(select(Question)).first()
        assert branch_id is not None and unit is not None and question is not None
        day = WEEK_START + timedelta(days=2)
        for tg in (10001, 10003):
            s.add(StudyProgress(branch_id=branch_id, member_id=ids[tg], unit_id=unit.id, delivered_at=day,
                                read_at=day + timedelta(hours=1)))
        for n, tg in enumerate((10001, 10002)):
            s.add(QuizAnswer(branch_id=branch_id, member_id=ids[tg], question_id=question.id, attempt_key=f"w{n}",
                             chosen=["A"], correct=True, answered_at=day + timedelta(hours=2)))
        s.commit()


async def test_nudges_follow_the_digest_and_say_what_is_missing(session: OfflineSession) -> None:
    from bot.ticker import tick

    ids = await _branch_with_members(session)
    _seed_week(session, ids)
    _svc(session).clock.set(datetime(2026, 3, 23, 1, 5, tzinfo=UTC))  # type: ignore[attr-defined]
    digest = [m for m in _not_meetings(await session.run(lambda: tick(session.app))) if m.chat_id == SECRETARY_ID]
    assert len(digest) == 1
    button = digest[0].button_list()[0].text
    assert re.search(r"其余 3 人（不含您本人）", button), button  # 李四、王五、赵六 — not the secretary reading it
    await session.press(SECRETARY_ID, 1)
    toast = list(session.api.callback_answers.values())[-1].get("text") or ""
    assert "已安排提醒 3 人" in toast  # the same count as the button
    nudged = {m.chat_id: m.plain for m in _not_meetings(await session.run(lambda: tick(session.app)))}
    assert set(nudged) == {10002, 10003, 10004}
    assert "答了题" in nudged[10002] and "学习或答题" not in nudged[10002]  # answered: told only to study
    assert "学习了" in nudged[10003] and "/quiz" in nudged[10003]  # studied: told only to answer
    assert "学习或答题记录" in nudged[10004]
