"""Cues a member notices in a small bank without reading the question (contentfix, after issue #7's bank of 7).

* the key's letter: both 单选 were keyed A, "always A" scored full — ``content.questions.keys`` places the
  keys of the finished bank so two questions of a type never share it where they need not;
* a 多选 blank standing for more terms than it keys: "从个人或小团体利益出发，（　），搞…" blanked four terms
  (心浮气躁、急功近利、弄虚作假、盲目蛮干) with three keys, 心浮气躁 not offered — ``listcounts._run`` blanks
  exactly the keyed run and leaves the list's other items in the stem.
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from content.model import Corpus, Question
from content.pipeline import DEFAULT_MATERIALS, build_corpus
from content.questions.text import BLANK, norm
from content.verify import check_question


@lru_cache(maxsize=1)
def _example() -> Corpus:
    """The example branch's bank (config.example.yaml names 学校 its own): 9 questions today."""
    return build_corpus(DEFAULT_MATERIALS, own_bodies=("学校",))


def _banks(published: Corpus, generated: Corpus) -> dict[str, list[Question]]:
    return {name: [q for q in c.questions if q.enabled]
            for name, c in (("published", published), ("generated", generated), ("example", _example()))}


def _positions(qs: list[Question]) -> list[tuple[int, ...]]:
    return [tuple(i for i, o in enumerate(q.options) if o in q.answer) for q in qs]


def _spread_ok(qs: list[Question]) -> bool:
    """Keys balanced over the positions every question of the type has: no position keyed more than once
    above another (two 单选 of four options never share a letter; no letter is every 多选's key by habit)."""
    if len(qs) < 2:
        return True
    common = min(len(q.options) for q in qs)
    counts = [sum(p in spots for spots in _positions(qs)) for p in range(common)]
    if qs[0].qtype == "single":
        return max(counts) <= math.ceil(len(qs) / common)
    prefixes = all(spots == tuple(range(len(spots))) for spots in _positions(qs))
    return max(counts) - min(counts) <= 1 and not prefixes


def test_key_positions_are_spread_in_every_shipped_bank(published: Corpus, generated: Corpus) -> None:
    for name, bank in _banks(published, generated).items():
        for qtype in ("single", "multiple"):
            qs = [q for q in bank if q.qtype == qtype]
            assert _spread_ok(qs), (name, qtype, [(q.qid, q.answer, q.options) for q in qs])
    singles = [q for q in _banks(published, generated)["published"] if q.qtype == "single"]
    assert len(singles) >= 2 and len({p for p, in _positions(singles)}) == len(singles)  # today: A and C, not A, A


def _choice(qid: str, qtype: str, options: tuple[str, ...], answer: tuple[str, ...]) -> Question:
    return Question(qid, qtype, f"问{qid}（　）", options, answer, "解析", "d#0", "文", "句")  # type: ignore[arg-type]


def test_placement_balances_a_bank_written_all_keyed_a() -> None:
    from content.questions.keys import placed

    singles = [_choice(f"q-s{i}", "single", (f"对{i}", f"错{i}a", f"错{i}b", f"错{i}c"), (f"对{i}",)) for i in range(8)]
    multiples = [_choice(f"q-m{i}", "multiple", (f"甲{i}", f"乙{i}", f"丙{i}", f"丁{i}"), (f"甲{i}", f"乙{i}"))
                 for i in range(6)]
    out = placed([*singles, *multiples])
    assert [q.qid for q in out] == [q.qid for q in [*singles, *multiples]]  # ids and order kept
    ones = [p for p, in _positions(out[:8])]
    assert sorted(ones) == [0, 0, 1, 1, 2, 2, 3, 3]
    keyed = _positions(out[8:])
    assert [sum(p in s for s in keyed) for p in range(4)] == [3, 3, 3, 3]
    for before, after in zip([*singles, *multiples], out, strict=True):
        assert set(after.options) == set(before.options) and set(after.answer) == set(before.answer)
        assert after.answer == tuple(o for o in after.options if o in before.answer)  # answers in option order


def test_placement_is_the_same_on_every_build_of_the_same_bank() -> None:
    from content.questions.keys import placed

    bank = [_choice(f"q-{i:02d}", "single", (f"对{i}", f"错{i}a", f"错{i}b", f"错{i}c"), (f"对{i}",)) for i in range(5)]
    once = {q.qid: q.options for q in placed(bank)}
    shuffled = [replace(q, options=q.options[::-1]) for q in reversed(bank)]  # built in another order
    assert {q.qid: q.options for q in placed(shuffled)} == once
    assert {q.qid: q.options for q in placed(placed(bank))} == once


def test_placement_leaves_alone_what_it_must() -> None:
    from content.questions.keys import placed

    refers = _choice("q-r", "single", ("甲", "乙", "以上都对"), ("以上都对",))
    off = replace(_choice("q-o", "single", ("甲", "乙", "丙"), ("甲",)), enabled=False)
    judged = _choice("q-t", "truefalse", ("正确", "错误"), ("错误",))
    assert placed([refers, off, judged]) == [refers, off, judged]


def test_todays_ids_survive_the_placement(published: Corpus) -> None:
    """Answers and review cards key on ids: reordering options must not orphan them (``ids.question_id``
    hashes type, sentence and slot, never the options)."""
    ids = {q.qid for q in published.questions if q.enabled}
    assert {"q-23d0426355", "q-a950d4c4fe", "q-39a510779d", "q-b9edf4b7a7"} <= ids


def test_placed_questions_still_verify(published: Corpus) -> None:
    texts = {d.doc_id: [b.text for b in d.blocks] for d in published.documents}
    for q in published.questions:
        if q.enabled and q.origin == "generated":
            assert not check_question(q, texts[q.doc_id]), q.qid


def _blanked(q: Question) -> list[str]:
    """The terms of the source the 多选's blank stands for: the sentence's text between the stem's words on
    either side of the blank, cut at 、."""
    before, after = (norm(side) for side in q.stem.split(BLANK))
    sentence = norm(q.sentence)
    for size in range(min(len(before), 8), 1, -1):
        left = sentence.find(before[-size:])
        if left >= 0:
            left += size
            break
    else:
        pytest.fail(f"{q.qid}: the stem's words before the blank are not in the sentence")
    right = next((sentence.find(after[:size], left) for size in range(min(len(after), 8), 1, -1)
                  if sentence.find(after[:size], left) >= 0), len(sentence))
    return sentence[left:right].removesuffix("等").split("、")


@pytest.mark.parametrize("bank_name", ["published", "generated", "example"])
def test_a_multiple_keys_every_term_its_blank_stands_for(
    bank_name: str, published: Corpus, generated: Corpus
) -> None:
    multiples = [q for q in _banks(published, generated)[bank_name] if q.qtype == "multiple" and BLANK in q.stem]
    assert multiples
    for q in multiples:
        assert sorted(_blanked(q)) == sorted(norm(a) for a in q.answer), (q.qid, q.stem, q.answer)


def test_the_wrong_view_of_achievement_keeps_its_unkeyed_terms_in_the_stem(published: Corpus) -> None:
    q = next(q for q in published.questions if q.qid == "q-23d0426355")
    shown = q.stem.split(BLANK)
    assert len(q.answer) + sum(t in "".join(shown) for t in ("心浮气躁", "急功近利", "弄虚作假", "盲目蛮干")) == 4


def test_a_true_candidate_on_a_fact_the_bank_does_not_ask_is_taken(
    published: Corpus,
) -> None:
    """The third cue, "always 错误", decided (contentfix): both shipped 判断 are 错误.

    The examiner keeps one true candidate on these materials, "《通知》指出：学习教育以县处级以上…为重点，
    于2026年春节假期后启动、7月底基本结束。", and its fact (7月底) is the one the timing 单选 asks: beside it
    each would tell the other's answer; in its place it trades a four-option question for a verbatim copy a
    guesser affirms. Retiring one false 判断 leaves "always 错误" as total (1 of 1) with one worth question
    fewer, so both stay and the check says so. Should the materials hold a true candidate on a fact the bank
    does not ask, the bank must take it: that is what this asserts."""
    from content.loader import load_materials
    from content.questions import candidates

    documents, _ = load_materials(DEFAULT_MATERIALS)
    truths = [c for c in candidates(documents) if c.question.qtype == "truefalse" and c.truth is True]
    asked = set(published.question_facts.values())
    assert truths and all(c.fact in asked for c in truths), [(c.question.qid, c.fact) for c in truths]
    judged = [q.answer[0] for q in published.questions if q.enabled and q.qtype == "truefalse"]
    # round 13: the true candidate on a new fact came — the 五重五轻's member "重短轻长" (a closed named list, its
    # patterned false twin kept beside it: ``formulas.patterned_twins``) — and the bank took it, as asserted here
    assert judged == ["正确"]


WRONG_VIEW = ("他指出，错误政绩观是“从个人或小团体利益出发，心浮气躁、急功近利、弄虚作假、盲目蛮干，"
              "搞‘形象工程’‘政绩工程’”。")


def test_unkeyed_terms_names_what_the_blank_stands_for_but_does_not_key() -> None:
    from content.questions.keys import unkeyed_terms

    options = ("弄虚作假", "脱离实际", "盲目蛮干", "漠视群众", "急功近利", "心浮气躁")
    old = Question("q-x", "multiple", "习近平指出：错误政绩观是“从个人或小团体利益出发，（　），搞‘形象工程’",
                   options[:5], ("弄虚作假", "盲目蛮干", "急功近利"), "", "d#0", "文", WRONG_VIEW)
    assert unkeyed_terms(old) == ["心浮气躁"]  # today's bank before contentfix
    run = replace(old, stem="习近平指出：错误政绩观是“从个人或小团体利益出发，心浮气躁、（　），搞‘形象工程’")
    assert unkeyed_terms(run) == []
    whole = replace(old, options=options, answer=("心浮气躁", "急功近利", "弄虚作假", "盲目蛮干"))
    assert unkeyed_terms(whole) == []
    assert unkeyed_terms(replace(old, stem="下列属于错误政绩观表现的有哪些？")) == []  # no blank: nothing claimed


def test_a_secretarys_multiple_that_blanks_an_unkeyed_term_is_named(tmp_path: Path) -> None:
    overlay = tmp_path / "questions.yaml"
    overlay.write_text(yaml.safe_dump({"add": [{
        "type": "multiple",
        "document": "“五重五轻”，习近平曾这样给错误政绩观“画像”",
        "sentence": "他指出，错误政绩观是“从个人或小团体利益出发，心浮气躁、急功近利、弄虚作假、盲目蛮干，搞‘形象工程’"
                    "‘政绩工程’，留下包袱和隐患，引起人民群众强烈不满”。",
        "stem": "错误政绩观是“从个人或小团体利益出发，（　），搞‘形象工程’‘政绩工程’”。",
        "options": ["急功近利", "弄虚作假", "盲目蛮干", "脱离实际", "漠视群众"],
        "answer": ["急功近利", "弄虚作假", "盲目蛮干"],
        "explanation": "出自习近平。",
    }]}, allow_unicode=True), encoding="utf-8")
    corpus = build_corpus(DEFAULT_MATERIALS, curated_path=overlay)
    notes = [p.message for p in corpus.problems if "does not key" in p.message]
    assert len(notes) == 1 and notes[0].endswith("心浮气躁"), notes
