"""The verifier catches each way a question can be wrong."""

from __future__ import annotations

from dataclasses import replace

from content.model import Block, Document, Question
from content.verify import check_bank, check_question, swap_of

SENTENCE = "2月24日，中央党的建设工作领导小组召开会议，研究部署树立和践行正确政绩观学习教育工作。"
DOC = Document("d#0", "d.txt", "会议精神", (Block("paragraph", SENTENCE, 0),))


def single(**kw: object) -> Question:
    q = Question(
        qid="q-0000000001",
        qtype="single",
        stem="（　），中央党的建设工作领导小组召开会议，……",
        options=("2月24日", "2月26日", "3月5日", "2月28日"),
        answer=("2月24日",),
        explanation="原文：“2月24日，中央党的建设工作领导小组召开会议”",
        doc_id="d#0",
        document="会议精神",
        sentence=SENTENCE,
    )
    return replace(q, **kw)


def test_a_good_question_passes() -> None:
    report = check_bank([single()], [DOC])
    assert report.ok and report.by_type == {"single": 1} and report.by_document == {"会议精神": 1}


def test_answer_must_be_in_evidence() -> None:
    q = single(
        options=("2月25日", "2月26日", "3月5日", "2月28日"),
        answer=("2月25日",),
        stem="（　），中央党的建设工作领导小组召开会议",
    )
    assert any("answer not in evidence" in r for r in check_question(q))


def test_distractor_in_evidence_or_overlapping_is_refused() -> None:
    q = single(options=("2月24日", "中央党的建设工作领导小组", "3月5日", "2月28日"))
    assert any("distractor is in the evidence" in r for r in check_question(q))
    q = single(options=("2月24日", "2月24日上午", "3月5日", "2月28日"))
    assert any("overlaps the answer" in r for r in check_question(q))


def test_limits_and_artifacts() -> None:
    assert any("stem longer" in r for r in check_question(single(stem="（　）" + "字" * 300)))
    assert any("explanation longer" in r for r in check_question(single(explanation="原" * 201)))
    assert any("options (need" in r for r in check_question(single(options=(*"ABCDEF", "2月24日"))))
    assert any("artifact" in r for r in check_question(single(explanation="微信扫一扫")))


def test_evidence_must_be_verbatim_in_document() -> None:
    q = single(sentence=SENTENCE.replace("研究", "认真研究"))
    report = check_bank([q], [DOC])
    assert not report.ok and "verbatim" in report.failures[0][1]


def test_false_statement_needs_exactly_one_swap() -> None:
    tf = Question(
        "q-0000000002",
        "truefalse",
        "2月26日，中央党的建设工作领导小组召开会议……",
        ("正确", "错误"),
        ("错误",),
        "错误。原文：“2月24日，中央党的建设工作领导小组召开会议……”",
        "d#0",
        "会议精神",
        SENTENCE,
    )
    assert check_question(tf) == []
    two = replace(tf, stem="2月26日，中央党的建设工作领导小组召开大会……")
    assert check_question(two)
    verbatim = replace(tf, stem="2月24日，中央党的建设工作领导小组召开会议……")
    assert check_question(verbatim)
    assert swap_of("甲乙丙", "甲丁丙") == ("乙", "丁")


def test_near_duplicate_stems_and_duplicate_ids() -> None:
    a = single()
    b = replace(single(), qid="q-0000000003", stem=a.stem + "。")
    report = check_bank([a, b, a])
    reasons = [r for _, r in report.failures]
    assert any("nearly duplicates" in r for r in reasons) and "duplicate id" in reasons
