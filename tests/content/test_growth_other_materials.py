"""content9 (#7): questions from the materials beside the Notice — each test from a real case of the shipped ones.

The news feature 实干为民开新局 names the occasions Xi stressed 政绩观 on: "从中央经济工作会议，到省部级主要领导干部
学习贯彻党的二十届四中全会精神专题研讨班，再到春节团拜会".  The series was refused whole because the study
session's theme names the plenary session another blank asks; content9 elided the theme and asked it; content11
refuses it again, for its claim is the sweep, not a station (examiner round 9, cause 2).
"""

from __future__ import annotations

from content.model import Corpus
from content.questions.importance import TEMPLATE
from content.questions.occasions import occasion_candidates
from content.questions.slots import Evidence

_FEATURE = "实干为民开新局——党中央部署启动树立和践行正确政绩观学习教育"
_SERIES = (
    "这段时间，从中央经济工作会议，到省部级主要领导干部学习贯彻党的二十届四中全会精神专题研讨班，再到春节团拜会，"
    "习近平总书记在多个场合强调树立和践行正确政绩观，为全党上下指明前进方向。"
)


def _ev(text: str) -> Evidence:
    return Evidence("000#1", _FEATURE, text, block=10, tier=TEMPLATE, doc_tier=TEMPLATE)


def test_a_series_naming_a_session_is_not_asked() -> None:
    """Asked with the session's theme elided until examiner round 9 found a blank on one station of a rhetorical
    series not worth asking (its claim is the sweep, "在多个场合强调"; test_series_items)."""
    assert occasion_candidates([_ev(_SERIES)]) == []


def test_the_bank_asks_the_occasions_no_more(generated: Corpus) -> None:
    assert not [q for q in generated.questions if "在多个场合强调" in q.stem]
