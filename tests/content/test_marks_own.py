"""A secretary's mark weighs what was marked; the branch's own chain is read as strictly as the centre.

The tester's H4 (``zhibu chat``, ``/materials``, ``/mark 1 核心``): material 1 is the branch's agenda — no text
of its own — yet the bank grew from 25 to 35 with the news feature's trivia ("2月9日至10日…慰问快递小哥", a
true 判断), give-away blanks (拧紧…的“（总开关）”, 各地“（新春第一会）”) and the 学校's meeting date: the mark
was kept by file name, and the agenda's file also holds the news feature, the 五重五轻 article and the 学校's
report; and the raised tier let those passages through the filters.  Each case is read from the real
materials through the pipeline.
"""

from __future__ import annotations

from collections import Counter

import pytest

from content.authority import Mark, mark_for
from content.model import Corpus, Question
from content.pipeline import DEFAULT_MATERIALS, build_corpus
from content.questions.examiner import refusal
from content.questions.importance import CENTRAL, OWN
from content.questions.slots import Candidate

AGENDA_FILE = "000_b0124860aecd14b5.txt"
AGENDA = "000_b0124860aecd14b5#0"
TRIVIA = ("快递小哥", "总开关", "新春第一会")
OWN_BODIES = ("学校",)


def enabled(corpus: Corpus) -> list[Question]:
    return [q for q in corpus.questions if q.enabled]


@pytest.fixture(scope="module")
def file_marked() -> Corpus:
    """The agenda's whole file marked core — what ``/mark 1 核心`` did before (and what a config ``core:``
    entry naming the file still does)."""
    return build_corpus(DEFAULT_MATERIALS, marks={AGENDA_FILE: Mark.CORE})


@pytest.fixture(scope="module")
def own_chain() -> Corpus:
    """The example branch: its 学校's deployment is its own (config.example.yaml ``parent_bodies``)."""
    return build_corpus(DEFAULT_MATERIALS, own_bodies=OWN_BODIES)


def test_a_mark_on_the_agenda_marks_the_agenda_only(published: Corpus) -> None:
    docs = {d.doc_id: d for d in published.documents}
    marks = {AGENDA: Mark.CORE}
    assert mark_for(docs[AGENDA], marks) is Mark.CORE
    assert all(mark_for(d, marks) is None for k, d in docs.items() if k != AGENDA)
    # a document's own mark wins over its file's
    both = {AGENDA_FILE: Mark.CORE, "000_b0124860aecd14b5#2": Mark.BACKGROUND}
    assert mark_for(docs["000_b0124860aecd14b5#2"], both) is Mark.BACKGROUND
    assert mark_for(docs["000_b0124860aecd14b5#1"], both) is Mark.CORE
    marked = build_corpus(DEFAULT_MATERIALS, marks=marks)
    assert [q.qid for q in enabled(marked)] == [q.qid for q in enabled(published)]  # the agenda has no text


def test_a_core_mark_on_the_whole_file_lets_no_trivia_or_catchword_through(file_marked: Corpus) -> None:
    stems = [q.stem for q in enabled(file_marked)]
    assert not [s for s in stems if any(t in s for t in TRIVIA)], stems
    assert not [s for s in stems if "是在哪一天" in s], "another unit's meeting date: 学校 is not named as own"
    # the mark weighs: the file's questions rank as the branch's own, none is added by lifting a filter
    assert not {q.qid for q in enabled(file_marked)} - {q.qid for q in enabled(build_corpus(DEFAULT_MATERIALS))}


def cand(stem: str, answer: tuple[str, ...], sentence: str, *, qtype: str = "fill", kind: str = "term",
         truth: bool | None = None, tier: int = OWN) -> Candidate:
    q = Question("q-t", qtype, stem, ("正确", "错误") if qtype == "truefalse" else (), answer,  # type: ignore[arg-type]
                 "出自《x》。", "d#1", "实干为民开新局", sentence)
    return Candidate(q, answer[0], kind, truth=truth, tier=tier)


CENTRAL_TEXT = "《通知》强调：要坚持开门教育，查摆问题听取群众意见。"


@pytest.mark.parametrize("tier", [OWN, CENTRAL])
def test_a_dated_visit_is_trivia_in_every_tier(tier: int) -> None:
    sentence = "2月9日至10日，农历春节前夕，习近平总书记在北京考察，亲切慰问快递小哥。"
    c = cand(sentence, ("正确",), sentence, qtype="truefalse", kind="date", truth=True, tier=tier)
    assert refusal(c, CENTRAL_TEXT) == "a dated visit or event (trivia in any passage)"


@pytest.mark.parametrize(
    ("stem", "key"),
    [
        ("《实干为民开新局》指出：在习近平总书记引领下，全党筑牢思想之基、校准行动之舵，通过学习教育，进一步拧紧世界观、"
         "人生观、价值观的“（　）”，努力做到真出业绩、出真业绩。", "总开关"),
        ("《实干为民开新局》指出：春节后各地“（　）”收心聚力、务实开局，要求党员干部把正确政绩观转化为推动高质量"
         "发展的具体行动。", "新春第一会"),
    ],
)
def test_a_quoted_catchword_below_the_centre_is_refused_even_as_the_branchs_own(stem: str, key: str) -> None:
    c = cand(stem, (key,), stem.replace("（　）", key).split("：", 1)[1])
    assert refusal(c, CENTRAL_TEXT) == "a catchword of a passage below the centre, which the centre never states"
    # the centre's own quoted term is the campaign's: "特别是“（一把手）”" stays
    central = cand("《通知》指出：学习教育以县处级以上领导班子和领导干部特别是“（　）”为重点。", ("一把手",),
                   "学习教育以县处级以上领导班子和领导干部特别是“一把手”为重点。", tier=CENTRAL)
    assert refusal(central, CENTRAL_TEXT) is None


def test_the_own_chain_asks_the_schools_requirements_not_its_stock_or_a_repeated_list(own_chain: Corpus) -> None:
    """The 学校's report read strictly: its three 要点 (a 多选) and its meeting's date stay; the true 判断s
    "学校各级党组织要切实扛起主体责任，把…作为一项重要政治任务来抓" and "全体党员要充分认识…重要意义…" are stock
    any member affirms; "深入基层抓好（开门教育）" is the Notice's 工作安排 list again, already asked."""
    own = [q for q in enabled(own_chain) if own_chain.question_tiers.get(q.qid) == OWN]
    stems = [q.stem for q in own]
    # asked by what the lead-in charges, not by the layout ("分条列出的要点": bank of 13, e11; test_content_causes10)
    assert any(s.endswith("会议对学校各级党组织提出了哪些要求？") for s in stems), stems
    assert not [s for s in stems if "主体责任" in s or "重要意义" in s or "深入基层抓好（　）" in s], stems
    assert not [q.stem for q in enabled(own_chain) if any(t in q.stem for t in TRIVIA)]
    refused = cand("学校党的建设和全面从严治党工作领导小组（扩大）会议提出：学校各级党组织要切实扛起主体责任，"
                   "把开展树立和践行正确政绩观学习教育作为一项重要政治任务来抓。", ("正确",), "…",
                   qtype="truefalse", kind="duty", truth=True)
    assert refusal(refused, CENTRAL_TEXT) == "a true 判断 any member affirms from its stock words"


def test_one_fact_is_asked_at_most_twice_curated_questions_counted(published: Corpus, own_chain: Corpus) -> None:
    """The tester's #1, #2 and #24: the 总要求 as a 多选, a 判断 and the curated 单选 — one fact three times."""
    for corpus in (published, own_chain):
        facts = Counter(corpus.question_facts[q.qid] for q in enabled(corpus) if q.qid in corpus.question_facts)
        assert max(facts.values()) <= 2, facts.most_common(3)
        general = [q for q in enabled(corpus) if "总要求" in q.stem]
        assert len(general) <= 2, [q.stem for q in general]
