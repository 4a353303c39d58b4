"""One call from a materials folder to everything the bot serves: ``build_corpus``.

::

    materials/ ──load_materials──▶ documents ──build_plan──▶ snippets (the study plan)
                                        │
                                        └──questions.candidates──▶ check_question (drop unproven)
                                                 ──select──▶ bank ──curated overlay──▶ check_bank
                                                                  └─▶ placed (key positions) ─▶ Corpus

Nothing fails silently: a file the loader could not read, a curated entry that no longer matches and
a question that does not pass verification all come back as ``Problem`` records in the corpus.  A
curated question that fails verification stays in the bank with ``enabled=False`` so the secretary sees
it; a generated one that fails is dropped (the generator is meant to be right by construction, so the
problem says which check caught it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from content.authority import Mark
from content.curated import Overlay, apply_overlay, load_overlay
from content.loader import load_materials
from content.model import Corpus, Document, Fact, Problem, Question
from content.questions import candidates, select
from content.questions.covered import asked_facts
from content.questions.dayapart import apart
from content.questions.hubs import hub
from content.questions.invented import invented_options
from content.questions.keys import placed, unkeyed_terms
from content.questions.meetings import meeting_days
from content.questions.ranking import FACT_LIMIT, ranked_facts, rebalanced
from content.questions.samefact import (
    crowded_rival,
    curated_facts,
    curated_rivals,
    leaking,
    mutual,
    over_asked,
    untangle,
)
from content.questions.slots import Candidate
from content.questions.wrongcount import varied
from content.reasons import Reason
from content.snippets import build_plan
from content.verify import check_bank, check_question

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_MATERIALS = PACKAGE_DIR / "materials"
DEFAULT_CURATED = PACKAGE_DIR / "questions.yaml"


def build_corpus(
    materials_dir: Path,
    *,
    curated_path: Path | None = DEFAULT_CURATED,
    first_titles: Sequence[str] = (),
    marks: Mapping[str, Mark] | None = None,
    own_bodies: Sequence[str] = (),
    core: Sequence[str] = (),
) -> Corpus:
    """Load, plan, generate, verify, rank and curate; ``curated_path=None`` skips the overlay.

    ``marks`` are a secretary's core/background marks (by file name or title) and ``own_bodies`` the
    branch's parent organisation: both feed ``content.authority``, which decides which copy of a repeated
    passage stays and how much each passage's questions weigh.  ``core`` is shorthand for marking files core.
    A malformed overlay raises :class:`content.curated.CuratedError` before any material is read.
    """
    overlay = load_overlay(Path(curated_path)) if curated_path is not None else None
    marks = {**dict.fromkeys(core, Mark.CORE), **(marks or {})}
    documents, problems = load_materials(Path(materials_dir), marks=marks, own_bodies=own_bodies)
    snippets = build_plan(documents, first_titles=first_titles)
    texts = {d.doc_id: [b.text for b in d.blocks] for d in documents}
    files = {d.doc_id: d.file_name for d in documents}
    proven = []
    generated = candidates(documents, marks=marks, own_bodies=own_bodies)
    for c in generated:
        reasons = check_question(c.question, texts.get(c.question.doc_id, []))
        if reasons:
            problems.append(
                Problem(
                    files.get(c.question.doc_id, ""),
                    f"generated {c.question.qid} failed verification: {reasons[0]}",
                    c.question.doc_id,
                )
            )
        else:
            proven.append(c)
    bank, fact_of, overlay_problems = _bank(proven, overlay, documents)
    problems.extend(overlay_problems)
    doc_of = {q.qid: q.doc_id for q in bank}
    for mine, curated in curated_rivals(bank):  # a note: the secretary decides which to keep
        problems.append(Problem(files.get(doc_of[mine], ""),
                                f"generated {mine} and curated {curated} give each other away"))
    for q in bank:  # a secretary's 单选 whose key the options point at (``hubs``): a note, the secretary redraws
        if q.origin != "generated" and q.enabled and hub(q):
            problems.append(Problem("questions.yaml", f"curated {q.qid}: its key is the hub of its options"))
        made_up = invented_options(q, (t for b in texts.values() for t in b)) if q.origin != "generated" else []
        if q.enabled and made_up:  # a note: a formula's wrong options come from the corpus's variants (``invented``)
            problems.append(Problem("questions.yaml", f"curated {q.qid}: wrong option written nowhere: {made_up[0]}"))
        unkeyed = unkeyed_terms(q) if q.origin != "generated" and q.enabled else []
        if unkeyed:  # a note: the blank stands for a term no key names (``keys.unkeyed_terms``)
            problems.append(Problem("questions.yaml", f"curated {q.qid}: its blank stands for a term it does not key: "
                                                      f"{unkeyed[0]}"))
    tier_of = {c.question.qid: c.tier for c in proven}
    asked = asked_facts(bank, proven, fact_of)  # a curated question may ask a second fact of its sentence
    facts = [Fact(text, weight, tier, docs, asked.get(text, 0)) for text, weight, tier, docs in ranked_facts(proven)]
    report = check_bank([q for q in bank if q.enabled], documents)
    failed: dict[str, Reason] = {}
    for qid, reason in report.failures:
        failed.setdefault(qid, reason)
    questions = []
    for q in bank:
        if q.qid in failed and q.enabled:
            problems.append(
                Problem(
                    files.get(q.doc_id, "questions.yaml"),
                    f"{q.origin} {q.qid} withdrawn: {failed[q.qid]}",
                    q.doc_id or None,
                )
            )
            q = replace(q, enabled=False)
        questions.append(q)
    days = meeting_days("\n".join(t for b in texts.values() for t in b))
    questions = apart(questions, days)  # no meeting-date 单选 offers another's key (``dayapart``)
    questions = varied(questions)  # how many wrong options each 多选 shows, spread over the bank (``wrongcount``)
    questions = placed(questions)  # the key positions, balanced over the finished bank (``keys``)
    return Corpus(
        documents=list(documents),
        snippets=list(snippets),
        questions=questions,
        problems=problems,
        facts=facts,
        question_facts={q.qid: fact_of[q.qid] for q in questions if q.qid in fact_of},
        question_tiers={q.qid: tier_of[q.qid] for q in questions if q.qid in tier_of},
    )


SWAPS = 3  # rebuilds that trade a fact's second question for a fact no question asks


def _bank(
    proven: Sequence[Candidate], overlay: Overlay | None, documents: Sequence[Document]
) -> tuple[list[Question], dict[str, str], list[Problem]]:
    """The ranked bank with the curated overlay, each fact asked at most ``FACT_LIMIT`` times (curated
    questions counted), and ``qid → fact``.

    Two questions that give each other away cannot both stay (``samefact.gives_away``); the ranker keeps the
    weightier.  Where that one's fact is asked a second time anyway and the other's fact by no question (the
    总要求 多选 "以（　）为总要求，以一体推进学查改为抓手" beside the curated 总要求 单选 shuts out "以（　）为抓手"),
    the bank is rebuilt without it — kept only if it then covers more facts with no fewer questions.
    """
    hidden = overlay.disable if overlay is not None else frozenset()
    by_id = {c.question.qid: c for c in proven}
    excluded: set[str] = set()
    blocks = {d.doc_id: [b.text for b in d.blocks] for d in documents}

    def sound(q: Question) -> bool:  # a stem cut of a clause must still verify
        return not check_question(q, blocks.get(q.doc_id, []))

    for _ in range(SWAPS if overlay is not None else 0):  # a curated question's mutual rival yields to it
        trial, _notes = apply_overlay(select([c for c in proven if c.question.qid not in excluded], hidden=hidden),
                                      overlay, documents)  # type: ignore[arg-type]
        pair = mutual(untangle(trial, sound)) - excluded
        if not pair:
            break
        excluded |= pair
    best: tuple[list[Question], dict[str, str], list[Problem]] | None = None
    for _ in range(SWAPS + 1):
        bank = select([c for c in proven if c.question.qid not in excluded], hidden=hidden)
        fact_of = {c.question.qid: c.fact for c in proven}
        problems: list[Problem] = []
        if overlay is not None:
            bank, problems = apply_overlay(bank, overlay, documents, by_id)
            cut = untangle(bank, sound)
            yielding = mutual(cut)  # a rebuild may bring in one the first loop never saw: it yields all the same
            if yielding - excluded:  # ... and the ranker chooses again without it (its place, its 判断 balance)
                excluded |= yielding
                bank, problems = apply_overlay(
                    select([c for c in proven if c.question.qid not in excluded], hidden=hidden),
                    overlay, documents, by_id,
                )
                cut = untangle(bank, sound)
                yielding = mutual(cut)
            cut = [q for q in cut if q.qid not in yielding]
            bank, held = _hold_leaks(cut, documents)  # before counting: a held one asks no fact
            problems += held
            # a curated question asks its fact too: the generated ones beyond the cap, or that give it away, go
            fact_of |= curated_facts(bank, fact_of.values())
            extra = over_asked(bank, fact_of, FACT_LIMIT)
            bank = [q for q in bank if q.qid not in extra]
            # statements that left (yielding to a curated one) may have tipped the 判断 balance: trade again
            bank = rebalanced(bank, [c for c in proven if c.question.qid not in excluded], hidden)
        if best is not None and not _covers_more(bank, best[0], fact_of):
            break
        best = (bank, fact_of, problems)
        crowding = crowded_rival(bank, [c.question for c in proven if c.question.qid not in excluded], fact_of)
        if crowding is None or crowding not in by_id:
            break
        excluded.add(crowding)
    assert best is not None
    return best


def _hold_leaks(bank: Sequence[Question], documents: Sequence[Document]) -> tuple[list[Question], list[Problem]]:
    """The bank with each curated question that shows another's answer held back (``enabled=False``), and a
    note per held one: ``content check`` names it for the secretary instead of publishing it silently."""
    files = {d.doc_id: d.file_name for d in documents}
    pairs = dict(leaking(bank))
    notes = [
        Problem(files.get(q.doc_id, ""), f"curated {q.qid} held back: it shows the answer of {pairs[q.qid]}", q.doc_id)
        for q in bank
        if q.qid in pairs
    ]
    return [replace(q, enabled=False) if q.qid in pairs else q for q in bank], notes


def _covers_more(bank: Sequence[Question], before: Sequence[Question], fact_of: Mapping[str, str]) -> bool:
    def facts(qs: Sequence[Question]) -> int:
        return len({fact_of[q.qid] for q in qs if q.enabled and q.qid in fact_of})

    shown = [q for q in bank if q.enabled]
    return facts(bank) > facts(before) and len(shown) >= len([q for q in before if q.enabled])
