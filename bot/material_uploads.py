"""Checking and storing a material a secretary uploads, and what to tell them back — no Telegram here.

Why refusals are codes: ``UploadRefused`` carries a catalog key and what the secretary already knows
(their file's name, its suffix, the limits), never a library's message or a server path.  A stored
upload never overwrites a file (a counter is added) and the same bytes are never stored twice.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from bot.config import Settings
from bot.material_folders import files_in, materials_dirs
from content.ingest import SUPPORTED_SUFFIXES, UnsupportedMaterial, read_material
from content.loader import IGNORED_NAMES
from content.model import Problem

log = logging.getLogger(__name__)

UPLOAD_LIMIT = 10 * 1024 * 1024  # bytes; Telegram lets bots download up to 20 MB
UPLOAD_SUFFIXES = SUPPORTED_SUFFIXES
LEGACY_SUFFIXES = (".doc", ".wps")  # Word 97–2003 and WPS files: the pipeline reads .docx, so ask for that
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_QUOTED = re.compile(r"«(.+?)»")  # how the pipeline quotes the material's own text in a problem


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
        for path in files_in(folder):
            if path.stat().st_size == len(data) and hashlib.sha256(path.read_bytes()).digest() == digest:
                raise UploadRefused("duplicate", name=file_name, existing=path.name)


def save_upload(settings: Settings, branch_key: str, file_name: str, data: bytes) -> Path:
    """Store an upload in the branch's folder; never overwrite (a counter is added), refuse a repeat."""
    name = check_upload(file_name, len(data))
    check_duplicate(settings, branch_key, file_name, data)
    folders = materials_dirs(settings, branch_key)
    taken = {path.name.lower() for folder in folders for path in files_in(folder)}
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
