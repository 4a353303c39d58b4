"""The causes a second independent examiner found in the bank of 15 (``/work/wt/_notes/examiner.md``), each
refused on its real case; the rules are generic — none names these sentences."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from content.export import source_of, to_markdown
from content.grading import accepts
from content.model import Question
from content.pipeline import DEFAULT_MATERIALS, build_corpus
from content.questions.examiner import examine
from content.questions.hubs import is_hub, rewords
from content.questions.samefact import gives_away, rivals
from content.questions.slots import Candidate
from content.questions.variants import accepted
from content.questions.worth import refusal

NOTICE = "中共中央办公厅印发《关于在全党开展树立和践行正确政绩观学习教育的通知》"
FOCUS = "学习教育以县处级以上领导班子和领导干部特别是“一把手”为重点，于2026年春节假期后启动、7月底基本结束。"
KEY = "县处级以上领导班子和领导干部特别是“一把手”"
# Q10 as the examiner read it: A is the key with 厅局级 for 县处级, C the key's first half with a new tail
Q10 = (
    "厅局级以上领导班子和领导干部特别是“一把手”",
    "全体党员干部特别是基层党组织书记和委员",
    "县处级以上领导班子和新提拔的年轻领导干部",
    KEY,
)
# round 6: each of the key's length band and form (a group "特别是" a quoted term)
WHOLE = (
    "全体党员特别是基层党组织书记和“两委”委员",
    "机关党员干部特别是“窗口”单位和基层站所负责人",
    "省部级以上领导干部特别是“关键少数”中的中管干部",
    KEY,
)
# bank of 11 (Q7): the made-up groups above read as made up; the shipped options are the key at the other ranks
# of its series (test_content_causes10), and no hub either
SHIPPED = (
    "乡科级以上领导班子和领导干部特别是“一把手”",
    "厅局级以上领导班子和领导干部特别是“一把手”",
    "省部级以上领导班子和领导干部特别是“一把手”",
    KEY,
)
WHEN = "2026年春节假期后启动、7月底基本结束"
Q11 = ("2026年元旦后启动、6月底基本结束", WHEN, "2026年3月启动、年底基本结束", "2026年春节假期后启动、10月底基本结束")


def single(options: tuple[str, ...], key: str, stem: str = "树立和践行正确政绩观学习教育以谁为重点？") -> Candidate:
    q = Question("q-test", "single", stem, options, (key,), f"出自《通知》。原文：“{FOCUS}”", "d#0", NOTICE, FOCUS)
    return Candidate(q, key, "rank", tier=0)


def test_a_single_whose_key_is_the_hub_of_its_options_is_refused() -> None:
    """Cause 2, Q10: each wrong option is the key with one part changed, so the key shares parts with all."""
    hubbed = single(Q10, KEY)
    assert is_hub(Q10, KEY)
    assert refusal(hubbed) == "a 单选 whose key is the hub of its options"
    assert examine([hubbed], FOCUS, ()) == []
    # whole alternatives that share as much with each other as with the key point at nothing
    assert not is_hub(WHOLE, KEY) and refusal(single(WHOLE, KEY)) is None
    # Q11 (worth): its wrong dates differ from each other as much as from the key
    assert not is_hub(Q11, WHEN) and refusal(single(Q11, WHEN, "何时启动、何时基本结束？")) is None
    # a wrong option that shares nothing with the key: no centre (the meeting days 2月24日 / 3月12日 / …)
    assert not is_hub(("2月24日", "3月12日", "2月28日", "2月26日"), "2月24日")


def test_a_curated_hub_is_reported_and_the_shipped_one_is_redrawn(tmp_path: Path) -> None:
    """A secretary's 单选 is theirs to redraw: the build names it.  The shipped "以谁为重点？" was redrawn with whole
    alternatives (SHIPPED) and then withdrawn in content12 (a give-away by habit); the hub rule is tested on Q10
    put back into the shipped overlay."""
    assert not is_hub(SHIPPED, KEY)
    text = (Path(DEFAULT_MATERIALS).parent / "questions.yaml").read_text(encoding="utf-8")
    entry = (
        "add:\n  - type: single\n    document: 中共中央办公厅印发《关于在全党开展树立和践行正确政绩观学习教育的通知》\n"
        "    sentence: 学习教育以县处级以上领导班子和领导干部特别是“一把手”为重点，"
        "于2026年春节假期后启动、7月底基本结束。\n"
        "    stem: 树立和践行正确政绩观学习教育以谁为重点？\n"
        f"    options: {json.dumps(list(Q10), ensure_ascii=False)}\n"
        f"    answer: {json.dumps([KEY], ensure_ascii=False)}\n"
        "    explanation: 出自《关于在全党开展树立和践行正确政绩观学习教育的通知》。原文：“学习教育以县处级以上"
        "领导班子和领导干部特别是‘一把手’为重点……”\n"
    )
    curated = tmp_path / "questions.yaml"
    curated.write_text(text.replace("add:\n", entry, 1), encoding="utf-8")
    notes = [p.message for p in build_corpus(DEFAULT_MATERIALS, curated_path=curated).problems]
    assert [m for m in notes if m.endswith("its key is the hub of its options")], notes
    bank = build_corpus(DEFAULT_MATERIALS).questions
    assert not [q for q in bank if q.qtype == "single" and q.answer == (KEY,)]


STUDY_KEY = "习近平总书记关于树立和践行正确政绩观的重要论述"
REWORDED = "习近平总书记关于树立和践行正确政绩观学习教育的重要讲话和重要指示精神"


def test_a_wrong_option_that_rewords_a_key_is_refused() -> None:
    """Cause 4, Q8: B keeps nearly all of key E and adds words; it is wrong only by the text's wording."""
    keys = (
        STUDY_KEY,
        "《中共中央关于制定国民经济和社会发展第十五个五年规划的建议》",
        "习近平总书记关于本地区本部门本领域的重要讲话和重要指示精神",
    )
    city = "习近平总书记在中央政治局会议上的重要讲话精神"
    assert rewords(REWORDED, STUDY_KEY)
    stem = "《通知》强调：要组织党员、干部深入学习（　），进一步强化立党为公、为民造福理念。"
    q8 = Question("q-test", "multiple", stem, (*keys, REWORDED, city), keys, "出自《通知》。", "d#0", NOTICE, "…")
    assert refusal(Candidate(q8, "studied", "item", tier=0)) == "a wrong option that rewords a key"
    # another object of study, in other words and of another occasion, is a real alternative
    assert not rewords(city, keys[2]) and not rewords(city, STUDY_KEY)
    # a date changed in one slot changes a fact, not the wording: judged by the hub rule (Q11 is no hub)
    assert not rewords("2026年春节假期后启动、10月底基本结束", WHEN)


GENERAL = ("立党为公", "为民造福", "科学决策", "真抓实干")


def test_a_stem_showing_half_of_a_multiples_keys_gives_it_away() -> None:
    """Cause 5: Q8's stem ends "进一步强化立党为公、为民造福理念" — two of Q6's four 总要求 keys; the leak check let
    it through because it asked for all but one."""
    asked = "中央党的建设工作领导小组会议强调：要深刻理解、准确把握、全面落实“（　）”的总要求。"
    q6 = Question("q-6", "multiple", asked, ("标本兼治", *GENERAL, "简约务实"), GENERAL, "", "d#1", NOTICE, "…")
    stem = (
        "《通知》强调：要组织党员、干部深入学习（　），进一步强化立党为公、为民造福理念。"
        "括号处原文列举的学习内容有哪些？"
    )
    q8 = Question("q-8", "multiple", stem, ("甲论述", "乙精神", "丙建议"), ("甲论述", "乙精神"), "", "d#2", NOTICE, "…")
    assert gives_away(q8, q6) and rivals(q8, [q6]) is q6
    # one key named in passing is no leak ("…坚持真抓实干…" beside the 总要求)
    once = replace(q8, stem="《通知》强调：要坚持真抓实干，深入学习（　）。")
    assert not gives_away(once, q6)


def test_the_export_names_the_section_the_explanation_credits() -> None:
    """Cause 7: Q6's explanation credits the central meeting, its source named only the Notice's title."""
    said = "要深刻理解、准确把握、全面落实“立党为公、为民造福、科学决策、真抓实干”的总要求，将其贯穿学习教育全过程。"
    credited = "出自中央党的建设工作领导小组会议（载《树立和践行正确政绩观学习教育资料汇编》）。原文：“…”"
    q6 = Question("q-6", "multiple", "…", GENERAL, GENERAL, credited, "d#1", NOTICE, said)
    assert source_of(q6) == {"document": NOTICE, "section": "中央党的建设工作领导小组会议", "sentence": said}
    assert source_of(replace(q6, explanation="错误。" + credited))["section"] == "中央党的建设工作领导小组会议"
    # the Notice's own sentence: its title is the whole source
    plain = replace(q6, explanation="出自《关于在全党开展树立和践行正确政绩观学习教育的通知》。原文：“…”")
    assert source_of(plain) == {"document": NOTICE, "sentence": said}
    assert "出处：中央党的建设工作领导小组会议：要深刻理解" in to_markdown([q6])


def test_a_plans_work_blank_accepts_the_plan_and_nothing_looser() -> None:
    """Cause 7: Q4's "“十五五”规划编制实施" marked "十五五规划" wrong; the plan is what the blank asks."""
    assert "十五五规划" in accepted("“十五五”规划编制实施")
    # the bank no longer asks this blank (an item of an open list, test_series_items): its answers as built
    key = "“十五五”规划编制实施"
    plan = Question("q-x", "fill", "（　）", (), (key, *accepted(key)), "", "d", "", "")
    assert accepts("十五五规划", plan.answer) and accepts("“十五五”规划", plan.answer)
    for wrong in ("十四五规划", "规划编制实施", "规划", "十五五", "编制实施"):
        assert not accepts(wrong, plan.answer), wrong
    assert accepted("重大规划编制实施") == ()  # only a numbered plan
