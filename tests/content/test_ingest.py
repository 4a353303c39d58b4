"""Reading files of every supported shape, and loading a materials folder with its problems reported."""

from __future__ import annotations

import time
from pathlib import Path

import docx
import pytest

from content.ingest import UnsupportedMaterial, read_material, read_material_with_notes
from content.loader import load_materials
from content.snippets import build_plan
from content.structure import parse_material
from tests.content.conftest import MEETING_TITLES

BODY = "为推动学习教育扎实开展，支部组织党员集中学习。大家结合岗位实际谈体会，查找差距。"


# --- text encodings ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_text_files_decode_in_each_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(f"标题\n\n{BODY}\n".encode(encoding))
    assert read_material(path) == ["标题", "", BODY]


def test_unsupported_suffix_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(b"\x89PNG\r\n")
    with pytest.raises(UnsupportedMaterial, match=r"scan\.png.*unsupported.*\.png") as info:
        read_material(path)
    assert isinstance(info.value, ValueError)


def test_binary_junk_with_a_text_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UnsupportedMaterial, match="binary"):
        read_material(path)


def test_a_fake_docx_or_pdf_is_refused(tmp_path: Path) -> None:
    for name in ("fake.docx", "fake.pdf"):
        path = tmp_path / name
        path.write_text("这不是真正的文件", encoding="utf-8")
        with pytest.raises(UnsupportedMaterial, match=name.replace(".", r"\.")):
            read_material(path)


# --- Word and Markdown -------------------------------------------------------------------------------------
def _regulation_docx(path: Path) -> None:
    document = docx.Document()
    document.add_heading("党支部学习制度", 0)  # Word "Title" style
    document.add_paragraph("来源：机关党委办公室 2026年3月1日")
    document.add_heading("第一章 总则", 1)
    document.add_paragraph("第一条 为规范党支部学习，提高学习实效，制定本制度。")
    document.add_paragraph("第二条 党支部每月至少组织一次集中学习，党员应当按时参加。")
    document.add_heading("第二章 学习安排", 1)
    document.add_paragraph("第三条 集中学习由支部书记主持，组织委员负责记录。")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "学习形式"
    table.rows[0].cells[1].text = "集中学习与个人自学相结合，每季度开展一次专题研讨。"
    document.add_paragraph("第四条 本制度自印发之日起施行。")
    document.save(str(path))


def test_docx_regulation_parses_into_chapters_and_articles(tmp_path: Path) -> None:
    path = tmp_path / "005_regulation.docx"
    _regulation_docx(path)
    lines = read_material(path)
    assert lines[0] == "# 党支部学习制度"
    assert "## 第一章 总则" in lines
    assert "集中学习与个人自学相结合，每季度开展一次专题研讨。" in lines  # table cell, in place

    documents, problems = parse_material(path.name, lines)
    assert problems == []
    [document] = documents
    assert document.doc_id == "005_regulation#0"
    assert document.title == "党支部学习制度"
    assert document.source == "机关党委办公室"
    assert str(document.published) == "2026-03-01"
    shape = [(b.kind, b.level, b.marker) for b in document.blocks]
    assert shape[:4] == [
        ("heading", 1, "第一章"),
        ("paragraph", 2, "第一条"),
        ("paragraph", 2, "第二条"),
        ("heading", 1, "第二章"),
    ]
    articles = [b.marker for b in document.paragraphs if b.marker]
    assert articles == ["第一条", "第二条", "第三条", "第四条"]
    assert document.blocks[1].text == "第一条 为规范党支部学习，提高学习实效，制定本制度。"


def test_markdown_headings_title_and_source(tmp_path: Path) -> None:
    path = tmp_path / "006_notes.md"
    path.write_text(
        "# 支部学习笔记\n\n来源：支部委员会\n\n## 一、学习要求\n\n"
        f"{BODY}\n\n### （一）学习形式\n\n1. 集中学习，每月一次，由书记主持。\n\n2. 个人自学，每周不少于两小时。\n",
        encoding="utf-8",
    )
    [document], problems = parse_material(path.name, read_material(path))
    assert problems == []
    assert (document.title, document.source) == ("支部学习笔记", "支部委员会")
    shape = [(b.kind, b.level, b.marker) for b in document.blocks]
    assert shape == [
        ("heading", 1, "一、"),
        ("paragraph", 0, None),
        ("heading", 2, "（一）"),
        ("paragraph", 3, "1."),
        ("paragraph", 3, "2."),
    ]
    assert document.blocks[0].text == "一、学习要求"


def _ascii_pdf(path: Path, text: str) -> None:
    """A minimal one-page PDF (Helvetica, ASCII text) written by hand."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def test_pdf_text_is_read_and_a_pdf_without_chinese_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "007_scan.pdf"
    _ascii_pdf(path, "Branch study notes")
    assert "Branch study notes" in read_material(path)
    documents, problems = load_materials(tmp_path)
    assert documents == []
    assert [(p.file_name, "no paragraphs of Chinese" in p.message) for p in problems] == [(path.name, True)]


def test_pypdf_remarks_become_problems_not_stderr(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """A PDF whose startxref pointer is wrong still reads; pypdf's remarks about repairing it are the
    loader's problem for that file, and nothing reaches stderr."""
    good = tmp_path / "good.pdf"
    _ascii_pdf(good, "Branch study notes")
    data = good.read_bytes()
    broken = tmp_path / "008_broken.pdf"
    broken.write_bytes(data[: data.rfind(b"startxref")] + b"startxref\n12\n%%EOF\n")
    good.unlink()
    lines, notes = read_material_with_notes(broken)
    assert "Branch study notes" in lines
    assert any("startxref" in note for note in notes)
    _, problems = load_materials(tmp_path)
    assert any(p.file_name == broken.name and "startxref" in p.message for p in problems)
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


# --- the loader --------------------------------------------------------------------------------------------
def test_loader_reports_every_file_it_cannot_use_and_ignores_the_readme(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        "# 学习材料\n\n本文件夹存放支部的学习材料，按文件名顺序学习。\n", encoding="utf-8"
    )
    (tmp_path / "010_good.txt").write_text(f"支部学习要点\n\n{BODY}\n", encoding="utf-8")
    (tmp_path / "020_empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "030_junk.txt").write_bytes(b"\xff\xfe\x00\x01" * 50)
    (tmp_path / "040_latin.md").write_text("lorem ipsum dolor sit amet\n\n12345\n", encoding="utf-8")
    (tmp_path / "050_photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    documents, problems = load_materials(tmp_path)
    assert [(d.doc_id, d.title) for d in documents] == [("010_good#0", "支部学习要点")]
    assert sorted(p.file_name for p in problems) == ["020_empty.txt", "030_junk.txt", "040_latin.md", "050_photo.png"]
    assert all(p.message for p in problems)


def test_missing_folder_is_a_problem(tmp_path: Path) -> None:
    documents, problems = load_materials(tmp_path / "nope")
    assert documents == [] and len(problems) == 1


def test_real_folder_loads_with_stable_ids_in_file_order(loaded) -> None:
    documents, problems, _ = loaded
    assert [d.doc_id for d in documents] == [
        "000_b0124860aecd14b5#0",
        "000_b0124860aecd14b5#1",
        "000_b0124860aecd14b5#2",
        "000_b0124860aecd14b5#3",
        "001_66d9faa05d99b792#0",
        "002_4056837f04f398bc#0",
        "003_e685566f757a31f0#0",
        "004_70037f953e4be254#0",
    ]
    assert "README.md" not in {p.file_name for p in problems}
    # The only problems are the two pieces of 003 that no other paragraph could complete.
    assert [p.doc_id for p in problems] == ["003_e685566f757a31f0#0"] * 2


def test_loader_and_plan_are_fast(materials_dir: Path) -> None:
    start = time.perf_counter()
    documents, _ = load_materials(materials_dir)
    build_plan(documents, first_titles=MEETING_TITLES)
    assert time.perf_counter() - start < 1.0
