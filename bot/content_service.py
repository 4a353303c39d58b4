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
Where the folders are and the secretaries' marks: ``bot.material_folders``; checking and storing an
upload: ``bot.material_uploads``.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.config import ConfigError, Settings
from bot.material_folders import Weighting, curated_path, files_in, first_titles, materials_dirs, weighting
from bot.material_uploads import check_readable, left_out_passages, save_upload
from content.cli import BranchBuild
from content.model import Corpus, Document, Problem
from content.pipeline import build_corpus
from storage import content as content_store
from storage.content import SyncReport
from storage.db import Database

log = logging.getLogger(__name__)

CACHE_SIZE = 8
_UNWEIGHTED = Weighting()  # no marks, no parent bodies


# --------------------------------------------------------------------------- building, cached


def fingerprint(folders: Sequence[Path], curated: Path, titles: Sequence[str]) -> tuple[object, ...]:
    """Everything a build depends on; equal fingerprints give equal corpora.

    Only the files count, not the folders that hold them: two branches whose upload folders are empty
    (or missing) share the build of the materials they have in common.
    """
    def stamp(path: Path) -> tuple[str, int, int]:
        stat = path.stat()
        return str(path.resolve()), stat.st_mtime_ns, stat.st_size

    listing = tuple(stamp(p) for folder in folders for p in files_in(folder))
    overlay = stamp(curated) if curated.is_file() else str(curated)
    return listing, overlay, tuple(titles)


def _build(folders: Sequence[Path], curated: Path, titles: Sequence[str], weights: Weighting) -> Corpus:
    """Run the pipeline over the union of ``folders`` (blocking: call it from a worker thread)."""
    filled = [folder for folder in folders if files_in(folder)]
    def run(folder: Path) -> Corpus:
        return build_corpus(folder, curated_path=curated, first_titles=titles, marks=weights.as_dict(),
                            own_bodies=weights.own_bodies)

    if len(filled) <= 1:
        return run(filled[0] if filled else folders[0])
    clashes: list[Problem] = []
    with tempfile.TemporaryDirectory(prefix="zhibu-materials-") as tmp:
        view = Path(tmp)
        for folder in filled:
            for path in files_in(folder):
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
            weights: Weighting = _UNWEIGHTED) -> Corpus:
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
