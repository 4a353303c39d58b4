"""``zhibu chat`` in the branch group: ``:group`` / ``:private``, marked group output, the group's poll."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from bot.chat_hooks import chat_hooks, chat_settings
from bot.config import Settings
from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.session import OfflineSession
from bot.terminal import SIMULATED_GROUP_ID, ChatClient, GroupChat, run_chat
from scheduler.clock import FakeClock
from tests import factories
from tests.bot.test_chat import chat, transcript
from tests.bot.tiny_app import build_tiny_app

GROUP = "[群] 支部群（模拟）"


async def test_group_lines_go_to_the_group_and_its_keyboard_and_quiz() -> None:
    clock = FakeClock(datetime(2026, 3, 20, tzinfo=UTC))
    api = FakeBotApi(clock=clock)
    _, out = await chat(
        ":group\n/start\n:press 1\n/menu\n:press 1\n/quiz\n:as 李四\n:answer 1\n:answer 2\n:answer 1 2\n"
        ":private\n:press 1\n:answer 1\n你好\n",
        api=api,
        clock=clock,
    )
    assert transcript(out) == [
        "配置没有设置 group_chat_id：这是模拟的支部群「支部群（模拟）」(id -1009990000001)，本次离线会话里机器人"
        "把它当作支部群。以下由当前用户在群里发言；机器人发到群里的消息标为 [群]，:private 回到私聊",
        f"→ {GROUP}: 欢迎，张三！",
        "! 机器人在这个对话里还没有显示内联键盘",
        f"→ {GROUP}: 请审批：",
        "    [1] 批准  [2] 拒绝",
        "    [3] 说明 <https://example.org/help>",
        f"→ {GROUP} (修改了消息 #4): 你选择了：批准",  # ids count the members' lines too
        "    (提示) 已批准",
        f"→ {GROUP}: 📊 [测验] 党的最高理想是？",
        "    1. 实现共产主义",
        "    2. 发家致富",
        "    3. 环游世界",
        "现在你是 李四 (id 10002)",
        f"→ {GROUP}: 答对了",  # 李四 answered the group's poll, not a private one
        "! 你已经回答过这个投票，它不允许改答案",  # was the fake's English ValueError
        "! 这个投票只能选一个选项",
        "回到私聊：以下由当前用户与机器人私聊",
        "! 机器人在这个对话里还没有显示内联键盘",  # the group's keyboard is not in 李四's private chat
        "! 机器人在这个对话里还没有发过投票或测验",
        "→ 李四: 你好",
    ]
    group_chat = api.world.chats[SIMULATED_GROUP_ID]
    assert group_chat["type"] == "supergroup"
    assert [m.chat_id for m in api.outbox] == [SIMULATED_GROUP_ID] * 5 + [10002]


async def test_configured_group_by_title_prompt_and_english() -> None:
    out = io.StringIO()
    settings = SimpleNamespace(timezone="Asia/Shanghai", language="en")
    group = GroupChat(-1001234567890, "Test branch")
    client_script = "/start\n:group\n/start\n:private\n:help\n"
    await run_chat(
        settings,
        stdin=io.StringIO(client_script),
        stdout=out,
        group=group,
        clock=FakeClock(datetime(2026, 3, 20, tzinfo=UTC)),
        app_factory=build_tiny_app,
    )
    lines = out.getvalue().splitlines()[2:]
    assert lines[:4] == [
        "→ 张三: 欢迎，张三！",
        'The current user now speaks in the branch group "Test branch" (id -1001234567890); what the bot posts '
        "there is marked [group]; :private goes back",
        "→ [group] Test branch: 欢迎，张三！",
        "Back in the private chat with the bot",
    ]
    assert any(line.startswith("  :group ") for line in lines)
    assert any(line.startswith("  :private ") for line in lines)


async def test_the_prompt_names_the_group() -> None:
    clock = FakeClock(datetime(2026, 3, 20, tzinfo=UTC))
    session = OfflineSession(build_tiny_app, clock=clock)  # the prompt needs no running bot
    client = ChatClient(
        session, io.StringIO(), tz=ZoneInfo("Asia/Shanghai"), clock=clock, on_clock=None, make_secretary=None
    )
    assert client.prompt() == "张三> "
    await client.handle(":group")
    assert client.prompt() == "张三@支部群> "
    await client.handle(":private")
    assert client.prompt() == "张三> "


def test_an_offline_session_gives_a_groupless_branch_a_simulated_group(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    two = factories.config_dict(tmp_path)["branches"] * 2
    two[1] = {**two[1], "key": "other", "name": "第二党支部", "invite_code": "other-2026", "group_chat_id": -1005550001}
    offline = chat_settings(Settings.model_validate(factories.config_dict(tmp_path, branches=two)), None, config)
    assert [b.group_chat_id for b in offline.branches] == [SIMULATED_GROUP_ID, -1005550001]
    group = chat_hooks(offline, FakeClock(datetime(2026, 3, 20, tzinfo=UTC)))["group"]
    assert group == GroupChat(SIMULATED_GROUP_ID, "直属城市发展研究中心党支部", simulated=True)
    configured = chat_settings(
        Settings.model_validate(factories.config_dict(tmp_path, branches=two[::-1])), None, config
    )
    assert [b.group_chat_id for b in configured.branches] == [-1005550001, SIMULATED_GROUP_ID - 1]
    group = chat_hooks(configured, FakeClock(datetime(2026, 3, 20, tzinfo=UTC)))["group"]
    assert group == GroupChat(-1005550001, "第二党支部", simulated=False)
