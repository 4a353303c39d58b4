"""One fact as a reader sees it, and questions that give each other away — the tester's cases, verbatim.

Reviewing the 25 drafts in ``/review`` the tester found the 总要求 asked three times (#1 a 多选, #2 a 判断,
#24 the curated 单选), and #1's stem "以（　）为总要求，以一体推进学查改为抓手" holding #17's answer.
"""

from __future__ import annotations

from content.model import Question
from content.questions.samefact import curated_facts, gives_away, items_of, merge_facts
from content.questions.slots import Candidate

NOTICE = "中共中央办公厅印发《关于在全党开展树立和践行正确政绩观学习教育的通知》"
GUIDE = "教育引导各级党组织和党员、干部坚持实事求是、求真务实。"
GENERAL = "以立党为公、为民造福、科学决策、真抓实干为总要求，以一体推进学查改为抓手，" + GUIDE
PRINCIPLES = "学习教育要坚持聚焦主题、简约务实，"
ARRANGEMENTS = PRINCIPLES + "不分批次、不划阶段，认真落实学习研讨、查摆问题、整改整治、建章立制、开门教育等工作安排。"
RULES = "深入查找现行制度机制中不符合正确政绩观要求的规定。"


def q(qid: str, qtype: str, stem: str, answer: tuple[str, ...], sentence: str = "", *,
      options: tuple[str, ...] = (), origin: str = "generated") -> Question:
    return Question(qid, qtype, stem, options, answer, "出自《通知》。", "d#0", NOTICE, sentence,  # type: ignore[arg-type]
                    origin=origin)  # type: ignore[arg-type]


MULTI = q("q-1", "multiple", "《通知》明确：以（　）为总要求，以一体推进学查改为抓手，" + GUIDE,
          ("科学决策", "为民造福", "真抓实干", "立党为公"), GENERAL,
          options=("标本兼治", "简约务实", "科学决策", "为民造福", "真抓实干", "立党为公"))
LEVER = q("q-17", "fill", "《通知》明确：以（　）为抓手，" + GUIDE,
          ("一体推进学查改", "学查改一体推进"), GENERAL)


def test_a_stem_that_holds_another_blanks_key_in_place_gives_it_away() -> None:
    assert gives_away(MULTI, LEVER)
    assert not gives_away(LEVER, MULTI)  # "以（　）为抓手" shows none of the 总要求
    # the key elsewhere, not where the blank stands, is no give-away: an option list of measures
    measures = q("q-3", "single", "《通知》强调：做好（　），" + RULES, ("建章立制",),
                 options=("宣传引导", "建章立制", "真督实导", "分类指导"))
    listed = q("q-4", "multiple", "《通知》强调，学习教育要认真落实（　）等工作安排。",
               ("查摆问题", "建章立制", "整改整治"),
               options=("分类指导", "查摆问题", "宣传引导", "建章立制", "整改整治", "学习研讨"))
    assert not gives_away(listed, measures) and not gives_away(measures, listed)


def test_a_stem_that_states_what_a_false_statement_changed_gives_it_away() -> None:
    false = q("q-25", "truefalse", "《通知》强调，" + PRINCIPLES + "分两批次、分三阶段。", ("错误",), ARRANGEMENTS,
              origin="curated")
    listed = q("q-3", "multiple", "《通知》强调，" + PRINCIPLES + "不分批次、不划阶段，认真落实（　）等工作安排。",
               ("查摆问题", "建章立制", "整改整治"), ARRANGEMENTS)
    assert gives_away(listed, false)
    # a 判断 that swaps another measure in shows nothing a blank on the same sentence asks
    swapped = q("q-12", "truefalse", "《通知》强调：做好分类指导，" + RULES, ("错误",), "做好建章立制，" + RULES)
    blank = q("q-10", "single", "《通知》强调：做好（　），" + RULES, ("建章立制",))
    assert not gives_away(blank, swapped) and not gives_away(swapped, blank)


def test_a_part_of_a_list_and_a_description_of_its_items_are_the_lists_fact() -> None:
    whole = "学习研讨、建章立制、开门教育、整改整治、查摆问题、问题查摆"
    part = "siblings:建章立制、开门教育、整改整治、问题查摆"  # the 学校's "源头施治抓好建章立制，深入基层抓好（　）"
    five = "重始轻终、重局部轻全局、重易轻难、重显轻隐、重短轻长"
    facts = [whole, part, "described:" + five, five, "建章立制", "claim:各级党委(党组)要对学习教育负总责。"]
    cands = [Candidate(q(f"q-{i}", "fill", "（　）", ("x",)), f, "item", group=f) for i, f in enumerate(facts)]
    merged = [c.fact for c in merge_facts(cands)]
    assert merged == [whole, whole, five, five, "建章立制", "claim:各级党委(党组)要对学习教育负总责。"]
    assert items_of("查摆问题、建章立制") == items_of("建章立制、问题查摆")


def test_a_curated_question_asks_the_fact_its_answer_spells() -> None:
    general = q("q-24", "single", "根据《通知》，树立和践行正确政绩观学习教育的总要求是什么？",
                ("立党为公、为民造福、科学决策、真抓实干",), origin="curated")
    focus = q("q-22", "single", "树立和践行正确政绩观学习教育以谁为重点？",
              ("县处级以上领导班子和领导干部特别是“一把手”",), origin="curated")
    facts = ["为民造福、真抓实干、科学决策、立党为公", "县处级以上领导班子和领导干部特别是一把手", "建章立制"]
    assert curated_facts([general, focus, MULTI], facts) == {
        "q-24": "为民造福、真抓实干、科学决策、立党为公",
        "q-22": "县处级以上领导班子和领导干部特别是一把手",
    }
