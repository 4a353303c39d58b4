"""Joining, approving and role checks, driven as users would through the offline Bot API."""

from __future__ import annotations

from datetime import timedelta

from bot.fakeapi.session import OfflineSession
from tests.factories import INVITE, SECRETARY_ID

MEMBER = 10001
NEWCOMER = 10002


async def _secretary(session: OfflineSession) -> None:
    session.api.add_user(SECRETARY_ID, "李", last_name="书记")
    replies = await session.send(SECRETARY_ID, "/start")
    assert "书记" in replies[-1].plain
    menu = [c["command"] for c in session.api.visible_commands(SECRETARY_ID)]
    assert {"members", "approve", "help"} <= set(menu)


async def test_invite_link_joins_and_help_lists_member_commands(session: OfflineSession) -> None:
    session.api.add_user(MEMBER, "张三")
    replies = await session.send(MEMBER, f"/start {INVITE}")
    assert "欢迎您，张三" in replies[0].plain
    help_text = (await session.send(MEMBER, "/help"))[0].plain
    assert "/help" in help_text and "/lang" in help_text
    assert "/members" not in help_text and "/approve" not in help_text
    menu = [c["command"] for c in session.api.visible_commands(MEMBER)]
    assert "lang" in menu and "members" not in menu


async def test_secretary_approves_a_request_made_without_invite(session: OfflineSession) -> None:
    await _secretary(session)
    session.api.add_user(NEWCOMER, "王五")
    replies = await session.send(NEWCOMER, "/start")
    to_newcomer = [r for r in replies if r.chat_id == NEWCOMER]
    to_secretary = [r for r in replies if r.chat_id == SECRETARY_ID]
    assert "已向" in to_newcomer[0].plain
    assert "王五" in to_secretary[0].plain and to_secretary[0].buttons
    refused = await session.send(NEWCOMER, "/help")
    # where the request stands, and what works meanwhile (trial T20) — not the members' commands
    assert "等待书记审批" in refused[0].plain and "/lang" in refused[0].plain and "/quiz" not in refused[0].plain
    after = await session.press(SECRETARY_ID, 1)
    assert any(r.chat_id == NEWCOMER and "已获批准" in r.plain for r in after)
    assert any(r.chat_id == SECRETARY_ID and r.kind == "edit" and "已批准" in r.plain for r in after)
    assert "/lang" in (await session.send(NEWCOMER, "/help"))[0].plain
    request = next(r for r in replies if r.chat_id == SECRETARY_ID)
    member_id = request.plain.split("编号：")[1].split()[0]
    again = await session.send(SECRETARY_ID, f"/approve {member_id}")  # a second decision changes nothing
    assert "已经处理过了" in again[0].plain and not [r for r in again if r.chat_id == NEWCOMER]
    assert not session.api.unanswered_callbacks()


async def test_member_is_refused_secretary_commands(session: OfflineSession) -> None:
    await _secretary(session)
    session.api.add_user(MEMBER, "张三")
    await session.send(MEMBER, f"/start {INVITE}")
    for command in ("/members", "/approve 1", "/remove 1"):
        reply = await session.send(MEMBER, command)
        assert "仅供支部书记使用" in reply[0].plain
    stranger = 10009
    session.api.add_user(stranger, "路人")
    reply = await session.send(stranger, "/members")
    assert "还没有加入支部" in reply[0].plain


async def test_secretary_manages_roster_and_gets_usage_hints(session: OfflineSession) -> None:
    await _secretary(session)
    session.api.add_user(MEMBER, "张三")
    await session.send(MEMBER, f"/start {INVITE}")
    roster = (await session.send(SECRETARY_ID, "/members"))[0].plain
    assert "张三" in roster and "在册 2 人" in roster
    member_id = roster.split("张三")[0].rsplit("#", 1)[1].strip()
    assert "格式不对" in (await session.send(SECRETARY_ID, "/standing"))[0].plain
    assert "没有叫「abc」的党员" in (await session.send(SECRETARY_ID, "/standing abc 预备"))[0].plain  # T15: a name
    # U22: 正式 → 预备 asks first, and the member is told; names work as in /stats
    asked = (await session.send(SECRETARY_ID, "/standing 张三 预备"))[0]
    assert "确定将 张三" in asked.plain and "改为预备党员" in asked.plain and asked.buttons, asked.plain
    done = await session.press(SECRETARY_ID, 1)
    assert any(r.chat_id == SECRETARY_ID and "已将 张三 设为预备党员" in r.plain for r in done), [r.plain for r in done]
    assert any(r.chat_id == MEMBER and "已改为预备党员" in r.plain for r in done)
    promoted = await session.send(SECRETARY_ID, f"/standing {member_id} 正式")  # 转正: at once, and told
    assert any(r.chat_id == SECRETARY_ID and "设为正式党员" in r.plain for r in promoted)
    assert any(r.chat_id == MEMBER and "已改为正式党员" in r.plain for r in promoted)
    session.clock.advance(timedelta(seconds=11))  # past the flood guard's budget
    assert "没有编号为 999" in (await session.send(SECRETARY_ID, "/remove 999"))[0].plain
    assert "没有叫「李四」" in (await session.send(SECRETARY_ID, "/remove 李四"))[0].plain
    confirm = await session.send(SECRETARY_ID, "/remove 张三")
    assert f"张三（编号 {member_id}）" in confirm[0].plain
    assert "确定" in confirm[0].plain
    await session.press(SECRETARY_ID, 1)
    after = (await session.send(SECRETARY_ID, "/members"))[0].plain  # (the press once hid in the flood budget)
    assert "在册 1 人" in after and "张三" not in after.split("已移出")[0]
    assert "已移出（记录保留在台账中）：张三" in after
    # someone removed may still choose their language (issue 6: non-members could not use /lang)
    assert "You have not joined a branch yet" in (await session.send(MEMBER, "/lang en"))[0].plain


async def test_language_switch_and_unknown_input(session: OfflineSession) -> None:
    session.api.add_user(MEMBER, "张三")
    await session.send(MEMBER, f"/start {INVITE}")
    assert "没有这个命令" in (await session.send(MEMBER, "/frobnicate"))[0].plain
    assert "/help" in (await session.send(MEMBER, "你好"))[0].plain
    assert "English" in (await session.send(MEMBER, "/lang en"))[0].plain
    menu = session.api.visible_commands(MEMBER)
    assert any(c["command"] == "help" and c["description"] == "Commands I can use" for c in menu)
    assert "Commands" in (await session.send(MEMBER, "/help"))[0].plain
    assert "Usage" in (await session.send(MEMBER, "/lang fr"))[0].plain


async def test_flood_guard_drops_a_burst(session: OfflineSession) -> None:
    session.api.add_user(MEMBER, "张三")
    await session.send(MEMBER, f"/start {INVITE}")
    replies = []
    for _ in range(12):
        replies += await session.send(MEMBER, "/help")
    assert len(replies) < 12
    assert sum("太频繁" in r.plain for r in replies) == 1
    session.clock.advance(__import__("datetime").timedelta(seconds=11))
    assert "可用命令" in (await session.send(MEMBER, "/help"))[0].plain


async def test_roster_doubles_as_review_queue(session: OfflineSession) -> None:
    session.api.add_user(NEWCOMER, "王五")
    await session.send(NEWCOMER, "/start")  # no secretary has registered yet: nobody was told
    await _secretary(session)
    roster = await session.send(SECRETARY_ID, "/members")
    assert "待审批 1 人" in roster[0].plain
    assert [b.text for b in roster[0].button_list()] == ["✅ 王五·正式", "✅ 王五·预备", "✖️ 拒绝 王五"]
    after = await session.press(SECRETARY_ID, 3)
    assert any(r.chat_id == NEWCOMER and "未获批准" in r.plain for r in after)
    assert "未获批准" in (await session.send(NEWCOMER, "/start"))[0].plain


async def test_no_dead_ends_before_joining(session: OfflineSession) -> None:
    session.api.add_user(NEWCOMER, "王五")
    first = await session.send(NEWCOMER, "/start")  # nobody can decide yet, and the applicant is told so
    assert [r.plain for r in first if "还没有开始使用本机器人" in r.plain] == [first[0].plain] and len(first) == 1
    # an applicant may choose their language too (issue 6: non-members could not use /lang)
    assert "still waiting for a secretary" in (await session.send(NEWCOMER, "/lang en"))[0].plain
    assert "等待书记审批" in (await session.send(NEWCOMER, "/lang zh"))[0].plain
    await _secretary(session)
    roster = await session.send(SECRETARY_ID, "/members")
    assert "王五" in roster[0].plain
    # U8: a wrong code while the request waits does not invite them to file one again
    wrong = (await session.send(NEWCOMER, "/start wrongcode"))[0].plain
    assert "邀请码无效" in wrong and "等待书记审批" in wrong and "/start" not in wrong, wrong
    await session.press(SECRETARY_ID, 3)  # reject (after approve-as-正式 and -预备)
    for text in ("/help", "你好"):
        assert "未获批准" in (await session.send(NEWCOMER, text))[0].plain
    assert "was not approved" in (await session.send(NEWCOMER, "/lang en"))[0].plain


async def test_a_stranger_is_greeted_in_their_telegram_language(session: OfflineSession) -> None:
    session.api.add_user(10055, "Alice", language_code="en")
    assert "invite link" in (await session.send(10055, "/help"))[0].plain
    assert "Welcome, Alice" in (await session.send(10055, f"/start {INVITE}"))[0].plain
    assert "Commands" in (await session.send(10055, "/help"))[0].plain


# --------------------------------------------------------------------------- regressions (issue 6)


async def _roster_id(session: OfflineSession, name: str) -> str:
    roster = (await session.send(SECRETARY_ID, "/members"))[0].plain
    return roster.split(name)[0].rsplit("#", 1)[1].strip().split()[0]


async def _joined_then_removed(session: OfflineSession) -> str:
    """张三 joins with the invite and the secretary removes them (confirmed); their roster id."""
    await _secretary(session)
    session.api.add_user(MEMBER, "张三")
    await session.send(MEMBER, f"/start {INVITE}")
    member_id = await _roster_id(session, "张三")
    await session.send(SECRETARY_ID, f"/remove {member_id}")
    await session.press(SECRETARY_ID, 1)
    return member_id


async def test_a_removal_holds_until_a_secretary_readmits(session: OfflineSession) -> None:
    member_id = await _joined_then_removed(session)
    back = await session.send(MEMBER, f"/start {INVITE}")  # the invite link files a request, no more
    assert "已向" in back[0].plain
    await session.send(SECRETARY_ID, f"/reject {member_id}")
    again = await session.send(MEMBER, f"/start {INVITE}")
    assert "欢迎您" not in again[0].plain and "未获批准" in again[0].plain
    assert "未获批准" in (await session.send(MEMBER, "/help"))[0].plain
    roster = (await session.send(SECRETARY_ID, "/members"))[0].plain
    assert "张三 · 党员" not in roster


async def test_readmitted_member_joins_again(session: OfflineSession) -> None:
    member_id = await _joined_then_removed(session)
    await session.send(MEMBER, f"/start {INVITE}")
    await session.send(SECRETARY_ID, f"/approve {member_id} 正式")
    assert "您已经是" in (await session.send(MEMBER, f"/start {INVITE}"))[0].plain


async def test_standing_refusal_says_what_would_happen(session: OfflineSession) -> None:
    await _secretary(session)
    own_id = await _roster_id(session, "李 书记")
    refusal = (await session.send(SECRETARY_ID, f"/standing {own_id} 预备"))[0].plain
    assert "不能设为预备党员" in refusal and "是预备党员" not in refusal
    roster = (await session.send(SECRETARY_ID, "/members"))[0].plain
    assert "预备 0" in roster


async def test_setting_the_same_role_tells_nobody(session: OfflineSession) -> None:
    await _secretary(session)
    session.api.add_user(MEMBER, "张三")
    await session.send(MEMBER, f"/start {INVITE}")
    member_id = await _roster_id(session, "张三")
    same = await session.send(SECRETARY_ID, f"/setrole {member_id} 党员")
    assert not [r for r in same if r.chat_id == MEMBER]
    assert "已经是党员" in same[0].plain
    changed = await session.send(SECRETARY_ID, f"/setrole {member_id} 书记")
    assert [r for r in changed if r.chat_id == MEMBER]


async def test_roster_wording_and_applicants(session: OfflineSession) -> None:
    await _secretary(session)
    session.api.add_user(NEWCOMER, "王五")
    await session.send(NEWCOMER, "/start")
    roster = (await session.send(SECRETARY_ID, "/members"))[0].plain
    pending_line = next(line for line in roster.splitlines() if "王五" in line)
    assert "正式党员" not in pending_line and "申请加入" in pending_line
    await session.send(SECRETARY_ID, "/lang en")
    english = (await session.send(SECRETARY_ID, "/members"))[0].plain
    assert "1 members" not in english and "active: 1" in english and "pending requests: 1" in english


async def test_a_stranger_may_choose_the_language_before_joining(session: OfflineSession) -> None:
    session.api.add_user(NEWCOMER, "王五")
    switched = (await session.send(NEWCOMER, "/lang en"))[0].plain
    assert "English" in switched and "invite link" in switched
    assert "invite link" in (await session.send(NEWCOMER, "/help"))[0].plain
    assert "Welcome" in (await session.send(NEWCOMER, f"/start {INVITE}"))[0].plain
    assert "Commands" in (await session.send(NEWCOMER, "/help"))[0].plain


async def test_control_characters_in_names_are_not_stored(session: OfflineSession) -> None:
    await _secretary(session)
    session.api.add_user(MEMBER, "张\x00三\u202e", last_name="\x07\x1b[31m")
    assert "欢迎您，张三" in (await session.send(MEMBER, f"/start {INVITE}"))[0].plain
    roster = (await session.send(SECRETARY_ID, "/members"))[0].plain
    line = next(line for line in roster.splitlines() if "张三" in line)
    assert not any(ord(c) < 32 or c == "\u202e" for c in line), repr(line)


async def test_ids_out_of_range_read_as_unknown(session: OfflineSession) -> None:
    await _secretary(session)
    for command in ("/approve 2147483648", "/remove 99999999999999999999", "/standing 4294967296 预备"):
        reply = (await session.send(SECRETARY_ID, command))[0].plain
        assert "没有编号为" in reply, (command, reply)


async def test_whoami_in_private(session: OfflineSession) -> None:
    session.api.add_user(NEWCOMER, "王五")
    assert "10002" in (await session.send(NEWCOMER, "/whoami"))[0].plain


# --------------------------------------------------------------------------- regressions (issue 8)


async def test_a_rejected_applicant_cannot_rejoin_through_the_invite_link_but_can_be_readmitted(
        session: OfflineSession) -> None:
    """F35: an applicant the secretary rejected opened the invite link afterwards and was in."""
    await _secretary(session)
    session.api.add_user(NEWCOMER, "王五")
    request = next(r for r in await session.send(NEWCOMER, "/start") if r.chat_id == SECRETARY_ID)
    member_id = request.plain.split("编号：")[1].split()[0]
    await session.send(SECRETARY_ID, f"/reject {member_id}")
    again = await session.send(NEWCOMER, f"/start {INVITE}")
    assert "未获批准" in again[0].plain and "欢迎您" not in again[0].plain
    assert "未获批准" in (await session.send(NEWCOMER, "/help"))[0].plain
    assert "王五" not in (await session.send(SECRETARY_ID, "/members"))[0].plain.split("待审批")[0]
    # U8: the refusal speaks of the decision only, never of an invite link the applicant may not have used
    for text in ("/quiz", "/checkin 1234"):
        refused = (await session.send(NEWCOMER, text))[0].plain
        assert "未获批准" in refused and "邀请链接" not in refused, refused
    wrong = (await session.send(NEWCOMER, "/start wrongcode"))[0].plain
    assert "未获批准" in wrong and "提交申请" not in wrong, wrong
    readmitted = await session.send(SECRETARY_ID, f"/approve {member_id} 正式")
    assert any(r.chat_id == NEWCOMER and "已获批准" in r.plain for r in readmitted)
    assert "您已经是" in (await session.send(NEWCOMER, f"/start {INVITE}"))[0].plain


async def test_a_members_help_menu_and_usage_leave_out_what_only_secretaries_can_do(session: OfflineSession) -> None:
    """T7: a member's /help read "查看会议（书记可修改或取消）"."""
    await _secretary(session)
    session.api.add_user(MEMBER, "张三")
    await session.send(MEMBER, f"/start {INVITE}")
    help_text = (await session.send(MEMBER, "/help"))[0].plain
    assert "/meeting — 查看会议详情" in help_text and "书记可" not in help_text, help_text
    menu = {c["command"]: c["description"] for c in session.api.visible_commands(MEMBER)}
    assert menu["meeting"] == "查看会议详情"
    usage = (await session.send(MEMBER, "/meeting 一 二 三"))[0].plain
    assert "/meeting 会议编号" in usage and "书记修改" not in usage, usage
    assert "/meeting — 查看会议（书记可修改或取消）" in (await session.send(SECRETARY_ID, "/help"))[0].plain
    assert "书记修改" in (await session.send(SECRETARY_ID, "/meeting 一 二 三"))[0].plain


async def test_approve_and_reject_take_a_name_like_remove(session: OfflineSession) -> None:
    """V16: ``/approve 路人甲`` decides the applicant of that name, as ``/remove 王芳`` does for members."""
    await _secretary(session)
    session.api.add_user(NEWCOMER, "路人甲")
    session.api.add_user(10009, "路人乙")
    await session.send(NEWCOMER, "/start")
    await session.send(10009, "/start")
    approving = await session.send(SECRETARY_ID, "/approve 路人甲 正式")
    approved = next(r.plain for r in approving if r.chat_id == SECRETARY_ID)
    assert "命令格式不对" not in approved and "路人甲" in approved
    assert "路人甲 · 党员" in (await session.send(SECRETARY_ID, "/members"))[0].plain
    rejected = next(r.plain for r in await session.send(SECRETARY_ID, "/reject 路人乙") if r.chat_id == SECRETARY_ID)
    assert "命令格式不对" not in rejected and "路人乙" in rejected
    assert "未获批准" in (await session.send(10009, "/start"))[0].plain
    assert "没有叫「路人丙」" in (await session.send(SECRETARY_ID, "/approve 路人丙"))[0].plain
