"""Shared fixtures for the content tests: the five real materials, parsed, loaded and built once per session.

A build of the shipped corpus is the slow step of these tests, so every test that only *reads* it takes the
session's ``generated`` (no curated overlay: the generator's own bank) or ``published`` (with
``questions.yaml``: what the bot serves).  ``cli_builds`` lets the CLI tests run ``zhibu content`` on those
same two builds.  Tests that change the materials or the overlay build their own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from content.dedup import DedupReport
from content.ingest import read_material
from content.loader import load_materials_with_report
from content.model import Corpus, Document, Problem, Snippet
from content.pipeline import DEFAULT_CURATED, DEFAULT_MATERIALS, build_corpus
from content.snippets import build_plan
from content.structure import parse_material

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


@pytest.fixture(scope="session")
def generated() -> Corpus:
    """The shipped materials built without the curated overlay: what the generator alone produces."""
    return build_corpus(DEFAULT_MATERIALS, curated_path=None)


@pytest.fixture(scope="session")
def published() -> Corpus:
    """The shipped materials built with ``questions.yaml``: the bank the bot serves."""
    return build_corpus(DEFAULT_MATERIALS)


@pytest.fixture
def cli_builds(monkeypatch: pytest.MonkeyPatch, generated: Corpus, published: Corpus) -> None:
    """``content.cli`` answers the shipped folder with the session's builds; anything else is built for real."""
    import content.cli

    def build(materials: Path, *, curated_path: Path | None = DEFAULT_CURATED) -> Corpus:
        if Path(materials) == DEFAULT_MATERIALS and curated_path in (None, DEFAULT_CURATED):
            return published if curated_path is not None else generated
        return build_corpus(materials, curated_path=curated_path)

    monkeypatch.setattr(content.cli, "build_corpus", build)


def doc_by_title(documents: list[Document], fragment: str) -> Document:
    found = [d for d in documents if fragment in d.title]
    assert len(found) == 1, [d.title for d in documents]
    return found[0]


def all_text(document: Document) -> str:
    return "\n".join(b.text for b in document.blocks)
