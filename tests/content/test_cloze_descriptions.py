"""Which description goes with which item of a numbered list: a blank on the name, statements that name it.

From the real "五重五轻" article: each item ("三是重显轻隐。") is followed by what it means.  A description that
spells its name ("“短平快”的政绩" for 重短轻长, "全局观念" for 重局部轻全局) or speaks as "我们" is not asked.
"""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import pytest

from content.dedup import DedupReport
from content.model import FALSE_TEXT, TRUE_TEXT, Document, Problem
from content.questions import candidates
from content.questions.descriptions import _distinctive, description_candidates
from content.questions.slots import Candidate
from content.questions.text import BLANK
from content.verify import check_question

LEAD = "在浙江工作期间，习近平将党员干部在政绩观上出现的偏差，概括为“五重五轻”——"
ITEMS = ("重始轻终", "重短轻长", "重显轻隐", "重易轻难", "重局部轻全局")


@pytest.fixture(scope="module")
def described(loaded: tuple[list[Document], list[Problem], DedupReport]) -> tuple[list[Candidate], list[Document]]:
    """What the builder makes of the real list, before the examiner (which refuses them all: see below)."""
    documents, _, _ = loaded
    built: list[Candidate] = []

    def spy(*args: Any, **kwargs: Any) -> list[Candidate]:
        out = description_candidates(*args, **kwargs)
        built.extend(out)
        return out

    with patch("content.questions.description_candidates", spy):
        candidates(documents)
    return built, documents


def test_a_patterned_label_is_never_asked_from_its_description(
    loaded: tuple[list[Document], list[Problem], DedupReport],
) -> None:
    """The examiner of the 36: "拈轻怕重 … 棘手的事" gives 重易轻难 away (Q3), "留名立碑，看得见、摸得着" 重显轻隐
    (Q5): a 重X轻Y name is its description's contrast in two characters, whichever builder asks it."""
    documents, _, _ = loaded
    asked = [c for c in candidates(documents) if c.key.startswith("described:") or c.key.endswith("#described")]
    assert not asked, [c.question.stem for c in asked]


def test_an_item_is_named_only_where_its_description_does_not_spell_it(
    described: tuple[list[Candidate], list[Document]],
) -> None:
    cands, _ = described
    mine = [c for c in cands if c.key.startswith("described:")]
    asked = {c.key.removeprefix("described:") for c in mine}
    assert asked == {"重显轻隐", "重易轻难"}  # 重短轻长: "短平快"; 重局部轻全局: "全局观念"; 重始轻终: "我们强调…"
    assert all(c.question.stem.startswith(LEAD + "\n") for c in mine)  # the examiner's repair makes it one line


def test_the_blank_and_the_statements_are_proven_by_the_text(
    described: tuple[list[Candidate], list[Document]],
) -> None:
    cands, documents = described
    doc = next(d for d in documents if d.title.startswith("“五重五轻”"))
    blocks = [b.text for b in doc.blocks]
    mine = [c for c in cands if c.key.startswith("described:")]
    fills = [c.question for c in mine if c.question.qtype == "fill"]
    assert {q.answer[0] for q in fills} == {"重显轻隐", "重易轻难"}
    assert all(q.stem.split("\n")[1].startswith(BLANK + "。有的干部") for q in fills)
    # no 判断: a description glosses its name, so its copy is true at sight and a sibling's name false at sight
    assert not [c for c in mine if c.question.qtype == "truefalse"]
    for c in mine:
        assert check_question(c.question, blocks) == [], c.question.stem


def test_a_false_statement_names_a_sibling_the_description_does_not_spell_either(
    described: tuple[list[Candidate], list[Document]],
) -> None:
    cands, _ = described
    unique = _distinctive(ITEMS)
    for c in cands:
        q = c.question
        if not c.key.startswith("described:") or q.answer != (FALSE_TEXT,):
            continue
        line = q.stem.split("\n")[1]
        named = next(i for i in ITEMS if line.startswith(i))  # no ordinal ("三是"): the order would tell it
        assert named != c.key.removeprefix("described:")
        assert not unique[named] & set(line[len(named) :]), q.stem  # nothing in the description points to it
        assert not unique[c.key.removeprefix("described:")] & set(line), q.stem


def test_the_descriptions_of_one_list_are_one_fact(described: tuple[list[Candidate], list[Document]]) -> None:
    cands, _ = described
    assert len({c.fact for c in cands}) == 1  # asked at most once per type, twice in all, by the ranker
    assert {c.question.answer for c in cands if c.question.qtype == "truefalse"} <= {(TRUE_TEXT,), (FALSE_TEXT,)}
