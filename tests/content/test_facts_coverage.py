"""content-a (#7): headings never glued into a source sentence; new facts of the central texts asked well.

Each test comes from a real case of the shipped materials: the stored sentence
"中央党的建设工作领导小组会议精神\\n要压实…" (a heading read as part of the source), and the facts a strict reader
found without a question (who is charged with 负总责, when the central leading group met, what the Notice
has members study).
"""

from __future__ import annotations

from content.model import Corpus
from content.questions.attribution import meeting, naming_sentence


def test_a_meetings_name_is_proven_by_its_sentence_not_by_the_heading() -> None:
    first = (
        "中央党的建设工作领导小组2月24日召开会议，学习贯彻习近平总书记关于树立和践行正确政绩观学习教育的重要讲话"
        "和重要指示精神。中共中央政治局常委蔡奇主持会议并讲话。"
    )
    named = meeting("中央党的建设工作领导小组会议精神", [first], "t")
    assert named is not None
    assert named[0] == "中央党的建设工作领导小组会议"
    assert named[1] == first[: first.index("。") + 1]  # one sentence, the heading nowhere
    # a section whose paragraphs never say the body met names no meeting rather than glue the heading
    assert meeting("中央党的建设工作领导小组会议精神", ["要压实工作责任。"], "t") is None


def test_naming_sentence_is_a_whole_sentence_of_the_section() -> None:
    section = ["思想是行动的先导。", "这段时间，习近平总书记在多个场合强调树立和践行正确政绩观。下一句。"]
    assert naming_sentence(section, "习近平总书记") == "这段时间，习近平总书记在多个场合强调树立和践行正确政绩观。"
    assert naming_sentence(section[:1], "习近平总书记") is None


def test_no_stored_source_sentence_carries_a_heading(generated: Corpus) -> None:
    headings = {b.text for d in generated.documents for b in d.blocks if b.kind == "heading"}
    headings |= {d.title for d in generated.documents}
    for q in generated.questions:
        for line in q.sentence.split("\n"):
            assert line not in headings, (q.qid, q.sentence)
