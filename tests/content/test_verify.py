"""The verifier catches each way a question can be wrong."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

import content.verify
from content.model import Block, Document, Question
from content.reasons import ENGLISH, Reason
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


def codes(reasons: list[Reason]) -> set[str]:
    return {r.code for r in reasons}


def test_a_good_question_passes() -> None:
    report = check_bank([single()], [DOC])
    assert report.ok and report.by_type == {"single": 1} and report.by_document == {"会议精神": 1}


def test_answer_must_be_in_evidence() -> None:
    q = single(
        options=("2月25日", "2月26日", "3月5日", "2月28日"),
        answer=("2月25日",),
        stem="（　），中央党的建设工作领导小组召开会议",
    )
    assert "answer_not_in_evidence" in codes(check_question(q))


def test_distractor_in_evidence_or_overlapping_is_refused() -> None:
    q = single(options=("2月24日", "中央党的建设工作领导小组", "3月5日", "2月28日"))
    assert "distractor_in_evidence" in codes(check_question(q))
    q = single(options=("2月24日", "2月24日上午", "3月5日", "2月28日"))
    assert "distractor_overlaps_answer" in codes(check_question(q))


def test_limits_and_artifacts() -> None:
    assert "stem_too_long" in codes(check_question(single(stem="（　）" + "字" * 300)))
    assert "explanation_too_long" in codes(check_question(single(explanation="原" * 201)))
    assert "option_count" in codes(check_question(single(options=(*"ABCDEF", "2月24日"))))
    assert "artifact" in codes(check_question(single(explanation="微信扫一扫")))


def test_evidence_must_be_verbatim_in_document() -> None:
    q = single(sentence=SENTENCE.replace("研究", "认真研究"))
    report = check_bank([q], [DOC])
    assert not report.ok and report.failures[0][1].code == "evidence_not_in_document"


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
    assert {r.code for r in reasons} == {"near_duplicate", "duplicate_id"}
    assert "stem nearly duplicates q-0000000001" in [str(r) for r in reasons]


LIST = "三、精准聚焦目标任务\n一是抓实理论学习，筑牢思想根基。\n二是坚持问题导向，深入检视整改。"
LIST_DOC = Document("s#0", "s.txt", "讲话", tuple(Block("paragraph", t, i) for i, t in enumerate(LIST.split("\n"))))


def membership(item: str, answer: str) -> Question:
    return Question(
        "q-0000000004",
        "truefalse",
        f"在《讲话》“精准聚焦目标任务”部分，分条提出的要求中包括“{item}”。",
        ("正确", "错误"),
        (answer,),
        f"{answer}。原文：“一是抓实理论学习，筑牢思想根基。二是坚持问题导向，深入检视整改。”",
        "s#0",
        "讲话",
        LIST,
    )


def test_membership_statements_are_true_only_for_items_of_the_list() -> None:
    assert check_bank([membership("坚持问题导向，深入检视整改", "正确")], [LIST_DOC]).ok
    assert check_question(membership("坚持分类指导，弘扬严实作风", "正确"))
    assert check_question(membership("坚持分类指导，弘扬严实作风", "错误")) == []
    assert check_question(membership("坚持问题导向，深入检视整改", "错误"))
    # the lead-in is not an item of its own list
    assert check_question(membership("精准聚焦目标任务", "正确"))


def test_single_asked_as_a_question_is_checked_with_its_answer_put_back() -> None:
    asked = single(stem="中央党的建设工作领导小组召开会议，研究部署树立和践行正确政绩观学习教育工作，是在哪一天？")
    assert check_question(asked) == []
    body = single(
        stem="2月24日，哪个单位召开会议？",
        options=(
            "中央党的建设工作领导小组",
            "中央全面依法治国委员会",
            "中央精神文明建设指导委员会",
            "中央网络安全和信息化委员会",
        ),
        answer=("中央党的建设工作领导小组",),
    )
    assert check_question(body) == []
    made_up = single(stem="中央党的建设工作领导小组召开全体大会，是在哪一天？")
    assert "stem_not_verbatim" in codes(check_question(made_up))


def test_wording_checks() -> None:
    doubled = single(explanation="原文：““2月24日，中央党的建设工作领导小组召开会议”")
    assert "doubled_quotes" in codes(check_question(doubled))
    joined = single(explanation="原文：“一是重始轻终。；二是重短轻长。”")
    assert "stop_before_semicolon" in codes(check_question(joined))
    chain = Question(
        "q-0000000005",
        "truefalse",
        "《讲话》……三、精准聚焦目标任务……二是坚持问题导向，深入检视整改。",
        ("正确", "错误"),
        ("正确",),
        "正确。",
        "s#0",
        "讲话",
        LIST,
    )
    assert "chained_headings" in codes(check_question(chain))


# --- reasons as codes ------------------------------------------------------------------------------


def test_reasons_are_codes_whose_text_is_the_english_line() -> None:
    q = single(options=("2月25日", "2月26日", "3月5日", "2月28日"), answer=("2月25日",))
    found = {r.code: r for r in check_question(q)}
    why = found["answer_not_in_evidence"]
    assert why == Reason("answer_not_in_evidence", {"answer": "2月25日"})
    assert str(why) == "answer not in evidence: 2月25日" and f"{why}" == str(why)
    assert str(Reason("option_count", {"count": "7", "min": "2", "max": "6"})) == "7 options (need 2–6)"
    assert str(Reason("artifact", {"artifact": "微信"})) == "artifact '微信' in question text"
    assert "; ".join(map(str, check_question(q)))  # printable as before
    assert len({why, Reason("answer_not_in_evidence", {"answer": "2月25日"})}) == 1  # hashable, by value


def test_every_reason_code_is_documented_and_known() -> None:
    doc = content.verify.__doc__ or ""
    for code, text in ENGLISH.items():
        assert f"\n{code} " in doc, code
        for name in re.findall(r"{(\w+)}", text):
            assert f"[{name}" in doc.split(f"\n{code} ", 1)[1].split("\n", 1)[0] or name in doc, (code, name)
    with pytest.raises(ValueError, match="unknown reason code"):
        Reason("not_a_code")


# --- a secretary's edited stem ---------------------------------------------------------------------


def test_an_edited_choice_stem_may_be_reworded_but_not_name_its_answer() -> None:
    reworded = single(stem="中央党的建设工作领导小组是哪一天召开会议部署学习教育的？")
    assert "stem_not_verbatim" in codes(check_question(reworded))  # a generated stem must be verbatim
    assert check_question(reworded, edited_stem=True) == []
    telling = single(stem="2月24日召开会议的是哪个单位？会议在哪一天？")
    assert codes(check_question(telling, edited_stem=True)) == {"stem_gives_answer"}
    assert codes(check_question(single(stem="  "), edited_stem=True)) == {"empty_stem"}
    # the options and the answer are still proven against the evidence
    wrong = single(stem="会议是哪一天召开的？", options=("2月25日", "2月26日", "3月5日"), answer=("2月25日",))
    assert "answer_not_in_evidence" in codes(check_question(wrong, edited_stem=True))


def test_an_edited_fill_stem_keeps_one_blank_in_a_true_clause() -> None:
    fill = Question(
        "q-0000000006",
        "fill",
        "（　），中央党的建设工作领导小组召开会议，……",
        (),
        ("2月24日",),
        "原文：“2月24日，中央党的建设工作领导小组召开会议”",
        "d#0",
        "会议精神",
        SENTENCE,
    )
    assert check_question(fill) == []
    reworded = replace(fill, stem="（　），中央党的建设工作领导小组召开了一次重要会议。")
    assert "stem_not_verbatim" in codes(check_question(reworded))
    assert check_question(reworded, edited_stem=True) == []  # "2月24日" is its own clause in the source
    for moved in ("中央党的建设工作领导小组于（　）召开会议。", "今年（　），中央党的建设工作领导小组召开会议。"):
        assert codes(check_question(replace(fill, stem=moved), edited_stem=True)) == {"blank_context_not_in_evidence"}
    assert codes(check_question(replace(fill, stem="中央党的建设工作领导小组召开会议。"), edited_stem=True)) == {
        "fill_needs_one_blank"
    }
    assert "fill_needs_one_blank" in codes(check_question(replace(fill, stem=""), edited_stem=True))


def test_an_edited_true_false_statement_is_proven_as_before() -> None:
    tf = Question(
        "q-0000000007",
        "truefalse",
        "中央党的建设工作领导小组于2月24日召开了会议。",
        ("正确", "错误"),
        ("正确",),
        "正确。",
        "d#0",
        "会议精神",
        SENTENCE,
    )
    assert "true_statement_not_in_evidence" in codes(check_question(tf, edited_stem=True))
