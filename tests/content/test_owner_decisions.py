"""The owner's three decisions on what the examiners refused, each with its good case and the bad ones it
still refuses (real sentences of the central Notice and meeting):

    closed list     a central list closed by 等 and a summarising noun ("…开门教育等工作安排", "…等途径") is the
                    whole list: a 多选 whose wrong options are phrases the centre lists elsewhere (分类指导 /
                    真督实导 / 宣传引导), never a speech's 警示教育; with no such outsider, a blank on its
                    distinctive item ("了解群众反映") — "……", "等各领域", "等相结合" and lists below the centre
                    stay open
    central meeting the central leading group's meeting day as a 单选 among the campaign's meeting days; a
                    blank or 判断 on the day, a local meeting's day and who attended stay refused
    duties in pairs whose role a duty is, asked by the false twin that hands the role to another holder (the
                    same passage's body; a person the corpus pairs with another role); the true copy the decision
                    first allowed was a give-away to the round-2 examiner (stock formulas) and is not asked, so
                    the 40–60 % balance of 正确 no longer holds on these materials (only "no more 正确 than 错误")
"""

from __future__ import annotations

from content.model import Corpus, Question
from content.pipeline import DEFAULT_MATERIALS, build_corpus
from content.questions.closed import closed, closing_noun, distinctive, outsiders
from content.questions.duties import duty_candidates
from content.questions.examiner import KINDS, examine, refusal
from content.questions.giveaways import giveaway
from content.questions.importance import CENTRAL, REGIONAL
from content.questions.meetings import central_meeting_day, meeting_days
from content.questions.requirements import open_list
from content.questions.slots import Candidate, Evidence
from content.questions.text import BLANK

NOTICE = "中共中央办公厅印发《关于在全党开展树立和践行正确政绩观学习教育的通知》"
ARRANGED = (
    "《通知》强调，学习教育要坚持聚焦主题、简约务实，不分批次、不划阶段，认真落实学习研讨、查摆问题、整改整治、"
    "建章立制、开门教育等工作安排。"
)
ITEMS = ("学习研讨", "查摆问题", "整改整治", "建章立制", "开门教育")
FIND = (
    "县处级以上领导班子及其成员通过督促检查、调查研究、了解群众反映等途径，深入查找政绩观方面存在的问题，"
    "从党性上找差距、查根源、强修养。"
)
WAYS = ("督促检查", "调查研究", "了解群众反映")
ROW = "要压实工作责任，坚持分类指导，强化真督实导，注重宣传引导，统筹抓好学习教育和中心工作，高质量完成各项任务。"
LEAD = "结合不同层级、地区、领域、行业实际，加强分类指导。做好宣传引导，力戒形式主义。"
CENTRAL_TEXT = "\n".join((ARRANGED, FIND, LEAD, ROW))
FIELDS = "将正确政绩观贯穿到科技创新、产业发展、城市治理、民生保障等各领域，切实把思想和行动统一到党中央决策部署上来。"
COMBINED = "要坚持与中央巡视整改、“十五五”规划编制实施、生态环保督察整改等相结合，边查边改、立行立改。"
MET = (
    "中央党的建设工作领导小组2月24日召开会议，学习贯彻习近平总书记关于树立和践行正确政绩观学习教育的重要讲话和"
    "重要指示精神，研究部署树立和践行正确政绩观学习教育工作。"
)
CORPUS = "\n".join(
    (
        MET,
        "2月26日上午，省委常委会召开会议，套开省委党的建设工作领导小组会议，研究部署我省工作。",
        "2月28日，市委常委会召开会议，研究部署我市落实工作。",
        "3月12日，学校召开党的建设和全面从严治党工作领导小组（扩大）会议，部署学习教育工作。",
        "2月9日至10日，农历春节前夕，习近平总书记在北京考察，亲切慰问快递小哥。",
    )
)


def _q(qtype: str, stem: str, options: tuple[str, ...], answer: tuple[str, ...], sentence: str) -> Question:
    return Question("q-x", qtype, stem, options, answer, "出自《通知》。", "d#0", NOTICE, sentence)  # type: ignore[arg-type]


def _cand(
    q: Question, kind: str = "item", group: str = "", tier: int = CENTRAL, truth: bool | None = None
) -> Candidate:
    return Candidate(q, key=group or q.answer[0], kind=kind, truth=truth, group=group, tier=tier, doc_tier=tier)


def _arrangements(wrong: tuple[str, ...], tier: int = CENTRAL, line: str = ARRANGED) -> Candidate:
    keys = ITEMS[:4]
    stem = "《通知》强调，学习教育要坚持聚焦主题、简约务实，认真落实（　）等工作安排。"
    return _cand(_q("multiple", stem, (*keys, *wrong), keys, line), group="、".join(ITEMS), tier=tier)


def test_a_list_closed_by_a_summarising_noun_is_read_whole_a_sampled_field_is_not() -> None:
    assert closing_noun(ARRANGED, "开门教育") == "工作安排"
    assert closing_noun(FIND, "了解群众反映") == "途径"
    assert closed(ARRANGED, ITEMS, CENTRAL) and closed(FIND, WAYS, CENTRAL)
    # 等 sampling a larger field, 等 before a verb, a list cut by "……", and any list below the centre: open
    assert closing_noun(FIELDS, "民生保障") is None
    assert closing_noun("…推动科技创新、产业发展等领域取得突破。", "产业发展") is None
    assert closing_noun(COMBINED, "生态环保督察整改") is None
    assert closing_noun("对经济指标、形象面貌等趋之若鹜，", "形象面貌") is None  # an idiom, no noun
    assert closing_noun("着力破除不担当、不认真等问题。", "不认真") is None  # faults: a sample
    assert not closed("画像：本位主义、好大喜功……等工作安排。", ("本位主义", "好大喜功"), CENTRAL)
    assert not closed(ARRANGED, ITEMS, REGIONAL)


def test_a_closed_lists_wrong_options_are_what_the_centre_lists_elsewhere() -> None:
    spare = outsiders(ITEMS, ARRANGED, CENTRAL_TEXT, KINDS)
    assert set(spare) == {"分类指导", "真督实导", "宣传引导"}  # the meeting's row of how to lead, not 工作安排
    assert spare[0] == "真督实导"  # only the row names it: the surest outsider comes first
    assert outsiders(WAYS, FIND, CENTRAL_TEXT, KINDS) == []  # no other list of 途径 in the central texts
    good = _arrangements(("分类指导", "宣传引导"))
    assert not open_list(good, CENTRAL_TEXT, KINDS)
    # a speech's 警示教育 may be one of the 等 as far as a member can tell; so may anything below the centre
    assert open_list(_arrangements(("分类指导", "警示教育")), CENTRAL_TEXT, KINDS)
    assert open_list(_arrangements(("分类指导", "宣传引导"), tier=REGIONAL), CENTRAL_TEXT, KINDS)
    assert open_list(good)  # without the central texts to check against, the list stays open
    # the examiner swaps a speech's option for an outsider, and a list with no outsider keeps its refusal
    speech = CENTRAL_TEXT + "要加强警示教育。"
    built = examine([_arrangements(("警示教育", "真督实导"))], CENTRAL_TEXT, (), corpus=speech)
    assert all(set(c.question.options) - set(ITEMS) <= {"分类指导", "真督实导", "宣传引导"} for c in built)
    # ... but the outsiders all end in 导 where no 工作安排 does: any two of them are a form cue (examiner2, Q6)
    assert built == []
    ways = _cand(
        _q("multiple", FIND.replace("督促检查、调查研究、了解群众反映", BLANK), (*WAYS, "谈心谈话"), WAYS, FIND),
        group="、".join(WAYS),
    )
    assert examine([ways], CENTRAL_TEXT, (), corpus=CENTRAL_TEXT + "要开展谈心谈话。") == []


def test_a_closed_list_without_outsiders_is_asked_by_its_distinctive_item() -> None:
    assert distinctive(list(WAYS)) == "了解群众反映"
    assert distinctive(list(ITEMS)) is None  # all of one length: none stands out
    assert distinctive(["督促检查", "了解群众反映"]) is None
    group = "、".join(WAYS)
    blank = {w: "《通知》强调：" + FIND.replace(w, BLANK, 1) for w in WAYS}
    assert giveaway(_cand(_q("fill", blank["了解群众反映"], (), ("了解群众反映",), FIND), group=group)) is None
    for common in ("督促检查", "调查研究"):  # a four-character item many phrases would fill
        assert giveaway(_cand(_q("fill", blank[common], (), (common,), FIND), group=group))
    # the same blank below the centre is a sample: many items fit
    assert giveaway(_cand(_q("fill", blank["了解群众反映"], (), ("了解群众反映",), FIND), group=group, tier=REGIONAL))


def test_the_central_meetings_day_is_asked_among_the_campaigns_meeting_days() -> None:
    assert meeting_days(CORPUS) == {"2月24日", "2月26日", "2月28日", "3月12日"}  # not the visit's 2月9日
    stem = MET.replace("2月24日", "哪一天").replace("。", "？")
    single = _cand(_q("single", stem, ("2月24日", "3月12日", "2月28日", "2月26日"), ("2月24日",), MET), kind="date")
    assert central_meeting_day(single, CORPUS)
    assert refusal(single, MET, corpus=CORPUS) is None
    # a day that is no meeting of the campaign, a blank or a 判断 on the day, a meeting below the centre
    odd = _cand(_q("single", stem, ("2月24日", "2月9日", "2月28日", "2月26日"), ("2月24日",), MET), kind="date")
    fill = _cand(_q("fill", MET.replace("2月24日", BLANK), (), ("2月24日",), MET), kind="date")
    told = _cand(_q("truefalse", MET, ("正确", "错误"), ("正确",), MET), kind="date", truth=True)
    local = _cand(_q("single", stem, single.question.options, ("2月24日",), MET), kind="date", tier=REGIONAL)
    for c in (odd, fill, told, local):
        assert refusal(c, MET, corpus=CORPUS) == "a meeting's date or attendee", c.question.stem
    # who attended stays refused in the centre too
    attended = "中共中央政治局常委、中央党的建设工作领导小组副组长（　）出席会议并讲话。"
    person = _cand(_q("fill", attended, (), ("李希",), attended.replace(BLANK, "李希")), kind="person")
    assert refusal(person, MET, corpus=CORPUS) == "a meeting's date or attendee"


MEETING = "中央党的建设工作领导小组2月24日召开会议，研究部署树立和践行正确政绩观学习教育工作。"
SAID = "会议指出，学习教育在党中央领导下进行，中央党的建设工作领导小组抓好统筹协调。"
TOTAL = "各级党委（党组）要对学习教育负总责。"
GUIDE = "行业系统主管部门党委（党组）要充分发挥对本行业本系统学习教育的指导作用。"
TASK = "《通知》要求，各级党委（党组）要把开展学习教育作为重要政治任务，精心组织实施，确保取得实效。"
FIRST = "党委（党组）主要负责同志要履行好第一责任人责任。"
PAIRED = "各级党委（党组）主要负责同志要担负起第一责任人责任，领导班子成员要履行好“一岗双责”。"


def _ev(text: str, lead: str, block: int, section: tuple[str, ...], tier: int = CENTRAL) -> Evidence:
    return Evidence("d", NOTICE, text, lead=lead, block=block, tier=tier, section=section, doc_tier=tier)


def test_a_duty_is_asked_by_its_false_twin_of_another_holder_never_by_its_true_copy() -> None:
    """Round 2 of the examiner (bank of 15): the true copies "各级党委（党组）要对学习教育负总责" and "…主要负责同志
    要履行好第一责任人责任" were give-aways (stock formulas of every campaign); their false twins are the question."""
    meeting = (MEETING, SAID + TOTAL + GUIDE)
    notice = (TASK + FIRST,)
    evidences = [
        _ev(MEETING, "", 0, meeting),
        _ev(SAID, "", 1, meeting),
        _ev(TOTAL, SAID, 1, meeting),
        _ev(GUIDE, SAID, 1, meeting),
        _ev(TASK, "", 2, notice),
        _ev(FIRST, TASK, 2, notice),
        _ev(PAIRED, "", 9, ("…",), tier=3),  # another unit's report pairs the two roles
    ]
    built = {(c.truth, c.question.stem) for c in duty_candidates(evidences)}
    assert built == {
        (False, "中央党的建设工作领导小组会议指出：中央党的建设工作领导小组要对学习教育负总责。"),
        (False, "《通知》要求：党委（党组）领导班子成员要履行好第一责任人责任。"),
    }
    # no role named (重要政治任务): anyone shares it; a duty that echoes its holder (本行业本系统): no twin fits;
    # 行业系统主管部门党委 is no twin of 各级党委 (one is among the other)
    assert not any("重要政治任务" in s or "指导作用" in s or s.count("行业系统") for _, s in built)
    # without a second holder in the passage or a sentence pairing the roles, the true copy has no twin
    alone = [_ev(TASK, "", 2, notice), _ev(FIRST, TASK, 2, notice)]
    assert duty_candidates(alone) == []


def test_a_true_duty_copy_is_refused_from_its_stock_words_whoever_builds_it() -> None:
    """The examiner's Q13 and Q14 (bank of 15), as built by ``duties`` (kind subject) and as a claim."""
    stock = "a true 判断 any member affirms from its stock words"
    for stem, said in (("《通知》要求：" + FIRST, FIRST), ("中央党的建设工作领导小组会议指出：" + TOTAL, TOTAL)):
        for kind in ("subject", "duty"):
            true = _cand(_q("truefalse", stem, ("正确", "错误"), ("正确",), said), kind=kind, truth=True)
            assert refusal(true, said) == stock, (kind, stem)
    twin = "《通知》要求：党委（党组）领导班子成员要履行好第一责任人责任。"
    false = _cand(_q("truefalse", twin, ("正确", "错误"), ("错误",), FIRST), kind="subject", truth=False)
    assert refusal(false, FIRST) is None


def test_the_shipped_bank_asks_the_decisions_facts_and_keeps_the_balance(published: Corpus) -> None:
    bank = [q for q in published.questions if q.enabled]
    listed = [q for q in bank if q.qtype == "multiple" and "等工作安排" in q.stem]
    assert all(set(q.options) - set(q.answer) <= {"分类指导", "真督实导", "宣传引导"} for q in listed)
    assert listed == []  # round 7: its only central outsiders all end in 导 (examiner2, Q6; test_lists_named)
    # round 4 asked it without its subject; round 6 refuses it: its paragraph names 听取群众意见 as well
    assert not any(q.qtype == "fill" and q.answer[0] == "了解群众反映" for q in bank)
    assert any(q.qtype == "single" and q.answer == ("2月24日",) for q in bank)
    statements = {q.stem: q.answer[0] for q in bank if q.qtype == "truefalse"}
    # round 4: the false twin handing 第一责任人 to 领导班子成员 is false by its words (``formulas``)
    assert "《通知》要求：党委（党组）领导班子成员要履行好第一责任人责任。" not in statements
    assert not any(s.endswith((FIRST, TOTAL)) for s in statements)  # the true copies: give-aways
    # the 判断 balance (40–60 % 正确) is lost since round 4: test_worth_causes_round4's strict xfail


def test_a_question_that_yields_to_a_curated_one_gives_its_place_back_to_the_ranker() -> None:
    """With the example branch's own body (学校) a rebuild brought in the true 判断 on the campaign's focus, which
    then yielded to the curated "以谁为重点？": chosen, counted in the 判断 balance, and dropped after — the bank
    kept one 正确 in four.  The ranker now chooses again without it, and the balance holds in that build too."""
    corpus = build_corpus(DEFAULT_MATERIALS, own_bodies=("学校",))
    focus = [q for q in corpus.questions if q.enabled and q.qtype == "truefalse" and "为重点" in q.stem]
    assert not focus  # it yielded, and the ranker chose again (the balance: test_worth_causes_round4's xfail)
    assert not [p for p in corpus.problems if "matches no question" in p.message]
