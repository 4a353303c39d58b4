"""Round 7 of issue #7: the causes examiner2 found in today's bank of 10 (``_notes/examiner2.md``)."""

from __future__ import annotations

from content.grading import accepts
from content.model import Corpus
from content.questions.formcue import form_cue, unmarked
from content.questions.lists import _counts
from content.questions.variants import accepted

PLAN_WORK = "“十五五”规划编制实施"
WORK_KEYS = ("查摆问题", "建章立制", "开门教育")


def _answers(key: str) -> tuple[str, ...]:
    return (key, *accepted(key))


def test_a_plans_work_is_accepted_with_any_ordered_part_of_its_work() -> None:
    """Q3: "十五五规划" was accepted but "十五五规划实施", "…编制", "…编制和实施" were marked wrong."""
    answers = _answers(PLAN_WORK)
    for typed in ("十五五规划", "十五五规划编制", "十五五规划实施", "十五五规划编制和实施", "“十五五”规划编制与实施"):
        assert accepts(typed, answers), typed


def test_a_form_without_the_distinctive_core_stays_wrong() -> None:
    answers = _answers(PLAN_WORK)
    for typed in ("规划编制实施", "编制实施", "十五五", "十四五规划实施", "十五五规划实施编制", "十五五计划编制"):
        assert not accepts(typed, answers), typed
    assert accepted("规划编制实施") == ()  # "规划" alone is no core: nothing is derived


def test_the_rule_is_not_about_one_plan() -> None:
    """The same rule for any distinctive core followed by coordinated work verbs."""
    assert {"党支部工作条例修订", "党支部工作条例执行"} <= set(accepted("《党支部工作条例》修订执行"))
    assert accepted("重大规划编制实施") == ()  # no name: "重大规划" is no distinctive core
    assert accepted("中央巡视整改") == ("巡视整改",)  # one verb is no coordination: unchanged


def test_the_banks_plan_fill_accepts_the_work_forms(published: Corpus) -> None:
    # the 整改 fill is no longer asked (examiner round 9: an item of an open "…等相结合" list, test_series_items);
    # any plan blank the bank asks still accepts the work forms
    q3 = [q for q in published.questions if q.qtype == "fill" and "十五五" in q.answer[0]]
    assert not any("等相结合" in q.stem for q in q3)
    for q in q3:
        assert accepts("十五五规划编制和实施", q.answer) and accepts("十五五规划实施", q.answer)


def test_wrong_options_ending_alike_where_no_key_does_are_a_cue() -> None:
    """Q6: 真督实导 and 分类指导 both end in 导 among keys that do not."""
    assert form_cue(["真督实导", "分类指导"], WORK_KEYS) == "ending 导"
    assert form_cue(["真督实导", "标本兼治"], WORK_KEYS) is None  # one odd ending is no group
    assert form_cue(["真督实导", "分类指导"], (*WORK_KEYS, "统筹指导")) is None  # a key ends so too
    assert form_cue(["学习研讨活动", "整改整治工作"], WORK_KEYS) == "length 6"  # a shared key-less length
    assert unmarked(["真督实导", "分类指导", "标本兼治"], WORK_KEYS, 2) == ["真督实导", "标本兼治"]
    # and the length of a phrase: two six-character outsiders among four-character keys of "五重五轻"
    five = ("重易轻难", "重始轻终", "重显轻隐")
    assert form_cue(["重当前轻长远", "重速度轻质量"], five) == "length 6"
    assert form_cue(["重当前轻长远", "重速度轻质量"], (*five, "重局部轻全局")) is None


def test_no_banked_multiple_choice_separates_its_wrong_options_by_form(published: Corpus) -> None:
    multiples = [q for q in published.questions if q.qtype == "multiple"]
    assert multiples
    for q in multiples:
        assert form_cue([o for o in q.options if o not in q.answer], q.answer) is None, q.stem


def test_the_number_of_wrong_options_varies_but_never_drops_below_two() -> None:
    """Every 多选 had exactly two wrong options: "drop the two odd ones out" was the strategy."""
    items = ("立党为公", "为民造福", "科学决策")  # three short keys: always all three keyed
    counts = {_counts(items, f"q-{i}", available=3) for i in range(40)}
    assert {c for _, c in counts} == {2, 3}
    assert all(k >= 2 for k, _ in counts)
    assert {_counts(items, f"q-{i}", available=2)[1] for i in range(40)} == {2}  # no weaker option invented
