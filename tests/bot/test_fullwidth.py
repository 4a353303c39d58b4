"""Commands typed on a Chinese keyboard in full-width mode, through the real Application (issue 8, F42)."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from bot.fullwidth import as_command
from tests.bot.study_helpers import MEMBER, current, join, member_of, study_fixture  # noqa: F401
from tests.factories import SECRETARY_ID


def test_only_commands_typed_in_full_width_are_rewritten() -> None:
    assert as_command("／ｑｕｉｚ") == "/quiz"
    assert as_command("／quiz") == "/quiz"
    assert as_command("/stats ３") == "/stats 3"
    assert as_command("／ｓｔａｔｓ　１２") == "/stats 12"
    assert as_command("／settime ０７:３０") == "/settime 07:30"
    assert as_command("／ｓｅｔｔｉｍｅ　０７：３０") == "/settime 07：30"  # ：stays, /settime reads it
    assert as_command("／remind 张三，明天开会") == "/remind 张三，明天开会"  # Chinese arguments untouched
    assert as_command("/quiz") is None  # already a command
    assert as_command("／") is None and as_command("／／") is None
    assert as_command("（一）坚持党的领导") is None and as_command("ｑｕｉｚ") is None  # not a command at all


async def test_full_width_commands_work_like_ascii_ones(study: OfflineSession) -> None:
    await join(study)
    started = await study.send(MEMBER, "／ｑｕｉｚ")
    assert "共 5 题" in started[0].plain and "第 1/5 题" in started[-1].plain
    while current(study, MEMBER)[1].qtype != "fill":  # a session waiting for a typed 填空 answer
        await study.press(MEMBER, 1)
        if current(study, MEMBER)[1].qtype == "multiple":
            await study.press(MEMBER, 1)
            await study.press(MEMBER, len(current(study, MEMBER)[1].options) + 1)
    resumed = await study.send(MEMBER, "／quiz")  # a command, not taken for the 填空's answer
    assert "继续上次的答题" in resumed[0].plain, [m.plain for m in resumed]
    member_id = member_of(study, MEMBER).id
    ascii_reply = (await study.send(SECRETARY_ID, f"/stats {member_id}"))[0].plain
    wide = "".join(chr(ord(c) + 0xFEE0) for c in str(member_id))
    assert (await study.send(SECRETARY_ID, f"／stats {wide}"))[0].plain == ascii_reply
    assert (await study.send(SECRETARY_ID, f"/stats {wide}"))[0].plain == ascii_reply
