"""What the Notice has members study (``content.questions.studied``): a 多选 on its run of "深入学习A，…B，…C",
against what the meetings study instead — never an option a member could defend as one of the three."""

from __future__ import annotations

from content.model import Corpus
from content.questions.enumerations import parallel_clauses
from content.questions.slots import Evidence
from content.questions.studied import alternatives, studied_candidates

LINE = ("要组织党员、干部深入学习习近平总书记关于树立和践行正确政绩观的重要论述，深入学习《中共中央关于制定国民经济"
        "和社会发展第十五个五年规划的建议》，深入学习习近平总书记关于本地区本部门本领域的重要讲话和重要指示精神，"
        "进一步强化立党为公、为民造福理念。")
KEYS = ("习近平总书记关于树立和践行正确政绩观的重要论述",
        "《中共中央关于制定国民经济和社会发展第十五个五年规划的建议》",
        "习近平总书记关于本地区本部门本领域的重要讲话和重要指示精神")
MEETING = "学习贯彻习近平总书记关于树立和践行正确政绩观学习教育的重要讲话和重要指示精神，研究部署…工作。"
CITY = "认真学习贯彻习近平总书记在中央政治局会议上的重要讲话精神，认真学习贯彻…。"
# the real passages whose objects are no sure wrong option
GENERAL = "深入学习贯彻习近平总书记重要讲话和重要指示精神，认真落实党中央部署。"  # every speech: key 3 included
MORE = "认真传达学习习近平总书记关于树立和践行正确政绩观学习教育的重要论述精神，部署…。"  # key 1 with words added
VISIT = "学习习近平总书记视察重庆重要讲话重要指示精神，…。"  # names its place: gives itself away
NAME = "传达学习中央办公厅《关于在全党开展树立和践行正确政绩观学习教育的通知》和中央党的建设工作领导小组会议精神。"


def test_only_objects_no_member_could_defend_are_wrong_options() -> None:
    found = alternatives(KEYS, LINE, [MEETING, CITY, GENERAL, MORE, VISIT, NAME])
    # the central meeting's object rewords key 1 (examiner round 2, Q8: test_worth_causes_round2)
    assert found == ["习近平总书记在中央政治局会议上的重要讲话精神"]


def _notice_run() -> list:
    ev = Evidence("d", "中共中央办公厅印发《关于在全党开展树立和践行正确政绩观学习教育的通知》", LINE, tier=0,
                  lead="《通知》强调，学习教育要坚持聚焦主题、简约务实。")
    return parallel_clauses(ev)


def test_a_run_with_one_real_alternative_is_not_asked() -> None:
    runs = _notice_run()
    assert runs and tuple(runs[0].items) == KEYS
    assert studied_candidates(runs, [CITY, GENERAL, MORE, VISIT]) == []  # one outsider: found by elimination


def test_the_shipped_bank_asks_what_the_notice_has_members_study_only_with_two_real_alternatives(
    generated: Corpus,
) -> None:
    """Without the reworded 重要讲话 the corpus offers one real alternative: the list is not asked (round 2)."""
    asked = [q for q in generated.questions if q.enabled and q.qtype == "multiple" and "学习内容有哪些" in q.stem]
    runs = _notice_run()
    wrong = alternatives(KEYS, LINE, [MEETING, CITY])
    assert len(wrong) == 1 and asked == [] and studied_candidates(runs, [MEETING, CITY]) == []
