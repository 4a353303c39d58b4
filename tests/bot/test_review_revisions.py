"""The secretaries' bank review through the real application: revisions (F62), stale cards (F57/F30), and a
填空 alternative typed into the sheet and then by a member (F12)."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlmodel import select

from bot.fakeapi.session import OfflineSession
from bot.review_card import render_card
from content.export import HEADER
from storage import bank_import
from storage.bank_import import BankEdit
from storage.models import Member, Question, QuestionRevision, QuestionStatus, QuizAnswer
from tests.bot.study_helpers import (
    MEMBER,
    answer,
    current,
    finish_quiz,
    study_fixture,  # noqa: F401  (the ``study`` fixture)
)
from tests.bot.study_helpers import join as join_with_member
from tests.bot.test_bank_sheet import STATUS_COL, rows_of, saved
from tests.bot.test_review import TEXTS, card_id, counts, db_of, join, questions, reworded
from tests.factories import SECRETARY_ID

STEM_COL = HEADER.index("题干") + 1
ANSWER_COL = HEADER.index("答案") + 1
EXPLANATION_COL = HEADER.index("解析") + 1


async def test_f57_a_card_whose_question_changed_elsewhere_refuses_its_buttons(session: OfflineSession) -> None:
    """The card was shown; the same question was then reworded through the sheet; 发布 on the old card must
    not publish wording the secretary never saw: refused with a clear toast, the card redrawn as it is now."""
    await join(session)
    shown = (await session.send(SECRETARY_ID, "/review"))[-1]
    target = questions(session)[card_id(shown)]
    old_publish = shown.button_list()[0].callback_data
    assert old_publish is not None
    session.clock.advance(timedelta(seconds=11))
    workbook = load_workbook(io.BytesIO((await session.send(SECRETARY_ID, "/bank"))[0].file_bytes or b""))
    sheet = workbook.active
    row = rows_of(sheet)[target.qkey]
    new_explanation = target.explanation + "（支部补充）"
    sheet.cell(row, EXPLANATION_COL).value = new_explanation
    summary = (await session.upload(SECRETARY_ID, "题库.xlsx", saved(workbook)))[0].plain
    assert "修改 1 题" in summary and "未导入" not in summary
    before = counts(session)

    press = session.api.callback_update(SECRETARY_ID, shown.message_id, old_publish)
    redrawn = await session.feed(press)
    toast = session.api.callback_answers[press["callback_query"]["id"]].get("text", "")
    assert "已过时" in toast and f"#{target.id}" in toast and "待审核" in toast
    assert counts(session) == before and questions(session)[target.id].status == QuestionStatus.DRAFT
    assert redrawn and redrawn[0].kind == "edit" and redrawn[0].message_id == shown.message_id
    assert "（支部补充）" in redrawn[0].plain  # the card now shows what the question says
    fresh = redrawn[0].button_list()[0].callback_data
    assert fresh is not None and fresh != old_publish

    again = await session.feed(session.api.callback_update(SECRETARY_ID, shown.message_id, fresh))
    assert "✅ 已发布" in again[0].plain
    assert questions(session)[target.id].status == QuestionStatus.PUBLISHED


async def test_f57_a_stem_typed_after_the_question_changed_elsewhere_is_not_saved(session: OfflineSession) -> None:
    await join(session)
    shown = (await session.send(SECRETARY_ID, "/review"))[-1]
    target = questions(session)[card_id(shown)]
    if target.qtype not in ("single", "multiple"):  # a choice card to reword: walk to one
        for _ in range(len(questions(session))):
            shown = (await session.press(SECRETARY_ID, 4))[-1]
            target = questions(session)[card_id(shown)]
            if target.qtype in ("single", "multiple") and "（　）" in target.stem:
                break
    await session.press(SECRETARY_ID, 3)  # 编辑: the prompt waits for the stem
    with db_of(session).session() as s:  # meanwhile another secretary rejects it
        row = s.get(Question, target.id)
        assert row is not None
        row.status = QuestionStatus.REJECTED
        row.updated_at = session.clock.now() + timedelta(seconds=1)
        s.add(row)
    reply = (await session.send(SECRETARY_ID, reworded(target, "根据学习材料，")))[0]
    assert "在您编辑期间已被修改或处理（现为“已拒绝”）" in reply.plain and "没有保存" in reply.plain
    assert f"#{target.id}" in reply.plain and [b.text for b in reply.button_list()] == ["↩️ 撤销拒绝"]
    assert questions(session)[target.id].stem == target.stem


async def test_f62_a_sheet_edit_of_an_answered_question_makes_a_revision_and_says_so(
        study: OfflineSession) -> None:
    await join_with_member(study)
    await study.send(MEMBER, "/quiz")
    _, asked = current(study, MEMBER)
    await answer(study, MEMBER, right=False)
    with db_of(study).session() as s:
        given = s.exec(select(QuizAnswer).where(QuizAnswer.question_id == asked.id)).one()
        assert given.revision == 1

    workbook = load_workbook(io.BytesIO((await study.send(SECRETARY_ID, "/bank"))[0].file_bytes or b""))
    sheet = workbook.active
    sheet.cell(rows_of(sheet)[asked.qkey], EXPLANATION_COL).value = asked.explanation + "（支部补充）"
    summary = (await study.upload(SECRETARY_ID, "题库.xlsx", saved(workbook)))[0].plain
    assert "修改 1 题" in summary and "改出了新版本" in summary
    assert f"#{asked.id}「{asked.stem[:10]}" in summary and "第 2 版（原版本已有 1 次作答）" in summary

    now = questions(study)[asked.id]
    assert now.revision == 2 and now.status == QuestionStatus.PUBLISHED
    assert now.explanation.endswith("（支部补充）")
    with db_of(study).session() as s:
        kept = s.exec(select(QuestionRevision).where(QuestionRevision.question_id == asked.id)).one()
        assert kept.revision == 1 and kept.explanation == asked.explanation  # what the member was shown
        assert s.exec(select(QuizAnswer).where(QuizAnswer.question_id == asked.id)).one().revision == 1
    assert "🔁 第2版" in render_card(TEXTS, "zh", now) and "🔁" not in render_card(TEXTS, "zh", asked)

    # the member meets it again: that answer is to revision 2, the first still to revision 1
    for _ in range(20):
        study.clock.advance(timedelta(days=1))
        await study.send(MEMBER, "/quiz")
        await finish_quiz(study, MEMBER)
        with db_of(study).session() as s:
            given_to = sorted(a.revision for a in s.exec(select(QuizAnswer).where(QuizAnswer.question_id == asked.id)))
        if len(given_to) > 1:
            break
    assert given_to == [1, 2]


async def test_f12_an_alternative_typed_into_the_sheet_is_accepted_when_a_member_types_it(
        study: OfflineSession) -> None:
    """The sheet's answer cell gets an alternative spelling (the answer with the stop a phone adds); before,
    verification compared it more strictly than grading and refused the row, so the question was never
    published; now the row is applied and the member who types that spelling is right."""
    await join_with_member(study, publish=False)
    workbook = load_workbook(io.BytesIO((await study.send(SECRETARY_ID, "/bank"))[0].file_bytes or b""))
    sheet = workbook.active
    fill = next(q for q in questions(study).values() if q.qtype == "fill" and q.status == QuestionStatus.DRAFT)
    row = rows_of(sheet)[fill.qkey]
    alternative = f"“{fill.answer[0]}”。"
    sheet.cell(row, ANSWER_COL).value = "|".join([*fill.answer, alternative])
    sheet.cell(row, STATUS_COL).value = "已发布"
    summary = (await study.upload(SECRETARY_ID, "题库.xlsx", saved(workbook)))[0].plain
    assert "修改 1 题" in summary and "发布 1 题" in summary and "未导入" not in summary, summary
    assert questions(study)[fill.id].answer[-1] == alternative

    await study.send(MEMBER, "/quiz")
    assert current(study, MEMBER)[1].id == fill.id  # the one published question
    replies = await study.send(MEMBER, alternative)
    assert "回答正确" in replies[0].plain


async def test_f62_a_question_revised_while_a_member_looks_at_it_is_graded_as_they_saw_it(
        study: OfflineSession) -> None:
    """The member has a 单选 on screen; the secretary reorders its options meanwhile.  The member's tap on the
    option that was right on their screen is right, explained with that wording, and recorded to revision 1."""
    await join_with_member(study)
    await study.send(MEMBER, "/quiz")
    for _ in range(30):
        _, asked = current(study, MEMBER)
        if asked.qtype == "single":
            break
        await answer(study, MEMBER, right=True)
    else:
        raise AssertionError("no 单选 in the quiz")
    right = asked.options.index(asked.answer[0])
    reordered = (*asked.options[1:], asked.options[0])  # rotated: every option moves
    assert reordered.index(asked.answer[0]) != right
    study.clock.advance(timedelta(seconds=30))
    with db_of(study).session() as s:
        secretary = s.exec(select(Member).where(Member.tg_user_id == SECRETARY_ID)).one()
        report = bank_import.apply_edits(session=s, actor=secretary, branch_id=asked.branch_id, now=study.clock.now(),
                                         edits=[BankEdit(row=2, qkey=asked.qkey, options=reordered)])
        assert [r.revision for r in report.revised] == [2]
    replies = await study.press(MEMBER, right + 1)
    assert any("回答正确" in m.plain for m in replies)
    with db_of(study).session() as s:
        given = s.exec(select(QuizAnswer).where(QuizAnswer.question_id == asked.id)).one()
    assert (given.correct, given.revision, given.chosen) == (True, 1, [asked.answer[0]])
