"""Regression cases from a strict examiner's verdicts on a 15-question bank (bank-final): each cause it named,
read from its real question, and the published bank without those questions."""

from __future__ import annotations

from content.model import Corpus, Question
from content.questions.giveaways import copied
from content.questions.requirements import (
    LISTED,
    asks_listed,
    level_phrase,
    no_requirement,
    refusal,
    sibling_ending,
    twins,
)
from content.questions.samefact import items_of, mutual
from content.questions.slots import Candidate

NOTICE = "中共中央办公厅印发《关于在全党开展树立和践行正确政绩观学习教育的通知》"
HEAVY = (
    "在浙江工作期间，习近平将党员干部在政绩观上出现的偏差，概括为“五重五轻”—— 一是重始轻终。 二是重短轻长。 "
    "三是重显轻隐。 四是重易轻难。 五是重局部轻全局。"
)
HEAVY_LIST = "重始轻终、重局部轻全局、重易轻难、重显轻隐、重短轻长"
ARRANGEMENTS = (
    "《通知》强调，学习教育要坚持聚焦主题、简约务实，不分批次、不划阶段，认真落实学习研讨、查摆问题、"
    "整改整治、建章立制、开门教育等工作安排。"
)
WORK_LIST = "学习研讨、建章立制、开门教育、整改整治、查摆问题"
MEETING_ROW = (
    "要压实工作责任，坚持分类指导，强化真督实导，注重宣传引导，统筹抓好学习教育和中心工作，高质量完成各项任务。"
)


def cand(
    qid: str,
    qtype: str,
    stem: str,
    answer: tuple[str, ...],
    *,
    options: tuple[str, ...] = (),
    sentence: str = ARRANGEMENTS,
    kind: str = "item",
    group: str = "",
    truth: bool | None = None,
) -> Candidate:
    question = Question(qid, qtype, stem, options, answer, "出自《通知》。", "d#0", NOTICE, sentence)  # type: ignore[arg-type]
    return Candidate(question, key=answer[0], kind=kind, truth=truth, group=group, tier=0, doc_tier=0)


LEAD = "在浙江工作期间，习近平将党员干部在政绩观上出现的偏差，概括为“五重五轻”"
HEAVY_MULTIPLE = cand(
    "q-d690e73917",
    "multiple",
    LEAD + "。下列属于“五重五轻”的有哪些？",
    ("重易轻难", "重始轻终", "重显轻隐", "重局部轻全局"),
    options=("重易轻难", "重始轻终", "重显轻隐", "重局部轻全局", "重速度轻质量"),
    sentence=HEAVY,
    group=HEAVY_LIST,
)
HEAVY_FALSE = cand(
    "q-0c5ad3e489",
    "truefalse",
    LEAD + "，其中包括“重速度轻质量”。",
    ("错误",),
    sentence=HEAVY,
    group=HEAVY_LIST,
    truth=False,
)


def test_a_judgement_on_a_list_item_a_multiple_offers_is_its_twin() -> None:
    """Q3: the 判断 "…其中包括“重速度轻质量”" beside the 多选 offering 重速度轻质量: one answers the other."""
    assert twins([HEAVY_MULTIPLE, HEAVY_FALSE]) == {"q-0c5ad3e489"}
    assert twins([HEAVY_FALSE]) == set()  # alone, the 判断 stands
    other = cand(
        "q-other",
        "truefalse",
        "《通知》强调：学习教育要坚持聚焦主题、简约务实。",
        ("正确",),
        group=WORK_LIST,
        truth=True,
    )
    assert twins([HEAVY_MULTIPLE, other]) == set()  # another list's 判断 is no twin
    true_item = cand(
        "q-2b2c9ef9f2",
        "truefalse",
        LEAD + "，其中包括“重短轻长”。",
        ("正确",),
        sentence=HEAVY,
        group=HEAVY_LIST,
        truth=True,
    )
    assert twins([HEAVY_MULTIPLE, true_item]) == {"q-2b2c9ef9f2"}  # not offered, yet the same recall twice


def test_a_true_judgement_must_state_a_requirement() -> None:
    """Q4 (a report's aside) and Q14 (guiding-ideology boilerplate) are refused; a requirement stays."""
    narrative = (
        "据《“五重五轻”，习近平曾这样给错误政绩观“画像”》报道：今年1月，在省部级主要领导干部专题研讨班"
        "开班式上，习近平给错误政绩观“画像”。"
    )
    guiding = "《通知》明确：深入贯彻党的二十大和二十届历次全会精神，认真落实四中全会部署。"
    assert no_requirement(narrative) and no_requirement(guiding)
    assert refusal(cand("q-c4def31e86", "truefalse", narrative, ("正确",), kind="occasion", truth=True))
    assert refusal(cand("q-df75838ff5", "truefalse", guiding, ("正确",), kind="reference", truth=True))
    assert not no_requirement(
        "中央党的建设工作领导小组会议指出：学习教育在党中央领导下进行，中央党的建设工作领导小组抓好统筹协调。"
    )
    assert not no_requirement("《通知》明确：学习教育以县处级以上领导班子和领导干部特别是“一把手”为重点。")
    # a false twin of the same boilerplate is a different question: this rule reads true ones only
    false = cand("q-f", "truefalse", guiding.replace("四中", "三中"), ("错误",), kind="reference", truth=False)
    assert refusal(false) is None


def test_a_blank_on_a_set_phrase_of_levels_is_refused() -> None:
    """Q6: "（省市县乡）领导班子换届" — anyone completes the levels."""
    stem = "中央党的建设工作领导小组会议强调：（　）领导班子换届工作要认真落实学习教育有关要求。"
    assert level_phrase("省市县乡") and level_phrase("中央和地方") and level_phrase("一二三")
    assert not level_phrase("中央巡视整改") and not level_phrase("县处级")
    assert refusal(
        cand(
            "q-0457574bcf",
            "fill",
            stem,
            ("省市县乡",),
            kind="duty",
            sentence="省市县乡领导班子换届工作要认真落实学习教育有关要求。",
        )
    )


def test_a_blank_whose_siblings_share_its_ending_is_refused() -> None:
    """Q10: 分类指导 / 真督实导 / （宣传引导） — the only option ending in 导; its options are the 工作安排."""
    stem = "中央党的建设工作领导小组会议指出：" + MEETING_ROW.replace("宣传引导", "（　）")
    assert sibling_ending(stem, "宣传引导")
    assert not sibling_ending(stem, "统筹协调")
    options = ("宣传引导", "开门教育", "建章立制", "学习研讨")
    single = cand("q-4e2204bd52", "single", stem, ("宣传引导",), options=options, kind="role", sentence=MEETING_ROW)
    assert refusal(single)
    lists = [s for s in (items_of(WORK_LIST),) if s is not None]
    elsewhere = cand(
        "q-x",
        "single",
        "《通知》强调：要注重（　），力戒形式主义。",
        ("宣传引导",),
        options=("宣传引导", "开门教育", "建章立制", "学习研讨"),
        kind="role",
    )
    assert refusal(elsewhere, lists) == "wrong options drawn from another list"
    assert refusal(elsewhere) is None  # with no list known, the options alone are no tell


def test_a_multiple_on_an_open_list_is_refused() -> None:
    """Q9: "认真落实学习研讨、…、开门教育等工作安排" — 警示教育 may be one of the 等."""
    work = ("学习研讨", "查摆问题", "整改整治", "建章立制")
    stem = "《通知》强调，学习教育要坚持聚焦主题、简约务实，认真落实（　）等工作安排。"
    listed = cand("q-18f34b68ec", "multiple", stem, work, options=("警示教育", *work), group=WORK_LIST)
    assert refusal(listed) == "a 多选 on a list the source leaves open with 等"
    # asked for what the Notice lists, 等 no longer matters: 警示教育 is surely not listed
    named = cand(
        "q-18f34b68ec",
        "multiple",
        f"{stem}{LISTED}工作安排有哪些？",
        work,
        options=("警示教育", *work),
        group=WORK_LIST,
    )
    assert refusal(named) is None
    closed = cand(
        "q-d690e73917",
        "multiple",
        HEAVY_MULTIPLE.question.stem,
        HEAVY_MULTIPLE.question.answer,
        options=HEAVY_MULTIPLE.question.options,
        sentence=HEAVY,
        group=HEAVY_LIST,
    )
    assert refusal(closed) is None  # the 五重五轻 list is closed: it stays


def test_a_generated_question_and_a_curated_one_that_give_each_other_away_keep_the_curated() -> None:
    """The 聚焦主题 blank (its stem prints 不分批次、不划阶段) beside the curated 批次 判断 (it prints 聚焦主题)."""
    fill = Question(
        "q-3995cbb892",
        "fill",
        ARRANGEMENTS.replace("坚持聚焦主题", "坚持（　）"),
        (),
        ("聚焦主题",),
        "出自《通知》。",
        "d#0",
        NOTICE,
        ARRANGEMENTS,
    )
    stem = "《通知》强调，学习教育要坚持聚焦主题、简约务实，分两批次、分三阶段。"
    batches = Question(
        "q-2d9dbdc3e3",
        "truefalse",
        stem,
        (),
        ("错误",),
        "出自《通知》。",
        "d#0",
        NOTICE,
        ARRANGEMENTS,
        origin="curated",
    )
    assert mutual([fill, batches]) == {"q-3995cbb892"}
    assert mutual([fill]) == set()


def test_the_published_bank_has_none_of_the_examiners_refused_questions(published: Corpus) -> None:
    shown = {q.qid for q in published.questions if q.enabled}
    # Q3's false 判断 on 重速度轻质量 was refused as the 多选's twin; the 多选 (one outsider) is refused since the
    # bank of 16 (test_worth_causes_bare_books), so the 判断 stands alone (``twins([HEAVY_FALSE])`` is empty)
    assert not shown & {"q-c4def31e86", "q-0457574bcf", "q-4e2204bd52", "q-df75838ff5"}
    # Q9's 工作安排 多选 is back as a question on what the Notice lists, with no speech's 警示教育 (owner's decision 1)
    for q in published.questions:
        if q.qid == "q-18f34b68ec" and q.enabled:
            assert asks_listed(q.stem) and "警示教育" not in q.options
    assert "q-d690e73917" not in shown
    # round 5 asked the curated 批次 判断 true (q-86f14ff063, was the false q-2d9dbdc3e3); the bank of 11 found its
    # lead-in names no list (ambiguous), so neither is asked (test_content_causes10)
    assert {"q-a950d4c4fe", "q-89179c21dd"} <= shown and not shown & {"q-2d9dbdc3e3", "q-86f14ff063"}
    # round 4: the 统筹协调 false twin is defensible (its paragraph's next sentence gives 各级党委 the 负总责)
    assert "q-1d1eef1721" not in shown
    # the 五重五轻 fact stays asked: by the false trap, or (round 3: the bank's 判断 were all 错误) by its true
    # statement, which ``ranking.rebalanced`` trades in while 错误 holds more than 60 % of the 判断
    heavy = [q for q in published.questions if q.enabled and q.qtype == "truefalse" and "五重五轻" in q.stem]
    assert len(heavy) == 1 and ("q-0c5ad3e489" in shown or heavy[0].answer == ("正确",))
    for q in published.questions:
        if q.enabled and q.qtype == "truefalse" and q.answer == ("正确",):
            assert not no_requirement(q.stem, copied(q.stem, q.sentence)), q.stem
