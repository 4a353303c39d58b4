"""Shared fixtures for the content tests: the five real materials, parsed and loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.clean import parse_material
from content.dedup import DedupReport
from content.ingest import read_material
from content.loader import load_materials_with_report
from content.model import Document, Problem, Snippet
from content.snippets import build_plan

MATERIALS = Path(__file__).resolve().parents[2] / "content" / "materials"
# The titles the 000 agenda lists as the meeting's own study materials.
MEETING_TITLES = (
    "实干为民开新局——党中央部署启动树立和践行正确政绩观学习教育",
    "“五重五轻”，习近平曾这样给错误政绩观“画像”",
    "学校召开党的建设和全面从严治党工作领导小组（扩大）会议，部署树立和践行正确政绩观学习教育工作",
)


@pytest.fixture(scope="session")
def materials_dir() -> Path:
    return MATERIALS


@pytest.fixture(scope="session")
def parsed() -> dict[str, tuple[list[Document], list[Problem]]]:
    """Each real file cleaned and structured on its own (before cross-document de-duplication)."""
    return {p.name[:3]: parse_material(p.name, read_material(p)) for p in sorted(MATERIALS.glob("*.txt"))}


@pytest.fixture(scope="session")
def loaded() -> tuple[list[Document], list[Problem], DedupReport]:
    """The real folder through the whole loader (ingest → clean → de-duplicate)."""
    return load_materials_with_report(MATERIALS)


@pytest.fixture(scope="session")
def plan(loaded: tuple[list[Document], list[Problem], DedupReport]) -> list[Snippet]:
    documents, _, _ = loaded
    return build_plan(documents, first_titles=MEETING_TITLES)


def doc_by_title(documents: list[Document], fragment: str) -> Document:
    found = [d for d in documents if fragment in d.title]
    assert len(found) == 1, [d.title for d in documents]
    return found[0]


def all_text(document: Document) -> str:
    return "\n".join(b.text for b in document.blocks)
