"""Where a branch's materials are, and how its secretaries weigh them — plain files, no Telegram.

A branch studies the configured (or shipped) materials plus its own uploads under
``<data_dir>/materials/<branch key>/``; the marks secretaries set in chat (core / background) are a
dot-file in that upload folder, so they travel with the uploads they describe and the loader never
reads them as material.  Both the build (``bot.content_service``) and the upload checks
(``bot.material_uploads``) start from these folders.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import content
from bot.config import Settings
from content.authority import Mark

CONTENT_DIR = Path(content.__file__).resolve().parent
SHIPPED_MATERIALS = CONTENT_DIR / "materials"
SHIPPED_CURATED = CONTENT_DIR / "questions.yaml"


def upload_dir(settings: Settings, branch_key: str) -> Path:
    return settings.data_dir / "materials" / branch_key


def materials_dirs(settings: Settings, branch_key: str) -> list[Path]:
    """The branch's folders: the configured (or shipped) materials, then its own uploads."""
    return [settings.content.materials_dir or SHIPPED_MATERIALS, upload_dir(settings, branch_key)]


def curated_path(settings: Settings) -> Path:
    return settings.content.curated_file or SHIPPED_CURATED


def first_titles(settings: Settings, branch_key: str) -> tuple[str, ...]:
    """The study materials of the branch's configured meetings, earliest meeting first, each title once."""
    meetings = sorted((m for m in settings.meetings if m.branch == branch_key), key=settings.meeting_start_utc)
    return tuple(dict.fromkeys(title for m in meetings for title in m.materials))


def files_in(folder: Path) -> list[Path]:
    """The material files directly in ``folder``, by name; dot-files (the marks file) are not material."""
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")), key=lambda p: p.name)


MARKS_FILE = ".marks.json"  # in the branch's upload folder; a dot-file, so the loader never reads it as material


@dataclass(frozen=True)
class Weighting:
    """How a branch weighs its materials: core / background marks and its parent organisation's names."""

    marks: tuple[tuple[str, Mark], ...] = ()
    own_bodies: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Mark]:
        return dict(self.marks)


def read_marks(settings: Settings, branch_key: str) -> dict[str, Mark]:
    """The marks secretaries set in chat (file name → core/background); an unreadable file counts as none."""
    path = upload_dir(settings, branch_key) / MARKS_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(name): Mark(value) for name, value in raw.items() if value in {m.value for m in Mark}}


def set_marks(settings: Settings, branch_key: str, updates: dict[str, Mark | None]) -> None:
    """Mark (or unmark, ``None``) materials of the branch — by document (``doc_key``: what ``/mark N`` names)
    or by file (what the buttons under an upload name); written atomically (blocking)."""
    folder = upload_dir(settings, branch_key)
    folder.mkdir(parents=True, exist_ok=True)
    marks = {name: m.value for name, m in read_marks(settings, branch_key).items()}
    for key, mark in updates.items():
        if mark is None:
            marks.pop(key, None)
        else:
            marks[key] = mark.value
    tmp = folder / f"{MARKS_FILE}.tmp"
    tmp.write_text(json.dumps(marks, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    tmp.replace(folder / MARKS_FILE)


def mark_updates(marks: dict[str, Mark], file_name: str, doc_keys: Sequence[str], doc_key: str | None,
                 mark: Mark | None) -> dict[str, Mark | None]:
    """What marking one document (``doc_key``) or its whole file (``doc_key=None``) changes in ``marks``.

    A file may hold several documents (an agenda followed by the articles it lists): marking one marks that
    one only — a mark the file carried keeps holding for its other documents — and marking the file replaces
    the marks of each of its documents.
    """
    if doc_key is None:
        return {file_name: mark, **dict.fromkeys(doc_keys)}
    updates: dict[str, Mark | None] = {doc_key: mark}
    inherited = marks.get(file_name)
    if inherited is not None:
        updates[file_name] = None
        updates.update({k: marks.get(k, inherited) for k in doc_keys if k != doc_key})
    return updates


def weighting(settings: Settings, branch_key: str) -> Weighting:
    """The config's marks, overridden by the secretaries' own, and the branch's parent bodies."""
    marks: dict[str, Mark] = {**dict.fromkeys(settings.content.core, Mark.CORE),
                              **dict.fromkeys(settings.content.background, Mark.BACKGROUND),
                              **read_marks(settings, branch_key)}
    bodies = next((b.parent_bodies for b in settings.branches if b.key == branch_key), ())
    return Weighting(tuple(sorted(marks.items())), tuple(bodies))
