"""Trial T15: 学习记录 rows showed only a section heading, so two parts of one section pushed on different
days read the same.  A row now names the heading and the passage's first words."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from bot.fakeapi.session import OfflineSession
from storage.models import StudyProgress, StudyUnit
from tests.bot.study_helpers import MEMBER, db_of, join, member_of, study_fixture  # noqa: F401
from tests.factories import SECRETARY_ID

HEADING = "领航定向——习近平总书记重要论述为开展学习教育指明正确方向"


def _two_parts_read(s: OfflineSession) -> None:
    """Two parts of one section, delivered to the member on two days."""
    member = member_of(s, MEMBER)
    now = s.clock.now()
    with db_of(s).session() as session:
        units = [StudyUnit(branch_id=member.branch_id, unit_key=f"t15-{n}", doc_key="t15", title="学习材料",
                           heading=HEADING, text=text, position=900 + n)
                 for n, text in enumerate(("第二部分讲的是坚持以人民为中心的发展思想。",
                                           "第三部分强调作风建设永远在路上。"))]
        session.add_all(units)
        session.flush()
        for n, unit in enumerate(units):
            assert unit.id is not None and member.id is not None
            session.add(StudyProgress(branch_id=member.branch_id, member_id=member.id, unit_id=unit.id,
                                      delivered_at=now - timedelta(days=2 - n), read_at=now - timedelta(days=2 - n)))


@pytest.mark.parametrize(("lang", "opening"), [("zh", "：「第二部分讲的是"), ("en", ": “第二部分讲的是")])
async def test_study_rows_of_one_section_can_be_told_apart(study: OfflineSession, lang: str, opening: str) -> None:
    await join(study)
    _two_parts_read(study)
    if lang == "en":
        await study.send(SECRETARY_ID, "/lang en")
    sent = (await study.send(SECRETARY_ID, "/export"))[-1]
    book = load_workbook(io.BytesIO(sent.file_bytes or b""))
    parts = [row[2] for row in book[book.sheetnames[2]].iter_rows(min_row=2, values_only=True)
             if str(row[2]).startswith(HEADING)]
    assert len(parts) == 2 and parts[0] != parts[1], parts
    assert parts[0].startswith(HEADING + opening), parts
    assert "作风建设" in parts[1], parts
