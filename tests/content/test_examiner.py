"""Regression tests from the independent examiner's read of the 47-question bank (examiner-1, seed 20261201).

One test per cause, each built from the examiner's own cases (ids and wordings of that bank): a wrong key from
a template speech, ambiguous fills, questions not worth asking, options that give the key away, explanations
that credit the Notice with a meeting's words.
"""

from __future__ import annotations

from content.authority import Tier, document_authority
from content.model import Block, Corpus, Document, Question
from content.questions import candidates
from content.questions.examiner import credited, fair_options, refusal, same_kind
from content.questions.importance import CENTRAL, OTHERS, OWN, TEMPLATE
from content.questions.slots import Candidate
from content.questions.variants import accepted
from content.verify import check_question

NOTICE = "中共中央办公厅印发《关于在全党开展树立和践行正确政绩观学习教育的通知》"
FIVE = "“五重五轻”，习近平曾这样给错误政绩观“画像”"
TITLES = (NOTICE, FIVE, "实干为民开新局——党中央部署启动树立和践行正确政绩观学习教育")
CENTRAL_TEXT = "创新为第一动力、协调成为内生特点、绿色成为普遍形态、开放成为必由之路、共享成为根本目的"


def cand(
    qtype: str,
    stem: str,
    answer: tuple[str, ...],
    sentence: str,
    *,
    options: tuple[str, ...] = (),
    tier: int = CENTRAL,
    kind: str = "item",
    truth: bool | None = None,
    key: str = "",
) -> Candidate:
    q = Question("q-test", qtype, stem, options, answer, "出自《x》。原文：“…”", "d#0", NOTICE, sentence)  # type: ignore[arg-type]
    return Candidate(q, key or (answer[0] if answer else ""), kind, truth=truth, tier=tier)


def refused(c: Candidate) -> str | None:
    return refusal(c, CENTRAL_TEXT, TITLES)


def bank(corpus: Corpus) -> list[Question]:
    return [q for q in corpus.questions if q.enabled]


# --- cause 1: 0 wrong — a template speech's formula that differs from the central text -----------------------


def test_a_template_formula_the_centre_words_otherwise_is_never_asked() -> None:
    """#24 q-47c94612b6: the speech's "融合为内生特点" where the centre says "协调成为内生特点"."""
    sentence = "开辟创新为第一动力、融合为内生特点、绿色为普遍形态、开放为必由之路的高质量发展路径。"
    stem = "《讲话》提出：开辟创新为第一动力、（　）、绿色为普遍形态…"
    c = cand("fill", stem, ("融合为内生特点",), sentence, tier=TEMPLATE)
    assert refused(c)
    # the same blank read in the central text is asked
    stem = "《通知》强调：创新为第一动力、（　）、绿色成为普遍形态"
    central = cand("fill", stem, ("协调成为内生特点",), CENTRAL_TEXT)
    assert refused(central) is None


def test_the_shipped_bank_has_none_of_the_wrong_or_not_worth_questions(published: Corpus) -> None:
    gone = {
        "q-47c94612b6",  # 融合为内生特点 (wrong)
        # q-39a510779d (the central leading group's meeting day) left this list with the owner's decision 2: the
        # centre's own meeting, asked among the campaign's meeting days (test_owner_decisions)
        "q-772774035a", "q-47c678dd25", "q-14d98233b4", "q-2d03e9d069", "q-2be0ced89f",
        "q-77a15261d5", "q-35f5433d8e", "q-00a2694a45", "q-0ef14f41dc", "q-941130da20", "q-cf98a99a43",
        "q-08ce47cbc9", "q-3b1e14befb", "q-65674c78b4", "q-7b9947f6c8", "q-2755fe63c2", "q-53cf732fe0",
        "q-ac065d1e97", "q-05d7fb13fe", "q-5d720303ef", "q-e65ec31951", "q-c95ba32715",
    }
    ids = {q.qid for q in bank(published)}
    assert not ids & gone, ids & gone


# --- cause 2: ambiguity — variants accepted, no open list as a 多选 ---------------------------------------


def test_fills_with_defensible_variants_accept_them() -> None:
    """#25 一体推进学查改 / 学查改一体推进; #31 (中央)巡视整改.  Another term ("巡视巡察整改", "人民至上" for 民生为大,
    "征求群众意见") is no spelling of the key: such a blank is refused as open (test_worth_causes_giveaways)."""
    assert "学查改一体推进" in accepted("一体推进学查改")
    assert accepted("听取群众意见") == ()
    assert accepted("中央巡视整改") == ("巡视整改",)
    assert accepted("民生为大") == ()
    assert accepted("聚焦主题") == ()  # no variant invented where the text has none
    sentence = "以一体推进学查改为抓手，教育引导各级党组织和党员、干部坚持实事求是、求真务实。"
    q = Question(
        "q-x", "fill", "《通知》明确：以（　）为抓手，教育引导各级党组织和党员、干部坚持实事求是、求真务实。",
        (), ("一体推进学查改", "学查改一体推进"), "出自《x》。原文：“…”", "d#0", NOTICE, sentence,
    )
    assert not [r for r in check_question(q) if r.code == "accepted_answers_differ"]
    wrong = Question(q.qid, q.qtype, q.stem, (), ("一体推进学查改", "整改整治"), q.explanation, "d#0", NOTICE, sentence)
    assert [r for r in check_question(wrong) if r.code == "accepted_answers_differ"]


def test_the_shipped_fills_carry_their_variants(published: Corpus) -> None:
    # built with its variant, though not banked: the 总要求 多选's stem shows its key (samefact.gives_away)
    built = {c.question.qid: c.question for c in candidates(published.documents)}
    assert "学查改一体推进" in built["q-89179c21dd"].answer
    for q in bank(published):
        if q.qtype == "fill" and q.answer[0] in ("听取群众意见", "中央巡视整改", "民生为大"):
            assert len(q.answer) > 1, q.answer


def test_an_open_list_is_no_multiple_choice() -> None:
    """#33 q-7b9947f6c8: "将正确政绩观贯穿到（　）等各领域" — 安全稳定 cannot be shown wrong."""
    c = cand(
        "multiple", "区委常委会会议强调：将正确政绩观贯穿到（　）等各领域，切实把思想和行动统一到党中央决策部署上来。",
        ("科技创新", "产业发展", "城市治理", "民生保障"),
        "将正确政绩观贯穿到科技创新、产业发展、城市治理、民生保障等各领域",
        options=("科技创新", "产业发展", "城市治理", "民生保障", "安全稳定", "招商引资"),
    )
    assert refused(c)


# --- cause 3: not worth — other units, meeting trivia, stock phrases, verbatim true rows ------------------


def test_the_school_report_is_another_units_not_the_branchs() -> None:
    """#11, 16, 23, 27, 39: the branch is 直属城市发展研究中心党支部; "学校召开…会议" is not its own."""
    text = "3月12日，学校召开党的建设和全面从严治党工作领导小组（扩大）会议，部署学校学习教育工作。"
    title = "学校召开党的建设和全面从严治党工作领导小组（扩大）会议"
    d = Document("s#0", "s.txt", title, (Block("paragraph", text, 0),))
    assert document_authority(d).tier == Tier.OTHER_UNITS
    assert document_authority(d, own_bodies=("学校",)).tier == Tier.PARENT  # unless the config names it
    c = cand("truefalse", "学校…会议提出：学校各级党组织要切实扛起主体责任。", ("正确",), "x", tier=OTHERS, truth=True)
    assert refused(c)


def test_meeting_dates_attendees_and_issuers_are_not_asked() -> None:
    """#17 the central meeting's day, #37 副组长（李希）, #22 哪个单位印发《通知》 (the title names it)."""
    day = cand(
        "single", "中央党的建设工作领导小组哪一天召开会议，…？", ("2月24日",),
        "中央党的建设工作领导小组2月24日召开会议，研究部署学习教育工作。", kind="date",
        options=("2月24日", "3月12日", "2月28日", "2月26日"),
    )
    who = cand(
        "single", "…副组长（　）出席会议并讲话。", ("李希",), "…副组长李希出席会议并讲话。", kind="person",
        options=("李希", "张峥嵘", "孟凡利", "黄坤明"),
    )
    issuer = cand(
        "single", "近日，哪个单位印发《关于在全党开展树立和践行正确政绩观学习教育的通知》？", ("中共中央办公厅",),
        "近日，中共中央办公厅印发《关于在全党开展树立和践行正确政绩观学习教育的通知》。", kind="body",
        options=("中共中央办公厅", "农业农村部党组", "光明区委常委会", "生态环境部党组"),
    )
    assert refused(day) and refused(who) and refused(issuer)
    own_day = cand("single", "支部哪一天召开会议？", ("3月25日",), "3月25日，党支部召开党员大会。", kind="date",
                   options=("3月25日", "3月12日", "3月18日", "3月20日"), tier=OWN)
    assert refused(own_day) is None  # the branch's own meeting is its business


def test_blanks_the_stem_title_series_or_a_stock_phrase_answers() -> None:
    """#8 the key in the attribution, #32 the title's 五重五轻, #14 学查改 → 实改, #3 最大, #26 第一责任人,
    #6 significance chain, #19 立党为公、执政为民……, #5 结合不同…实际 → 分类指导."""
    cases = [
        (
            "single",
            "中央党的建设工作领导小组会议指出：学习教育在党中央领导下进行，（　）抓好统筹协调。",
            "中央党的建设工作领导小组",
        ),
        ("fill", "在浙江工作期间，习近平将党员干部在政绩观上出现的偏差，概括为“（　）”。", "五重五轻"),
        ("fill", "中央党的建设工作领导小组会议强调：坚持学查改一体推进，在深学、真查、（　）上下功夫见成效。", "实改"),
        ("fill", "为民造福，是（　）的政绩。", "最大"),
        ("fill", "《通知》要求：党委（党组）主要负责同志要履行好（　）责任。", "第一责任人"),
        ("fill", "会议指出：学习教育是…取得决定性进展的（　），是践行党的根本宗旨的重要举措。", "必然要求"),
        ("fill", "习近平总书记明确：“政绩观问题是一个根本性问题，关乎（　）、执政为民”……", "立党为公"),
        ("fill", "《通知》要求：结合不同层级、地区、领域、行业实际，加强（　）。", "分类指导"),
    ]
    for qtype, stem, key in cases:
        options = (key, "甲乙丙丁") if qtype == "single" else ()
        c = cand(qtype, stem, (key,), stem.replace("（　）", key), options=options)
        assert refused(c), stem
    fine = cand("fill", "《通知》强调：做好（　），深入查找现行制度机制中不符合正确政绩观的规定。", ("建章立制",), "")
    assert refused(fine) is None


def test_a_true_row_of_work_style_phrases_is_no_claim() -> None:
    """#20 q-00a2694a45: "要压实工作责任，坚持分类指导，强化真督实导，注重宣传引导…" (true): the default guess."""
    row = (
        "中央党的建设工作领导小组会议指出：要压实工作责任，坚持分类指导，强化真督实导，注重宣传引导，"
        "统筹抓好学习教育和中心工作，高质量完成各项任务。"
    )
    assert refused(cand("truefalse", row, ("正确",), row, truth=True))
    claim = "中央党的建设工作领导小组会议强调：省市县乡领导班子换届工作要认真落实学习教育有关要求。"
    assert refused(cand("truefalse", claim, ("正确",), claim, truth=True)) is None


# --- cause 4: give-aways — the key's kind, length band and shape ------------------------------------------


def test_options_keep_the_keys_length_and_shape() -> None:
    """#15 long titles against 6-character distractors; #34 重速度轻质量 the only 2+2 form beside 1+1 keys."""
    long_keys = (
        "习近平总书记关于树立和践行正确政绩观的重要论述",
        "习近平总书记关于本地区本部门本领域的重要讲话和重要指示精神",
    )
    assert not fair_options((*long_keys, "党章党规党纪", "先进典型事迹"), long_keys)
    one = ("重始轻终", "重短轻长", "重显轻隐", "重易轻难")
    assert not fair_options((*one, "重速度轻质量"), one)
    mixed = ("重始轻终", "重显轻隐", "重易轻难", "重局部轻全局")
    assert fair_options((*mixed, "重速度轻质量"), mixed)


def test_options_of_another_kind_give_the_key_away() -> None:
    """#7 ways of finding problems against study formats; #12 建章立制 against the noun 经济指标."""
    assert not same_kind(("了解群众反映", "讲授专题党课", "邀请专家辅导", "举办专题读书班"), ("了解群众反映",))
    assert not same_kind(("建章立制", "统筹推进", "经济指标", "务求实效"), ("建章立制",))
    assert same_kind(("建章立制", "宣传引导", "真督实导", "分类指导"), ("建章立制",))


def test_the_shipped_five_heavy_five_light_options_share_the_keys_shapes(generated: Corpus) -> None:
    for q in bank(generated):
        if q.qtype == "multiple" and "五重五轻" in q.stem:
            assert fair_options(q.options, q.answer), q.options


def test_the_hand_written_focus_question_has_options_of_one_length(published: Corpus) -> None:
    """#28 q-7273d830ec: the key was 2–3x longer than the others and the only one with a qualifier.  Withdrawn
    since content12 (a give-away by habit); its last options, the key at each rank, are of one length."""
    assert not any(q.qid == "q-7273d830ec" for q in bank(published))
    key = "县处级以上领导班子和领导干部特别是“一把手”"
    options = tuple(key.replace("县处级", r) for r in ("乡科级", "县处级", "厅局级", "省部级"))
    assert fair_options(options, (key,)), options


# --- cause 5: explanations say which body said the sentence ------------------------------------------------


def test_a_meetings_words_are_credited_to_the_meeting() -> None:
    """Ten explanations said "出自《…通知》" for sentences of the central leading group's meeting or 光明区委."""
    said = credited(
        "出自《关于在全党开展树立和践行正确政绩观学习教育的通知》。原文：“学习教育在党中央领导下进行。”",
        "中央党的建设工作领导小组会议指出：学习教育在党中央领导下进行，（　）抓好统筹协调。",
        "树立和践行正确政绩观学习教育资料汇编",
    )
    assert said.startswith("出自中央党的建设工作领导小组会议（载《树立和践行正确政绩观学习教育资料汇编》）。原文：")
    notice = "出自《关于在全党开展树立和践行正确政绩观学习教育的通知》。原文：“…”"
    assert credited(notice, "《通知》强调：要坚持（　）。") == notice  # the Notice's own words stay the Notice's
    web = credited("出自《实干为民开新局》。原文：“…”", "习近平总书记强调：“…（　）…”", "上海基层党建微信公众号")
    assert "微信" not in web and "《实干为民开新局》" in web


def test_no_shipped_explanation_credits_the_notice_with_a_meetings_words(published: Corpus) -> None:
    for q in bank(published):
        if "会议" in q.stem.split("：", 1)[0]:
            assert "出自《关于" not in q.explanation, q.explanation


def test_exported_source_sentence_has_no_glued_heading() -> None:
    from content.export import shown_sentence

    assert shown_sentence("中央党的建设工作领导小组会议精神\n要压实工作责任。") == "要压实工作责任。"
    listed = "概括为“五重五轻”——\n一是重始轻终。\n二是重短轻长。"
    assert shown_sentence(listed) == "概括为“五重五轻”—— 一是重始轻终。 二是重短轻长。"


def test_a_district_meeting_is_named_by_its_body_and_titles_are_never_cut() -> None:
    """#33 said "区委" with no name; the university report's title was cut to 《…工作领导小组》."""
    from content.questions.attribution import meeting
    from content.questions.text import short_title

    first = ["3月5日，光明区委常委会召开会议，认真学习贯彻习近平总书记关于树立和践行正确政绩观的重要论述。"]
    assert meeting("区委常委会有关会议精神", first, "t")[0] == "光明区委常委会会议"  # type: ignore[index]
    school = "学校召开党的建设和全面从严治党工作领导小组（扩大）会议，部署树立和践行正确政绩观学习教育工作"
    assert short_title(school) == "学校召开党的建设和全面从严治党工作领导小组（扩大）会议"


def test_a_speech_studied_alone_keeps_its_questions_and_beside_the_centre_loses_its_variant() -> None:
    """Without central texts a template's blank cannot be checked, so it stands; beside them it must match."""
    sentence = "开辟创新为第一动力、融合为内生特点、绿色为普遍形态、开放为必由之路的高质量发展路径。"
    stem = "《讲话》提出：开辟创新为第一动力、（　）、绿色为普遍形态…"
    c = cand("fill", stem, ("融合为内生特点",), sentence, tier=TEMPLATE)
    assert refusal(c, "", TITLES) is None
    assert refusal(c, CENTRAL_TEXT, TITLES)
