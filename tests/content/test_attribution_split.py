"""One rule for where a 判断's claim starts (``text.split_attribution`` / ``text.statement``).

Three helpers used to strip a stem's lead with three rules: the verifier's (a colon only), the requirement
check's (any 40 characters before a verb of saying, a comma too) and the give-away check's (anything before a
colon in the first 30 characters). Each missed a case another handled; these are the cases, from the bank.
"""

from __future__ import annotations

import pytest

from content.questions.giveaways import copied
from content.questions.requirements import no_requirement
from content.questions.text import split_attribution, statement

CASES = [
    # the speaker a builder put before the quotation
    ("《通知》强调：要坚持开门教育，查摆问题听取群众意见。", "《通知》", "要坚持开门教育，查摆问题听取群众意见。"),
    ("中央党的建设工作领导小组会议指出：各级党委（党组）要对学习教育负总责。", "中央党的建设工作领导小组会议",
     "各级党委（党组）要对学习教育负总责。"),
    ("据《人民日报》报道：多地召开会议。", "《人民日报》", "多地召开会议。"),
    # the source's own lead, kept verbatim with its comma (the verifier used to read it as the claim)
    ("《通知》强调，学习教育要坚持聚焦主题、简约务实，不分批次、不划阶段。", "《通知》",
     "学习教育要坚持聚焦主题、简约务实，不分批次、不划阶段。"),
    # a speech's long title (the give-away check used to keep it: its colon is past 30 characters)
    ("《在开展树立和践行正确政绩观学习教育动员部署会上的讲话》提出：坚持聚焦主题、统筹推进、务求实效。",
     "《在开展树立和践行正确政绩观学习教育动员部署会上的讲话》", "坚持聚焦主题、统筹推进、务求实效。"),
    # a rule named by its article
    ("第七条规定：党员连续六个月不交纳党费，视为自行脱党。", "第七条", "党员连续六个月不交纳党费，视为自行脱党。"),
]


@pytest.mark.parametrize(("stem", "who", "rest"), CASES)
def test_the_speaker_is_read_apart_from_the_claim(stem: str, who: str, rest: str) -> None:
    assert split_attribution(stem) == (who, rest)
    assert statement(stem) == rest


@pytest.mark.parametrize(
    "stem",
    [
        # a narrative lead is no speaker: its clause marks stay in the claim, where the narrative check sees them
        "今年1月，在省部级主要领导干部专题研讨班开班式上，习近平总书记强调：要树立正确政绩观。",
        "学习教育以县处级以上领导班子和领导干部特别是“一把手”为重点。",
        "在浙江工作期间，习近平将党员干部在政绩观上出现的偏差，概括为“五重五轻”。",
    ],
)
def test_a_stem_without_a_speaker_is_all_claim(stem: str) -> None:
    assert split_attribution(stem) == ("", stem)


def test_the_give_away_and_requirement_checks_read_the_same_claim() -> None:
    """A copy under a long title is a copy (it used to pass as "made up" and escape the true-copy rule), and the
    requirement check reads the narrative a comma-less speaker rule would have cut away."""
    line = "这次学习教育以县处级以上领导班子和领导干部为重点，坚持聚焦主题、统筹推进、务求实效。"
    assert copied(f"《在开展树立和践行正确政绩观学习教育动员部署会上的讲话》提出：{line}", line)
    assert no_requirement("今年1月，在开班式上，习近平总书记强调：要树立正确政绩观。")
    assert not no_requirement("《通知》强调，学习教育要坚持聚焦主题、简约务实，不分批次、不划阶段。")
