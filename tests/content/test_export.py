"""JSON, Excel (there and back) and Markdown exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from content.export import HEADER, SheetError, edits_as_fixes, from_xlsx, to_json, to_markdown, to_xlsx
from content.model import Question

BANK = [
    Question(
        "q-00000000a1",
        "single",
        "（　），会议召开。",
        ("2月24日", "2月26日", "3月5日"),
        ("2月26日",),
        "原文：“2月26日，会议召开。”",
        "d#0",
        "文件",
        "2月26日，会议召开。",
    ),
    Question(
        "q-00000000a2",
        "multiple",
        "以（　）为总要求",
        ("立党为公", "开门教育", "为民造福"),
        ("立党为公", "为民造福"),
        "原文",
        "d#0",
        "文件",
        "以立党为公、为民造福为总要求",
    ),
    Question(
        "q-00000000a3", "truefalse", "会议召开。", ("正确", "错误"), ("正确",), "正确。", "d#0", "文件", "会议召开。"
    ),
    Question("q-00000000a4", "fill", "等（　）方面", (), ("8个", "８个"), "原文", "d#0", "文件", "等8个方面"),
]


def test_json_records() -> None:
    data = json.loads(to_json(BANK))
    assert [d["type"] for d in data] == ["single", "multiple", "truefalse", "fill"]
    assert data[1]["answer"] == ["立党为公", "为民造福"]
    assert data[0]["source"] == {"document": "文件", "sentence": "2月26日，会议召开。"}


def test_xlsx_layout_and_round_trip(tmp_path: Path) -> None:
    path = to_xlsx(BANK, tmp_path / "bank.xlsx")
    ws = load_workbook(path).active
    assert tuple(c.value for c in ws[1]) == HEADER
    assert [ws.cell(row=r, column=9).value for r in range(2, 6)] == ["B", "AC", "正确", "8个|８个"]
    assert ws.cell(row=2, column=1).value == "单选题" and ws.column_dimensions["L"].hidden
    edits = from_xlsx(path)
    assert [e.qid for e in edits] == [q.qid for q in BANK]
    assert edits[1].answer == ("立党为公", "为民造福") and edits[3].answer == ("8个", "８个")
    assert edits_as_fixes(edits, BANK) == []
    wb = load_workbook(path)
    wb.active.cell(row=2, column=2).value = "（　），党委会议召开。"
    wb.save(path)
    assert edits_as_fixes(from_xlsx(path), BANK) == [{"id": "q-00000000a1", "stem": "（　），党委会议召开。"}]


@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        (2, 9, "D", "must be letters"),
        (3, 9, "A", "at least two"),
        (4, 9, "对", "判断题"),
        (2, 1, "问答题", "题型"),
        (5, 12, "", "题目ID"),
    ],
)
def test_xlsx_errors_name_the_row(tmp_path: Path, row: int, column: int, value: str, message: str) -> None:
    path = to_xlsx(BANK, tmp_path / "bank.xlsx")
    wb = load_workbook(path)
    wb.active.cell(row=row, column=column).value = value
    wb.save(path)
    with pytest.raises(SheetError, match=message) as err:
        from_xlsx(path)
    assert err.value.row == row and f"row {row}" in str(err.value)


def test_markdown_lists_answers_and_ids() -> None:
    md = to_markdown(BANK)
    assert "## 文件" in md and "答案：B" in md and "答案：AC" in md and "q-00000000a4" in md
