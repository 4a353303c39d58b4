"""判断 and 填空 on what a requirement names and who it charges: references, counterparts, short duties, balance.

Each case is a real sentence of the shipped materials (the Notice, the central meeting, the "五重五轻" article),
checked through ``content.verify`` as the pipeline checks it.
"""

from __future__ import annotations

from dataclasses import replace

from content.model import FALSE_TEXT, TRUE_TEXT, Corpus, Question
from content.questions.claims import claim_candidates
from content.questions.counterparts import counterpart_candidates, counterparts, partners
from content.questions.examiner import refusal
from content.questions.halves import half_candidates
from content.questions.importance import CENTRAL, OTHERS, TEMPLATE
from content.questions.ranking import select
from content.questions.references import reference_candidates
from content.questions.slots import Candidate, Evidence
from content.questions.text import BLANK
from content.questions.variants import accepted
from content.verify import check_question

NOTICE = "中共中央办公厅印发《关于在全党开展树立和践行正确政绩观学习教育的通知》"
FIVE = "“五重五轻”，习近平曾这样给错误政绩观“画像”"
TITLES = (NOTICE, FIVE)
STUDY = (
    "要组织党员、干部深入学习习近平总书记关于树立和践行正确政绩观的重要论述，深入学习《中共中央关于制定国民经济和"
    "社会发展第十五个五年规划的建议》，深入学习习近平总书记关于本地区本部门本领域的重要讲话和重要指示精神，进一步"
    "强化立党为公、为民造福理念。"
)
GUIDE = (
    "《通知》明确，要坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻党的二十大和二十届历次全会精神，认真落实"
    "四中全会部署，全面贯彻习近平总书记关于树立和践行正确政绩观的重要论述，持之以恒推进全面从严治党。"
)
FIVE_LEAD = "在浙江工作期间，习近平将党员干部在政绩观上出现的偏差，概括为“五重五轻”——"
BOOK = "这些重要论述，收录在《干在实处 走在前列》一书中，至今仍有极强的针对性和指导性。"


def notice(text: str, block: int = 2, lead: str = "") -> Evidence:
    return Evidence("n#0", NOTICE, text, lead=lead, block=block, tier=CENTRAL, doc_tier=CENTRAL)


def by_type(cands: list[Candidate], qtype: str) -> list[Question]:
    return [c.question for c in cands if c.question.qtype == qtype]


def proven(q: Question, *blocks: str) -> None:
    assert check_question(q, list(blocks)) == [], (q.stem, check_question(q, list(blocks)))


# --- references: the plan to study, the session to carry out, the book sayings are collected in -----------------


def test_the_plan_to_study_is_asked_by_its_blank_with_its_usual_short_name() -> None:
    lead = "《通知》强调，学习教育要坚持聚焦主题、简约务实，不分批次、不划阶段。"
    cands = reference_candidates([notice(STUDY, lead=lead)], TITLES)
    (fill,) = by_type(cands, "fill")
    assert fill.stem.startswith("《通知》强调：要组织党员、干部") and "发展（　）的建议》" in fill.stem
    assert fill.answer[0] == "第十五个五年规划" and "十五五规划" in accepted(fill.answer[0])  # the name members use
    assert not by_type(cands, "truefalse")  # "深入学习…第十四个五年规划的建议" reads as advice, not a falsehood
    proven(fill, lead + STUDY)


def test_a_session_is_stated_with_the_next_one_never_with_one_the_sentence_covers() -> None:
    """ "二十届历次全会精神，认真落实四中全会部署": 三中全会 is among 历次, so only 五中全会 is plainly false."""
    cands = reference_candidates([notice(GUIDE, block=1)], TITLES)
    (fill,) = by_type(cands, "fill")
    assert fill.answer[0] == "四中全会" and "二十届历次全会精神，认真落实（　）部署" in fill.stem
    statements = {c.truth: c.question for c in cands if c.question.qtype == "truefalse"}
    assert "五中全会" in statements[False].stem and "三中全会" not in statements[False].stem
    assert statements[True].answer == (TRUE_TEXT,) and statements[False].answer == (FALSE_TEXT,)
    for q in (fill, *statements.values()):
        proven(q, GUIDE)


def test_a_book_is_asked_after_the_lead_its_sentence_points_back_to() -> None:
    """ "这些重要论述，收录在…": the stem names what "这些" is, on a line of its own as in the source."""
    ev = Evidence("f#0", FIVE, BOOK, block=6, tier=TEMPLATE, doc_tier=TEMPLATE, section=(FIVE_LEAD,))
    (fill,) = reference_candidates([ev], TITLES)
    q = fill.question
    assert q.stem == f"{FIVE_LEAD}\n这些重要论述，收录在{BLANK}一书中，至今仍有极强的针对性和指导性。"
    assert q.answer[:2] == ("干在实处 走在前列", "《干在实处 走在前列》")
    proven(q, FIVE_LEAD, BOOK)


def test_documents_of_the_corpus_and_other_units_books_are_not_asked() -> None:
    """The Notice is named in every material; a report on another unit is that unit's business."""
    named = notice("会议强调，中央办公厅已经印发《关于在全党开展树立和践行正确政绩观学习教育的通知》。")
    elsewhere = Evidence("r#0", "报道", BOOK, block=1, tier=OTHERS, doc_tier=OTHERS)
    assert reference_candidates([named, elsewhere], TITLES) == []


# --- counterparts: the term the corpus pairs with the one a requirement names --------------------------------


def test_a_requirement_is_stated_falsely_with_the_term_the_corpus_pairs_with_its_own() -> None:
    corpus = ["召开深化能力作风建设工作会议，坚决反对形式主义、官僚主义，进一步密切党群干群关系……"]
    assert counterparts(corpus)["形式主义"] == {"官僚主义"}  # "反对形式主义": the run starts inside a clause
    paragraph = "《通知》要求，各级党委（党组）要把开展学习教育作为重要政治任务。做好宣传引导，力戒形式主义。"
    lead = "《通知》要求，各级党委（党组）要把开展学习教育作为重要政治任务。"
    ev = notice("做好宣传引导，力戒形式主义。", block=3, lead=lead)
    (c,) = counterpart_candidates([(ev, paragraph)], corpus)
    assert c.question.stem == "《通知》要求：做好宣传引导，力戒官僚主义。" and c.truth is False
    proven(c.question, paragraph)


def test_no_counterpart_statement_where_the_paragraph_names_both_terms() -> None:
    corpus = ["坚决反对形式主义、官僚主义。"]
    text = "要力戒形式主义、官僚主义，减轻基层负担。"
    assert counterpart_candidates([(notice(text), text)], corpus) == []


# --- claims: who is charged with what, down to a short duty ----------------------------------------------------


def test_a_short_central_duty_is_a_true_claim() -> None:
    """ "各级党委（党组）要对学习教育负总责。": fourteen characters, a subject and its duty."""
    section = ("会议指出，学习教育在党中央领导下进行，中央党的建设工作领导小组抓好统筹协调。",)
    ev = Evidence(
        "n#0",
        NOTICE,
        "各级党委（党组）要对学习教育负总责。",
        heading="中央党的建设工作领导小组会议精神",
        lead=section[0],
        block=8,
        tier=CENTRAL,
        section=section,
        doc_tier=CENTRAL,
    )
    (c,) = claim_candidates([ev])
    assert c.question.stem.endswith("：各级党委（党组）要对学习教育负总责。") and c.truth is True


# --- the balance of true and false statements holds a statement back, it does not drop it -----------------------


def _statement(i: int, truth: bool, score: float) -> Candidate:
    stem = f"《通知》强调：第{'一二三四五六'[i]}项要求是{'甲乙丙丁戊己'[i]}乙丙丁戊己庚辛壬癸子丑寅卯{i}。"
    verdict = TRUE_TEXT if truth else FALSE_TEXT
    q = Question(f"q-{i}", "truefalse", stem, (TRUE_TEXT, FALSE_TEXT), (verdict,), "", "d#0", NOTICE, stem, score)
    return Candidate(q, f"fact{i}", "duty", truth, f"fact{i}", f"d#0#{i}", CENTRAL, CENTRAL)


def test_a_false_statement_the_balance_holds_back_is_asked_once_a_true_one_is_in() -> None:
    """Three weighty false statements and one true: the third false waits for the true one, then comes in."""
    cands = [_statement(0, False, 1.5), _statement(1, False, 1.4), _statement(2, False, 1.3), _statement(3, True, 1.0)]
    chosen = {q.qid for q in select(cands)}
    assert chosen == {"q-0", "q-1", "q-2", "q-3"}


def test_the_shipped_bank_has_new_references_and_duties(generated: Corpus) -> None:
    bank = [q for q in generated.questions if q.enabled]
    fills = {q.answer[0]: q.answer for q in bank if q.qtype == "fill"}
    # which book collects the 五重五轻 was asked until an examiner found it a bibliographic detail (bank of 16):
    # refused as a provenance blank (test_worth_causes_bare_books)
    assert "干在实处 走在前列" not in fills
    # the levels ("（省市县乡）领导班子换届") were asked here until an examiner found anyone completes them (bank-final
    # Q6): the case stays, refused (test_final_causes)
    assert "省市县乡" not in fills
    statements = [q.stem for q in bank if q.qtype == "truefalse"]
    # the session a significance names was asked until an examiner found it general knowledge (bank of 10)
    assert "四中全会" not in fills and not any("五中全会" in s for s in statements)
    # an examiner's give-aways: the obvious part of a title, a key of another form (各级党委（党组）among plain
    # names), a false twin in the campaign's own words (立党为公、为民造福) — see test_worth_causes_giveaways
    assert "第十五个五年规划" not in fills
    # ... the 单选 stays refused; the 判断 pair on whose role 负总责 is came with the owner's decision 3
    # (test_owner_decisions: true only beside a false twin of another holder)
    assert not any("要对学习教育负总责" in q.stem for q in bank if q.qtype != "truefalse")
    assert not any("关乎立党为公、为民造福" in s for s in statements)


# --- partners, levels, and the session a significance names ----------------------------------------------------

SAYING = "明确“政绩观问题是一个根本性问题，关乎立党为公、执政为民”……"
HEADING = "领航定向——习近平总书记重要论述为开展学习教育指明正确方向"
NAMING = "这段时间，习近平总书记在多个场合强调树立和践行正确政绩观，为全党上下指明前进方向。"


def test_a_saying_is_stated_with_the_phrase_the_notice_pairs_with_its_first_half() -> None:
    """ "关乎立党为公、执政为民" (a saying) against "强化立党为公、为民造福理念" (the Notice): members confuse them."""
    corpus = [SAYING, STUDY, "以立党为公、为民造福、科学决策、真抓实干为总要求"]
    assert partners(corpus)[("立党为公", "执政为民")] == {"为民造福"}  # the 总要求's run is a list, not a pair
    ev = Evidence(
        "x#1", "实干为民开新局", SAYING, heading=HEADING, block=9, tier=CENTRAL, section=(NAMING,), doc_tier=TEMPLATE
    )
    false, true = counterpart_candidates([(ev, SAYING)], corpus)  # stated both ways; the false one first
    assert false.question.stem == "习近平总书记明确：“政绩观问题是一个根本性问题，关乎立党为公、为民造福”。"
    assert false.truth is False and "……" not in false.question.stem
    assert true.truth is True and true.question.stem.endswith("关乎立党为公、执政为民”。")
    assert true.question.score < false.question.score  # the trap is the better question where balance allows
    for c in (false, true):
        proven(c.question, NAMING, SAYING)


def test_the_levels_a_duty_reaches_are_a_blank_never_a_statement() -> None:
    """ "省市县乡领导班子换届": "省市县领导班子换届…" would be half true, so only the blank is asked."""
    section = ("会议强调，中央办公厅已经印发《关于在全党开展树立和践行正确政绩观学习教育的通知》。",)
    ev = Evidence(
        "n#0",
        NOTICE,
        "省市县乡领导班子换届工作要认真落实学习教育有关要求。",
        heading="中央党的建设工作领导小组会议精神",
        lead=section[0],
        block=7,
        tier=CENTRAL,
        section=section,
        doc_tier=CENTRAL,
    )
    cands = reference_candidates([ev], TITLES)
    assert [c.question.qtype for c in cands] == ["fill"] and cands[0].question.answer[0] == "省市县乡"
    assert cands[0].question.stem.endswith(f"：{BLANK}领导班子换届工作要认真落实学习教育有关要求。")


def test_a_significance_chain_refuses_its_stock_word_but_not_the_session_it_names() -> None:
    sentence = (
        "在全党开展树立和践行正确政绩观学习教育，是贯彻落实党的二十届四中全会战略部署、确保基本实现社会主义现代化"
        "取得决定性进展的必然要求。"
    )
    ev = Evidence("n#0", NOTICE, sentence, block=6, tier=CENTRAL, doc_tier=CENTRAL)
    (fill, *_) = [c for c in reference_candidates([ev], TITLES) if c.question.qtype == "fill"]
    assert fill.question.answer[0] == "四中全会"
    assert refusal(fill, sentence, TITLES) is None
    stock = Candidate(
        replace(fill.question, stem=fill.question.stem.replace("（　）", "四中全会").replace("必然要求", "（　）")),
        "必然要求",
        "term",
    )
    assert refusal(stock, sentence, TITLES)


# --- halves: the second half of a central pair, where only the text completes it --------------------------------

MEETING = "着力完善制度、立好规矩，健全有效防范和纠治政绩观偏差工作机制。"


def _meeting(text: str) -> Evidence:
    section = ("中央党的建设工作领导小组2月24日召开会议，研究部署树立和践行正确政绩观学习教育工作。",)
    return Evidence(
        "n#0",
        NOTICE,
        text,
        heading="中央党的建设工作领导小组会议精神",
        lead="会议强调，中央办公厅已经印发《关于在全党开展树立和践行正确政绩观学习教育的通知》。",
        block=7,
        tier=CENTRAL,
        section=section,
        doc_tier=CENTRAL,
    )


def test_the_second_half_of_a_pair_only_the_text_completes_is_a_blank() -> None:
    (c,) = half_candidates([_meeting(MEETING)], [MEETING])
    assert (
        c.question.stem
        == f"中央党的建设工作领导小组会议强调：着力完善制度、{BLANK}，健全有效防范和纠治政绩观偏差工作机制。"
    )
    assert c.question.answer[0] == "立好规矩" and c.fact == "完善制度、立好规矩"  # the pair is the fact
    proven(c.question, *_meeting(MEETING).section, MEETING)


def test_no_blank_where_a_pair_is_set_or_its_first_half_has_a_rival() -> None:
    """ "实事求是、求真务实" in two documents is set; "聚焦主题、（简约务实）" has the speech's rival "统筹推进"."""
    notice_text = "教育引导各级党组织和党员、干部坚持实事求是、求真务实，为人民出政绩。"
    principle = "学习教育要坚持聚焦主题、简约务实，不分批次、不划阶段。"
    documents = [
        notice_text + principle,
        "坚持实事求是、求真务实。",
        "坚持聚焦主题、统筹推进、务求实效，不搞形式主义。",
    ]
    assert half_candidates([notice(notice_text), notice(principle)], documents) == []  # nor "不分批次、（不划阶段）"
