"""``/mark N`` marks material N — one document — not every document its file holds (the tester's H4).

The shipped agenda file holds the branch's agenda (material 1, no text of its own) followed by the news
feature, the 五重五轻 article and the 学校's report.  Marking the agenda core used to mark the whole file and
flood the review queue with the news feature's trivia; now it marks the agenda and the bank stays as it was.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.fakeapi.session import OfflineSession
from bot.material_folders import MARKS_FILE, mark_updates
from content.authority import Mark
from scheduler.clock import FakeClock
from storage.models import Material, Question, QuestionStatus
from tests import factories
from tests.bot.test_review import db_of, join

AGENDA_FILE = "000_b0124860aecd14b5.txt"


@pytest.fixture
async def session(tmp_path: Path, clock: FakeClock, db_url: str) -> AsyncIterator[OfflineSession]:
    shipped = factories.shipped_materials(tmp_path, AGENDA_FILE)
    settings = factories.settings(tmp_path, database={"url": db_url}, content={"materials_dir": str(shipped)})
    async with factories.offline_bot(settings, clock) as s:
        yield s


def live_questions(session: OfflineSession) -> set[str]:
    with db_of(session).session() as s:
        rows = s.exec(select(Question).where(Question.status != QuestionStatus.RETIRED))
        return {q.qkey for q in rows}


def materials(session: OfflineSession) -> list[Material]:
    with db_of(session).session() as s:
        query = select(Material).where(col(Material.active).is_(True))
        query = query.order_by(col(Material.added_at), col(Material.id))
        return list(s.exec(query))


async def test_marking_the_agenda_marks_the_agenda_only(session: OfflineSession, tmp_path: Path) -> None:
    await join(session)
    listed = materials(session)
    assert len(listed) >= 2 and {m.file_name for m in listed} == {AGENDA_FILE}
    agenda = listed[0]
    assert "议程" in agenda.title
    before = live_questions(session)
    stems = {q.stem for q in _questions(session)}
    assert not [s for s in stems if "快递小哥" in s or "总开关" in s]
    reply = (await session.send(factories.SECRETARY_ID, "/mark 1 核心"))[0].plain
    assert "核心材料" in reply
    marks = json.loads((tmp_path / "data" / "materials" / "csfz" / MARKS_FILE).read_text(encoding="utf-8"))
    assert marks == {agenda.doc_key: "core"}  # the document, not its file
    assert live_questions(session) == before  # the agenda has no text: nothing to weigh, nothing added
    listing = (await session.send(factories.SECRETARY_ID, "/materials"))[0].plain
    assert listing.count("核心材料") == 1
    # marking the 学校's report (material 4) marks that one; the agenda keeps its own mark
    school = next(n for n, m in enumerate(listed, start=1) if m.title.startswith("学校召开"))
    await session.send(factories.SECRETARY_ID, f"/mark {school} 背景")
    marks = json.loads((tmp_path / "data" / "materials" / "csfz" / MARKS_FILE).read_text(encoding="utf-8"))
    assert marks == {agenda.doc_key: "core", listed[school - 1].doc_key: "background"}
    assert not [q.stem for q in _questions(session) if "快递小哥" in q.stem or "总开关" in q.stem]


def _questions(session: OfflineSession) -> list[Question]:
    with db_of(session).session() as s:
        return list(s.exec(select(Question).where(Question.status != QuestionStatus.RETIRED)))


def test_marking_one_document_of_a_file_the_file_marked_keeps_its_other_documents_marked() -> None:
    """An upload's buttons mark its whole file; ``/mark N 普通`` on one of its documents then unmarks that one."""
    keys = ["f#0", "f#1", "f#2"]
    marks = {"f.txt": Mark.CORE}
    updates = mark_updates(marks, "f.txt", keys, "f#1", None)
    assert updates == {"f#1": None, "f.txt": None, "f#0": Mark.CORE, "f#2": Mark.CORE}
    assert mark_updates({}, "f.txt", keys, None, Mark.BACKGROUND) == {
        "f.txt": Mark.BACKGROUND, "f#0": None, "f#1": None, "f#2": None,
    }
