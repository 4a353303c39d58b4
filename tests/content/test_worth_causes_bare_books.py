"""Three causes a strict examiner found in the 16-question bank (``content.questions.worth``), each refused on
its real case and checked on the shipped build; the rules are generic — none names these sentences."""

from __future__ import annotations

from content.model import Corpus, Question
from content.questions.examiner import examine
from content.questions.slots import Candidate
from content.questions.text import BLANK
from content.questions.worth import bare, provenance, refusal

NOTICE = "中共中央办公厅印发《关于在全党开展树立和践行正确政绩观学习教育的通知》"
FIVE = "在浙江工作期间，习近平将党员干部在政绩观上出现的偏差，概括为“五重五轻”。"
BOOK = "这些重要论述，收录在《干在实处 走在前列》一书中，至今仍有极强的针对性和指导性。"


def cand(qtype: str, stem: str, answer: tuple[str, ...], sentence: str, options: tuple[str, ...] = (),
         kind: str = "item") -> Candidate:
    q = Question("q-test", qtype, stem, options, answer, "出自《x》。原文：“…”", "d#0", NOTICE, sentence)  # type: ignore[arg-type]
    return Candidate(q, answer[0], kind, tier=0)


def test_a_multiple_of_bare_words_is_refused() -> None:
    # the examiner's case: 分类指导's dimensions, each word defensible (a 部门 differs as a 地区 does)
    line = "结合不同层级、地区、领域、行业实际，加强分类指导。"
    words = cand("multiple", f"《通知》要求：结合不同{BLANK}实际，加强分类指导。", ("地区", "行业", "领域", "层级"),
                line, options=("地区", "行业", "岗位", "领域", "部门", "层级"))
    assert refusal(words) == "a 多选 whose answers are all bare words"
    assert examine([words], line, ()) == []
    assert bare("地区") and not bare("2月24日") and not bare("3次") and not bare("立党为公")
    # a list of requirements of four characters is no bare word: the 总要求 stays
    general = cand("multiple", f"要全面落实“{BLANK}”的总要求。", ("立党为公", "为民造福", "科学决策", "真抓实干"),
                   "要全面落实“立党为公、为民造福、科学决策、真抓实干”的总要求。",
                   options=("标本兼治", "立党为公", "为民造福", "简约务实", "科学决策", "真抓实干"))
    assert refusal(general) is None
    # days and counts are no bare words: a 多选 of dates is judged by the other rules
    days = cand("multiple", f"哪些日子{BLANK}？", ("2月24日", "2月26日"), "2月24日…2月26日…",
                options=("2月24日", "2月26日", "2月28日", "3月12日"))
    assert refusal(days) is None


def test_a_provenance_blank_is_refused() -> None:
    # the examiner's case: which book collects the 五重五轻 — a bibliographic detail
    book = cand("fill", f"{FIVE}这些重要论述，收录在{BLANK}一书中，至今仍有极强的针对性和指导性。",
                ("干在实处 走在前列",), BOOK, kind="reference")
    assert refusal(book) == "a blank on where the text was printed or collected"
    assert provenance(f"该文刊载于{BLANK}。") and provenance(f"出自{BLANK}，")
    # ... and which compilation printed a passage, or who issued a document
    assert provenance("近日，哪个单位印发《关于在全党开展…的通知》？")
    assert provenance(f"来源：{BLANK}资料汇编") and provenance(f"近日，{BLANK}印发《关于在全党开展…的通知》。")
    # a session the text carries out is what it requires, not where it was printed
    assert not provenance(f"是贯彻落实党的二十届{BLANK}战略部署的必然要求")
    assert not provenance(f"以{BLANK}为抓手，教育引导各级党组织")
    assert not provenance(f"重大事项及时向{BLANK}报告") and not provenance(f"增加农民收入{BLANK}")


def test_a_multiple_with_one_wrong_option_is_refused() -> None:
    # the examiner's case: 五重五轻 with 重速度轻质量 the only outsider, found by elimination
    one = cand("multiple", f"{FIVE}下列属于“五重五轻”的有哪些？", ("重易轻难", "重始轻终", "重显轻隐", "重局部轻全局"),
               "一是重始轻终。三是重显轻隐。四是重易轻难。五是重局部轻全局。",
               options=("重易轻难", "重始轻终", "重显轻隐", "重局部轻全局", "重速度轻质量"))
    assert refusal(one) == "a 多选 with fewer than two wrong options"
    # (all four keyed: three four-character keys beside two six-character outsiders are a form cue, round 7)
    two = cand("multiple", one.question.stem, one.question.answer, one.question.sentence,
               options=("重易轻难", "重始轻终", "重显轻隐", "重局部轻全局", "重当前轻长远", "重速度轻质量"))
    assert refusal(two) is None


def test_the_shipped_bank_has_none_of_the_three(generated: Corpus) -> None:
    for q in generated.questions:
        if not q.enabled:
            continue
        c = Candidate(q, q.answer[0], "item")
        # round 13: the bank cuts a 多选 to one wrong option beside three keys or more (``wrongcount``), after
        # the filters kept two or more: that cut is the only "one wrong" left
        if q.qtype == "multiple" and len([o for o in q.options if o not in q.answer]) == 1:
            assert len(q.answer) >= 3 and q.origin == "generated", q.qid
            continue
        assert refusal(c) is None, (q.qid, q.stem)


def _said(i: int, truth: bool) -> Candidate:
    text = f"各级党委（党组）要抓好第{i}项要求落实"  # one sentence and one fact each
    stem = f"《通知》要求：{text}。"
    verdict = "正确" if truth else "错误"
    q = Question(f"q-{i}", "truefalse", stem, ("正确", "错误"), (verdict,),  # type: ignore[arg-type]
                 f"{verdict}。出自《通知》。原文：“{text}。”", "d#0", NOTICE, f"{text}。")
    return Candidate(q, f"fact{i}", "duty", truth, f"fact{i}", "", 0, 0)


def test_a_bundle_of_statements_needs_two_false_ones() -> None:
    """"下列表述正确的有" is a 多选 too (``statements``): one false statement among true ones is found by
    elimination, so a speaker with three true statements and one false one gives no bundle."""
    from content.questions.statements import statement_candidates

    assert statement_candidates([_said(1, True), _said(2, True), _said(3, True), _said(4, False)]) == []
    built = statement_candidates([_said(1, True), _said(2, True), _said(3, False), _said(4, False)])
    assert built and all(refusal(c) is None for c in built)
