"""Regression tests for the weak patterns a demanding 支部书记 found in the generated bank.

Each test names one pattern and checks the whole bank built from the five real materials, so a
generator change that brings the pattern back fails here, not in a member's chat.
"""

from __future__ import annotations

import re

from content.model import Corpus, Question
from content.questions.facts import _BODY_SUFFIX
from content.questions.formcue import form_cue
from content.questions.kinds import compatible, form, is_negative, shared_affix
from content.questions.requirements import asks_listed
from content.questions.text import BLANK, cjk_len, clip, join_lines, quoted
from content.verify import EXPLANATION_LIMIT

BODY = re.compile(rf"(?:{_BODY_SUFFIX}|党组|党委)$")
HEADING_CHAIN = re.compile(r"……\s*(?:[一二三四五六七八九十]{1,3}(?:、|是)|[（(][一二三四五六七八九十]{1,3}[）)])")
DIGITS = re.compile(r"\d+")
DUTY_HOLDER = re.compile(r"(?:党委|党组|领导小组|部门|机关|负责同志|班子成员|书记|党组织)(?:（[^）]{1,4}）)?$")


def bank(corpus: Corpus) -> list[Question]:
    return [q for q in corpus.questions if q.enabled]


def choices(corpus: Corpus) -> list[Question]:
    return [q for q in bank(corpus) if q.qtype in ("single", "multiple")]


def wrong(q: Question) -> list[str]:
    return [o for o in q.options if o not in q.answer]


# --- pattern 2: explanations quote the source cleanly ---------------------------------------------


def test_no_explanation_doubles_quotes_or_joins_items_with_a_stop_and_a_semicolon(published: Corpus) -> None:
    for q in bank(published):
        assert "““" not in q.explanation and "””" not in q.explanation, q.explanation
        assert "。；" not in q.explanation, q.explanation
        assert len(q.explanation) <= EXPLANATION_LIMIT
        assert "““" not in q.stem and "。；" not in q.stem, q.stem


def test_shortened_explanations_end_at_a_clause_with_an_ellipsis() -> None:
    """An explanation too long for Telegram is cut at a clause and says so (the shipped bank has none that long)."""
    from content.questions.cloze import explanation

    long = "，".join(f"第{i}条要求要落实到位并加强督促检查" for i in range(1, 30)) + "。"
    text = explanation("错误。", long, "", "中共中央办公厅印发《关于在全党开展树立和践行正确政绩观学习教育的通知》")
    assert len(text) <= EXPLANATION_LIMIT
    assert text.startswith("错误。出自《关于在全党开展树立和践行正确政绩观学习教育的通知》。原文：“")
    body = text.rstrip("”")
    assert body.endswith("……") and not body.endswith("，……")


def test_quoting_helpers() -> None:
    assert (
        quoted("“坚持聚焦主题、简约务实，认真落实学习研讨等工作安排。”")
        == "“坚持聚焦主题、简约务实，认真落实学习研讨等工作安排。”"
    )
    assert quoted("特别是“一把手”为重点") == "“特别是‘一把手’为重点”"
    assert quoted("是“从个人出发，搞‘形象工程’”。") == "“是‘从个人出发，搞“形象工程”’。”"
    assert join_lines(["一是重始轻终。", "二是重短轻长。"]) == "一是重始轻终。二是重短轻长。"
    assert join_lines(["宣传和执行党的路线方针政策", "密切联系群众"]) == "宣传和执行党的路线方针政策；密切联系群众"
    text = "要层层压实工作责任，把开展学习教育同项目建设、招商引资等中心工作结合起来，以实干导向深化作风建设。"
    cut = clip(text, 30)
    assert cut == "要层层压实工作责任，把开展学习教育同项目建设……" and len(cut) <= 30
    assert clip("一二三四五六七八九十，一二三四五六七八九十一二三四五六七八九十", 26) == "一二三四五六七八九十……"
    assert clip(text, 40) == "要层层压实工作责任，把开展学习教育同项目建设、招商引资等中心工作结合起来……"
    assert clip(text, 200) == text


# --- pattern 1: 判断 statements say something a member can judge -----------------------------------


def test_no_true_false_statement_chains_headings(generated: Corpus) -> None:
    for q in bank(generated):
        if q.qtype == "truefalse":
            assert not HEADING_CHAIN.search(q.stem), q.stem


def test_a_speechs_outline_is_not_asked(generated: Corpus) -> None:
    """The parts of a template speech are its author's arrangement: no "下列属于其部分标题" questions."""
    assert not [q for q in bank(generated) if "部分标题" in q.stem]


# --- pattern 3: wrong options of the same kind as the blank -------------------------------------


def test_every_option_of_a_which_body_question_is_a_body(generated: Corpus) -> None:
    asked = [q for q in choices(generated) if "哪个单位" in q.stem]
    for q in asked:
        assert all(BODY.search(o) for o in q.options), q.options
        assert generated.question_tiers[q.qid] == 0, q.stem  # who did what is asked of the centre only


def test_date_options_share_the_answers_format(generated: Corpus) -> None:
    dated = [q for q in choices(generated) if re.fullmatch(r"(\d{4}年)?\d{1,2}月(\d{1,2}日|底|初)", q.answer[0])]
    assert dated
    for q in dated:
        shape = DIGITS.sub("9", q.answer[0])
        assert all(DIGITS.sub("9", o) == shape for o in q.options), q.options


def test_faults_are_offered_only_among_faults(generated: Corpus) -> None:
    for q in choices(generated):
        if all(is_negative(a) for a in q.answer):
            assert all(is_negative(o) for o in wrong(q)), (q.stem, q.options)
        elif not any(is_negative(a) for a in q.answer):
            assert not any(is_negative(o) for o in wrong(q)), (q.stem, q.options)


def test_no_wrong_option_is_a_variant_or_of_another_form(generated: Corpus) -> None:
    for q in choices(generated):
        if BLANK not in q.stem:
            continue
        for a in q.answer:
            if DIGITS.search(a):
                continue  # "200亿元" / "300亿元": numbers differ in their digits by design
            for o in wrong(q):
                if len(a) <= 6:
                    assert not any(a[i : i + 2] in o for i in range(len(a) - 1)), (a, o)  # "科学决策"/"作决策"
                if form(a) in ("pair", "question", "numbered"):
                    assert form(o) == form(a), (a, o)


def test_patterned_lists_get_patterned_wrong_options_or_none(generated: Corpus) -> None:
    for q in choices(generated):
        short = max(map(len, q.answer)) <= 8  # long items share words by chance ("关于"), not a pattern
        if q.qtype == "multiple" and len(q.answer) >= 3 and form(q.answer[0]) == "plain" and short:
            prefix, suffix, core = shared_affix(q.answer)
            for o in wrong(q):
                assert o.startswith(prefix) and o.endswith(suffix) and core in o, (q.answer, o)


def test_kind_rules() -> None:
    def ok(answer: str, value: str, affix: tuple[str, str, str] = ("", "", "")) -> bool:
        return compatible(answer, value, negative=is_negative(answer), value_negative=is_negative(value), affix=affix)

    assert not ok("科学决策", "作决策")
    assert not ok("学习研讨", "心浮气躁")
    assert not ok("开发和保护", "第一责任人")
    assert not ok("为了谁", "读原著")
    assert not ok("重始轻终", "好大喜功")  # found out by its form alone among 重X轻Y options
    assert ok("重始轻终", "重速度轻质量")
    assert not ok("立党为公", "全面落实")  # a manner adverb and a verb among noun phrases
    assert ok("立行立改", "边查边改", shared_affix(["即知即改", "立行立改", "真改实改"]))
    assert not ok("形象面貌", "查根源")  # a three-character option beside four-character items
    assert not ok("立行立改", "查摆问题", shared_affix(["即知即改", "立行立改", "真改实改"]))


STATEMENT = 20  # characters from which an option is a whole statement, not a phrase


def test_no_choice_between_the_halves_of_a_two_part_slogan(generated: Corpus) -> None:
    for q in choices(generated):
        # phrases: two right of them is a slogan cut in halves; whole statements ("根据…，下列表述正确的有") may be two
        if q.qtype == "multiple" and min(cjk_len(o) for o in q.options) < STATEMENT:
            assert len(q.answer) >= 3, q.stem
        assert q.answer[0] not in ("上有政策", "下有对策", "解民忧", "办实事", "建强校", "办本科"), q.stem


# --- pattern 4: a 单选 on a body or a date reads as a question ------------------------------------


def test_no_single_choice_opens_with_a_blank(generated: Corpus) -> None:
    for q in bank(generated):
        if q.qtype == "single":
            assert not q.stem.startswith(BLANK), q.stem
    # a meeting's day or convener was asked here; examiner-1 found both trivia (see test_examiner.py) — except,
    # by the owner's decision 2, the central leading group's own meeting day (test_owner_decisions)
    asked = [q for q in bank(generated) if q.qtype == "single" and q.stem.endswith("？")]
    assert not any("哪个单位" in q.stem for q in asked)
    days = [q for q in asked if "哪一天" in q.stem]
    assert all(q.stem.startswith("中央党的建设工作领导小组哪一天召开会议") for q in days), [q.stem for q in days]


# --- pattern 5: balance over documents and kinds --------------------------------------------------


def test_which_body_and_which_day_questions_do_not_fill_the_bank(generated: Corpus) -> None:
    body = [q for q in bank(generated) if "哪个单位" in q.stem or any(BODY.search(a) for a in q.answer)]
    day = [q for q in bank(generated) if "哪一天" in q.stem or re.fullmatch(r"\d{1,2}月\d{1,2}日", q.answer[0])]
    assert len(body) <= 8 and len(day) <= 7, (len(body), len(day))


# --- pattern 6: the key facts of the campaign are asked -------------------------------------------


def test_the_campaign_timeline_is_asked_and_the_issuing_body_is_not(generated: Corpus, published: Corpus) -> None:
    """The issuer was asked once; examiner-1: the title "中共中央办公厅印发《…》" answers it (a give-away)."""
    qs = bank(generated)
    generated_answers = {a for q in qs for a in q.answer}
    # round 6: without the curated 判断 the generated true one on the timeline is an untouched quote beside a
    # false "…，其中包括“X”。": withdrawn by the form check, the build says so; the published bank asks it (单选)
    timeline = [
        q for q in generated.questions if "基本结束" in q.stem and ("7月底" in q.answer or "7月底" in q.explanation)
    ]
    assert timeline, "no question on when the campaign ends"
    withdrawn = [p.message for p in generated.problems if "form tells the verdict" in p.message]
    assert all(q.enabled or any(q.qid in m for m in withdrawn) for q in timeline)
    assert not {"中共中央办公厅", "中央办公厅"} & generated_answers
    assert any("2026年春节假期后启动" in a for q in bank(published) for a in q.answer)


def test_the_five_work_arrangements_as_a_list_only_as_listed_and_without_form_cue(generated: Corpus) -> None:
    arrangement = {"学习研讨", "查摆问题", "整改整治", "建章立制", "开门教育"}
    # round 6: three or four of the five are keyed, by the question's id
    hits = [q for q in choices(generated) if q.qtype == "multiple" and set(q.answer) <= arrangement]
    # the source leaves the list open ("…开门教育等工作安排"): an item it never names is no sure wrong option
    # (警示教育, bank-final Q9) unless the 多选 asks only what the text lists ("括号处原文列举的有哪些？") — and the
    # owner reads a central list closed by 等 and a noun as whole: its wrong options are the centre's other
    # measures (test_owner_decisions), never a fault nor a speech's phrase
    # ... which all end in 导 where no arrangement does: a pair of them is a form cue (examiner2, Q6), and the
    # list is no longer asked as a 多选 (test_lists_named)
    assert all(asks_listed(q.stem) for q in hits), "a 多选 on the open 工作安排 list"
    assert all(set(wrong(q)) <= {"分类指导", "真督实导", "宣传引导"} for q in hits)
    assert all(form_cue(wrong(q), q.answer) is None for q in hits)
    assert all(not is_negative(o) for q in hits for o in wrong(q))


def test_no_wrong_option_appears_in_the_paragraph_the_question_quotes(generated: Corpus) -> None:
    """ "查一查是否存在（　）的行为" must not offer "推诿扯皮" from the next sentence of the same paragraph."""
    blocks = {d.doc_id: [b.text for b in d.blocks] for d in generated.documents}
    for q in choices(generated):
        if all(DUTY_HOLDER.search(o) for o in q.options):
            continue  # "（　）要对学习教育负总责": the bodies one passage charges with different duties
        line = q.sentence.split("\n")[-1]
        paragraph = next((b for b in blocks[q.doc_id] if line in b), "")
        for o in wrong(q):
            assert o not in paragraph, (q.stem, o)


def test_who_said_it_is_not_asked_when_several_said_the_same() -> None:
    from content.model import Block, Document
    from content.questions import candidates

    paragraphs = [
        "自然资源部党组表示，将深入学习习近平总书记关于树立和践行正确政绩观的重要论述，着力化解信访问题。",
        "生态环境部党组表示，将深入学习习近平总书记关于树立和践行正确政绩观的重要论述，推动美丽中国建设。",
        "农业农村部党组提出，要坚持学查改一体推进，刀刃向内对照查摆突出问题，动真碰硬开展整改整治。",
    ]
    doc = Document(
        doc_id="t#0",
        file_name="t.txt",
        title="各部门部署学习教育",
        blocks=tuple(Block("paragraph", text, i) for i, text in enumerate(paragraphs)),
    )
    central = candidates([doc], tier_of=lambda d: 0)  # as if central: bodies are asked only there
    asked = {c.key for c in central if c.kind == "body"}  # the bodies questions are about
    assert asked == {"农业农村部党组"}  # its claim is its own; the other two said the same thing
