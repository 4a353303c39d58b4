"""Trial T19: a button's toast repeated the sentence the button had just put in place of its message (已发布
9 道题目。 on the card and over it).  One rule where every toast is made (``bot.commands.guarded_callback``): a
toast already said by the edited message is left out; a toast that adds something stays."""

from __future__ import annotations

from bot.commands import toast_for
from bot.fakeapi.session import OfflineSession
from tests.bot.study_helpers import start_secretary
from tests.factories import SECRETARY_ID

NEWCOMER = 10301


def _last_toast(session: OfflineSession) -> str | None:
    answers = session.api.callback_answers
    return answers[max(answers)].get("text")


async def test_publish_all_and_a_join_decision_edit_the_card_without_repeating_it(session: OfflineSession) -> None:
    await start_secretary(session)
    await session.send(SECRETARY_ID, "/publishall")
    done = await session.press(SECRETARY_ID, 1)
    assert any(r.kind == "edit" and "已发布" in r.plain for r in done), [r.plain for r in done]
    assert not _last_toast(session)
    session.api.add_user(NEWCOMER, "孙八")
    await session.send(NEWCOMER, "/start")
    decided = await session.press(SECRETARY_ID, 1)
    assert any(r.kind == "edit" and "已批准 孙八" in r.plain for r in decided), [r.plain for r in decided]
    assert not _last_toast(session)
    assert not session.api.unanswered_callbacks()  # answered all the same: no spinner left


def test_a_toast_that_adds_something_stays() -> None:
    assert toast_for("已发布 9 道题目。", ["<b>已发布 9 道题目。</b>"]) is None
    assert toast_for("Tom &amp; Jerry", ["Tom & Jerry"]) == "Tom &amp; Jerry"  # compared as read, not as sent
    assert toast_for("请选择身份", ["批准 孙八（编号 3）加入时请选择其身份"]) == "请选择身份"
    assert toast_for("已发布", []) == "已发布"
    assert toast_for("  ", ["x"]) is None
