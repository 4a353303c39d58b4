"""The glue between a branch's materials on disk, the content pipeline, and the store — no Telegram here.

::

    <materials_dir> (configured, or the shipped content/materials)  ─┐
    <data_dir>/materials/<branch key>/  (what secretaries uploaded) ─┴─▶ one folder view ──build_corpus──▶ Corpus
                                                                            (worker thread, cached)          │
                                              storage.content.sync_corpus ◀──────────────────────────────────┘

Why a cache: several branches usually study the same shipped materials, and start-up builds every
branch; a build depends only on the files (names, sizes, mtimes), the curated overlay and the titles to
study first, so one build serves every branch with the same inputs.  The pipeline reads one folder, so a
branch with uploads is built from a temporary folder of links to both (file names, and with them the
pipeline's stable document ids, are kept).  A per-branch lock keeps two uploads from racing a rebuild.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import shutil
import tempfile
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

import content
from bot.config import ConfigError, Settings
from content.authority import Mark
from content.cli import BranchBuild
from content.ingest import SUPPORTED_SUFFIXES, UnsupportedMaterial, read_material
from content.loader import IGNORED_NAMES
from content.model import Corpus, Document, Problem
from content.pipeline import build_corpus
from storage import content as content_store
from storage.content import SyncReport
from storage.db import Database

log = logging.getLogger(__name__)

CONTENT_DIR = Path(content.__file__).resolve().parent
SHIPPED_MATERIALS = CONTENT_DIR / "materials"
SHIPPED_CURATED = CONTENT_DIR / "questions.yaml"
UPLOAD_LIMIT = 10 * 1024 * 1024  # bytes; Telegram lets bots download up to 20 MB
UPLOAD_SUFFIXES = SUPPORTED_SUFFIXES
LEGACY_SUFFIXES = (".doc", ".wps")  # Word 97–2003 and WPS files: the pipeline reads .docx, so ask for that
CACHE_SIZE = 8
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_QUOTED = re.compile(r"«(.+?)»")  # how the pipeline quotes the material's own text in a problem


# --------------------------------------------------------------------------- where the materials are


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


# --------------------------------------------------------------------------- building, cached


def _files(folder: Path) -> list[Path]:
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


def fingerprint(folders: Sequence[Path], curated: Path, titles: Sequence[str]) -> tuple[object, ...]:
    """Everything a build depends on; equal fingerprints give equal corpora.

    Only the files count, not the folders that hold them: two branches whose upload folders are empty
    (or missing) share the build of the materials they have in common.
    """
    def stamp(path: Path) -> tuple[str, int, int]:
        stat = path.stat()
        return str(path.resolve()), stat.st_mtime_ns, stat.st_size

    listing = tuple(stamp(p) for folder in folders for p in _files(folder))
    overlay = stamp(curated) if curated.is_file() else str(curated)
    return listing, overlay, tuple(titles)


def _build(folders: Sequence[Path], curated: Path, titles: Sequence[str], weights: Weighting) -> Corpus:
    """Run the pipeline over the union of ``folders`` (blocking: call it from a worker thread)."""
    filled = [folder for folder in folders if _files(folder)]
    def run(folder: Path) -> Corpus:
        return build_corpus(folder, curated_path=curated, first_titles=titles, marks=weights.as_dict(),
                            own_bodies=weights.own_bodies)

    if len(filled) <= 1:
        return run(filled[0] if filled else folders[0])
    clashes: list[Problem] = []
    with tempfile.TemporaryDirectory(prefix="zhibu-materials-") as tmp:
        view = Path(tmp)
        for folder in filled:
            for path in _files(folder):
                target = view / path.name
                if target.exists():
                    clashes.append(Problem(path.name, f"same file name in {folder} and an earlier folder; ignored"))
                    continue
                try:
                    target.symlink_to(path.resolve())
                except OSError:  # no symlinks (some Windows setups): copy instead
                    shutil.copy2(path, target)
        corpus = run(view)
    corpus.problems.extend(clashes)
    return corpus


class CorpusCache:
    """The last few builds, keyed by their fingerprint; safe to use from several worker threads."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._builds: OrderedDict[tuple[object, ...], Corpus] = OrderedDict()
        self._guard = threading.Lock()
        self._key_locks: dict[tuple[object, ...], threading.Lock] = {}
        self.builds = 0  # how many times the pipeline actually ran

    def get(self, folders: Sequence[Path], curated: Path, titles: Sequence[str],
            weights: Weighting = Weighting()) -> Corpus:
        key = (*fingerprint(folders, curated, titles), weights)
        with self._guard:
            lock = self._key_locks.setdefault(key, threading.Lock())
        with lock:  # a second caller with the same inputs waits for the first build instead of repeating it
            with self._guard:
                if key in self._builds:
                    self._builds.move_to_end(key)
                    return self._builds[key]
            corpus = _build(folders, curated, titles, weights)
            with self._guard:
                self.builds += 1
                self._builds[key] = corpus
                while len(self._builds) > self._size:
                    old, _ = self._builds.popitem(last=False)
                    self._key_locks.pop(old, None)
            return corpus


CACHE = CorpusCache()  # process-wide: a corpus is pure data derived from files, shared by every application


async def build_for_branch(settings: Settings, branch_key: str, cache: CorpusCache = CACHE) -> Corpus:
    """The branch's corpus, built off the event loop (or taken from the cache)."""
    return await asyncio.to_thread(cache.get, materials_dirs(settings, branch_key), curated_path(settings),
                                   first_titles(settings, branch_key), weighting(settings, branch_key))


def branch_build(settings: Settings, branch_key: str | None) -> BranchBuild:
    """What ``zhibu --config FILE content build|check|export`` builds: the branch's corpus as the bot builds
    it (its folders, overlay, study order, parent bodies and marks), unless the command names other
    materials or another overlay; ``branch_key`` ``None`` is the first configured branch."""
    branch = next((b for b in settings.branches if branch_key in (None, b.key)), None)
    if branch is None:
        raise ConfigError(f"no branch {branch_key!r} in the config")
    weights = weighting(settings, branch.key)

    def build(materials: Path | None, curated: Path | None, use_curated: bool) -> Corpus:
        folders = [materials] if materials is not None else materials_dirs(settings, branch.key)
        overlay = curated or curated_path(settings)
        if not use_curated:
            return build_corpus(folders[0], curated_path=None, first_titles=first_titles(settings, branch.key),
                                marks=weights.as_dict(), own_bodies=weights.own_bodies)
        return _build(folders, overlay, first_titles(settings, branch.key), weights)

    marks = ", ".join(f"{name} {mark.value}" for name, mark in weights.marks) or "none"
    return BranchBuild(build, (f"branch: {branch.key} {branch.name}",
                               f"own bodies: {'、'.join(weights.own_bodies) or 'none'}", f"marks: {marks}"))


# --------------------------------------------------------------------------- uploads


class UploadRefused(Exception):
    """The file cannot be added; ``code`` names the catalog text (``materials.refused.<code>``).

    The parameters are what the secretary knows already (the name they sent, its suffix, limits) — never
    a library's message or a path on the server, which would reach them in English and mean nothing.
    """

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def safe_file_name(name: str) -> str:
    """A plain file name to store under: no folders, no control or reserved characters, suffix kept."""
    base = PurePosixPath(name.replace("\\", "/")).name
    suffix = PurePosixPath(base).suffix.lower()
    stem = base[: len(base) - len(suffix)] if suffix else base
    stem = _UNSAFE.sub("_", stem).strip(" ._")[:80] or "material"
    if f"{stem}{suffix}".lower() in IGNORED_NAMES:  # "README.md" would be skipped by the loader
        stem = f"material-{stem}"
    return f"{stem}{suffix}"


def check_upload(file_name: str, size: int | None) -> str:
    """The safe name to store ``file_name`` under, or ``UploadRefused`` for a type or size we do not take."""
    name = safe_file_name(file_name)
    suffix = PurePosixPath(name).suffix
    if suffix in LEGACY_SUFFIXES:
        raise UploadRefused("legacy_word", name=file_name, suffix=suffix)
    if suffix not in UPLOAD_SUFFIXES:
        raise UploadRefused("type", name=file_name, suffix=suffix or "—", supported=" ".join(UPLOAD_SUFFIXES))
    if size is not None and size > UPLOAD_LIMIT:
        raise UploadRefused("size", name=file_name, limit_mb=UPLOAD_LIMIT // (1024 * 1024))
    if size == 0:
        raise UploadRefused("empty", name=file_name)
    return name


def check_readable(path: Path, sent_name: str) -> None:
    """``UploadRefused("unreadable")`` when the pipeline cannot open the saved file (blocking).

    A broken .docx, a PDF that is not one, a text in neither UTF-8 nor GB18030: the pipeline would report
    it as an English problem naming the temporary folder it read from; the secretary needs only to hear
    that this file could not be opened, in their language.
    """
    try:
        read_material(path)
    except (UnsupportedMaterial, OSError) as exc:
        log.info("upload %r is unreadable: %s", sent_name, exc)
        raise UploadRefused("unreadable", name=sent_name, suffix=path.suffix) from exc


def left_out_passages(problems: Sequence[Problem]) -> list[str]:
    """The material's own sentences the pipeline left out of the study text (unfinished or stray ones).

    The pipeline words its problems in English for the CLI and the log, quoting the material's text
    in «…»; that quoted text is the part a secretary can act on and needs no translation.  Problems
    without a quotation (a generated question that failed verification) are the bot's business: logged.
    """
    return [m.group(1) for p in problems if (m := _QUOTED.search(p.message)) is not None]


def check_duplicate(settings: Settings, branch_key: str, file_name: str, data: bytes) -> None:
    """``UploadRefused("duplicate")`` when the branch already has a file with exactly these bytes."""
    digest = hashlib.sha256(data).digest()
    for folder in materials_dirs(settings, branch_key):
        for path in _files(folder):
            if path.stat().st_size == len(data) and hashlib.sha256(path.read_bytes()).digest() == digest:
                raise UploadRefused("duplicate", name=file_name, existing=path.name)


def save_upload(settings: Settings, branch_key: str, file_name: str, data: bytes) -> Path:
    """Store an upload in the branch's folder; never overwrite (a counter is added), refuse a repeat."""
    name = check_upload(file_name, len(data))
    check_duplicate(settings, branch_key, file_name, data)
    folders = materials_dirs(settings, branch_key)
    taken = {path.name.lower() for folder in folders for path in _files(folder)}
    target_dir = folders[-1]
    target_dir.mkdir(parents=True, exist_ok=True)
    stem, suffix = name[: -len(PurePosixPath(name).suffix)], PurePosixPath(name).suffix
    candidate, n = name, 1
    while True:
        if candidate.lower() not in taken:
            try:
                with (target_dir / candidate).open("xb") as out:  # "x": fails instead of overwriting
                    out.write(data)
                return target_dir / candidate
            except FileExistsError:
                pass
        n += 1
        candidate = f"{stem}-{n}{suffix}"


# --------------------------------------------------------------------------- refresh = build + sync


@dataclass
class Refresh:
    """One rebuild of a branch: the corpus it produced and what the sync changed in the store."""

    corpus: Corpus
    report: SyncReport


@dataclass
class Added:
    """What one uploaded file brought: its documents, snippets, the sync, and the pipeline's problems."""

    file_name: str
    documents: list[Document] = field(default_factory=list)
    snippets: int = 0
    new_questions: Counter[str] = field(default_factory=Counter)  # this file's new questions, by type
    report: SyncReport = field(default_factory=SyncReport)  # the whole sync (the ranking spreads questions
    problems: list[Problem] = field(default_factory=list)  # over documents, so others may change too)
    kept: bool = True  # False: nothing recognisable, the file was removed again

    @property
    def left_out(self) -> list[str]:
        """Sentences of this file that were not taken into the study text."""
        return left_out_passages(self.problems)

    @property
    def elsewhere_added(self) -> int:
        """New questions from the branch's other materials (the bank was re-balanced)."""
        return len(self.report.new_keys) - sum(self.new_questions.values())


class ContentService:
    """Builds and syncs branches for one running bot; one lock per branch serialises rebuilds."""

    def __init__(self, settings: Settings, db: Database, cache: CorpusCache = CACHE) -> None:
        self.settings = settings
        self.db = db
        self.cache = cache
        self._locks: dict[str, asyncio.Lock] = {}

    def _lock(self, branch_key: str) -> asyncio.Lock:
        return self._locks.setdefault(branch_key, asyncio.Lock())

    async def _sync(self, branch_id: int, corpus: Corpus, now: datetime) -> SyncReport:
        return await self.db.run(content_store.sync_corpus, branch_id=branch_id, corpus=corpus,
                                 auto_publish=self.settings.content.auto_publish, now=now)

    async def refresh(self, branch_key: str, branch_id: int, now: datetime) -> Refresh:
        async with self._lock(branch_key):
            corpus = await build_for_branch(self.settings, branch_key, self.cache)
            return Refresh(corpus, await self._sync(branch_id, corpus, now))

    async def refresh_all(self, branch_ids: dict[str, int], now: datetime) -> dict[str, Refresh | Exception]:
        """Build and sync every branch; a failing branch is reported, the others still refreshed."""
        results: dict[str, Refresh | Exception] = {}
        for key, branch_id in branch_ids.items():
            try:
                results[key] = await self.refresh(key, branch_id, now)
            except Exception as exc:  # a broken material must not keep the bot from starting
                log.exception("content build for branch %s failed", key)
                results[key] = exc
        return results

    async def add_material(self, branch_key: str, branch_id: int, file_name: str, data: bytes,
                           now: datetime) -> Added:
        """Save an upload, rebuild the branch and sync it; a file with nothing recognisable is not kept."""
        async with self._lock(branch_key):
            path = await asyncio.to_thread(save_upload, self.settings, branch_key, file_name, data)
            try:
                await asyncio.to_thread(check_readable, path, file_name)
                corpus = await build_for_branch(self.settings, branch_key, self.cache)
            except Exception:
                path.unlink(missing_ok=True)
                raise
            added = Added(file_name=path.name,
                          documents=[d for d in corpus.documents if d.file_name == path.name],
                          problems=[p for p in corpus.problems if p.file_name == path.name])
            doc_ids = {d.doc_id for d in added.documents}
            added.snippets = sum(1 for s in corpus.snippets if s.doc_id in doc_ids)
            if not added.documents:
                path.unlink(missing_ok=True)
                added.kept = False
                return added
            added.report = await self._sync(branch_id, corpus, now)
            fresh = set(added.report.new_keys)
            added.new_questions = Counter(q.qtype for q in corpus.questions if q.qid in fresh and q.doc_id in doc_ids)
            return added
