"""Quantities as rules state them: found only where they are facts, varied only within their measure."""

from __future__ import annotations

from content.questions.distractors import Pools
from content.questions.enumerations import counted_lists
from content.questions.facts import find_slots
from content.questions.quantities import (
    cn_to_int,
    find_quantities,
    int_to_cn,
    measure,
    neighbours,
    stricter,
)
from content.questions.slots import Evidence, Slot


def found(text: str) -> list[tuple[str, str, str]]:
    return [(q.kind, q.value, q.bound) for q in find_quantities(text)]


def test_chinese_numerals_both_ways() -> None:
    assert [cn_to_int(s) for s in ("一", "两", "十", "十二", "二十", "三十二", "九十九")] == [1, 2, 10, 12, 20, 32, 99]
    assert cn_to_int("百") is None and cn_to_int("一二") is None
    assert [int_to_cn(n) for n in (1, 2, 10, 12, 20, 32)] == ["一", "两", "十", "十二", "二十", "三十二"]


def test_rule_quantities_with_their_bounds() -> None:
    assert found("党员大会每季度至少召开一次，支部委员会会议每月召开一次") == [
        ("frequency", "每季度", "min"),
        ("frequency", "每月", ""),
        ("number", "一次", "min"),
        ("number", "一次", ""),
    ]
    assert found("每月第三个星期五为主题党日。") == [("frequency", "每月", ""), ("ordinal", "第三个星期五", "")]
    assert ("number", "一个月", "max") in found("应当在一个月内向党支部书面报告")
    assert ("number", "六个月", "max") in found("需要离开本支部六个月以上的")  # the threshold of a condition
    assert ("number", "六个月", "max") in found("党员连续六个月不交纳党费")
    assert ("fraction", "三分之一", "max") in found("一般不超过参评党员总数的三分之一")
    assert ("number", "32学时", "min") in found("每年累计不少于32学时")
    assert ("frequency", "按月", "") in found("党员应当按月交纳党费。")


def test_numerals_that_are_not_facts_are_left_alone() -> None:
    for text in (
        "这是一次触及灵魂的思想洗礼。",  # an article, no rule in the clause
        "深入学习党的二十届四中全会精神。",
        "深入贯彻中央八项规定精神。",
        "严格落实“三会一课”制度，党员应当按时参加。",
        "因特殊原因不能按月交纳的，可以补交。",  # names the exception, not the rule
        "一般安排一项重要工作。",
    ):
        assert found(text) == [], text


def test_made_up_neighbours_stay_in_the_answers_measure() -> None:
    assert neighbours("number", "六个月")[:3] == ["三个月", "十二个月", "两个月"]
    assert neighbours("number", "一次")[:3] == ["两次", "三次", "四次"]
    assert neighbours("number", "四个等次")[:2] == ["五个等次", "三个等次"]
    assert "每月" in neighbours("frequency", "每季度") and all(
        v.startswith("每") for v in neighbours("frequency", "每季度")
    )
    assert neighbours("frequency", "按月")[:2] == ["按周", "按季度"]
    assert neighbours("ordinal", "第三个星期五")[:2] == ["第四个星期五", "第二个星期五"]
    assert "第三季度" in neighbours("ordinal", "第四季度")
    assert "三分之一" not in neighbours("fraction", "三分之一")
    assert measure("number", "六个月") == "number:cn:个月" and measure("frequency", "按月") != measure(
        "frequency", "每月"
    )


def test_only_a_stricter_value_makes_a_sure_false_statement() -> None:
    assert stricter("min", "一次", "两次", "number") and not stricter("min", "两次", "一次", "number")
    assert stricter("max", "一个月", "半个月", "number") is False  # not a measure the parser compares
    assert stricter("max", "六个月", "三个月", "number") and not stricter("max", "六个月", "十二个月", "number")
    assert stricter("min", "每季度", "每月", "frequency") and not stricter("min", "每季度", "每年", "frequency")
    assert stricter("max", "三分之一", "四分之一", "fraction") and not stricter(
        "max", "三分之一", "二分之一", "fraction"
    )
    assert stricter("", "每月", "每年", "frequency")


def test_a_counted_list_is_read_whole() -> None:
    ev = Evidence("d#0", "制度", "评议结果分为优秀、合格、基本合格、不合格四个等次。")
    (enum,) = counted_lists(ev)
    assert enum.items == ("优秀", "合格", "基本合格", "不合格") and enum.label == "等次" and enum.count == "四个等次"
    assert counted_lists(Evidence("d#0", "制度", "评议结果分为优秀、合格、不合格四个等次。")) == []  # 3 ≠ 4


def test_pools_never_mix_numeral_styles_or_frequency_forms() -> None:
    ev = Evidence("d#0", "制度", "党员连续六个月不交纳党费，补交时间不超过3个月。", block=0)
    slots = list(find_slots(ev))
    six = next(s for s in slots if s.value == "六个月")
    picks = [d.value for d in Pools(slots).pick(six, 3)]
    assert picks and all(not p[0].isdigit() and p.endswith("个月") and p != "六个月" for p in picks), picks
    by_month = Slot("frequency", "按月", 4, Evidence("d#1", "制度", "党员应当按月交纳党费。", block=1))
    yearly = Slot("frequency", "每年", 3, Evidence("d#2", "制度", "党支部每年召开一次组织生活会。", block=2))
    assert all(p.value.startswith("按") for p in Pools([by_month, yearly]).pick(by_month, 3))
