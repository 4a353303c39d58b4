"""Review R2.14: a committee admin's ``/partygroup`` names members of the branch being managed (chosen with
/branch), not of the branch the admin's own row sits in; a name from another branch is refused, saying
which branch was searched, and nobody moves."""

from __future__ import annotations

from sqlmodel import select

from bot.fakeapi.session import OfflineSession
from storage.models import Member, PartyGroup
from tests.bot.study_helpers import db_of
from tests.bot.test_scope_and_privacy import ADMIN, world  # noqa: F401  (the fixture)


def _groups(s: OfflineSession) -> dict[str, str]:
    with db_of(s).session() as session:
        return dict(session.exec(
            select(Member.name, PartyGroup.name).join(PartyGroup, PartyGroup.member_id == Member.id)).all())


async def _manage_yi(s: OfflineSession) -> None:
    choose = await s.send(ADMIN, "/branch")
    yi = choose[0].button_list()[1]
    assert yi.text == "乙支部"
    await s.feed(s.api.callback_update(ADMIN, choose[0].message_id, yi.callback_data))


async def test_admin_names_members_of_the_branch_being_managed(world: OfflineSession) -> None:  # noqa: F811
    await _manage_yi(world)
    told = (await world.send(ADMIN, "/partygroup 第一小组 李四"))[0].plain  # 李四 is in 乙支部
    assert "第一小组" in told and "没有名叫" not in told, told
    assert _groups(world) == {"李四": "第一小组"}


async def test_admin_is_told_a_name_of_another_branch_is_not_in_the_managed_one(
        world: OfflineSession) -> None:  # noqa: F811
    await _manage_yi(world)
    refused = (await world.send(ADMIN, "/partygroup 第一小组 李四 张三"))[0].plain  # 张三 is in 甲支部
    assert "您正在管理的乙支部没有名叫“张三”的成员" in refused and "/branch" in refused, refused
    assert _groups(world) == {}  # nobody moved, 李四 included
    with db_of(world).session() as session:
        zhang = session.exec(select(Member).where(Member.name == "张三")).one().id
    by_number = (await world.send(ADMIN, f"/partygroup 第一小组 #{zhang}"))[0].plain
    assert f"没有编号为 {zhang} 的成员" in by_number and _groups(world) == {}, by_number
    await world.send(ADMIN, "/lang en")
    en = (await world.send(ADMIN, "/partygroup g1 张三"))[0].plain
    assert "No member of 乙支部, the branch you are managing, is called “张三”" in en, en
