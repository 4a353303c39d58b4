"""``zhibu chat`` driven by scripts, as ``printf '...' | zhibu chat`` would drive it."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from telegram.request import BaseRequest

from bot.terminal import run_chat
from scheduler.clock import Clock, FakeClock
from tests.bot.tiny_app import build_tiny_app

SETTINGS = SimpleNamespace(timezone="Asia/Shanghai")


async def chat(script: str, **hooks: Any) -> tuple[int, str]:
    out = io.StringIO()
    clock = hooks.pop("clock", None) or FakeClock(datetime(2026, 3, 20, tzinfo=UTC))
    code = await run_chat(
        SETTINGS,
        stdin=io.StringIO(script),
        stdout=out,
        clock=clock,
        app_factory=hooks.pop("app_factory", build_tiny_app),
        **hooks,
    )
    return code, out.getvalue()


def transcript(output: str) -> list[str]:
    """The output after the two banner lines."""
    return output.splitlines()[2:]


async def test_banner_then_replies_with_addressee_and_stripped_html() -> None:
    code, out = await chat("/start\n你好\n")
    assert code == 0
    assert out.startswith("zhibu chat — 离线模拟 Telegram")
    assert ":help" in out.splitlines()[1]
    assert transcript(out) == ["→ 张三: 欢迎，张三！", "→ 张三: 你好"]


async def test_keyboard_press_edit_and_toast() -> None:
    _, out = await chat("/menu\n:press 1\n:press 1\n")
    assert transcript(out) == [
        "→ 张三: 请审批：",
        "    [1] 批准  [2] 拒绝",
        "    [3] 说明 <https://example.org/help>",
        "→ 张三 (修改了消息 #2): 你选择了：批准",
        "    (提示) 已批准",
        "! 机器人在这个对话里还没有显示内联键盘",  # issue 6: was English in a Chinese session
    ]


async def test_switching_users_and_granting_the_secretary_role() -> None:
    granted: list[tuple[int, str]] = []

    async def make_secretary(user_id: int, name: str) -> None:
        granted.append((user_id, name))

    _, out = await chat(
        ":as 李书记 secretary\n:who\n/start\n:as 王五\n:who\n:as 张三\n:who\n", make_secretary=make_secretary
    )
    assert granted == [(10002, "李书记")]
    assert transcript(out) == [
        "现在你是 李书记 [secretary] (id 10002)",
        "当前用户：李书记 [secretary] (id 10002)",
        "→ 李书记 [secretary]: 欢迎，李书记！",
        "现在你是 王五 (id 10003)",
        "当前用户：王五 (id 10003)",
        "现在你是 张三 (id 10001)",
        "当前用户：张三 (id 10001)",
    ]


async def test_clock_moves_in_local_time_and_runs_the_hook() -> None:
    seen: list[datetime] = []
    clock = FakeClock(datetime(2026, 3, 20, tzinfo=UTC))

    async def on_clock(now: datetime) -> None:
        seen.append(now)

    _, out = await chat(
        ":clock +1d2h\n:clock 2026-03-24 08:00\n:clock +30m\n:clock 2026-03-01\n", clock=clock, on_clock=on_clock
    )
    assert seen == [
        datetime(2026, 3, 21, 2, 0, tzinfo=UTC),
        datetime(2026, 3, 24, 0, 0, tzinfo=UTC),
        datetime(2026, 3, 24, 0, 30, tzinfo=UTC),
    ]
    assert transcript(out) == [
        "⏰ 现在是 2026-03-21 10:00 (Asia/Shanghai)",
        "⏰ 现在是 2026-03-24 08:00 (Asia/Shanghai)",
        "⏰ 现在是 2026-03-24 08:30 (Asia/Shanghai)",
        "! 时钟只能向前拨",
    ]


async def test_messages_sent_by_the_clock_hook_are_printed() -> None:
    holder: dict[str, Any] = {}

    def factory(*, request: BaseRequest, clock: Clock) -> Any:
        holder["app"] = build_tiny_app(request=request, clock=clock)
        return holder["app"]

    async def on_clock(now: datetime) -> None:
        await holder["app"].bot.send_message(10001, f"<b>今日学习</b> {now:%m-%d}", parse_mode="HTML")

    _, out = await chat(":clock +1d\n", app_factory=factory, on_clock=on_clock)
    assert transcript(out)[-1] == "→ 张三: 今日学习 03-21"


async def test_poll_answer_with_one_based_options() -> None:
    _, out = await chat("/quiz\n:answer 1\n:answer 0\n:answer\n")
    assert transcript(out) == [
        "→ 张三: 📊 [测验] 党的最高理想是？",
        "    1. 实现共产主义",
        "    2. 发家致富",
        "    3. 环游世界",
        "→ 张三: 答对了",
        "! 没有第 0 个选项：这个投票共有 3 个选项",  # issue 6: was English, counted from 0
        "! 用法：:answer 1 3（选项从 1 开始编号）",
    ]


async def test_upload_sends_a_document(tmp_path: Path) -> None:
    note = tmp_path / "心得.txt"
    note.write_bytes("学习体会".encode())
    _, out = await chat(f":upload {note}\n:upload {tmp_path / 'missing.txt'}\n")
    lines = transcript(out)
    assert lines[0].startswith("→ 张三: 收到 心得.txt，12 字节")
    assert lines[1] == "→ 张三: 📎 回执-心得.txt (12 B)"
    assert lines[2].startswith("! [Errno 2] No such file or directory")


async def test_bad_client_commands_never_print_a_traceback() -> None:
    code, out = await chat(":bogus\n:press x\n:clock soon\n:as\n:help\n/bad\n:quit\n/start\n")
    lines = transcript(out)
    assert code == 0 and "Traceback" not in out
    assert lines[:4] == [
        "! 未知命令 :bogus —— 输入 :help 查看客户端命令",
        "! 用法：:press N 或 :press N @消息号",
        "! 用法：:clock 2026-03-24 08:00（本地时间）",
        "! 用法：:as 姓名 [secretary]",
    ]
    assert any(line.startswith("  :press N") for line in lines)
    assert lines[-2:] == [
        "→ 张三: 抱歉，出错了。",
        "! 机器人调用 sendMessage 失败：Bad Request: can't parse entities: "
        'Unsupported start tag "br" at byte offset 9',
    ]
    assert "欢迎" not in out  # nothing after :quit is read


async def test_a_bot_that_cannot_start_exits_with_1() -> None:
    def broken(*, request: BaseRequest, clock: Clock) -> Any:
        raise RuntimeError("配置错误")

    code, out = await chat("/start\n", app_factory=broken)
    assert code == 1
    assert transcript(out) == ["! 无法运行机器人：RuntimeError: 配置错误"]


async def test_clock_backwards_says_time_only_moves_forward() -> None:
    _, out = await chat(":clock -1d\n:clock -2h30m\n:clock -x\n")
    assert transcript(out) == ["! 时钟只能向前拨", "! 时钟只能向前拨", "! 用法：:clock +1d / +2h / +30m / +1d2h"]


async def test_an_english_session_speaks_english() -> None:
    out = io.StringIO()
    settings = SimpleNamespace(timezone="Asia/Shanghai", language="en")
    await run_chat(settings, stdin=io.StringIO(":who\n:press 1\n:clock -1d\n:bogus\n/quiz\n:answer 4\n:help\n"),
                   stdout=out, clock=FakeClock(datetime(2026, 3, 20, tzinfo=UTC)), app_factory=build_tiny_app)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("zhibu chat — Telegram simulated offline")
    assert lines[2:6] == [
        "Current user: 张三 (id 10001)",
        "! the bot has shown no inline keyboard in this chat",
        "! time only moves forward",
        "! unknown command :bogus — type :help for the client's commands",
    ]
    assert "! there is no option 4: the poll has 3 options" in lines
    assert "📊 [quiz] 党的最高理想是？" in out.getvalue()
    client_lines = [line for line in lines if not line.startswith(("→", "    "))]
    assert not [line for line in client_lines if re.search(r"[\u4e00-\u9fff]", line.replace("张三", ""))]


async def test_an_older_keyboard_can_be_listed_and_pressed() -> None:
    """W8 (trial 3): a keyboard followed by another in the same tick could no longer be pressed."""
    _, out = await chat("/menu\n/menu\n:keyboards\n:press 2 @2\n:press 1 @9\n:keyboards\n")
    lines = transcript(out)
    listed = lines.index("@4 请审批：  [1] 批准  [2] 拒绝  [3] 说明")
    assert lines[listed + 1] == "@2 请审批：  [1] 批准  [2] 拒绝  [3] 说明"
    assert "→ 张三 (修改了消息 #2): 你选择了：拒绝" in lines  # the older one, not the newest
    assert "! 这个对话里第 9 号消息下没有内联键盘（:keyboards 列出现有的）" in lines
    assert lines[-1] == "@4 请审批：  [1] 批准  [2] 拒绝  [3] 说明"  # the pressed one has no keyboard left
