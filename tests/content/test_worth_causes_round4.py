"""The causes the independent examiner found in the bank of 14 (round 4), each refused on its real case; the
rules are generic (``content/questions/formulas.py``, ``samefact``) — none names these sentences."""

from __future__ import annotations

from content.model import Corpus, Question
from content.questions.examiner import examine
from content.questions.formulas import formula_refusal, patterned_item
from content.questions.judged import one_verdict
from content.questions.samefact import gives_away, untangle
from content.questions.slots import Candidate

NOTICE = "中共中央办公厅印发《关于在全党开展树立和践行正确政绩观学习教育的通知》"
TF = ("正确", "错误")
OPEN_DOOR = "要坚持开门教育，查摆问题听取群众意见，整改整治接受群众监督，检验成效接受群众评判；"
PORTRAIT = (
    "在浙江工作期间，习近平将党员干部在政绩观上出现的偏差，概括为“五重五轻”——\n一是重始轻终。\n二是重短轻长。\n"
    "三是重显轻隐。\n四是重易轻难。\n五是重局部轻全局。"
)
HEAVY = "重始轻终、重局部轻全局、重易轻难、重显轻隐、重短轻长"
FIRST = "党委（党组）主要负责同志要履行好第一责任人责任。"
MEETING = (
    "会议指出，学习教育在党中央领导下进行，中央党的建设工作领导小组抓好统筹协调。各级党委（党组）要对学习教育负总责。"
)
FOCUS = "学习教育以县处级以上领导班子和领导干部特别是“一把手”为重点，于2026年春节假期后启动、7月底基本结束。"
FOCUS_KEY = "县处级以上领导班子和领导干部特别是“一把手”"


def statement(
    stem: str, truth: bool, sentence: str, kind: str = "subject", fact: str = "", quote: str = ""
) -> Candidate:
    answer = "正确" if truth else "错误"
    explanation = f"{answer}。出自《通知》。原文：“{quote or sentence}”"
    q = Question("q-test", "truefalse", stem, TF, (answer,), explanation, "d#0", NOTICE, sentence)
    return Candidate(q, fact or stem, kind, truth=truth, group=fact, tier=0)


def test_a_true_pairing_is_affirmed_by_form() -> None:
    """Its only false version exchanges two partners, refused as defensible either way: nothing weighs against
    the true one, which every positive requirement resembles."""
    pairing = statement("《通知》强调：整改整治接受群众监督，检验成效接受群众评判。", True, OPEN_DOOR, "pairing")
    assert formula_refusal(pairing) is not None
    assert examine([pairing], OPEN_DOOR, ()) == []
    # the same sentence's checkable true statement of another kind is not refused by this rule
    assert formula_refusal(statement("《通知》强调：整改整治接受群众监督。", True, OPEN_DOOR, "rank")) is None


def test_a_true_member_of_a_patterned_list_is_affirmed_by_form() -> None:
    """五重五轻 → "重短轻长": any 重X轻Y reads as a member; the false twin with an outsider of the same pattern
    ("重速度轻质量") stays the question."""
    lead = "在浙江工作期间，习近平将党员干部在政绩观上出现的偏差，概括为“五重五轻”，其中包括"
    true = statement(f"{lead}“重短轻长”。", True, PORTRAIT, "item", HEAVY)
    false = statement(f"{lead}“重速度轻质量”。", False, PORTRAIT, "item", HEAVY)
    assert patterned_item("重短轻长", HEAVY) and formula_refusal(true) is not None
    assert formula_refusal(false) is None
    # a list with no shared pattern (the 工作安排) keeps its true member
    assert not patterned_item("查摆问题", "学习研讨、查摆问题、整改整治、建章立制、开门教育")


def test_a_one_person_role_handed_to_many_is_false_by_its_words() -> None:
    """ "第一" cannot hold for a whole 班子: the statement is false by its wording, not by the Notice."""
    twin = statement("《通知》要求：党委（党组）领导班子成员要履行好第一责任人责任。", False, FIRST, quote=FIRST)
    assert formula_refusal(twin) == "a false 判断 false by its words: a role one person holds given to many"
    # handing it to another single holder is a question of content, not of grammar
    other = statement("《通知》要求：党委（党组）纪检负责同志要履行好第一责任人责任。", False, FIRST, quote=FIRST)
    assert formula_refusal(other) is None


def test_a_swapped_in_holder_its_own_paragraph_names_is_defensible() -> None:
    """ "各级党委（党组）抓好统筹协调": the next sentence gives 各级党委（党组） the 负总责 — defensible, so refused;
    the same swap read from a paragraph without that sentence is not refused by this rule."""
    line = "学习教育在党中央领导下进行，中央党的建设工作领导小组抓好统筹协调。"
    twin = statement(
        "中央党的建设工作领导小组会议指出：学习教育在党中央领导下进行，各级党委（党组）抓好统筹协调。",
        False,
        line,
        quote=line,
    )
    assert formula_refusal(twin, MEETING) == "a false 判断 whose swapped-in phrase its own paragraph states: defensible"
    assert formula_refusal(twin, "会议指出，" + line) is None


def _single(qid: str, stem: str, options: tuple[str, ...], key: str, quote: str) -> Question:
    return Question(qid, "single", stem, options, (key,), f"出自《通知》。原文：“{quote}”", "d#0", NOTICE, FOCUS)


FOCUS_OPTIONS = ("全体党员特别是基层党组织书记和委员", FOCUS_KEY, "省部级以上领导干部特别是中管干部")
FOCUS_Q = _single("q-focus", "学习教育以谁为重点？", FOCUS_OPTIONS, FOCUS_KEY, FOCUS)
WHEN = "2026年春节假期后启动、7月底基本结束"
WHEN_Q = _single(
    "q-when",
    "学习教育何时启动、何时基本结束？",
    ("2026年元旦后启动、6月底基本结束", WHEN, "2026年3月启动、年底基本结束"),
    WHEN,
    FOCUS,
)


def test_an_explanation_that_quotes_another_answer_gives_it_away() -> None:
    """The focus and the dates questions quote one sentence: each one's explanation answers the other."""
    assert gives_away(FOCUS_Q, WHEN_Q) and gives_away(WHEN_Q, FOCUS_Q)
    own = _single(
        "q-focus",
        FOCUS_Q.stem,
        FOCUS_Q.options,
        FOCUS_KEY,
        "学习教育以县处级以上领导班子和领导干部特别是‘一把手’为重点……",
    )
    assert not gives_away(own, WHEN_Q)


def test_a_stem_stating_the_keys_distinctive_part_answers_a_question_form_single() -> None:
    """ "县处级以上领导班子及其成员通过…" states the part of the focus key no wrong option has."""
    ways = "县处级以上领导班子及其成员通过督促检查、调查研究、了解群众反映等途径，深入查找政绩观方面存在的问题。"
    fill = Question(
        "q-ways",
        "fill",
        ways.replace("了解群众反映", "（　）"),
        (),
        ("了解群众反映",),
        f"出自《通知》。原文：“{ways}”",
        "d#0",
        NOTICE,
        ways,
    )
    assert gives_away(fill, FOCUS_Q)
    # words every option shares ("特别是") answer nothing
    shared = Question("q-x", "fill", "特别是（　）。", (), ("基层",), "出自《通知》。", "d#0", NOTICE, "特别是基层。")
    assert not gives_away(shared, FOCUS_Q)


def test_a_stem_loses_the_subject_that_answers_another() -> None:
    """The 途径 blank keeps its place beside "以谁为重点？": its claim opens at its verb, in stem and quotation."""
    ways = "县处级以上领导班子及其成员通过督促检查、调查研究、了解群众反映等途径，深入查找政绩观方面存在的问题。"
    stem = "《通知》强调：" + ways.replace("了解群众反映", "（　）")
    fill = Question("q-ways", "fill", stem, (), ("了解群众反映",), f"出自《通知》。原文：“{ways}”", "d#0", NOTICE, ways)
    cut = next(q for q in untangle([fill, FOCUS_Q]) if q.qid == "q-ways")
    assert cut.stem == "《通知》强调：通过督促检查、调查研究、（　）等途径，深入查找政绩观方面存在的问题。"
    assert "原文：“……通过督促检查" in cut.explanation and not gives_away(cut, FOCUS_Q)


def test_an_explanation_loses_the_clause_that_answers_another() -> None:
    """The 工作安排 多选's quotation said "不分批次、不划阶段", the false 判断's answer: it is cut, marked "……"."""
    line = (
        "《通知》强调，学习教育要坚持聚焦主题、简约务实，不分批次、不划阶段，"
        "认真落实学习研讨、查摆问题、整改整治、建章立制、开门教育等工作安排。"
    )
    keys = ("学习研讨", "查摆问题", "整改整治", "建章立制")
    stem = "《通知》强调，学习教育要坚持聚焦主题、简约务实，认真落实（　）等工作安排。括号处原文列举的工作安排有哪些？"
    work = Question(
        "q-work",
        "multiple",
        stem,
        (*keys, "真督实导", "分类指导"),
        keys,
        f"出自《通知》。原文：“{line}”",
        "d#0",
        NOTICE,
        line,
    )
    said = "《通知》强调，学习教育要坚持聚焦主题、简约务实，"
    batches = Question(
        "q-batches",
        "truefalse",
        said + "分两批次、分三阶段。",
        TF,
        ("错误",),
        f"错误。出自《通知》。原文：“{said}不分批次、不划阶段。”",
        "d#0",
        NOTICE,
        line,
        origin="curated",
    )
    assert gives_away(work, batches)
    cut = next(q for q in untangle([work, batches]) if q.qid == "q-work")
    assert not gives_away(cut, batches) and "不分批次" not in cut.explanation
    assert "简约务实……认真落实学习研讨" in cut.explanation and all(k in cut.explanation for k in keys)


def test_no_two_published_questions_give_each_other_away(published: Corpus) -> None:
    """Through stems, options or explanations: in one quiz session no question answers another."""
    shown = [q for q in published.questions if q.enabled]
    pairs = [(a.qid, b.qid) for a in shown for b in shown if gives_away(a, b)]
    assert pairs == []


def test_the_judgements_are_balanced_again(published: Corpus) -> None:
    """Round 4: "always 错误" answered every 判断 of its bank (a bank-level give-away); round 5 asks 不分批次、不划阶段
    true (``tests/content/test_judgement_balance_round5.py``), so both verdicts are present, 40–60 % 正确."""
    verdicts = [q.answer[0] for q in published.questions if q.enabled and q.qtype == "truefalse"]
    corpus_questions = published.questions
    # round 13: each list's membership is asked one way, true for the first list in hash order, so the verdicts
    # differ by one at most and no bank of two or more shares one verdict
    assert verdicts and abs(verdicts.count("正确") - verdicts.count("错误")) <= 1, verdicts
    assert one_verdict(corpus_questions) is None, verdicts
