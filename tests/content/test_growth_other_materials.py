"""content9 (#7): questions from the materials beside the Notice — each test from a real case of the shipped ones.

The news feature 实干为民开新局 names the occasions Xi stressed 政绩观 on: "从中央经济工作会议，到省部级主要领导干部
学习贯彻党的二十届四中全会精神专题研讨班，再到春节团拜会".  The series was refused whole because the study
session's theme names the plenary session another blank asks; its theme is now elided from the stem instead.
"""

from __future__ import annotations

from content.model import Corpus
from content.questions.importance import TEMPLATE
from content.questions.occasions import occasion_candidates
from content.questions.slots import Evidence
from content.verify import check_question

_FEATURE = "实干为民开新局——党中央部署启动树立和践行正确政绩观学习教育"
_SERIES = (
    "这段时间，从中央经济工作会议，到省部级主要领导干部学习贯彻党的二十届四中全会精神专题研讨班，再到春节团拜会，"
    "习近平总书记在多个场合强调树立和践行正确政绩观，为全党上下指明前进方向。"
)


def _ev(text: str) -> Evidence:
    return Evidence("000#1", _FEATURE, text, block=10, tier=TEMPLATE, doc_tier=TEMPLATE)


def test_a_series_naming_a_session_is_asked_with_the_sessions_theme_elided() -> None:
    out = occasion_candidates([_ev(_SERIES)])
    assert {c.question.answer[0] for c in out} == {"春节团拜会", "中央经济工作会议"}
    best = max(out, key=lambda c: c.question.score)
    assert best.question.stem == (
        "据《实干为民开新局》报道：从中央经济工作会议，到省部级主要领导干部……专题研讨班，再到（　），"
        "习近平总书记在多个场合强调树立和践行正确政绩观。"
    )
    for c in out:
        assert check_question(c.question, [_SERIES]) == [], c.question.stem
    assert len({c.fact for c in out}) == 1  # one fact: the ranker keeps one


def test_the_bank_asks_the_occasions_once(generated: Corpus) -> None:
    asked = [q for q in generated.questions if "在多个场合强调" in q.stem]
    assert len(asked) == 1
    assert "四中全会" not in asked[0].stem
