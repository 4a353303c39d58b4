"""What two independent strict examiners both called a give-away (issue #7; /work/wt/_notes/examiner.md Q7,
examiner2.md Q6 and Q8), each refused by a rule, with the real case it came from:

    the scope formula  "学习教育以谁为重点？ → 县处级以上领导班子和领导干部特别是“一把手”": every recent central
                       campaign's, picked by habit.  The materials name one rank only, so no form of the rank is
                       one a guesser gets wrong: the curated 单选 is withdrawn and ``ranks`` builds nothing
    a stock true item  "《通知》强调，认真落实……等工作安排，其中包括“建章立制”。 正确": a step four documents of the
                       five materials repeat, affirmed unread (``formulas.stock_item``); the false twin with the
                       real outsider ("真督实导") stays

and how a bank left with only false 判断 is handled (``judged.one_verdict``: kept, and noted by the check).
"""

from __future__ import annotations

import pytest

from content.cli import main
from content.model import Corpus, Question
from content.questions.examiner import examine
from content.questions.formulas import STOCK_DOCUMENTS, formula_refusal, stock_item
from content.questions.importance import CENTRAL
from content.questions.judged import one_verdict
from content.questions.ranks import named_ranks, rank_candidates
from content.questions.slots import Candidate, Evidence

NOTICE = "中共中央办公厅印发《关于在全党开展树立和践行正确政绩观学习教育的通知》"
TF = ("正确", "错误")
ARRANGED = "认真落实学习研讨、查摆问题、整改整治、建章立制、开门教育等工作安排。"
ITEMS = "学习研讨、查摆问题、整改整治、建章立制、开门教育"
LEAD = "《通知》强调，认真落实……等工作安排，其中包括"
WAYS = "县处级以上领导班子及其成员通过督促检查、调查研究、了解群众反映等途径，深入查找政绩观方面存在的问题。"
# the five materials' own wording of the steps (the Notice, the news feature, the round-up, the high-tech zones)
DOCUMENTS = (
    ARRANGED + "做好建章立制，深入查找现行制度机制中不符合正确政绩观要求的规定。" + WAYS,
    "聚焦主题组织集中学习研讨，突出重点抓好问题查摆，动真碰硬抓好整改整治，源头施治抓好建章立制，深入基层抓好开门教育。",
    "刀刃向内对照查摆突出问题，动真碰硬开展整改整治，举一反三抓好建章立制。",
    "要全面抓好学习研讨、查摆问题、整改整治、建章立制、“开门”教育。要坚持分类指导。",
)
FOCUS = "学习教育以县处级以上领导班子和领导干部特别是“一把手”为重点，于2026年春节假期后启动、7月底基本结束。"


def _member(item: str, truth: bool, fact: str = ITEMS, sentence: str = ARRANGED) -> Candidate:
    answer = "正确" if truth else "错误"
    q = Question("q-t", "truefalse", f"{LEAD}“{item}”。", TF, (answer,), f"{answer}。原文：“{sentence}”", "d#0",
                 NOTICE, sentence)
    return Candidate(q, item, "item", truth=truth, group=fact, tier=CENTRAL, doc_tier=CENTRAL)


def test_a_true_membership_on_a_step_many_documents_repeat_is_refused_its_false_twin_stays() -> None:
    assert STOCK_DOCUMENTS == 3
    for step in ("学习研讨", "整改整治", "建章立制"):  # four documents write each
        assert stock_item(step, DOCUMENTS), step
        assert formula_refusal(_member(step, True), documents=DOCUMENTS) is not None, step
    # examine refuses it whoever asks, given the documents; without them nothing is counted
    assert examine([_member("建章立制", True)], ARRANGED, (), documents=DOCUMENTS) == []
    # (round 13: this form hides its list behind "……", refused whatever the count)
    hidden = "a membership whose lead-in hides its list behind ……: a 多选 asks it"
    assert formula_refusal(_member("建章立制", True)) == hidden
    # "“开门”教育" is the same step with quotes: three documents write it
    assert stock_item("开门教育", DOCUMENTS) and not stock_item("开门教育", DOCUMENTS[:2])
    # the false twin with the real outsider was the question until round 13, which refuses it: its lead-in hides the
    # list behind "……" (tests/content/test_content_causes13.py)
    assert formula_refusal(_member("真督实导", False), documents=DOCUMENTS) is not None
    # an item one list names is no stock step: the 途径's 了解群众反映 stays askable true
    ways = _member("了解群众反映", True, "督促检查、调查研究、了解群众反映", WAYS)
    assert not stock_item("了解群众反映", DOCUMENTS)
    assert stock_item("了解群众反映", DOCUMENTS) is False and "……" in ways.question.stem


def _evidence(text: str) -> Evidence:
    return Evidence("d", NOTICE, text, lead="《通知》指出，经党中央同意，在全党开展学习教育。", block=3, tier=CENTRAL,
                    doc_tier=CENTRAL)


def test_a_rank_is_asked_only_where_the_materials_name_another_rank() -> None:
    # the shipped materials: 县处级 throughout — the standing scope formula of the recent campaigns
    assert rank_candidates([_evidence(FOCUS), _evidence(WAYS)]) == []
    # a rank in a name covers no one: "省部级主要领导干部专题研讨班" is no second rank
    seminar = "今年1月，在省部级主要领导干部专题研讨班开班式上，习近平给错误政绩观“画像”。"
    assert named_ranks([FOCUS, seminar]) == {"县处级"}
    assert rank_candidates([_evidence(FOCUS), _evidence(WAYS), _evidence(seminar)]) == []
    # a regulation that names two reaches: which rank goes with which requirement is something to read
    other = "厅局级以上领导干部每年至少讲一次专题党课。"
    assert named_ranks([WAYS, other]) == {"县处级", "厅局级"}
    built = rank_candidates([_evidence(WAYS), _evidence(other)])
    assert {c.truth for c in built} == {True, False}
    assert any("乡科级以上领导班子及其成员" in c.question.stem for c in built)


def test_the_shipped_bank_asks_neither_give_away(published: Corpus) -> None:
    bank = [q for q in published.questions if q.enabled]
    assert not any("以谁为重点" in q.stem for q in bank)  # the curated 单选 is withdrawn
    assert not any(r in q.stem or r in "".join(q.options) for q in bank for r in ("县处级", "乡科级"))
    statements = {q.stem: q.answer[0] for q in bank if q.qtype == "truefalse"}
    assert not any(s.endswith("其中包括“建章立制”。") for s in statements)
    assert "《通知》强调，认真落实……等工作安排，其中包括“真督实导”。" not in statements  # round 13: refused
    docs = ["\n".join(b.text for b in d.blocks) for d in published.documents]
    for stem, verdict in statements.items():  # no true membership on a step many documents repeat
        if verdict == "正确" and "其中包括“" in stem:
            assert not stock_item(stem.rsplit("“", 1)[1].rstrip("”。"), docs), stem
    # round 13: the verdicts differ by one at most (a list's membership asked true or false by its hash order)
    assert abs(list(statements.values()).count("正确") - list(statements.values()).count("错误")) <= 1


def _tf(qid: str, answer: str, enabled: bool = True) -> Question:
    return Question(qid, "truefalse", "《通知》强调：…", TF, (answer,), "", "d#0", NOTICE, "…", enabled=enabled)


def test_a_bank_with_one_verdict_is_named_and_kept(published: Corpus, cli_builds: None,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert one_verdict([_tf("a", "错误"), _tf("b", "错误")]) == ("错误", 2)
    assert one_verdict([_tf("a", "错误"), _tf("b", "正确")]) is None
    assert one_verdict([_tf("a", "错误"), _tf("b", "正确", enabled=False)]) is None  # one 判断 shown: no pattern
    assert one_verdict([_tf("a", "正确"), _tf("b", "正确"), _tf("c", "正确")]) == ("正确", 3)
    # round 13: the shipped bank has one 判断 (the 五重五轻's true member), so no pattern to name
    assert one_verdict(published.questions) is None
    assert main(["content", "check"]) == 0
    assert "NOTE all" not in capsys.readouterr().out
