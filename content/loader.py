"""Load a materials folder: every file → ingest → clean and structure → de-duplicate.

Files are read in sorted name order, the default order of the study plan; secretaries number their files
(000_, 001_, …) to control it.  A passage repeated in several documents stays in the most authoritative one
(``content.authority``: the Notice over a commentary that quotes it), load order breaking ties.  Nothing is
skipped silently: an unsupported file (a .png someone dropped in), an unreadable one, or one in which no
Chinese study text was recognised comes back as a ``Problem`` next to the documents.  ``README.md``
describes the folder and is not material.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from content.authority import Mark, authorities
from content.dedup import DedupReport, deduplicate
from content.ingest import UnsupportedMaterial, read_material_with_notes
from content.model import Document, Problem
from content.structure import parse_material

IGNORED_NAMES = frozenset({"readme.md", "readme.txt", "readme"})


def load_materials(
    materials_dir: Path, *, marks: Mapping[str, Mark] | None = None, own_bodies: Sequence[str] = ()
) -> tuple[list[Document], list[Problem]]:
    """All documents of the folder, de-duplicated, with every problem met on the way.

    ``marks`` (a secretary's core/background, by file name or title) and ``own_bodies`` (the branch's parent
    organisation) feed ``content.authority``, which decides which copy of a repeated passage stays."""
    documents, problems, _ = load_materials_with_report(materials_dir, marks=marks, own_bodies=own_bodies)
    return documents, problems


def load_materials_with_report(
    materials_dir: Path, *, marks: Mapping[str, Mark] | None = None, own_bodies: Sequence[str] = ()
) -> tuple[list[Document], list[Problem], DedupReport]:
    """Like ``load_materials``, plus what de-duplication removed and each document's authority."""
    documents: list[Document] = []
    problems: list[Problem] = []
    if not materials_dir.is_dir():
        return [], [Problem(str(materials_dir), "materials folder does not exist")], DedupReport()
    for path in sorted(materials_dir.iterdir(), key=lambda p: p.name):
        if not path.is_file() or path.name.startswith(".") or path.name.lower() in IGNORED_NAMES:
            continue
        try:
            lines, notes = read_material_with_notes(path)
        except UnsupportedMaterial as exc:
            problems.append(Problem(path.name, str(exc)))
            continue
        except OSError as exc:
            problems.append(Problem(path.name, f"cannot read file: {exc}"))
            continue
        if notes:
            problems.append(Problem(path.name, "read with repairs: " + "; ".join(notes)))
        found, file_problems = parse_material(path.name, lines)
        documents.extend(found)
        problems.extend(file_problems)
    documents, report = deduplicate(documents, authorities(documents, marks=marks, own_bodies=own_bodies))
    return documents, problems, report
