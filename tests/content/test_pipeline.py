"""build_corpus end to end: the packaged materials, a new .docx of another structure, the curated overlay."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from docx import Document as DocxDocument

from content.authority import Mark, Tier, authorities
from content.curated import CuratedError, load_overlay, parse_overlay
from content.model import Corpus
from content.pipeline import DEFAULT_CURATED, DEFAULT_MATERIALS, build_corpus
from content.verify import check_bank

ARTICLES = [
    "第一条 为加强和规范党支部工作，提高党支部组织力，根据《中国共产党章程》和《中国共产党支部工作条例（试行）》，"
    "结合本中心实际，制定本细则。",
    "第二条 党支部是党的基础组织，是党在社会基层组织中的战斗堡垒，是党的全部工作和战斗力的基础。",
    "第三条 党支部的基本任务是：（一）宣传和执行党的路线方针政策；（二）组织党员认真学习马克思列宁主义、"
    "毛泽东思想；（三）对党员进行教育、管理、监督和服务；（四）密切联系群众，经常了解群众对党员、党的工作的批评和意见。",
    "第四条 党支部应当严格落实“三会一课”制度，党员大会一般每季度召开1次，支部委员会一般每月召开1次，"
    "党小组会一般每月召开1次，党课每季度至少1次。",
    "第五条 党支部每年至少召开1次组织生活会，一般安排在第四季度，党员领导干部应当以普通党员身份参加。",
    "第六条 党员应当按月交纳党费，特殊情况下经党支部同意可以按季度交纳，连续6个月不交纳党费的按自行脱党处理。",
    "第七条 党支部委员会由党员大会选举产生，每届任期3年，委员一般不超过7人。",
    "第八条 党支部开展主题党日活动，一般安排在每月的第一个周五，内容包括集中学习、过组织生活、开展志愿服务等。",
    "第九条 党支部应当坚持以党章为根本遵循，坚持民主集中制原则，坚持从严管理党员，坚持服务群众。",
    "第十条 本细则自2026年4月1日起施行，由中心机关党委负责解释。",
]


def write_regulation(folder: Path) -> Path:
    doc = DocxDocument()
    doc.add_paragraph("直属城市发展研究中心党支部工作细则")
    for article in ARTICLES:
        doc.add_paragraph(article)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "010_支部工作细则.docx"
    doc.save(str(path))
    return path


def test_packaged_materials_are_found_from_the_package() -> None:
    assert DEFAULT_MATERIALS.is_dir() and DEFAULT_MATERIALS.parent.name == "content"
    assert DEFAULT_CURATED.name == "questions.yaml" and DEFAULT_CURATED.exists()


def test_default_build_includes_curated_questions(published: Corpus) -> None:
    corpus = published
    curated = [q for q in corpus.questions if q.origin == "curated"]
    # a curated question that shows another's answer is held back and named (test_curated_leaks), never dropped
    held = {q.qid for q in curated if not q.enabled}
    # bank of 11: the 批次 判断 named no list and was withdrawn; content12: "以谁为重点？" (a give-away by habit)
    assert len(curated) >= 2 and len(held) <= 1
    assert held == {q for q in held if any(f"curated {q} held back" in p.message for p in corpus.problems)}
    assert not [p for p in corpus.problems if "questions.yaml" in p.file_name]
    assert corpus.snippets and corpus.documents


def test_new_docx_regulation_builds_sensible_questions(tmp_path: Path) -> None:
    write_regulation(tmp_path / "materials")
    corpus = build_corpus(tmp_path / "materials", curated_path=None)
    assert len(corpus.documents) == 1
    qs = [q for q in corpus.questions if q.enabled]
    assert check_bank(qs, corpus.documents).ok
    types = Counter(q.qtype for q in qs)
    assert len(qs) >= 6 and len(types) >= 3, types
    # the （一）…（二）… enumeration of 第三条 becomes a list question: with no other list in the corpus to
    # draw wrong options of the same kind from, it is asked as "第三条 党支部的基本任务包括“…”。"
    tasks = [q for q in qs if q.qtype == "truefalse" and "第三条 党支部的基本任务包括“" in q.stem]
    assert tasks, [q.stem for q in qs]
    items = ("宣传和执行党的路线方针政策", "组织党员认真学习", "对党员进行教育、管理、监督和服务", "密切联系群众")
    assert all(any(i in q.stem for i in items) and q.answer == ("正确",) for q in tasks)
    # numbers and dates of the articles are asked, with the article text as evidence
    answers = {a for q in qs for a in q.answer}
    assert answers & {"3年", "7人", "6个", "1次", "2026年4月1日"}, answers
    for q in qs:
        assert q.sentence.split("\n")[0] in "\n".join(b.text for b in corpus.documents[0].blocks)


def test_overlay_fix_disable_and_a_failing_addition(generated: Corpus, tmp_path: Path) -> None:
    """One build with an overlay that fixes one question, disables another and adds one that fails."""
    target, gone = generated.questions[0], generated.questions[1]
    curated = tmp_path / "questions.yaml"
    curated.write_text(
        f"fix:\n  - id: {target.qid}\n    explanation: 原文见《通知》。\ndisable:\n  - {gone.qid}\n  - q-ffffffffff\n"
        "add:\n  - type: fill\n    document: 实干为民开新局——党中央部署启动树立和践行正确政绩观学习教育\n"
        "    sentence: 为民造福，是最大的政绩。\n    stem: 为民造福，是（　）的政绩。\n    answer: [最小]\n",
        encoding="utf-8",
    )
    corpus = build_corpus(DEFAULT_MATERIALS, curated_path=curated)
    by_id = {q.qid: q for q in corpus.questions}
    assert by_id[target.qid].explanation == "原文见《通知》。"
    assert not by_id[gone.qid].enabled
    assert any("q-ffffffffff" in p.message for p in corpus.problems)
    # the failing addition stays in the bank, withdrawn, so the secretary sees it
    added = [q for q in corpus.questions if q.origin == "curated"]
    assert len(added) == 1 and not added[0].enabled
    assert any("withdrawn" in p.message for p in corpus.problems)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("add:\n  - type: single\n    stem: x\n", "add[0]: missing field"),
        ("add:\n  - {type: essay, stem: x, answer: [a], document: d, sentence: s}\n", "add[0]: type"),
        ("fix:\n  - {id: q-1, colour: red}\n", "fix[0]: unknown field"),
        ("disable: q-1\n", "'disable' must be a list"),
        ("add: [1, {type: fill}]\n", "add[0]: must be a mapping"),
        ("- just a list\n", "top level"),
    ],
)
def test_malformed_overlay_names_the_entry(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "questions.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CuratedError, match=where.replace("[", r"\[").replace("]", r"\]")):
        load_overlay(path)


def test_empty_overlay() -> None:
    assert parse_overlay(None).add == () and not parse_overlay({"disable": []}).disable


def test_secretary_marks_and_own_bodies_reach_the_authority_and_decide_which_copy_stays(tmp_path: Path) -> None:
    """The mark is a parameter of build_corpus (the bot passes the config's or the upload's): marking the
    Notice background hands a passage it shares with a commentary to the commentary; own_bodies lifts a
    named parent organisation's report to PARENT."""
    passage = (
        "学习教育以县处级以上领导班子和领导干部特别是“一把手”为重点，于2026年春节假期后启动、7月底基本结束。"
        "要坚持聚焦主题、简约务实，不分批次、不划阶段，认真落实学习研讨、查摆问题、整改整治、建章立制、开门教育等工作安排。"
    )
    (tmp_path / "010_心得.txt").write_text(
        f"学习心得\n来源：学习小组微信公众号\n{passage}\n我们支部结合实际，组织党员逐段学习、交流体会，形成问题清单。\n",
        encoding="utf-8",
    )
    (tmp_path / "020_通知.txt").write_text(
        f"中共中央办公厅印发《关于开展学习教育的通知》\n《通知》指出，经党中央同意，在全党开展学习教育。{passage}\n",
        encoding="utf-8",
    )
    (tmp_path / "030_研究院.txt").write_text(
        "滨江研究院党委召开学习教育部署会\n3月10日，滨江研究院党委召开会议，部署学习教育，要求各支部在4月底前完成专题学习。\n",
        encoding="utf-8",
    )

    def holder(corpus: Corpus) -> str:
        return next(d.doc_id for d in corpus.documents if any("7月底基本结束" in b.text for b in d.blocks))

    plain = build_corpus(tmp_path, curated_path=None)
    assert holder(plain) == "020_通知#0"
    tiers = authorities(plain.documents)
    assert (tiers["020_通知#0"].tier, tiers["030_研究院#0"].tier) == (Tier.CENTRAL, Tier.OTHER_UNITS)
    marks = {"020_通知.txt": Mark.BACKGROUND}
    marked = build_corpus(tmp_path, curated_path=None, marks=marks, own_bodies=("滨江研究院",))
    assert holder(marked) == "010_心得#0"
    tiers = authorities(marked.documents, marks=marks, own_bodies=("滨江研究院",))
    assert (tiers["020_通知#0"].tier, tiers["030_研究院#0"].tier) == (Tier.COMMENTARY, Tier.PARENT)
