"""Generation on the real materials: counts, the key lists, stable ids, one-swap 判断."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from content.model import FALSE_TEXT, TRUE_TEXT, Corpus, Question
from content.pipeline import DEFAULT_MATERIALS, build_corpus
from content.questions.giveaways import copied
from content.questions.requirements import no_requirement
from content.questions.text import BLANK, contains, norm, split_attribution
from content.verify import check_bank, swap_of

ARTIFACTS = ("[bookmark", "微信", "扫一扫", "版权", "客服", "编辑整理", "文秘之友", "作者原创")
NO_QUOTES = str.maketrans("", "", "“”‘’")
MEMBERSHIP = "部分，分条提出的要求中包括“"


def enabled(corpus: Corpus) -> list[Question]:
    return [q for q in corpus.questions if q.enabled]


def test_bank_size_and_every_type(generated: Corpus) -> None:
    """What the strict filters leave today: fewer, better questions, every type present (the floor was 25:
    examiner-1 found 18 of the 47 not worth asking, and the refusals of their causes leave fewer; then 20:
    the tester's pairs that give each other away — "以一体推进学查改为抓手" in the 总要求 多选 beside
    "以（　）为抓手", "坚持开门教育" beside "坚持（　）" — keep one each, and the 五重五轻 list is one fact; then 13:
    the examiner of the 36 found 21 not worth, and refusing its causes 3–9 — explained labels, stock blanks,
    odd options, defensible false twins, copied true statements — leaves 13 generated)."""
    qs = enabled(generated)
    types = Counter(q.qtype for q in qs)
    # then 9: bank-final's examiner refused twins, asides, levels, 导-series, open lists; then 8: a blank on one
    # item of an open or rhetorical series (…等相结合, 从…到…再到) asks no claim (examiner round 9, test_series_items)
    # then 7: a true membership on a stock step ("其中包括“建章立制”") and rank questions on the one rank the
    # materials name are give-aways by habit (two independent examiners, test_content_causes12)
    assert len(qs) >= 7
    assert all(types[t] >= 1 for t in ("single", "multiple", "truefalse", "fill")), types


@pytest.mark.xfail(strict=True, reason="issue 7 target not reached: each new question needs a new fact")
def test_bank_reaches_the_issue_target(generated: Corpus) -> None:
    qs = enabled(generated)
    types = Counter(q.qtype for q in qs)
    assert len(qs) >= 80 and all(types[t] >= 12 for t in ("single", "multiple", "truefalse", "fill")), types


def test_every_central_or_own_document_contributes(generated: Corpus) -> None:
    """The Notice, the meetings' reports and the branch's own organisation's all give questions; a report on
    other units may give none (its facts are asked where the centre states them, or are its own trivia)."""
    from content.questions.importance import authorities

    tiers = authorities(generated.documents)
    docs = {q.doc_id for q in enabled(generated)}
    for d in generated.documents:
        # a commentary (document tier 4) quoting the centre may give none: its own facts were Xi's sayings, which
        # an examiner found stock ("追求（实实在在）、没有水分") or defensible either way ("关乎立党为公、为民造福")
        if tiers[d.doc_id].document > 1:
            continue
        if d.paragraphs and sum(tiers[d.doc_id].of(b.index) <= 1 for b in d.paragraphs) >= 3:
            assert d.doc_id in docs, d.title


def test_bank_passes_verification(generated: Corpus) -> None:
    report = check_bank(enabled(generated), generated.documents)
    assert report.ok, report.failures[:5]


def test_five_heavy_five_light_is_asked_by_a_false_item_not_a_multiple_of_one_outsider(generated: Corpus) -> None:
    """The corpus's only 重X轻Y outside the five that no member could defend as one of them is 重速度轻质量
    (重当前轻长远 is 重短轻长, 重显绩轻潜绩 is 重显轻隐): a 多选 would have one wrong option, found by elimination
    (``content.questions.worth``), so the list is asked by the 判断 that offers it."""
    five = ("重始轻终", "重短轻长", "重显轻隐", "重易轻难", "重局部轻全局")
    bank = enabled(generated)
    assert not [q for q in bank if q.qtype == "multiple" and "五重五轻" in q.stem]
    hits = [q for q in bank if q.qtype == "truefalse" and "五重五轻" in q.stem]
    # the false outsider, or a true member when the bank's 判断 balance trades it in (``ranking.rebalanced``)
    assert len(hits) == 1
    assert all((q.answer == ("错误",)) == (not any(f"“{f}”" in q.stem for f in five)) for q in hits)


def test_general_requirement_question(generated: Corpus) -> None:
    items = {"立党为公", "为民造福", "科学决策", "真抓实干"}
    hits = [
        q
        for q in enabled(generated)
        if set(q.answer) == items or (q.qtype != "truefalse" and q.answer[0] in items and "总要求" in q.stem)
    ]
    assert hits, "no question on the 总要求"
    for q in hits:
        wrong = [o for o in q.options if o not in q.answer]
        assert not (set(wrong) & items), q.stem


def test_work_arrangement_items_are_never_distractors_for_their_own_list(generated: Corpus) -> None:
    arrangement = {"学习研讨", "查摆问题", "问题查摆", "整改整治", "建章立制", "开门教育"}
    for q in enabled(generated):
        if q.qtype in ("single", "multiple") and set(q.answer) & arrangement:
            assert not {norm(o) for o in q.options if o not in q.answer} & arrangement, q.stem


def test_answers_are_in_their_evidence_and_evidence_in_the_document(generated: Corpus) -> None:
    texts = {d.doc_id: "\n".join(b.text for b in d.blocks) for d in generated.documents}
    for q in enabled(generated):
        for line in q.sentence.split("\n"):
            assert line in texts[q.doc_id]
        if q.qtype in ("single", "multiple"):
            assert all(contains(q.sentence, a) for a in q.answer)
            assert not any(contains(q.sentence, o) for o in q.options if o not in q.answer), q.qid
        if q.qtype == "fill":
            assert q.stem.count(BLANK) == 1 and contains(q.sentence, q.answer[0])


def test_false_statements_differ_from_evidence_by_exactly_one_swap(generated: Corpus) -> None:
    falses = [q for q in enabled(generated) if q.qtype == "truefalse" and q.answer == (FALSE_TEXT,)]
    trues = [q for q in enabled(generated) if q.qtype == "truefalse" and q.answer == (TRUE_TEXT,)]
    # a true statement is kept only where it makes a checkable claim, a false one only where it is plausible and
    # not the campaign's own words (an examiner of the 36: 4 true against 8 false made "altered" mean "false")
    # bank-final: both true copies were an aside and boilerplate (not worth); a true one states a requirement
    assert len(falses) + len(trues) >= 1  # round 13: today's one 判断 is true (its list's verdict by hash order)
    assert all(not no_requirement(q.stem, copied(q.stem, q.sentence)) for q in trues)
    assert len(trues) <= len(falses) + 2
    assert abs(len(falses) - len(trues)) <= 4
    for q in falses:
        if MEMBERSHIP in q.stem or "，其中包括“" in q.stem:
            continue  # membership statements are checked in test_membership_statements
        original = re.search(r"原文(?:（[^）]*）)?：“(.*)”$", q.explanation).group(1).translate(NO_QUOTES)
        stem = split_attribution(re.sub(r"^(?:【[^】]*】|《[^》]*》：)", "", q.stem))[1].translate(NO_QUOTES)
        new, old = swap_of(stem, original)
        assert new and old, q.stem
        # a one-digit swap ("3月3日" → "3月6日") may find its digit elsewhere in the sentence ("2026年")
        # ... in the statement's own sentence: a duty's twin holder is named by the passage's lead by design
        # ("中央党的建设工作领导小组2月24日召开会议…\n各级党委（党组）要对学习教育负总责。")
        own = q.sentence.split("\n")[-1]
        assert contains(own, old) and (len(norm(new)) < 2 or not contains(own, new))
        # undoing the swap at one of its places gives the original back ("5月3日" for "3月5日": which "3" is
        # the swapped one depends on where the difference lies)
        places = [i for i in range(len(stem)) if stem.startswith(new, i)]
        assert any(stem[:i] + old + stem[i + len(new):] == original for i in places), q.stem


def test_no_artifacts_and_limits(generated: Corpus) -> None:
    for q in enabled(generated):
        for text in (q.stem, q.explanation, *q.options):
            assert not any(a in text for a in ARTIFACTS), text
        assert len(q.stem) <= 300 and len(q.explanation) <= 200
        assert all(len(o) <= 100 for o in q.options)
        if q.qtype in ("single", "multiple"):
            assert 3 <= len(q.options) <= 6


def test_changed_sentence_changes_only_its_questions(generated: Corpus, tmp_path: Path) -> None:
    # was the Notice's 第一责任人, then its 建章立制 — a stock collocation, then a label its clause explains, then
    # the meeting's 省市县乡 换届 — a set phrase of levels (bank-final Q6), then what rectification is combined
    # with — an item of an open list (examiner round 9: test_series_items); now the 抓手's sentence
    target = "教育引导各级党组织和党员、干部坚持实事求是"
    changed = "教育引导各级党组织和广大党员、干部坚持实事求是"
    before = {q.qid: q for q in generated.questions}
    hit = [q for q in before.values() if target in q.sentence]
    assert hit, "expected a question on the campaign's 抓手"
    materials = tmp_path / "materials"
    shutil.copytree(DEFAULT_MATERIALS, materials)
    path = materials / "001_66d9faa05d99b792.txt"
    path.chmod(0o644)
    path.write_text(
        path.read_text(encoding="utf-8").replace(target, changed),
        encoding="utf-8",
    )
    after = {q.qid: q for q in build_corpus(materials, curated_path=None).questions}
    for q in hit:
        assert q.qid not in after
    # every question asking the same thing of an unchanged sentence keeps its id
    same = {(q.qtype, q.sentence, q.answer): qid for qid, q in before.items()}
    matched = 0
    for qid, q in after.items():
        if target not in q.sentence and q.qtype != "truefalse" and (q.qtype, q.sentence, q.answer) in same:
            assert same[(q.qtype, q.sentence, q.answer)] == qid
            matched += 1
    # of the questions that could keep their id (a 判断 is not matched here, nor the changed sentence's own)
    comparable = [q for q in before.values() if q.qtype != "truefalse" and target not in q.sentence]
    assert matched >= 0.6 * len(comparable)
    edited = [q for q in after.values() if changed in q.sentence]
    assert edited and all(q.qid not in before for q in edited)


def test_ids_are_stable_across_builds_and_hash_seeds(generated: Corpus) -> None:
    """A second build, in another process with another string-hash seed, gives the same bank (no set-order leaks).

    The session's build ran under pytest's own seed; the child runs under another.
    """
    script = (
        "from content.pipeline import build_corpus, DEFAULT_MATERIALS;"
        "print(','.join(q.qid for q in build_corpus(DEFAULT_MATERIALS, curated_path=None).questions))"
    )
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ",".join(q.qid for q in generated.questions)
