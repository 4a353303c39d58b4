"""The glue between files, the pipeline and the store: folders, safe names, the build cache, refresh."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.content_service import ContentService, CorpusCache, Refresh
from bot.material_folders import SHIPPED_MATERIALS, curated_path, first_titles, materials_dirs
from bot.material_uploads import UPLOAD_LIMIT, UploadRefused, check_upload, safe_file_name, save_upload
from scheduler.clock import FakeClock
from storage import bank
from storage.db import Database
from tests import factories

SPEECH = "004_70037f953e4be254.txt"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A materials folder with one shipped file (a speech): quick to build, rich enough for questions."""
    return factories.shipped_materials(tmp_path, SPEECH)


def settings_for(tmp_path: Path, small: Path, **overrides: object) -> Settings:
    return factories.settings(tmp_path, content={"materials_dir": str(small)}, **overrides)


def test_folders_and_first_titles_come_from_the_config(tmp_path: Path, small: Path) -> None:
    meetings = [
        {"branch": "csfz", "kind": "党课", "topic": "后", "starts_at": "2026-04-10 14:30", "place": "会议室",
         "materials": ["乙", "甲"]},
        {"branch": "csfz", "kind": "党员大会", "topic": "先", "starts_at": "2026-03-25 14:30", "place": "会议室",
         "materials": ["甲", "丙"]},
    ]
    settings = settings_for(tmp_path, small, meetings=meetings)
    assert materials_dirs(settings, "csfz") == [small, tmp_path / "data" / "materials" / "csfz"]
    assert first_titles(settings, "csfz") == ("甲", "丙", "乙")  # earliest meeting first, each title once
    assert first_titles(settings, "other") == ()
    assert materials_dirs(factories.settings(tmp_path), "csfz")[0] == SHIPPED_MATERIALS


@pytest.mark.parametrize(("sent", "stored"), [
    ("../../etc/通知.DOCX", "通知.docx"),
    ("C:\\Users\\李\\学习材料.pdf", "学习材料.pdf"),
    ('a<b>:"c"|?.txt', "a_b_c.txt"),
    (".hidden.md", "hidden.md"),
    ("README.md", "material-README.md"),
    ("...", "material"),
])
def test_safe_file_name(sent: str, stored: str) -> None:
    assert safe_file_name(sent) == stored


def test_uploads_never_overwrite_and_repeats_are_refused(tmp_path: Path, small: Path) -> None:
    settings = settings_for(tmp_path, small)
    first = save_upload(settings, "csfz", "细则.txt", "第一版".encode())
    second = save_upload(settings, "csfz", "细则.txt", "第二版".encode())
    clash = save_upload(settings, "csfz", SPEECH, "同名但内容不同".encode())
    assert (first.name, second.name) == ("细则.txt", "细则-2.txt")
    assert clash.name == "004_70037f953e4be254-2.txt"  # a shipped file's name is taken too
    assert first.read_text(encoding="utf-8") == "第一版"
    with pytest.raises(UploadRefused) as info:
        save_upload(settings, "csfz", "again.txt", "第二版".encode())
    assert info.value.code == "duplicate" and info.value.params["existing"] == "细则-2.txt"
    with pytest.raises(UploadRefused) as info:
        save_upload(settings, "csfz", "photo.png", b"\x89PNG")
    assert info.value.code == "type"
    with pytest.raises(UploadRefused) as info:
        check_upload("big.pdf", UPLOAD_LIMIT + 1)
    assert info.value.code == "size"


def test_cache_builds_once_per_set_of_inputs(tmp_path: Path, small: Path) -> None:
    cache = CorpusCache()
    settings = settings_for(tmp_path, small)
    curated = curated_path(settings)
    one = cache.get(materials_dirs(settings, "csfz"), curated, ())
    two = cache.get(materials_dirs(settings, "other"), curated, ())  # empty upload folders: same inputs
    assert one is two and cache.builds == 1
    save_upload(settings, "csfz", "细则.txt", "第一条 支部党员大会每季度召开1次，由支部委员会召集。".encode())
    three = cache.get(materials_dirs(settings, "csfz"), curated, ())
    assert cache.builds == 2 and three is not one
    assert {d.file_name for d in three.documents} == {SPEECH, "细则.txt"}
    assert {d.doc_id for d in one.documents} <= {d.doc_id for d in three.documents}  # ids kept in the merged view


async def test_refresh_syncs_and_a_broken_branch_does_not_stop_the_others(
    tmp_path: Path, small: Path, db: Database, clock: FakeClock
) -> None:
    settings = settings_for(tmp_path, small)
    branch = factories.branch(db, clock.now())
    service = ContentService(settings, db, CorpusCache())
    results = await service.refresh_all({"csfz": branch.id, "ghost": 999_999}, clock.now())
    good = results["csfz"]
    assert isinstance(good, Refresh) and sum(good.report.new_questions.values()) > 0
    assert isinstance(results["ghost"], Exception)  # no such branch row: logged, not raised
    with db.session() as s:
        counts = bank.review_counts(session=s, branch_id=branch.id)
    assert counts["draft"] == sum(q.enabled for q in good.corpus.questions)
    again = await service.refresh("csfz", branch.id, clock.now())
    assert not again.report.changed
