"""Adding study materials by sending a file, and listing them, through the real application.

The bot here studies one shipped file (a speech) so every rebuild after an upload stays quick; the
upload folder lives under the test's data_dir.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import docx
import pytest
from sqlmodel import col, select

from bot.fakeapi.session import OfflineSession
from bot.material_folders import MARKS_FILE
from bot.material_uploads import UPLOAD_LIMIT
from scheduler.clock import FakeClock
from storage.models import Material, Question, QuestionStatus
from tests import factories
from tests.bot.test_content_service import SPEECH
from tests.bot.test_review import MEMBER, card_id, db_of, join

TITLE = "城发中心党支部“三会一课”制度实施细则"
ARTICLES = (
    "为进一步规范支部组织生活，根据《中国共产党支部工作条例（试行）》，结合本支部实际，制定本细则。",
    "第一条 支部党员大会每季度召开1次，由支部委员会召集，支部书记主持。",
    "第二条 支部委员会会议一般每月召开1次，研究支部重要工作，必要时可以随时召开。",
    "第三条 党小组会一般每月召开1次，组织党员参加政治学习、谈心谈话、开展批评和自我批评等。",
    "第四条 党课每季度至少开展1次，支部书记每年至少为党员讲1次党课。",
    "第五条 党员应当按时参加组织生活，因故不能参加的，应当向支部书记请假，请假须说明理由。",
    "第六条 会议记录由组织委员负责，记录应当写明时间、地点、主持人、应到人数、实到人数和会议议题。",
    "第七条 本细则自2026年4月1日起施行，由支部委员会负责解释。",
)


def regulation_docx() -> bytes:
    """A small branch regulation as a secretary would write it in Word: a title and numbered articles."""
    document = docx.Document()
    document.add_heading(TITLE, level=0)
    for text in ARTICLES:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
async def session(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    shipped = factories.shipped_materials(tmp_path, SPEECH)
    settings = factories.settings(tmp_path, database={"url": db_url}, content={"materials_dir": str(shipped)})
    async with factories.offline_bot(settings, clock) as s:
        yield s


def materials(session: OfflineSession) -> list[Material]:
    with db_of(session).session() as s:
        return list(s.exec(select(Material).where(col(Material.active).is_(True)).order_by(col(Material.id))))


def questions_of(session: OfflineSession, doc_key: str) -> list[Question]:
    with db_of(session).session() as s:
        return list(s.exec(select(Question).where(Question.doc_key == doc_key)))


async def test_a_secretary_adds_a_word_regulation(session: OfflineSession, tmp_path: Path) -> None:
    await join(session)
    assert [m.file_name for m in materials(session)] == [SPEECH]
    sent = regulation_docx()  # built once: a .docx carries its creation time, so each build differs
    replies = await session.upload(factories.SECRETARY_ID, "../细则.docx", sent)
    received, added = replies
    assert "正在识别" in received.plain
    assert f"《{TITLE}》" in added.plain and "学习片段 1 段" in added.plain
    assert "单选题" in added.plain and "/review" in added.plain

    stored = tmp_path / "data" / "materials" / "csfz" / "细则.docx"
    assert stored.is_file() and stored.read_bytes() == sent
    new = next(m for m in materials(session) if m.file_name == "细则.docx")
    assert new.title == TITLE
    drafts = questions_of(session, new.doc_key)
    assert drafts and {q.status for q in drafts} == {QuestionStatus.DRAFT}
    assert f"新增待审核题目 {len(drafts)} 道" in added.plain
    assert any("1次" in q.answer or "2026年4月1日" in q.answer for q in drafts)

    listing = (await session.send(factories.SECRETARY_ID, "/materials"))[0].plain
    assert "学习材料（2 份）" in listing and f"《{TITLE}》" in listing and f"题目 {len(drafts)} 道" in listing

    again = await session.upload(factories.SECRETARY_ID, "细则副本.docx", sent)
    assert "已经添加过了（细则.docx）" in again[0].plain
    assert len(materials(session)) == 2


async def test_files_that_cannot_be_used_get_a_clear_answer(session: OfflineSession, tmp_path: Path) -> None:
    await join(session)
    picture = await session.upload(factories.SECRETARY_ID, "合影.png", b"\x89PNG\r\n")
    assert "暂不支持 .png 格式" in picture[0].plain and ".docx" in picture[0].plain
    big = await session.upload(factories.SECRETARY_ID, "大文件.pdf", bytes(UPLOAD_LIMIT + 1))
    assert "不能超过 10 MB" in big[0].plain
    english = await session.upload(factories.SECRETARY_ID, "notes.txt", b"Meeting notes, nothing in Chinese.\n")
    assert "没能在 notes.txt 中识别出学习内容" in english[-1].plain
    upload_dir = tmp_path / "data" / "materials" / "csfz"
    assert not upload_dir.exists() or not any(upload_dir.iterdir())
    assert len(materials(session)) == 1


async def test_only_secretaries_add_materials(session: OfflineSession, tmp_path: Path) -> None:
    await join(session)
    refused = await session.upload(MEMBER, "细则.docx", regulation_docx())
    assert "只有支部书记可以添加学习材料" in refused[0].plain
    assert "仅供支部书记使用" in (await session.send(MEMBER, "/materials"))[0].plain
    session.api.add_user(20002, "陌生人")
    stranger = await session.upload(20002, "细则.docx", regulation_docx())
    assert "还没有加入支部" in stranger[0].plain
    assert not (tmp_path / "data" / "materials" / "csfz").exists()


async def test_unusable_files_are_explained_in_the_secretarys_language(session: OfflineSession, tmp_path: Path) -> None:
    """Issue 6: no English library message, no temporary path, no file name said twice; old Word formats
    are asked for as .docx."""
    await join(session)
    empty = (await session.upload(factories.SECRETARY_ID, "empty.docx", b""))[-1].plain
    assert "empty.docx 是空文件" in empty
    binary = (await session.upload(factories.SECRETARY_ID, "binary.docx", b"\x00\x01 not a zip"))[-1].plain
    assert "无法打开 binary.docx" in binary and ".docx 文件" in binary
    pdf = (await session.upload(factories.SECRETARY_ID, "通知.pdf", b"%PDF-1.4 broken"))[-1].plain
    assert "无法打开 通知.pdf" in pdf
    for old in ("会议纪要.doc", "讲话.wps"):
        legacy = (await session.upload(factories.SECRETARY_ID, old, b"\xd0\xcf\x11\xe0 old office file"))[0].plain
        assert f"{old} 是旧版 Word / WPS 格式" in legacy and "另存为 .docx 后再发送" in legacy
    for text in (empty, binary, pdf):
        assert "/tmp" not in text and "zhibu-materials" not in text and "Package" not in text
        assert not any(word in text for word in ("not a readable", "binary data", "PDF ("))
    assert binary.count("binary.docx") == 1

    await session.send(factories.SECRETARY_ID, "/lang en")
    english = (await session.upload(factories.SECRETARY_ID, "broken.docx", b"PK\x03\x04 truncated"))
    assert "Received broken.docx" in english[0].plain
    assert "broken.docx could not be opened" in english[-1].plain and "/tmp" not in english[-1].plain
    upload_dir = tmp_path / "data" / "materials" / "csfz"
    assert not upload_dir.exists() or not any(upload_dir.iterdir())
    assert len(materials(session)) == 1


async def test_sentences_left_out_are_quoted_not_reported_in_english(session: OfflineSession) -> None:
    await join(session)
    unfinished = "支部党员应当认真学习党章党规，做到学思用贯通、知信行统一，并且在日常工作和生活中自觉"
    text = "\n".join([TITLE, *ARTICLES, unfinished]) + "\n"
    added = (await session.upload(factories.SECRETARY_ID, "细则.txt", text.encode()))[-1].plain
    assert f"《{TITLE}》" in added
    assert "以下 1 句不完整" in added and f"“{unfinished}”" in added
    assert "dropped" not in added and "failed verification" not in added and "«" not in added


async def test_review_after_an_upload_starts_with_the_new_material(session: OfflineSession) -> None:
    """Issue 6: /review after adding a material started at the bank's old first question."""
    await join(session)
    first_before = (await session.send(factories.SECRETARY_ID, "/review"))[-1]
    session.clock.advance(timedelta(minutes=10))
    await session.upload(factories.SECRETARY_ID, "细则.docx", regulation_docx())
    new = next(m for m in materials(session) if m.file_name == "细则.docx")
    fresh = {q.id for q in questions_of(session, new.doc_key) if q.status == QuestionStatus.DRAFT}
    assert fresh
    shown = (await session.send(factories.SECRETARY_ID, "/review"))[-1]
    assert card_id(shown) in fresh and card_id(shown) != card_id(first_before)
    seen = [card_id(shown)]
    for _ in range(len(fresh) - 1):  # 下一题 walks the new material's drafts before any other
        session.clock.advance(timedelta(seconds=11))  # a person reads each card; the flood guard counts per 10 s
        seen.append(card_id((await session.press(factories.SECRETARY_ID, 4))[0]))
    assert set(seen) == fresh


async def test_a_secretary_marks_a_material_core_or_background(session: OfflineSession, tmp_path: Path) -> None:
    """The buttons under an upload and ``/mark`` set how much a material weighs; the bank is rebuilt with it."""
    await join(session)
    added = (await session.upload(factories.SECRETARY_ID, "细则.docx", regulation_docx()))[-1]
    assert [b.text for b in added.button_list()] == ["⭐ 核心材料", "📎 背景材料", "普通"]
    new = next(m for m in materials(session) if m.file_name == "细则.docx")
    before = {q.qkey: q.score for q in questions_of(session, new.doc_key)}
    await session.press(factories.SECRETARY_ID, 2)  # background
    toast = session.api.callback_answers[max(session.api.callback_answers)]
    assert "背景材料" in (toast.get("text") or "")
    marks = tmp_path / "data" / "materials" / "csfz" / MARKS_FILE
    assert marks.is_file() and "background" in marks.read_text(encoding="utf-8")
    after = {q.qkey: q.score for q in questions_of(session, new.doc_key) if q.qkey in before}
    assert after and all(after[k] <= before[k] for k in after) and any(after[k] < before[k] for k in after)
    listing = (await session.send(factories.SECRETARY_ID, "/materials"))[0].plain
    assert "背景材料" in listing
    number = 1 + [m.file_name for m in materials(session)].index("细则.docx")
    core = (await session.send(factories.SECRETARY_ID, f"/mark {number} 核心"))[0].plain
    assert "核心材料" in core and "core" in marks.read_text(encoding="utf-8")
    assert "没有第 99 份材料" in (await session.send(factories.SECRETARY_ID, "/mark 99 核心"))[0].plain
    assert "用法" in (await session.send(factories.SECRETARY_ID, "/mark 1 重要"))[0].plain
    assert "仅供" in (await session.send(MEMBER, f"/mark {number} 背景"))[0].plain


NOTICE = ("学习体会\n\n大家认真学习了有关内容，都很有收获。\n"
          "今后我们还要继续努力，把学习成果运用到工作中去。\n")


async def test_an_upload_without_new_questions_says_so_plainly(session: OfflineSession) -> None:
    """Trial U24: "新增题目 0 道（—），已自动发布" — zero questions "published", and a dash nobody explained."""
    await join(session)
    replies = await session.upload(factories.SECRETARY_ID, "通知.txt", NOTICE.encode())
    text = replies[-1].plain
    added = [m for m in materials(session) if m.file_name == "通知.txt"]
    assert added, text
    assert questions_of(session, added[0].doc_key) == []  # the case in question: nothing drawn from it
    assert "没有生成新题目" in text and "（—）" not in text and "0 道" not in text and "/mark" in text
