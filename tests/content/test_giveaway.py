"""A session's order keeps each question's feedback from showing a later question's answer (issue 8, F1)."""

from __future__ import annotations

from dataclasses import dataclass, field

from content.giveaway import apart, reveals


@dataclass
class Q:
    qtype: str
    answer: list[str]
    sentence: str
    explanation: str = ""
    name: str = field(default="")
    stem: str = ""


def test_a_question_whose_answer_an_earlier_source_shows_waits_for_another_session() -> None:
    sentence = "学习教育以县处级以上领导干部为重点，于春节假期后启动、7月底基本结束。"
    when = Q("single", ["春节假期后启动、7月底基本结束"], sentence, name="when")
    who = Q("fill", ["县处级以上领导干部"], sentence, name="who")
    other = Q("fill", ["真抓实干"], "要落实“立党为公、为民造福、科学决策、真抓实干”的总要求。", name="other")
    one_char = Q("fill", ["党"], "全面从严治党。", name="one_char")
    assert reveals(when, who) and reveals(who, when)  # one sentence: either gives the other away
    assert not reveals(when, other) and not reveals(other, one_char)  # a one-character answer is no secret
    assert [q.name for q in apart([when, who, other, one_char], 5)] == ["when", "other", "one_char"]
    assert [q.name for q in apart([when, who, other], 1)] == ["when"]


def test_a_true_false_statement_is_given_away_by_its_quoted_source() -> None:
    source = "要坚持聚焦主题、简约务实。"
    statement = Q("truefalse", ["正确"], "另一句话。", explanation=f"出自《通知》。原文：“{source}”")
    quoting = Q("fill", ["简约务实"], "说明。", explanation=f"出自《通知》。原文：“{source}”")
    assert reveals(quoting, statement) and apart([quoting, statement], 5) == [quoting]
