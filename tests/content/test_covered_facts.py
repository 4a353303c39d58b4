"""``content build``'s fact list counts a fact a secretary's question asks beside the one it is counted under.

Before: "7月底" and "一把手" were listed as asked by no question, while the hand-written "何时启动、何时基本结束？"
and "以谁为重点？" ask exactly them (``content.questions.covered``).
"""

from __future__ import annotations

from content.model import Corpus, Question
from content.questions.covered import asked_facts
from content.questions.slots import Candidate

LINE = "学习教育以县处级以上领导班子和领导干部特别是“一把手”为重点，于2026年春节假期后启动、7月底基本结束。"
SPEAKER = "《通知》指出，经党中央同意，在全党开展树立和践行正确政绩观学习教育（以下简称学习教育）。"


def _q(qid: str, answer: str, origin: str = "curated", sentence: str = LINE, enabled: bool = True) -> Question:
    return Question(qid, "single", "？", (answer, "x"), (answer,), "", "d", "通知", sentence,
                    origin=origin, enabled=enabled)  # type: ignore[arg-type]


def _c(qid: str, key: str) -> Candidate:
    return Candidate(_q(qid, key, "generated", f"{SPEAKER}\n{LINE}"), key, "date")


def test_a_curated_answer_that_states_a_facts_key_asks_it() -> None:
    bank = [_q("c1", "2026年春节假期后启动、7月底基本结束"), _q("c2", "县处级以上领导班子和领导干部特别是“一把手”")]
    built = [_c("g1", "7月底"), _c("g2", "一把手"), _c("g3", "rank:县处级:指出:学习教育以"), _c("g4", "8月底")]
    asked = asked_facts(bank, built, {"c2": "县处级以上领导班子和领导干部特别是一把手"})
    assert asked["7月底"] == 1 and asked["一把手"] == 1 and asked["rank:县处级:指出:学习教育以"] == 1
    assert asked["县处级以上领导班子和领导干部特别是一把手"] == 1  # counted once, under its own fact
    assert asked["8月底"] == 0  # a key the answer does not state


def test_only_the_same_sentence_and_only_enabled_curated_questions() -> None:
    other = "各级党委（党组）要对学习教育负总责。"
    assert asked_facts([_q("c1", "7月底基本结束", sentence=other)], [_c("g1", "7月底")], {})["7月底"] == 0
    assert asked_facts([_q("c1", "7月底基本结束", enabled=False)], [_c("g1", "7月底")], {})["7月底"] == 0
    assert asked_facts([_q("c1", "7月底基本结束", origin="generated")], [_c("g1", "7月底")], {})["7月底"] == 0


def test_the_shipped_report_lists_the_notices_timing_as_asked(published: Corpus) -> None:
    asked = {f.text: f.asked for f in published.facts}
    # the focus ("一把手") is no longer asked: the scope formula of every recent campaign (content12)
    assert asked.get("7月底") == 1 and asked.get("一把手") == 0
