"""Each branch's study plan and question bank as rows: a corpus goes in, a secretary's decisions stay.

::

    content pipeline (plain records)        sync_corpus                 rows (per branch)
    Corpus.documents ────────────────▶ upsert by doc_key  ────────▶ Material   (gone → active=False)
    Corpus.snippets  ────────────────▶ upsert by unit_key ────────▶ StudyUnit  (position = plan order)
    Corpus.questions ────────────────▶ upsert by qkey     ────────▶ Question ◀── decide / edit / apply_edits
                                                                       │            (/review, the xlsx)
                                                                       └──▶ published_questions (quizzes)

Why upsert and never replace: answers, progress and the 错题本 point at these rows, and the pipeline's ids
are content hashes, so the same text always lands on the same row and a second sync of the same corpus
changes nothing.  The question lifecycle::

    new ──▶ draft ──decide──▶ published | rejected          (new ──▶ published at once with auto_publish)
    draft ──no longer generated, or curated enabled=False──▶ retired ──generated again──▶ draft
    published ──source sentence gone, or curated enabled=False──▶ retired ──back──▶ published

The generator ranks and spreads its bank over the documents, so adding one material can leave out
questions of another whose text did not change.  A draft left out is retired (it comes back if chosen
again); a published question stays published while its source sentence is still in its document —
a secretary's approval is not undone by a ranking.

A secretary's edit sets ``edited``: a rebuild still refreshes the evidence and score, never the wording.
Rejected questions are never retired, so the decision survives a source that disappears and comes back.
The secretary's side (review queue, decisions, edits, the returned sheet) is ``storage.bank``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from content.model import Corpus, Document, Snippet
from content.model import Question as Generated
from storage import revisions
from storage.errors import NotFound
from storage.models import Material, Question, QuestionStatus, StudyUnit
from storage.scope import Scope

LIVE = (QuestionStatus.DRAFT, QuestionStatus.PUBLISHED)  # what a vanished source retires


@dataclass
class SyncReport:
    """What one sync changed; all zeros (and ``changed`` false) when the corpus was already in the store."""

    new_documents: list[str] = field(default_factory=list)  # titles
    materials_updated: int = 0
    materials_retired: int = 0
    units_added: int = 0
    units_updated: int = 0
    units_retired: int = 0
    new_questions: Counter[str] = field(default_factory=Counter)  # by question type
    new_keys: list[str] = field(default_factory=list)  # qkeys of the questions just added
    questions_updated: int = 0
    questions_retired: int = 0
    questions_revived: int = 0
    questions_back_to_review: int = 0  # published, then regenerated with other words: a secretary looks again
    auto_published: int = 0

    @property
    def changed(self) -> bool:
        return any((self.new_documents, self.materials_updated, self.materials_retired, self.units_added,
                    self.units_updated, self.units_retired, sum(self.new_questions.values()),
                    self.questions_updated, self.questions_retired, self.questions_revived))


def _cut(value: str | None, limit: int) -> str | None:
    return value[:limit] if value is not None else None


def assign_fields(row: Any, values: dict[str, Any]) -> bool:
    """Set only the attributes that differ, so an unchanged row is not even marked dirty."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


# --------------------------------------------------------------------------- sync


def sync_corpus(*, session: Session, branch_id: int, corpus: Corpus, auto_publish: bool, now: datetime) -> SyncReport:
    """Bring the branch's materials, study plan and question bank in line with ``corpus``."""
    report = SyncReport()
    _sync_materials(session, branch_id, corpus.documents, now, report)
    _sync_units(session, branch_id, corpus.snippets, report)
    _sync_questions(session, branch_id, corpus.questions, corpus.documents, auto_publish, now, report)
    session.flush()
    return report


def _upsert(session: Session, rows: dict[str, Any], entries: Iterable[tuple[str, dict[str, Any]]],
            create: Callable[[str, dict[str, Any]], Any]) -> tuple[list[str], int, int]:
    """Create, refresh or retire keyed rows so they match ``entries``; (added keys, updated, retired)."""
    seen: set[str] = set()
    added: list[str] = []
    updated = 0
    for key, values in entries:
        if key in seen:
            continue
        seen.add(key)
        row = rows.get(key)
        if row is None:
            session.add(create(key, values))
            added.append(key)
        elif assign_fields(row, values):
            session.add(row)
            updated += 1
    retired = 0
    for key, row in rows.items():
        if key not in seen and row.active:
            row.active = False
            session.add(row)
            retired += 1
    return added, updated, retired


def _sync_materials(session: Session, branch_id: int, documents: Iterable[Document], now: datetime,
                    report: SyncReport) -> None:
    rows = {m.doc_key: m for m in session.exec(select(Material).where(Material.branch_id == branch_id))}
    entries: list[tuple[str, dict[str, Any]]] = [
        (doc.doc_id[:128], {"file_name": doc.file_name[:255], "title": doc.title[:500],
                            "source": _cut(doc.source, 255), "published": doc.published, "active": True})
        for doc in documents]
    added, report.materials_updated, report.materials_retired = _upsert(
        session, rows, entries, lambda key, values: Material(branch_id=branch_id, doc_key=key, added_at=now, **values))
    titles = {key: values["title"] for key, values in entries}
    report.new_documents.extend(titles[key] for key in added)


def _sync_units(session: Session, branch_id: int, snippets: Iterable[Snippet], report: SyncReport) -> None:
    rows = {u.unit_key: u for u in session.exec(select(StudyUnit).where(StudyUnit.branch_id == branch_id))}
    entries = [(snippet.snippet_id[:64], {
        "doc_key": snippet.doc_id[:128], "title": snippet.title[:500], "heading": _cut(snippet.heading, 500),
        "source": _cut(snippet.source, 255), "text": snippet.text, "position": snippet.position, "active": True,
    }) for snippet in snippets]
    added, report.units_updated, report.units_retired = _upsert(
        session, rows, entries, lambda key, values: StudyUnit(branch_id=branch_id, unit_key=key, **values))
    report.units_added = len(added)


def _wording(q: Generated) -> dict[str, Any]:
    return {"stem": q.stem, "options": list(q.options), "answer": list(q.answer), "explanation": q.explanation}


def _evidence(q: Generated) -> dict[str, Any]:
    return {"qtype": q.qtype, "doc_key": q.doc_id[:128], "document": q.document[:500], "sentence": q.sentence,
            "origin": q.origin, "score": float(q.score)}


def _sync_questions(session: Session, branch_id: int, questions: Sequence[Generated],
                    documents: Sequence[Document], auto_publish: bool, now: datetime, report: SyncReport) -> None:
    texts = {d.doc_id[:128]: [b.text for b in d.blocks] for d in documents}
    rows = {q.qkey: q for q in session.exec(select(Question).where(Question.branch_id == branch_id))}
    live: set[str] = set()
    for q in questions:
        key = q.qid[:64]
        row = rows.get(key)
        if not q.enabled:
            continue  # not in ``live``: a stored row is retired below
        if key in live:
            continue
        live.add(key)
        if row is None:
            status = QuestionStatus.PUBLISHED if auto_publish else QuestionStatus.DRAFT
            session.add(Question(branch_id=branch_id, qkey=key, status=status, updated_at=now,
                                 **_wording(q), **_evidence(q)))
            report.new_questions[q.qtype] += 1
            report.new_keys.append(key)
            report.auto_published += auto_publish
            continue
        changed = assign_fields(row, _evidence(q))
        if not row.edited:
            reworded = revisions.reword(session, row, _wording(q), actor=None, now=now)  # answers keep theirs
            if reworded and row.status == QuestionStatus.PUBLISHED and not auto_publish:
                # a secretary approved other words: the new wording goes back for review before members see it
                row.status = QuestionStatus.DRAFT
                row.reviewed_at = None
                report.questions_back_to_review += 1
            changed = reworded or changed
        if row.status == QuestionStatus.RETIRED:
            # Rejected rows are never retired, so a retired row that a secretary reviewed had been published.
            published = auto_publish or row.reviewed_at is not None
            row.status = QuestionStatus.PUBLISHED if published else QuestionStatus.DRAFT
            report.questions_revived += 1
            changed = True
        elif changed:
            report.questions_updated += 1
        if changed:
            row.updated_at = now
            session.add(row)
    withdrawn = {q.qid[:64] for q in questions if not q.enabled}
    for key, row in rows.items():
        if key in live or row.status not in LIVE:
            continue
        if row.status == QuestionStatus.PUBLISHED and key not in withdrawn and _evidence_intact(row, texts):
            continue  # only the ranking left it out: its source is unchanged, so the approval stands
        row.status = QuestionStatus.RETIRED
        row.updated_at = now
        session.add(row)
        report.questions_retired += 1


def _evidence_intact(row: Question, texts: dict[str, list[str]]) -> bool:
    blocks = texts.get(row.doc_key)
    if not blocks:
        return False
    return all(any(line in b for b in blocks) for line in row.sentence.split("\n") if line)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class MaterialSummary:
    material: Material
    units: int  # active study units cut from it
    questions: int  # questions in the bank (retired ones not counted)


def materials_overview(*, session: Session, branch_id: int) -> list[MaterialSummary]:
    """The branch's active materials with how much each contributed, oldest first."""
    units = dict(session.exec(
        select(StudyUnit.doc_key, func.count(col(StudyUnit.id)))
        .where(StudyUnit.branch_id == branch_id, col(StudyUnit.active).is_(True)).group_by(col(StudyUnit.doc_key))
    ).all())
    questions = dict(session.exec(
        select(Question.doc_key, func.count(col(Question.id)))
        .where(Question.branch_id == branch_id, Question.status != QuestionStatus.RETIRED)
        .group_by(col(Question.doc_key))
    ).all())
    materials = session.exec(
        select(Material).where(Material.branch_id == branch_id, col(Material.active).is_(True))
        .order_by(col(Material.added_at), col(Material.id))
    )
    return [MaterialSummary(m, units.get(m.doc_key, 0), questions.get(m.doc_key, 0)) for m in materials]


def ranked() -> tuple[Any, Any]:
    """Best score first; the id breaks ties so every listing and the review queue agree on one order."""
    return col(Question.score).desc(), col(Question.id)


def published_questions(*, session: Session, branch_id: int) -> list[Question]:
    """What members may be asked, best first."""
    query = select(Question).where(Question.branch_id == branch_id, Question.status == QuestionStatus.PUBLISHED)
    return list(session.exec(query.order_by(*ranked())))


def bank_questions(*, session: Session, branch_id: int, include_retired: bool = False) -> list[Question]:
    """The whole bank for the xlsx export, best first."""
    query = select(Question).where(Question.branch_id == branch_id)
    if not include_retired:
        query = query.where(Question.status != QuestionStatus.RETIRED)
    return list(session.exec(query.order_by(*ranked())))


def material_id_for_file(*, session: Session, branch_id: int, file_name: str) -> int | None:
    """The active material a stored file became (its first document, when a file holds several)."""
    return session.exec(select(Material.id).where(
        Material.branch_id == branch_id, Material.file_name == file_name, col(Material.active).is_(True))
        .order_by(col(Material.id))).first()


def get_material(*, session: Session, scope: Scope, material_id: int) -> Material:
    """One material the caller's scope manages; ``NotFound`` otherwise (a forged or stale button)."""
    material = session.get(Material, material_id)
    if material is None or not scope.manages or not scope.sees_branch(material.branch_id):
        raise NotFound()
    return material
