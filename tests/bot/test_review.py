"""Reviewing the question bank through the real application over the offline Bot API.

The ``session`` fixture (tests/bot/conftest.py) starts the bot with the shipped materials, on SQLite and
on PostgreSQL; start-up builds the corpus (once per test process, cached) and syncs it as drafts.
"""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlmodel import select

from bot.callbacks import CallbackData
from bot.fakeapi.records import SentMessage
from bot.fakeapi.session import OfflineSession
from bot.review_card import card_args
from bot.texts import Catalog
from content.export import HEADER, LETTERS
from content.questions.text import BLANK, split_attribution
from storage import bank
from storage.models import Question, QuestionStatus
from tests.bot import study_helpers
from tests.bot.study_helpers import MEMBER, db_of
from tests.factories import SECRETARY_ID

TEXTS = Catalog.load()
CHOICE = ("single", "multiple")  # a choice question with a blank: the shipped bank may hold no 单选 with one


def questions(session: OfflineSession) -> dict[int, Question]:
    with db_of(session).session() as s:
        return {q.id: q for q in s.exec(select(Question))}


def counts(session: OfflineSession) -> dict[str, int]:
    branch_id = next(iter(questions(session).values())).branch_id
    with db_of(session).session() as s:
        return bank.review_counts(session=s, branch_id=branch_id)


def reworded(q: Question, lead: str) -> str:
    """A rewording a secretary may make: a new lead-in, the blank's clause (what the options fill) kept."""
    return lead + split_attribution(q.stem)[1]


def card_id(message: SentMessage) -> int:
    return int(message.plain.split("#", 1)[1].split(" ", 1)[0])


async def join(session: OfflineSession) -> None:
    """The secretary and 张三 join; the shipped bank stays in drafts, for the secretary to review."""
    await study_helpers.join(session, MEMBER, publish=False)


async def test_secretary_publishes_rejects_and_skips_by_tapping(session: OfflineSession) -> None:
    await join(session)
    before = counts(session)
    # 8 since content11: no blank on one item of an open or rhetorical series (tests/content/test_series_items)
    # 7 since content12: "以谁为重点？" withdrawn, stock true memberships refused (tests/content/test_content_causes12)
    assert before["draft"] >= 7 and before["published"] == 0
    shown = (await session.send(SECRETARY_ID, "/review"))[-1]
    assert f"待审核 {before['draft']}" in shown.plain and "答案：" in shown.plain and "出处：《" in shown.plain
    assert [b.text for b in shown.button_list()] == ["✅ 发布", "✖️ 拒绝", "✏️ 编辑", "➡️ 下一题"]
    assert all(len(b.callback_data.encode()) < 64 for b in shown.button_list())
    first = questions(session)[card_id(shown)]
    assert first.stem.split(BLANK)[0][:10] in shown.plain
    if first.qtype in ("single", "multiple"):
        assert f"\nA. {first.options[0]}\nB. {first.options[1]}\n" in shown.plain

    published = await session.press(SECRETARY_ID, 1)
    edit, following = published
    assert edit.kind == "edit" and "✅ 已发布" in edit.plain and not edit.buttons
    assert card_id(following) != first.id and following.buttons
    assert questions(session)[first.id].status == QuestionStatus.PUBLISHED

    rejected = await session.press(SECRETARY_ID, 2)
    assert "✖️ 已拒绝" in rejected[0].plain
    assert questions(session)[card_id(following)].status == QuestionStatus.REJECTED

    current = rejected[-1]
    skipped = await session.press(SECRETARY_ID, 4)
    assert len(skipped) == 1 and skipped[0].kind == "edit" and skipped[0].message_id == current.message_id
    assert card_id(skipped[0]) != card_id(current)
    after = counts(session)
    assert (after["draft"], after["published"], after["rejected"]) == (before["draft"] - 2, 1, 1)

    # A stale card (the first one, already decided) only gets a toast, and nothing changes.
    stale = session.api.callback_update(SECRETARY_ID, shown.message_id,
                                        CallbackData("rv", "p", card_args(first)).encode())
    await session.feed(stale)
    answer = session.api.callback_answers[stale["callback_query"]["id"]]
    assert "已经处理过了" in answer.get("text", "") and counts(session) == after
    assert not session.api.unanswered_callbacks()


async def _press_edit_on(session: OfflineSession, question: Question) -> list[SentMessage]:
    keyboard = session.api.last_keyboard(SECRETARY_ID)
    assert keyboard is not None
    data = CallbackData("rv", "e", card_args(question)).encode()
    return await session.feed(session.api.callback_update(SECRETARY_ID, keyboard.message_id, data))


async def test_secretary_edits_a_stem_and_the_edit_is_verified(session: OfflineSession) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/review")
    target = next(q for q in questions(session).values()
                  if q.qtype in CHOICE and q.status == QuestionStatus.DRAFT and BLANK in q.stem)
    prompt = await _press_edit_on(session, target)
    assert "请发送" in prompt[0].plain and target.stem[:10] in prompt[0].plain

    too_long = await session.send(SECRETARY_ID, "长" * 301)
    assert "超过了 300 字" in too_long[0].plain
    other = await session.send(MEMBER, "你好")  # another user's text is not taken as a stem
    assert "/help" in other[0].plain
    left, help_text = await session.send(SECRETARY_ID, "/help")  # commands still work, after a word ...
    assert "已退出题目编辑" in left.plain and "可用命令" in help_text.plain
    assert "我主要通过命令工作" in (await session.send(SECRETARY_ID, "hello"))[0].plain  # ... and end the edit

    session.clock.advance(timedelta(seconds=11))  # a person pauses; the flood guard counts per 10 s
    await session.send(SECRETARY_ID, "/review")
    await _press_edit_on(session, target)
    saved = await session.send(SECRETARY_ID, reworded(target, "根据学习材料："))
    assert "题干已更新" in saved[0].plain and "根据学习材料" in saved[0].plain and saved[0].buttons
    stored = questions(session)[target.id]
    assert stored.stem == reworded(target, "根据学习材料：") and stored.edited
    assert "我主要通过命令工作" in (await session.send(SECRETARY_ID, "随便说一句"))[0].plain  # not waiting any more


async def test_an_edit_that_breaks_the_answer_is_refused_and_cancel_aborts(session: OfflineSession) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/review")
    target = next(q for q in questions(session).values() if q.qtype == "fill" and q.status == QuestionStatus.DRAFT)
    await _press_edit_on(session, target)
    refused = await session.send(SECRETARY_ID, "这句话里没有空格也不是原文")
    assert "未通过校验" in refused[0].plain
    cancelled = await session.send(SECRETARY_ID, "/cancel")
    assert "已取消编辑" in cancelled[0].plain
    assert questions(session)[target.id].stem == target.stem and not questions(session)[target.id].edited

    await _press_edit_on(session, target)
    await session.send(SECRETARY_ID, "/review")  # moving on to another command ends the edit
    chat = await session.send(SECRETARY_ID, "好的")
    assert "我主要通过命令工作" in chat[0].plain
    assert questions(session)[target.id].stem == target.stem


async def test_members_cannot_review(session: OfflineSession) -> None:
    await join(session)
    refused = await session.send(MEMBER, "/review")
    assert "仅供支部书记使用" in refused[0].plain
    assert "仅供支部书记使用" in (await session.send(MEMBER, "/bank"))[0].plain
    some = next(iter(questions(session).values()))
    message = (await session.send(MEMBER, "/help"))[0]
    press = session.api.callback_update(MEMBER, message.message_id, CallbackData("rv", "p", card_args(some)).encode())
    await session.feed(press)
    assert "仅供支部书记" in session.api.callback_answers[press["callback_query"]["id"]].get("text", "")
    assert counts(session)["published"] == 0


async def test_publish_all_asks_first(session: OfflineSession) -> None:
    await join(session)
    drafts = counts(session)["draft"]
    asked = await session.send(SECRETARY_ID, "/publishall")
    assert f"全部 {drafts} 道" in asked[0].plain
    kept = await session.press(SECRETARY_ID, 2)
    assert "没有发布" in kept[0].plain and counts(session)["published"] == 0
    await session.send(SECRETARY_ID, "/publishall")
    done = await session.press(SECRETARY_ID, 1)
    assert f"已发布 {drafts} 道" in done[0].plain
    assert counts(session) == {"draft": 0, "published": drafts, "rejected": 0, "retired": 0}
    assert "没有待审核" in (await session.send(SECRETARY_ID, "/review"))[0].plain


async def test_bank_sheet_round_trip(session: OfflineSession) -> None:
    await join(session)
    sent = (await session.send(SECRETARY_ID, "/bank"))[0]
    assert sent.kind == "document" and sent.file_name.endswith(".xlsx") and "发回" in sent.plain
    workbook = load_workbook(io.BytesIO(sent.file_bytes))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    assert tuple(header[: len(HEADER)]) == HEADER and header[len(HEADER)] == "状态"
    status_col, id_col = len(HEADER) + 1, HEADER.index("题目ID") + 1
    rows = {sheet.cell(r, id_col).value: r for r in range(2, sheet.max_row + 1)}
    stored = {q.qkey: q for q in questions(session).values()}
    assert set(rows) == set(stored)

    single = next(k for k, q in stored.items() if q.qtype in CHOICE and BLANK in q.stem)
    publish = next(k for k in rows if k != single)
    wrong = next(k for k, q in stored.items() if q.qtype == "single" and k not in (single, publish))
    odd = next(k for k in rows if k not in (single, publish, wrong))
    sheet.cell(rows[single], 2).value = reworded(stored[single], "根据学习材料：")
    sheet.cell(rows[publish], status_col).value = "已发布"
    right = stored[wrong].options.index(stored[wrong].answer[0])
    sheet.cell(rows[wrong], 9).value = LETTERS[(right + 1) % len(stored[wrong].options)]  # a distractor
    sheet.cell(rows[odd], status_col).value = "随便"
    buffer = io.BytesIO()
    workbook.save(buffer)

    summary = (await session.upload(SECRETARY_ID, "题库.xlsx", buffer.getvalue()))[0]
    assert "修改 1 题，发布 1 题" in summary.plain
    assert f"第 {rows[wrong]} 行" in summary.plain and "未通过校验" in summary.plain
    assert f"第 {rows[odd]} 行" in summary.plain and "随便" in summary.plain
    after = {q.qkey: q for q in questions(session).values()}
    assert after[single].stem == reworded(stored[single], "根据学习材料：") and after[single].edited
    assert after[publish].status == QuestionStatus.PUBLISHED
    assert after[wrong].answer == stored[wrong].answer and not after[wrong].edited


async def test_a_malformed_sheet_is_refused_whole(session: OfflineSession) -> None:
    await join(session)
    sent = (await session.send(SECRETARY_ID, "/bank"))[0]
    workbook = load_workbook(io.BytesIO(sent.file_bytes))
    workbook.active.cell(3, 1).value = "问答题"
    workbook.active.cell(2, 2).value = "改了但不会生效"
    buffer = io.BytesIO()
    workbook.save(buffer)
    reply = (await session.upload(SECRETARY_ID, "题库.xlsx", buffer.getvalue()))[0]
    assert "第 3 行格式有误" in reply.plain
    assert not any(q.edited for q in questions(session).values())
    junk = (await session.upload(SECRETARY_ID, "坏文件.xlsx", b"not a workbook"))[0]
    assert "无法读取" in junk.plain


async def test_a_stale_sheet_does_not_undo_later_changes(session: OfflineSession) -> None:
    await join(session)
    sent = (await session.send(SECRETARY_ID, "/bank"))[0]
    workbook = load_workbook(io.BytesIO(sent.file_bytes))
    sheet = workbook.active
    id_col = HEADER.index("题目ID") + 1
    rows = {sheet.cell(r, id_col).value: r for r in range(2, sheet.max_row + 1)}
    stored = {q.qkey: q for q in questions(session).values()}
    # two questions a lead-in rewords: 单选, or 填空 with their blank (the strict bank has one 填空 left since
    # content11 refused blanks on one item of an open or rhetorical series)
    first, second = [
        k for k, q in stored.items() if q.qtype == "single" or (q.qtype == "fill" and BLANK in q.stem)
    ][:2]

    session.clock.advance(timedelta(minutes=5))  # meanwhile the first question is edited in chat
    await session.send(SECRETARY_ID, "/review")
    await _press_edit_on(session, stored[first])
    await session.send(SECRETARY_ID, reworded(stored[first], "在聊天中改好："))

    sheet.cell(rows[first], 2).value = reworded(stored[first], "表格里的旧改法：")
    sheet.cell(rows[second], 2).value = reworded(stored[second], "表格里的另一处修改：")
    buffer = io.BytesIO()
    workbook.save(buffer)
    session.clock.advance(timedelta(seconds=11))
    summary = (await session.upload(SECRETARY_ID, "题库.xlsx", buffer.getvalue()))[0]
    assert f"第 {rows[first]} 行" in summary.plain and "导出后又有改动" in summary.plain
    after = {q.qkey: q for q in questions(session).values()}
    assert after[first].stem == reworded(stored[first], "在聊天中改好：")  # the later change stands
    assert after[second].stem == reworded(stored[second], "表格里的另一处修改：")  # the rest of the sheet applies


async def test_double_taps_change_nothing_more(session: OfflineSession) -> None:
    """A second tap on 下一题 or on 确定发布 lands on an already edited message: answered, nothing redone."""
    await join(session)
    shown = (await session.send(SECRETARY_ID, "/review"))[-1]
    skip = shown.button_list()[3].callback_data
    assert skip is not None
    moved = await session.feed(session.api.callback_update(SECRETARY_ID, shown.message_id, skip))
    assert moved[0].kind == "edit" and card_id(moved[0]) != card_id(shown)
    again = session.api.callback_update(SECRETARY_ID, shown.message_id, skip)
    assert await session.feed(again) == []  # the card stays where the first tap put it
    assert again["callback_query"]["id"] in session.api.callback_answers

    drafts = counts(session)["draft"]
    asked = (await session.send(SECRETARY_ID, "/publishall"))[0]
    confirm = asked.button_list()[0].callback_data
    assert confirm is not None
    done = await session.feed(session.api.callback_update(SECRETARY_ID, asked.message_id, confirm))
    assert f"已发布 {drafts} 道" in done[0].plain
    twice = session.api.callback_update(SECRETARY_ID, asked.message_id, confirm)
    assert await session.feed(twice) == []
    assert twice["callback_query"]["id"] in session.api.callback_answers
    assert counts(session)["published"] == drafts and not session.api.unanswered_callbacks()


async def test_an_english_reviewer_reads_the_source_in_english_quotes(session: OfflineSession) -> None:
    """The card's glyphs come from the catalog: an English reader gets “title”, not 《title》."""
    await join(session)
    await session.send(SECRETARY_ID, "/lang en")
    shown = (await session.send(SECRETARY_ID, "/review"))[-1]
    assert "Source: “" in shown.plain and "《" not in shown.plain.split("Source:")[1].split("\n")[0]
