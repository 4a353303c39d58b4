"""Trial T6: ``/partygroup 第一小组 张三`` was refused ("成员编号…") although /attendance, /stats, /approve
and the README take names.  Members are now numbers or names, by the same rule as /attendance."""

from __future__ import annotations

from sqlmodel import select

from bot.fakeapi.session import OfflineSession
from storage.models import Member, PartyGroup
from tests.bot.study_helpers import db_of
from tests.bot.test_meetings import WANG, join
from tests.factories import SECRETARY_ID


def _groups(s: OfflineSession) -> dict[str, str]:
    with db_of(s).session() as session:
        return dict(session.exec(
            select(Member.name, PartyGroup.name).join(PartyGroup, PartyGroup.member_id == Member.id)).all())


async def test_partygroup_takes_names_and_numbers(session: OfflineSession) -> None:
    await join(session)
    told = (await session.send(SECRETARY_ID, "/partygroup 第一小组 张三"))[0].plain
    assert "第一小组" in told and "命令格式不对" not in told, told
    assert _groups(session)["张三"] == "第一小组"
    with db_of(session).session() as s:
        wang = s.exec(select(Member).where(Member.tg_user_id == WANG)).one().id
    await session.send(SECRETARY_ID, f"/partygroup 第二小组 #{wang} 张三")  # a number and a name together
    groups = _groups(session)
    assert (groups["张三"], groups["王五"]) == ("第二小组", "第二小组"), groups
    unknown = (await session.send(SECRETARY_ID, "/partygroup 第三小组 李四"))[0].plain
    assert "李四" in unknown and _groups(session)["张三"] == "第二小组", unknown  # nobody moved on a bad name


async def test_the_usage_says_names_work(session: OfflineSession) -> None:
    await join(session)
    zh = (await session.send(SECRETARY_ID, "/partygroup"))[0].plain
    assert "姓名" in zh, zh
    await session.send(SECRETARY_ID, "/lang en")
    en = (await session.send(SECRETARY_ID, "/partygroup"))[0].plain
    assert "names" in en, en
