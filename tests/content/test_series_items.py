"""content11 (#7, examiner round 9, cause 2): a blank on one item of a series whose claim is the whole.

The examiner judged two 填空 not worth asking, each on its real sentence below: the blank on
"（“十五五”规划编制实施）" in the Notice's open "…等相结合" list, and the blank on "（春节团拜会）" in the news
feature's "从…，到…，再到…，…在多个场合强调".  The rule (``content.questions.series``) refuses both from any
builder, and still asks a closed central list's distinctive item (the owner's decision) and an item the
sentence singles out.
"""

from __future__ import annotations

from content.model import Corpus, Question
from content.questions.importance import CENTRAL, REGIONAL, TEMPLATE
from content.questions.occasions import occasion_candidates
from content.questions.series import series_item
from content.questions.slots import Candidate, Evidence
from content.questions.text import BLANK
from content.questions.worth import refusal

NOTICE = "中共中央办公厅印发《关于在全党开展树立和践行正确政绩观学习教育的通知》"
FEATURE = "实干为民开新局——党中央部署启动树立和践行正确政绩观学习教育"
COMBINED = (
    "要坚持与中央巡视整改、深入贯彻中央八项规定精神学习教育整改、“十五五”规划编制实施、生态环保督察整改等相结合，"
    "边查边改、立行立改，对突出问题开展集中整治，持续推动整改落实。"
)
SERIES = (
    "这段时间，从中央经济工作会议，到省部级主要领导干部学习贯彻党的二十届四中全会精神专题研讨班，再到春节团拜会，"
    "习近平总书记在多个场合强调树立和践行正确政绩观，为全党上下指明前进方向。"
)
FIND = (
    "县处级以上领导班子及其成员通过督促检查、调查研究、了解群众反映等途径，深入查找政绩观方面存在的问题，"
    "从党性上找差距、查根源、强修养。"
)
PRINCIPLES = "《通知》强调，学习教育要坚持聚焦主题、简约务实，不分批次、不划阶段。"


def _fill(stem: str, key: str, sentence: str, tier: int = CENTRAL, document: str = NOTICE) -> Candidate:
    q = Question("q-x", "fill", stem, (), (key,), "出自《通知》。", "d#0", document, sentence)
    return Candidate(q, key=key, kind="item", tier=tier, doc_tier=tier)


def _blanked(sentence: str, key: str, lead: str = "《通知》强调：", **kw: object) -> Candidate:
    return _fill(lead + sentence.replace(key, BLANK, 1), key, sentence, **kw)  # type: ignore[arg-type]


def test_an_item_of_an_open_list_closed_by_a_verb_is_refused_whichever_item() -> None:
    """Q3: "与A、B、（　）、D等相结合" — the claim is the combining; 等 before a verb leaves the list open."""
    for item in ("“十五五”规划编制实施", "中央巡视整改", "生态环保督察整改"):
        c = _blanked(COMBINED, item)
        assert series_item(c) is not None, item
        assert refusal(c) is not None, item  # the examiner's general rules refuse it, whoever built it


def test_a_station_of_a_rhetorical_series_is_refused() -> None:
    """Q11: "从A，到B，再到（　），…在多个场合强调" — the claim is the sweep; each station only illustrates it."""
    lead = "据《实干为民开新局》报道："
    for station in ("春节团拜会", "中央经济工作会议"):
        c = _blanked(SERIES, station, lead, tier=TEMPLATE, document=FEATURE)
        assert series_item(c) is not None, station
    # a 、-run that a head generalises is the same sweep: "在A、B、（　）上，…多次强调"
    swept = "在中央经济工作会议、专题研讨班、春节团拜会上，习近平总书记多次强调树立和践行正确政绩观。"
    assert series_item(_blanked(swept, "春节团拜会", lead)) is not None
    # ... and so is a list cut by "……" or given as examples
    cut = "画像：本位主义、好大喜功、弄虚作假、推脱责任……"
    assert series_item(_blanked(cut, "好大喜功", "据报道：")) is not None
    sample = "要统筹各方面工作，例如产业发展、城市治理、民生保障，做到两手抓。"
    assert series_item(_blanked(sample, "城市治理")) is not None


def test_what_the_sentence_asserts_is_still_asked() -> None:
    # the owner's decision: a central list closed by 等 and a summarising noun is the whole list, and its
    # distinctive item has one answer
    assert series_item(_blanked(FIND, "了解群众反映")) is None
    # ... but the same list below the centre is its author's sample
    assert series_item(_blanked(FIND, "了解群众反映", tier=REGIONAL)) is not None
    # a run written without 等 is the list as a whole: an item of it is part of the claim
    assert series_item(_blanked(PRINCIPLES, "聚焦主题", "")) is None
    # an item the sentence singles out is what it asserts
    singled = "要坚持与中央巡视整改等相结合，特别是与“十五五”规划编制实施相结合。"
    assert series_item(_blanked(singled, "“十五五”规划编制实施")) is None
    # a range's end, with no head generalising it, is its own claim
    ranged = "学习教育从春节假期后开始，到7月底基本结束。"
    assert series_item(_blanked(ranged, "7月底")) is None
    # a blank outside any series is untouched: the 抓手
    grip = "以一体推进学查改为抓手，教育引导各级党组织和党员、干部坚持实事求是、求真务实。"
    assert series_item(_blanked(grip, "一体推进学查改", "《通知》明确：")) is None


def test_a_multiple_whose_blank_spans_the_run_asks_the_list_and_is_left_alone() -> None:
    stem = "要坚持与（　）等相结合。"
    q = Question("q-x", "multiple", stem, ("中央巡视整改", "生态环保督察整改", "分类指导"),
                 ("中央巡视整改", "生态环保督察整改"), "出自《通知》。", "d#0", NOTICE, COMBINED)
    assert series_item(Candidate(q, key="x", kind="item", tier=CENTRAL, doc_tier=CENTRAL)) is None


def test_the_occasions_builder_no_longer_blanks_a_series() -> None:
    ev = Evidence("000#1", FEATURE, SERIES, block=10, tier=TEMPLATE, doc_tier=TEMPLATE)
    assert occasion_candidates([ev]) == []


def test_the_shipped_bank_asks_neither_and_keeps_the_closed_lists_decision(generated: Corpus) -> None:
    answers = {q.answer[0] for q in generated.questions if q.qtype in ("fill", "single")}
    assert "“十五五”规划编制实施" not in answers and "春节团拜会" not in answers
    assert not any("在多个场合强调" in q.stem or "等相结合" in q.stem for q in generated.questions)
    # every blank the bank still asks passes the rule
    for q in generated.questions:
        c = Candidate(q, key=q.answer[0], kind="item", tier=CENTRAL, doc_tier=CENTRAL)
        assert series_item(c) is None, q.stem
