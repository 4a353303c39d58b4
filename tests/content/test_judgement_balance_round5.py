"""Round 5 of issue #7: the 判断 balance back.

Round 4 left two 判断, both 错误, so "always 错误" scored 100 %.  The Notice's 不分批次、不划阶段 is now asked
true — a checkable claim about how the campaign is organised (earlier ones ran in batches and stages), whose
false form "分两批次、分三阶段" was asked before.  A true 判断 asks what it states, so another stem that prints
that claim affirms it: ``samefact`` now reads a true 判断's claim (its words after the subject) as the answer
a stem or a quoted source may not show, and ``untangle`` cuts it from the 工作安排 多选's stem and quotation.
"""

from __future__ import annotations

from dataclasses import replace

from content.model import Corpus, Question
from content.pipeline import DEFAULT_MATERIALS, build_corpus
from content.questions.judged import one_verdict
from content.questions.samefact import gives_away, untangle

NOTICE = "中共中央办公厅印发《关于在全党开展树立和践行正确政绩观学习教育的通知》"
TF = ("正确", "错误")
LINE = (
    "《通知》强调，学习教育要坚持聚焦主题、简约务实，不分批次、不划阶段，"
    "认真落实学习研讨、查摆问题、整改整治、建章立制、开门教育等工作安排。"
)
SAID = "《通知》强调，学习教育要坚持聚焦主题、简约务实，"
KEYS = ("学习研讨", "查摆问题", "整改整治", "建章立制")
FOCUS = "学习教育以县处级以上领导班子和领导干部特别是“一把手”为重点，于2026年春节假期后启动、7月底基本结束。"


def work(stem: str) -> Question:
    """The 工作安排 多选 as the generator builds it, its explanation quoting the whole sentence."""
    return Question(
        "q-work",
        "multiple",
        stem,
        (*KEYS, "真督实导", "分类指导"),
        KEYS,
        f"出自《通知》。原文：“{LINE}”",
        "d#0",
        NOTICE,
        LINE,
    )


def batches(truth: bool) -> Question:
    """The curated 判断 on the campaign's batches and stages, true (round 5) or false (rounds 1–4)."""
    answer = "正确" if truth else "错误"
    claim = "不分批次、不划阶段。" if truth else "分两批次、分三阶段。"
    explanation = f"{answer}。出自《通知》。原文：“{SAID}不分批次、不划阶段。”"
    return Question(
        "q-batches", "truefalse", SAID + claim, TF, (answer,), explanation, "d#0", NOTICE, LINE, origin="curated"
    )


FULL_STEM = SAID + "不分批次、不划阶段，认真落实（　）等工作安排。括号处原文列举的工作安排有哪些？"
CUT_STEM = SAID + "认真落实（　）等工作安排。括号处原文列举的工作安排有哪些？"


def test_a_stem_printing_a_true_judgements_claim_gives_it_away() -> None:
    """The 多选's stem said "不分批次、不划阶段" beside the true 判断 that asks it (the bank after the flip)."""
    assert gives_away(work(FULL_STEM), batches(truth=True))
    assert not gives_away(replace(work(CUT_STEM), explanation="出自《通知》。"), batches(truth=True))


def test_the_shared_subject_alone_does_not_affirm_it() -> None:
    """ "学习教育要坚持聚焦主题、简约务实" is said by the 多选's cut stem too: the claim is what follows it."""
    shown = Question(
        "q-x", "fill", SAID + "认真落实（　）等工作安排。", (), ("学习研讨",), "出自《通知》。", "d#0", NOTICE, LINE
    )
    assert not gives_away(shown, batches(truth=True))


def test_a_one_clause_claim_is_read_whole() -> None:
    """A true 判断 of one clause has no subject to leave out: a quotation stating all of it affirms it, one
    stating only its subject does not."""
    focus = Question(
        "q-focus",
        "truefalse",
        "《通知》指出：学习教育以县处级以上领导班子和领导干部特别是“一把手”为重点。",
        TF,
        ("正确",),
        "正确。出自《通知》。",
        "d#0",
        NOTICE,
        FOCUS,
    )
    when = Question(
        "q-when",
        "single",
        "学习教育何时启动、何时基本结束？",
        ("a", "b"),
        ("a",),
        f"出自《通知》。原文：“{FOCUS}”",
        "d#0",
        NOTICE,
        FOCUS,
    )
    assert gives_away(when, focus)
    cut = Question(
        "q-when",
        "single",
        "学习教育何时启动、何时基本结束？",
        ("a", "b"),
        ("a",),
        "出自《通知》。原文：“学习教育……于2026年春节假期后启动、7月底基本结束。”",
        "d#0",
        NOTICE,
        FOCUS,
    )
    assert not gives_away(cut, focus)


def test_untangle_cuts_the_true_claim_from_the_stem_and_the_quotation() -> None:
    cut = next(q for q in untangle([work(FULL_STEM), batches(truth=True)]) if q.qid == "q-work")
    assert cut.stem == CUT_STEM
    assert "不分批次" not in cut.explanation and "简约务实……认真落实学习研讨" in cut.explanation
    assert not gives_away(cut, batches(truth=True))


def test_a_false_judgement_is_read_as_before() -> None:
    """The false twin still leaks through the words it swapped out, not through its own (untrue) claim."""
    assert gives_away(work(FULL_STEM), batches(truth=False))
    shown = Question(
        "q-x", "fill", "《通知》要求：分两批次、分三阶段（　）。", (), ("x",), "出自《通知》。", "d#0", NOTICE, LINE
    )
    assert not gives_away(shown, batches(truth=False))


def test_the_shipped_bank_asks_the_batches_true_and_nothing_prints_it(published: Corpus) -> None:
    shown = [q for q in published.questions if q.enabled]
    true = [q for q in shown if q.qtype == "truefalse" and q.answer == ("正确",)]
    # bank of 11 (Q10): "…简约务实，其中包括“不分批次、不划阶段”" named no list (ambiguous) and is withdrawn; the true
    # 判断 is now a member of a list its lead-in names (test_content_causes10), and still nothing prints 批次
    # (content12: that true member, "其中包括“建章立制”", is refused too — a stock step; no true 判断 is left)
    assert not any("不分批次" in q.stem for q in true), [q.stem for q in true]
    others = [q for q in shown if q.qtype != "truefalse"]
    if any("批次" in q.stem for q in shown if q.qtype == "truefalse"):  # only a 批次 判断 is given away by it
        assert not any("不分批次" in q.stem or "不分批次" in q.explanation for q in others)


def test_the_example_branch_is_balanced_too() -> None:
    """With the 学校 as its own organisation (config.example.yaml) the bank had 判断 0 正确 : 2 错误 in round 4."""
    corpus = build_corpus(DEFAULT_MATERIALS, own_bodies=("学校",))
    verdicts = [q.answer[0] for q in corpus.questions if q.enabled and q.qtype == "truefalse"]
    corpus_questions = corpus.questions
    # round 13: each list's membership is asked one way, true for the first list in hash order, so the verdicts
    # differ by one at most; here the one 判断 is the 五重五轻's true member ("always 错误" no longer scores)
    assert verdicts and abs(verdicts.count("正确") - verdicts.count("错误")) <= 1, verdicts
    assert one_verdict(corpus_questions) is None, verdicts
