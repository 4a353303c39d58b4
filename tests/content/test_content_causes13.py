"""Round 13: the causes a third independent examiner found in the bank of 7 (``_prompts/examiner_findings.md``).

    causes 1–3   a false "其中包括“X”" on a list left open by 等, with an X its own document writes, and a lead-in
                 hiding the list behind "……" (Q7, 真督实导: ambiguous) — ``formulas.membership_refusal``
    cause 4      "其中包括" was only ever false: a closed named list's patterned item is asked true beside its
                 patterned false twin, and each list is asked one way, alternating by hash order
                 (``formulas.patterned_twins``, ``formulas.one_polarity``)
    cause 5      every 多选 keyed all but two: the wrong-option count is spread over the bank (``wrongcount``)
    cause 7      two meeting-date 单选 offered each other's keys (``dayapart``)

Each test fails on the code before round 13 (the functions did not exist, or the shipped banks showed the cue).
"""

from __future__ import annotations

import re

import pytest

from content.model import Corpus, Question
from content.pipeline import DEFAULT_MATERIALS, build_corpus
from content.questions.importance import CENTRAL
from content.questions.slots import Candidate

NOTICE = "中共中央办公厅印发《关于在全党开展树立和践行正确政绩观学习教育的通知》"
FIVE = "在浙江工作期间，习近平将党员干部在政绩观上出现的偏差，概括为“五重五轻”"
FIVE_LINE = FIVE + "——一是重始轻终。二是重短轻长。三是重显轻隐。四是重易轻难。五是重局部轻全局。"
HEAVY = "重始轻终、重局部轻全局、重易轻难、重显轻隐、重短轻长"
ARRANGED = "认真落实学习研讨、查摆问题、整改整治、建章立制、开门教育等工作安排。"
# 001's central meeting, a paragraph of the Notice's own compilation
MEETING = "要压实工作责任，坚持分类指导，强化真督实导，注重宣传引导。"
TF = ("正确", "错误")


def _member(stem: str, truth: bool, group: str, sentence: str, qid: str = "q-t") -> Candidate:
    answer = "正确" if truth else "错误"
    q = Question(qid, "truefalse", stem, TF, (answer,), f"{answer}。", "d#0", NOTICE, sentence)
    return Candidate(q, group, "item", truth=truth, group=group, tier=CENTRAL, doc_tier=CENTRAL)


def test_a_false_membership_on_an_open_list_or_with_a_foil_of_its_own_document_is_refused() -> None:
    from content.questions.formulas import formula_refusal, membership_refusal  # round 13

    named = _member(f"{FIVE}，其中包括“重速度轻质量”。", False, HEAVY, FIVE_LINE)
    assert membership_refusal(named, own=FIVE_LINE + "\n" + ARRANGED) is None  # closed, named, a foil from 004
    # the list stated, open with 等: 等 admits the item
    spelled = _member("《通知》强调，认真落实学习研讨、查摆问题等工作安排，其中包括“真督实导”。", False, "x", ARRANGED)
    assert membership_refusal(spelled) == "a false 其中包括 on a list left open with 等: 等 admits the item"
    # the examiner's Q7 as built: its lead-in hides the list, whatever else
    q7 = _member("《通知》强调，认真落实……等工作安排，其中包括“真督实导”。", False, "x", ARRANGED)
    assert membership_refusal(q7) == "a membership whose lead-in hides its list behind ……: a 多选 asks it"
    assert formula_refusal(q7) is not None
    # a closed named list whose foil the same file writes elsewhere (the central meeting beside the Notice)
    home = _member(f"{FIVE}，其中包括“真督实导”。", False, HEAVY, FIVE_LINE)
    assert membership_refusal(home, own=FIVE_LINE) is None
    assert membership_refusal(home, own=FIVE_LINE + "\n" + MEETING) == (
        "a false 其中包括 whose item its own document writes: a member defends it")
    # a true member of a named list is not touched by these rules
    assert membership_refusal(_member(f"{FIVE}，其中包括“重易轻难”。", True, HEAVY, FIVE_LINE), FIVE_LINE) is None


def test_a_patterned_true_member_stands_beside_a_patterned_false_twin() -> None:
    from content.questions.formulas import formula_refusal, patterned_twins  # round 13

    true = _member(f"{FIVE}，其中包括“重易轻难”。", True, HEAVY, FIVE_LINE)
    false = _member(f"{FIVE}，其中包括“重速度轻质量”。", False, HEAVY, FIVE_LINE, qid="q-f")
    alone = "a true 其中包括 whose item has the list's own pattern: any such item is affirmed"
    assert formula_refusal(true) == alone  # no twin: the pattern affirms it, as before
    assert patterned_twins([true, false]) == {HEAVY}
    assert formula_refusal(true, twinned={HEAVY}) is None
    assert formula_refusal(true, twinned={"another list"}) == alone
    # a false twin without the pattern does not make one
    plain = _member(f"{FIVE}，其中包括“脱离实际”。", False, HEAVY, FIVE_LINE, qid="q-p")
    assert patterned_twins([true, plain]) == set()


def test_each_list_is_asked_one_way_alternating_over_lists() -> None:
    from content.questions.formulas import one_polarity  # round 13

    lists = [f"甲{i}、乙{i}、丙{i}" for i in range(6)]
    built = []
    for i, g in enumerate(lists):
        built.append(_member(f"会议概括为“{g}”，其中包括“甲{i}”。", True, g, g, qid=f"q-t{i}"))
        built.append(_member(f"会议概括为“{g}”，其中包括“丁{i}”。", False, g, g, qid=f"q-f{i}"))
    kept = one_polarity(built)
    by_list = {c.group: c.truth for c in kept}
    assert len(kept) == len(lists) and set(by_list) == set(lists)  # one verdict per list
    assert list(by_list.values()).count(True) == list(by_list.values()).count(False) == 3
    assert one_polarity(list(reversed(built))) and {c.question.qid for c in one_polarity(built[::-1])} == {
        c.question.qid for c in kept}  # stable: the order of the candidates does not matter
    single = one_polarity(built[:2])
    assert [c.truth for c in single] == [True]  # the first list in hash order is asked true
    assert one_polarity(built[1:2]) == built[1:2]  # a list with one verdict keeps it


def test_the_shipped_bank_retires_the_ambiguous_statement_and_asks_a_true_member(published: Corpus) -> None:
    bank = [q for q in published.questions if q.enabled]
    assert "q-368429a490" not in {q.qid for q in bank}  # the examiner's Q7 (真督实导)
    judged = [q for q in bank if q.qtype == "truefalse"]
    assert judged and not any("……" in q.stem for q in judged)
    verdicts = [q.answer[0] for q in judged]
    assert "正确" in verdicts  # "always 错误" no longer scores the bank's 判断
    five = [q for q in judged if "五重五轻" in q.stem]
    assert five and five[0].answer == ("正确",)
    item = five[0].stem.rsplit("“", 1)[1].rstrip("”。")
    assert item in HEAVY.split("、") and item in five[0].sentence  # verifiable from its source line
    # nothing worth asking is lost: the Notice's 聚焦主题 principle, asked by nothing before, took the place
    assert any(q.qtype == "fill" and q.answer[0] == "聚焦主题" for q in bank)


def _multiple(qid: str, keys: int, wrong: int, origin: str = "generated") -> Question:
    options = tuple(f"键{i}" for i in range(keys)) + tuple(f"误{i}" for i in range(wrong))
    return Question(qid, "multiple", "（　）", options, options[:keys], "", "d#0", NOTICE, "…", origin=origin)


def test_the_wrong_option_count_is_spread_over_the_bank() -> None:
    from content.questions.wrongcount import allowed, varied  # round 13

    bank = [_multiple(f"q-{i:02d}", 3, 2) for i in range(6)]
    counts = [len(q.options) - len(q.answer) for q in varied(bank)]
    assert sorted(counts) == [1, 1, 1, 2, 2, 2]  # balanced, never "all but two"
    assert varied(bank) == varied(bank)  # stable
    assert allowed(_multiple("q-x", 2, 3)) == [2, 3]  # one wrong only beside three keys or more
    assert allowed(_multiple("q-x", 4, 3)) == [1, 2, 3]
    three = [_multiple(f"q-{i:02d}", 4, 3) for i in range(6)]
    assert sorted(len(q.options) - 4 for q in varied(three)) == [1, 1, 2, 2, 3, 3]
    for q, was in zip(varied(three), three, strict=True):  # only cut: keys and their order kept
        assert q.answer == was.answer and set(q.options) <= set(was.options)
    curated = [_multiple("q-c", 3, 3, origin="curated")]
    assert varied(curated) == curated


@pytest.fixture(scope="module")
def example() -> Corpus:
    return build_corpus(DEFAULT_MATERIALS, own_bodies=("学校",))


def test_the_shipped_banks_no_longer_leave_out_exactly_two(published: Corpus, example: Corpus) -> None:
    for corpus in (published, example):
        multiples = [q for q in corpus.questions if q.enabled and q.qtype == "multiple"]
        wrong = {len(q.options) - len(q.answer) for q in multiples}
        assert len(multiples) >= 2 and len(wrong) >= 2, [(q.qid, len(q.options), len(q.answer)) for q in multiples]


def test_meeting_date_questions_do_not_offer_each_other_s_keys(example: Corpus) -> None:
    from content.questions.dayapart import apart, date_question  # round 13

    def day(qid: str, key: str, *others: str) -> Question:
        return Question(qid, "single", "哪一天？", (key, *others), (key,), "", "d#0", NOTICE, "…")

    centre = day("q-a", "2月24日", "3月12日", "2月28日", "2月26日")
    school = day("q-b", "3月12日", "3月3日", "2月26日", "2月24日")
    days = {"2月24日", "2月26日", "2月28日", "3月12日", "3月3日", "3月5日", "3月6日"}
    a, b = apart([centre, school], days)
    assert "3月12日" not in a.options and "2月24日" not in b.options
    assert a.answer == centre.answer and b.answer == school.answer and len(set(a.options)) == 4
    assert set(a.options) - set(centre.options) == {"3月6日"}  # the spare day nearest the one replaced
    assert apart([centre], days) == [centre]  # alone, nothing to keep apart
    dated = [q for q in example.questions if date_question(q)]
    assert len(dated) == 2  # the example branch's bank: the centre's day and the 学校's
    keys = {q.answer[0] for q in dated}
    for q in dated:
        assert not (keys - set(q.answer)) & set(q.options), (q.qid, q.options)
        assert all(re.fullmatch(r"\d{1,2}月\d{1,2}日", o) for o in q.options)
