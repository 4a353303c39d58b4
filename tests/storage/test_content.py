"""Syncing a corpus into a branch's store, on an SQLite file and on PostgreSQL.

The corpora are built by hand from ``content.model`` records so each test states exactly which
documents, snippets and questions a rebuild produces.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlmodel import col, select

from content.model import Block, Corpus, Document, Snippet
from content.model import Question as Generated
from scheduler.clock import FakeClock
from storage import bank
from storage import content as store
from storage.db import Database
from storage.models import Branch, Material, Member, Question, QuestionStatus, Role, StudyUnit
from tests import factories


def doc(n: int, title: str | None = None) -> Document:
    return Document(doc_id=f"m{n}#0", file_name=f"m{n}.txt", title=title or f"材料{n}",
                    blocks=(Block("paragraph", "正文。", 0),), source="人民日报", published=date(2026, 3, n))


def snip(n: int, doc_n: int, position: int, text: str | None = None) -> Snippet:
    return Snippet(snippet_id=f"s-{n}", doc_id=f"m{doc_n}#0", title=f"材料{doc_n}", text=text or f"第{n}段学习内容。",
                   position=position, source="人民日报", heading="一、总体要求")


def question(n: int, doc_n: int = 1, score: float = 0.5, **kw: Any) -> Generated:
    values: dict[str, Any] = {
        "qid": f"q-{n:04d}", "qtype": "single", "stem": f"第{n}题：学习教育的重点是（　）。",
        "options": ("县处级以上领导班子", "普通群众", "离退休干部", "青年学生"), "answer": ("县处级以上领导班子",),
        "explanation": "原文如此。", "doc_id": f"m{doc_n}#0", "document": f"材料{doc_n}",
        "sentence": "学习教育以县处级以上领导班子和领导干部为重点。", "score": score,
    }
    values.update(kw)
    return Generated(**values)


def corpus(questions: list[Generated] | None = None, docs: tuple[int, ...] = (1, 2)) -> Corpus:
    return Corpus(
        documents=[doc(n) for n in docs],
        snippets=[snip(10 * n + i, n, 2 * k + i) for k, n in enumerate(docs) for i in range(2)],
        questions=questions if questions is not None else [question(1, score=0.9), question(2, 2, score=0.7),
                                                           question(3, score=0.8, qtype="truefalse")],
    )


def sync(db: Database, clock: FakeClock, branch_id: int, c: Corpus, auto: bool = False) -> store.SyncReport:
    with db.session() as s:
        return store.sync_corpus(session=s, branch_id=branch_id, corpus=c, auto_publish=auto, now=clock.now())


def snapshot(db: Database, branch_id: int) -> dict[str, list[dict[str, Any]]]:
    with db.session() as s:
        return {model.__name__: [r.model_dump() for r in s.exec(
            select(model).where(model.branch_id == branch_id).order_by(col(model.id)))]
            for model in (Material, StudyUnit, Question)}


def questions_by_key(db: Database, branch_id: int) -> dict[str, Question]:
    with db.session() as s:
        return {q.qkey: q for q in s.exec(select(Question).where(Question.branch_id == branch_id))}


def secretary(db: Database, clock: FakeClock, branch_id: int, tg: int = 500) -> Member:
    return factories.member(db, branch_id, tg, "李书记", clock.now(), Role.SECRETARY)


def reviewed(db: Database, clock: FakeClock, decisions: dict[str, bool]) -> tuple[Branch, Member]:
    """A branch synced once with ``corpus()``, whose secretary published (``True``) or rejected the named
    questions: where most tests of what a rebuild does to reviewed questions start."""
    branch = factories.branch(db, clock.now())
    sec = secretary(db, clock, branch.id)
    sync(db, clock, branch.id, corpus())
    rows = questions_by_key(db, branch.id)
    with db.session() as s:
        for key, publish in decisions.items():
            bank.decide_question(session=s, actor=sec, question_id=rows[key].id, publish=publish, now=clock.now())
    return branch, sec


def test_first_sync_stores_everything_and_a_second_changes_nothing(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    report = sync(db, clock, branch.id, corpus())
    assert report.new_documents == ["材料1", "材料2"]
    assert report.units_added == 4 and dict(report.new_questions) == {"single": 2, "truefalse": 1}
    assert report.auto_published == 0 and report.changed
    rows = questions_by_key(db, branch.id)
    assert {q.status for q in rows.values()} == {QuestionStatus.DRAFT}
    assert rows["q-0001"].options[0] == "县处级以上领导班子" and rows["q-0001"].doc_key == "m1#0"
    before = snapshot(db, branch.id)

    clock.advance(timedelta(days=1))
    again = sync(db, clock, branch.id, corpus())
    assert not again.changed and again == store.SyncReport()
    assert snapshot(db, branch.id) == before  # not even updated_at moved


def test_auto_publish_publishes_new_questions_only(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    sync(db, clock, branch.id, corpus([question(1)]))
    report = sync(db, clock, branch.id, corpus([question(1), question(2)]), auto=True)
    assert report.auto_published == 1
    rows = questions_by_key(db, branch.id)
    assert rows["q-0001"].status == QuestionStatus.DRAFT and rows["q-0002"].status == QuestionStatus.PUBLISHED


def test_vanished_sources_are_deactivated_and_come_back(db: Database, clock: FakeClock) -> None:
    branch, _ = reviewed(db, clock, {"q-0001": True})

    report = sync(db, clock, branch.id, corpus([question(1, score=0.9)], docs=(1,)))
    assert (report.materials_retired, report.units_retired, report.questions_retired) == (1, 2, 2)
    with db.session() as s:
        assert [m.doc_key for m in s.exec(select(Material).where(col(Material.active).is_(True)))] == ["m1#0"]
    rows = questions_by_key(db, branch.id)
    assert rows["q-0001"].status == QuestionStatus.PUBLISHED
    assert rows["q-0002"].status == rows["q-0003"].status == QuestionStatus.RETIRED

    back = sync(db, clock, branch.id, corpus())
    assert back.questions_revived == 2 and back.new_documents == [] and back.materials_updated == 1
    rows = questions_by_key(db, branch.id)
    assert rows["q-0002"].status == QuestionStatus.DRAFT  # never reviewed: back in the queue


def test_curated_disable_retires_and_a_published_question_returns_published(db: Database, clock: FakeClock) -> None:
    branch, _ = reviewed(db, clock, {"q-0001": True})
    disabled = corpus([replace(question(1, score=0.9), origin="curated", enabled=False), question(2, 2, score=0.7),
                       question(3, score=0.8, qtype="truefalse")])
    assert sync(db, clock, branch.id, disabled).questions_retired == 1
    assert questions_by_key(db, branch.id)["q-0001"].status == QuestionStatus.RETIRED
    sync(db, clock, branch.id, corpus())
    assert questions_by_key(db, branch.id)["q-0001"].status == QuestionStatus.PUBLISHED


def test_a_published_question_the_ranking_left_out_stays_while_its_source_is_unchanged(
    db: Database, clock: FakeClock
) -> None:
    branch = factories.branch(db, clock.now())
    sec = secretary(db, clock, branch.id)
    sentence = question(1).sentence
    quoting = replace(doc(1), blocks=(Block("paragraph", f"开头一句。{sentence}结尾一句。", 0),))
    with_text = corpus()
    with_text.documents = [quoting, doc(2)]
    sync(db, clock, branch.id, with_text)
    ids = {k: q.id for k, q in questions_by_key(db, branch.id).items()}
    with db.session() as s:
        for key in ("q-0001", "q-0002"):
            bank.decide_question(session=s, actor=sec, question_id=ids[key], publish=True, now=clock.now())

    left_out = corpus([question(3, score=0.8, qtype="truefalse")])  # neither q1 nor q2 chosen this time
    left_out.documents = [quoting, doc(2)]
    report = sync(db, clock, branch.id, left_out)
    rows = questions_by_key(db, branch.id)
    assert rows["q-0001"].status == QuestionStatus.PUBLISHED  # its sentence is still in 材料1
    assert rows["q-0002"].status == QuestionStatus.RETIRED  # 材料2 does not hold its sentence
    assert report.questions_retired == 1

    rewritten = corpus([question(3, score=0.8, qtype="truefalse")])  # 材料1 without that sentence now
    assert sync(db, clock, branch.id, rewritten).questions_retired == 1
    assert questions_by_key(db, branch.id)["q-0001"].status == QuestionStatus.RETIRED


def test_rejected_questions_are_not_retired(db: Database, clock: FakeClock) -> None:
    branch, _ = reviewed(db, clock, {"q-0002": False})
    sync(db, clock, branch.id, corpus([question(1)]))
    sync(db, clock, branch.id, corpus())
    assert questions_by_key(db, branch.id)["q-0002"].status == QuestionStatus.REJECTED


def test_rebuild_refreshes_text_but_keeps_a_secretarys_edit(db: Database, clock: FakeClock) -> None:
    branch, sec = reviewed(db, clock, {})
    q1 = questions_by_key(db, branch.id)["q-0001"]
    with db.session() as s:
        bank.edit_question(session=s, actor=sec, question_id=q1.id, stem="学习教育以（　）和领导干部为重点。",
                           now=clock.now())
    reworded = corpus([question(1, score=0.95, stem="新生成的题干（　）。", explanation="新解析。"),
                       question(2, 2, score=0.7, stem="第2题的新说法（　）。"),
                       question(3, score=0.8, qtype="truefalse")])
    report = sync(db, clock, branch.id, reworded)
    assert report.questions_updated == 2 and not report.new_questions
    rows = questions_by_key(db, branch.id)
    assert rows["q-0001"].stem == "学习教育以（　）和领导干部为重点。" and rows["q-0001"].edited
    assert rows["q-0001"].explanation == "原文如此。" and rows["q-0001"].score == 0.95
    assert rows["q-0002"].stem == "第2题的新说法（　）。" and not rows["q-0002"].edited
    assert rows["q-0001"].id == q1.id  # same row: answers pointing at it stay valid


def test_units_follow_the_plan_order(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    sync(db, clock, branch.id, corpus())
    reordered = corpus()
    reordered.snippets = [replace(s, position=len(reordered.snippets) - 1 - s.position) for s in reordered.snippets]
    report = sync(db, clock, branch.id, reordered)
    assert report.units_updated == 4 and report.units_added == 0
    with db.session() as s:
        units = s.exec(select(StudyUnit).where(StudyUnit.branch_id == branch.id)
                       .order_by(col(StudyUnit.position))).all()
    assert [u.unit_key for u in units] == ["s-21", "s-20", "s-11", "s-10"]


def test_branches_keep_separate_banks(db: Database, clock: FakeClock) -> None:
    one = factories.branch(db, clock.now())
    two = factories.branch(db, clock.now(), key="other", invite="other-code", name="另一支部")
    sync(db, clock, one.id, corpus())
    report = sync(db, clock, two.id, corpus([question(1)]), auto=True)
    assert sum(report.new_questions.values()) == 1
    assert len(questions_by_key(db, one.id)) == 3 and len(questions_by_key(db, two.id)) == 1
    with db.session() as s:
        assert [q.qkey for q in store.published_questions(session=s, branch_id=two.id)] == ["q-0001"]
        assert store.published_questions(session=s, branch_id=one.id) == []


def test_materials_overview_counts_units_and_live_questions(db: Database, clock: FakeClock) -> None:
    branch = factories.branch(db, clock.now())
    sync(db, clock, branch.id, corpus())
    with db.session() as s:
        overview = store.materials_overview(session=s, branch_id=branch.id)
        listed = store.bank_questions(session=s, branch_id=branch.id)
    assert [(o.material.title, o.units, o.questions) for o in overview] == [("材料1", 2, 2), ("材料2", 2, 1)]
    assert overview[0].material.published == date(2026, 3, 1) and overview[0].material.source == "人民日报"
    assert [q.qkey for q in listed] == ["q-0001", "q-0003", "q-0002"]  # best score first


def test_a_published_question_reworded_by_a_rebuild_goes_back_to_review(db: Database, clock: FakeClock) -> None:
    branch, _ = reviewed(db, clock, {"q-0001": True, "q-0002": True})
    report = sync(db, clock, branch.id, corpus([question(1, score=0.9, stem="换了说法的题干（　）。"),
                                                question(2, 2, score=0.7), question(3, score=0.8, qtype="truefalse")]))
    rows = questions_by_key(db, branch.id)
    assert report.questions_back_to_review == 1
    assert rows["q-0001"].status == QuestionStatus.DRAFT and rows["q-0001"].stem == "换了说法的题干（　）。"
    assert rows["q-0002"].status == QuestionStatus.PUBLISHED  # same words: the approval stands
