"""The /bank sheet: what it writes, and what a returned copy may change — through the real application.

The regression tests of issue 6: an old, unedited copy changes nothing; 出处 reads 《title》 then the
sentence; text with control characters never breaks the next export; documents in a group are not
taken; and a bank of thousands of rows is written completely.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import select

from bot import bank_sheet
from bot.callbacks import CallbackData
from bot.fakeapi.session import OfflineSession
from bot.review_card import card_args
from content.export import HEADER
from content.questions.text import BLANK
from storage.models import Question, QuestionStatus
from tests.bot.test_review import card_id, counts, db_of, join, questions, reworded
from tests.factories import SECRETARY_ID

ID_COL = HEADER.index("题目ID") + 1
SOURCE_COL = HEADER.index("出处") + 1
STATUS_COL = len(HEADER) + 1
LABELS = {"draft": "待审核", "published": "已发布", "rejected": "已拒绝", "retired": "已停用"}
WORDS = {**{v: k for k, v in LABELS.items()}, **{k: k for k in LABELS}}


def rows_of(sheet: Worksheet) -> dict[str, int]:
    return {sheet.cell(r, ID_COL).value: r for r in range(2, sheet.max_row + 1)}


def saved(workbook: object) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


async def test_an_old_unedited_sheet_changes_nothing(session: OfflineSession) -> None:
    """Issue 6: re-importing an older copy sent published questions back to review."""
    await join(session)
    old = (await session.send(SECRETARY_ID, "/bank"))[0].file_bytes
    session.clock.advance(timedelta(minutes=5))
    shown = (await session.send(SECRETARY_ID, "/review"))[-1]
    await session.press(SECRETARY_ID, 1)  # published in chat after the export
    published = card_id(shown)
    before = counts(session)

    summary = (await session.upload(SECRETARY_ID, "题库.xlsx", old))[0].plain
    assert "发布 0 题" in summary and "退回待审核 0 题" in summary and "修改 0 题" in summary
    assert "未导入" not in summary
    assert questions(session)[published].status == QuestionStatus.PUBLISHED and counts(session) == before

    # the same old copy, with that row's 状态 changed: refused for the row (it changed since), not applied
    workbook = load_workbook(io.BytesIO(old))
    sheet = workbook.active
    row = rows_of(sheet)[questions(session)[published].qkey]
    sheet.cell(row, STATUS_COL).value = "已拒绝"
    session.clock.advance(timedelta(seconds=11))
    summary = (await session.upload(SECRETARY_ID, "题库.xlsx", saved(workbook)))[0].plain
    assert f"第 {row} 行" in summary and "导出后又有改动" in summary
    assert questions(session)[published].status == QuestionStatus.PUBLISHED


async def test_a_sheet_without_the_exported_column_is_still_checked_for_staleness(session: OfflineSession) -> None:
    """A copy made before the hidden 'exported' column existed: its 状态 cells are held to the version."""
    await join(session)
    workbook = load_workbook(io.BytesIO((await session.send(SECRETARY_ID, "/bank"))[0].file_bytes))
    sheet = workbook.active
    sheet.delete_cols(bank_sheet.EXPORTED_COLUMN)
    fresh_key = sheet.cell(3, ID_COL).value
    sheet.cell(3, STATUS_COL).value = "已拒绝"  # an edit on a row nobody touched since: applied
    session.clock.advance(timedelta(minutes=5))
    shown = (await session.send(SECRETARY_ID, "/review"))[-1]
    await session.press(SECRETARY_ID, 1)
    published = questions(session)[card_id(shown)]
    assert published.qkey != fresh_key

    summary = (await session.upload(SECRETARY_ID, "题库.xlsx", saved(workbook)))[0].plain
    stale_row = rows_of(sheet)[published.qkey]
    assert f"第 {stale_row} 行" in summary and "导出后又有改动" in summary and "拒绝 1 题" in summary
    after = {q.qkey: q for q in questions(session).values()}
    assert after[published.qkey].status == QuestionStatus.PUBLISHED
    assert after[fresh_key].status == QuestionStatus.REJECTED


async def test_a_row_with_a_changed_id_is_refused_in_words_a_secretary_knows(session: OfflineSession) -> None:
    """The refusal says where new questions come from, not an internal file path."""
    await join(session)
    workbook = load_workbook(io.BytesIO((await session.send(SECRETARY_ID, "/bank"))[0].file_bytes))
    sheet = workbook.active
    sheet.cell(2, ID_COL).value = "新题1"
    summary = (await session.upload(SECRETARY_ID, "题库.xlsx", saved(workbook)))[0].plain
    assert "第 2 行" in summary and "题目ID缺失或被改动" in summary and "/review" in summary, summary
    assert "content/" not in summary and ".yaml" not in summary


async def test_the_source_cell_gives_the_title_then_the_sentence(session: OfflineSession) -> None:
    """Issue 6: 出处 ran title and sentence together and doubled 《》 around titles that contain them."""
    await join(session)
    sheet = load_workbook(io.BytesIO((await session.send(SECRETARY_ID, "/bank"))[0].file_bytes)).active
    by_key = {q.qkey: q for q in questions(session).values()}
    nested = 0
    for key, row in rows_of(sheet).items():
        q = by_key[key]
        cell = sheet.cell(row, SOURCE_COL).value
        title, sentence = cell.split("\n", 1)
        assert title.startswith("《") and title.endswith("》") and "《《" not in cell and "》》" not in title
        assert sentence == q.sentence
        if "《" in q.document:
            nested += 1
            assert title == "《" + q.document.replace("《", "〈").replace("》", "〉") + "》"
    assert nested  # the shipped 中共中央办公厅印发《…的通知》 is among them


async def test_control_characters_in_a_stem_do_not_break_the_bank(session: OfflineSession) -> None:
    """Issue 6: a stem edited with control characters was saved and every later /bank failed."""
    await join(session)
    await session.send(SECRETARY_ID, "/review")
    target = next(q for q in questions(session).values()
                  if q.qtype in ("single", "multiple") and q.status == QuestionStatus.DRAFT and BLANK in q.stem)
    keyboard = session.api.last_keyboard(SECRETARY_ID)
    assert keyboard is not None
    await session.feed(session.api.callback_update(SECRETARY_ID, keyboard.message_id,
                                                   CallbackData("rv", "e", card_args(target)).encode()))
    reply = await session.send(SECRETARY_ID, "根据学习材料，\x07下列\x1b说：" + reworded(target, "") + "\x0c")
    assert "题干已更新" in reply[0].plain
    assert questions(session)[target.id].stem == reworded(target, "根据学习材料，下列说：")

    with db_of(session).session() as s:  # a row stored before text was cleaned on the way in
        other = s.exec(select(Question).where(Question.id != target.id)).first()
        assert other is not None
        other.explanation = "旧数据\x01里的\x08控制\uffff字符"
        s.add(other)
        other_key = other.qkey
    sent = (await session.send(SECRETARY_ID, "/bank"))[0]
    assert sent.kind == "document"
    sheet = load_workbook(io.BytesIO(sent.file_bytes)).active
    row = rows_of(sheet)[other_key]
    assert sheet.cell(row, HEADER.index("解析") + 1).value == "旧数据里的控制字符"
    session.clock.advance(timedelta(seconds=11))
    summary = (await session.upload(SECRETARY_ID, "题库.xlsx", sent.file_bytes))[0].plain
    assert "修改 0 题" in summary and "未导入" not in summary  # the unchanged copy changes nothing


async def test_documents_in_a_group_are_not_taken(session: OfflineSession) -> None:
    """Issue 6: the bank's document handlers act in private chats only."""
    await join(session)
    group = -100777
    session.api.add_group(group, "城发中心党支部")
    workbook = load_workbook(io.BytesIO((await session.send(SECRETARY_ID, "/bank"))[0].file_bytes))
    key = workbook.active.cell(2, ID_COL).value
    workbook.active.cell(2, STATUS_COL).value = "已发布"
    data = saved(workbook)
    before = counts(session)
    sheet = await session.feed(session.api.document_update(SECRETARY_ID, "题库.xlsx", data, chat_id=group))
    text = "第一条 支部党员大会每季度召开1次，由支部委员会召集，支部书记主持。".encode()
    material = await session.feed(session.api.document_update(SECRETARY_ID, "细则.txt", text, chat_id=group))
    assert not [m for m in sheet + material if m.chat_id == group]
    assert counts(session) == before
    assert {q.qkey: q for q in questions(session).values()}[key].status == QuestionStatus.DRAFT
    summary = (await session.upload(SECRETARY_ID, "题库.xlsx", data))[0].plain  # the same file in private: taken
    assert "发布 1 题" in summary


async def test_publish_all_promises_only_what_the_bot_does(session: OfflineSession) -> None:
    """Issue 6: /publishall promised quizzes that did not exist."""
    await join(session)
    asked = (await session.send(SECRETARY_ID, "/publishall"))[0].plain
    assert "答题" not in asked and "党员只会看到已发布的题目" in asked
    await session.send(SECRETARY_ID, "/lang en")
    session.clock.advance(timedelta(seconds=11))
    english = (await session.send(SECRETARY_ID, "/publishall"))[0].plain
    assert "quiz" not in english.lower() and "members only ever see published questions" in english


def test_a_bank_of_thousands_of_rows_is_written_whole() -> None:
    """The streaming writer: every row, its status and hidden columns, and the drop-down over all of them."""
    now = datetime(2026, 4, 1, tzinfo=UTC)
    rows = [Question(id=n, branch_id=1, qkey=f"q-{n:010x}", qtype="single", stem=f"第{n}题：学习教育的重点是（　）。",
                     options=["县处级以上领导班子", "普通群众", "离退休干部"], answer=["县处级以上领导班子"],
                     explanation="原文如此。", doc_key="m1#0", document="材料",
                     sentence="学习教育以县处级以上领导班子为重点。",
                     status="published" if n % 2 else "draft", updated_at=now) for n in range(1, 2001)]
    data = bank_sheet.export_bank(rows, LABELS, "状态")
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet.max_row == 2001 and sheet.cell(2001, ID_COL).value == "q-00000007d0"
    assert sheet.cell(2001, STATUS_COL).value == "待审核" and sheet.cell(2000, STATUS_COL).value == "已发布"
    assert sheet.column_dimensions["L"].hidden and sheet.freeze_panes == "B2"
    assert [str(v.sqref) for v in sheet.data_validations.dataValidation] == ["M2:M2001"]
    read = bank_sheet.read_bank(data, rows, WORDS, ["状态"])
    assert not read.errors and len(read.edits) == 2000
    assert not any(e.status or e.stem or e.options or e.answer or e.explanation for e in read.edits)
