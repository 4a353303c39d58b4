"""content-d (#7): where and when a leader said it — each test from a real case of the shipped materials.

The "五重五轻" article says *when* Xi portrayed wrong 政绩观 (今年1月, at the 省部级 study session) and that
"五重五轻" goes back to his Zhejiang years; the news feature 实干为民开新局 names the occasions he stressed
the theme on (中央经济工作会议 … 春节团拜会).  No question asked either before.
"""

from __future__ import annotations

from dataclasses import replace

from content.model import Corpus
from content.questions.examiner import refusal
from content.questions.importance import CENTRAL, OTHERS, REGIONAL, TEMPLATE
from content.questions.occasions import occasion_candidates
from content.questions.slots import Evidence
from content.verify import check_question

_ARTICLE = "“五重五轻”，习近平曾这样给错误政绩观“画像”"
_LEAD = "在浙江工作期间，习近平将党员干部在政绩观上出现的偏差，概括为“五重五轻”——"
_PORTRAIT = (
    "今年1月，在省部级主要领导干部专题研讨班开班式上，习近平给错误政绩观“画像”：本位主义、好大喜功、弄虚作假、推脱责任……"
)
_SERIES = (
    "这段时间，从中央经济工作会议，到省部级主要领导干部学习贯彻党的二十届四中全会精神专题研讨班，再到春节团拜会，"
    "习近平总书记在多个场合强调树立和践行正确政绩观，为全党上下指明前进方向。"
)


def _ev(text: str, tier: int = TEMPLATE, document: str = _ARTICLE, block: int = 7) -> Evidence:
    return Evidence("000#2", document, text, block=block, tier=tier, doc_tier=TEMPLATE)


def test_a_statement_is_asked_on_its_own_occasion_without_the_open_list_it_trails() -> None:
    out = occasion_candidates([_ev(_LEAD, CENTRAL, block=0), _ev(_PORTRAIT)])
    true = [c for c in out if c.truth is True]
    assert [c.question.stem for c in true] == [
        f"据《{_ARTICLE}》报道：今年1月，在省部级主要领导干部专题研讨班开班式上，习近平给错误政绩观“画像”。"
    ]
    for c in out:
        assert "…" not in c.question.stem and "本位主义" not in c.question.stem  # never a cut, never a closed list
        assert check_question(c.question, [_LEAD, _PORTRAIT]) == [], c.question.stem


def test_the_lead_of_a_list_is_never_stated_since_the_lists_own_questions_open_with_it() -> None:
    out = occasion_candidates([_ev(_LEAD, CENTRAL, block=0), _ev(_PORTRAIT)])
    assert not any("五重五轻”。" in c.question.stem or "概括为" in c.question.stem for c in out)


def test_no_false_occasion_when_the_title_says_the_claim_of_the_other_occasion_too() -> None:
    # the title calls 五重五轻 a 画像 as well: "在浙江工作期间，习近平给错误政绩观“画像”" may be read as true
    out = occasion_candidates([_ev(_LEAD, CENTRAL, block=0), _ev(_PORTRAIT)])
    assert not [c for c in out if c.truth is False]
    # under a title that does not, the other occasion of the same speaker is the natural falsehood — one swap
    plain = "错误政绩观的表现"
    out = occasion_candidates([_ev(_LEAD, CENTRAL, plain, 0), _ev(_PORTRAIT, document=plain)])
    false = [c for c in out if c.truth is False]
    assert [c.question.stem for c in false] == [f"据《{plain}》报道：在浙江工作期间，习近平给错误政绩观“画像”。"]
    assert check_question(false[0].question, [_LEAD, _PORTRAIT]) == []
    assert {c.key for c in out if c.truth is not None} == {false[0].key}  # one fact: the ranker keeps one


def test_a_series_of_occasions_gives_no_blank() -> None:
    """Asked until examiner round 9 (cause 2): "从A，到B，再到（春节团拜会），…在多个场合强调" — the claim is that he
    stressed it on many occasions, and a blank on one station asks an illustration (``series``, which refuses
    it from any builder; test_series_items).  Neither the short series nor the real one is blanked now."""
    series = (
        "从中央经济工作会议，到2月上旬，再到春节团拜会，习近平总书记在多个场合强调树立和践行正确政绩观，为全党指路。"
    )
    for text in (series, _SERIES):
        assert occasion_candidates([_ev(text, document="实干为民开新局——党中央部署启动…", block=10)]) == []


def test_other_units_accounts_of_a_leaders_words_are_not_asked() -> None:
    for tier in (REGIONAL, OTHERS):
        assert occasion_candidates([_ev(_LEAD, tier, block=0), _ev(_PORTRAIT, tier), _ev(_SERIES, tier)]) == []


def test_the_examiner_keeps_a_commentarys_occasion_but_not_its_formulas() -> None:
    central = "以立党为公、为民造福、科学决策、真抓实干为总要求"
    [occasion] = [c for c in occasion_candidates([_ev(_LEAD, CENTRAL, block=0), _ev(_PORTRAIT)]) if c.truth]
    assert refusal(occasion, central) is None
    # the template speech's own formula stays refused (its key the centre does not state)
    formula = replace(occasion, kind="item")
    assert refusal(formula, central) is not None


def test_the_bank_asks_where_and_when_and_stays_verified(generated: Corpus) -> None:
    stems = [q.stem for q in generated.questions]
    # a true copy of the occasion is a narrative aside, no requirement (bank-final Q4): the case stays, refused
    assert not any("开班式上，习近平给错误政绩观“画像”" in s for s in stems)
    # the series was asked with the session's theme elided (content9) until examiner round 9: not at all now
    assert not any(q.answer == ("春节团拜会",) or "在多个场合强调" in q.stem for q in generated.questions)
    # the session was asked here until an examiner found the latest plenary general knowledge (bank of 10): the
    # case stays, refused (test_distinctive_items)
    assert not any("四中全会" in q.answer or "五中全会" in q.stem for q in generated.questions)
    assert not any("在浙江工作期间，习近平给错误政绩观“画像”" in s for s in stems)


def test_a_statement_with_no_claim_of_its_own_is_not_placed() -> None:
    # "在开班式上，习近平讲话。" says nothing to check; and the portrait, the only occasion left, is then no
    # occasion the reader must tell from another: nothing is asked
    bare = "在开班式上，习近平讲话。"
    assert occasion_candidates([_ev(bare, CENTRAL, block=0), _ev(_PORTRAIT)]) == []
