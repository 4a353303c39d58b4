"""Benchmark: build the corpus (load → plan → generate → verify → rank → curate) and report time and memory.

Two runs, each in a fresh process so wall time is cold (jieba's dictionary included) and RSS per run:

* ``five``  — the five packaged materials (target: < 3 s, < 300 MB);
* ``x20``   — the same five files copied 20 times into a temp dir, each copy with its dates shifted
  and its place names changed.  The loader's de-duplication still recognises most of each copy as a
  repeat (it compares sentences by shingle containment), so this run measures ingest + cleaning +
  de-duplication of 20× the input and generation on what survives — about the same bank size — not
  generation on 20× distinct text.

``ru_maxrss`` is the process's peak; the tracemalloc figure is a second, warm build (jieba and caches
already loaded), so it shows what one rebuild allocates on top of a running bot.

Run: ``.venv/bin/python bench/bench_content.py`` (prints one line per run).
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content.pipeline import DEFAULT_MATERIALS, build_corpus  # noqa: E402

PLACES = ("贵阳", "无锡", "清远", "景德镇", "龙岩", "北京", "山西", "重庆", "云南", "浙江", "安徽", "山东")
OTHERS = (
    "合肥",
    "成都",
    "西安",
    "长沙",
    "武汉",
    "南宁",
    "昆明",
    "兰州",
    "银川",
    "太原",
    "济南",
    "福州",
    "杭州",
    "南昌",
    "郑州",
    "石家庄",
    "沈阳",
    "长春",
    "哈尔滨",
    "呼和浩特",
)


def perturb(text: str, copy: int) -> str:
    """A copy that differs in every sentence that carries a date or a place name."""
    text = re.sub(r"(\d{1,2})月(\d{1,2})日", lambda m: f"{m.group(1)}月{(int(m.group(2)) + copy) % 28 + 1}日", text)
    for place in PLACES:
        text = text.replace(place, OTHERS[(PLACES.index(place) + copy) % len(OTHERS)])
    return text.replace("学习教育", f"学习教育（第{copy + 1}期）", 3 + copy % 5)


def make_x20(folder: Path) -> Path:
    for copy in range(20):
        for f in sorted(DEFAULT_MATERIALS.glob("*.txt")):
            (folder / f"{copy:02d}_{f.name}").write_text(perturb(f.read_text(encoding="utf-8"), copy), encoding="utf-8")
    return folder


def measure(materials: Path) -> str:
    """Wall time and peak RSS of a cold build; then a second build under tracemalloc for Python's peak.

    tracemalloc slows allocation-heavy code several times over, so it never wraps the timed run.
    """
    start = time.perf_counter()
    corpus = build_corpus(materials)
    wall = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    build_corpus(materials)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    enabled = sum(q.enabled for q in corpus.questions)
    return (
        f"documents={len(corpus.documents)} snippets={len(corpus.snippets)} questions={enabled} "
        f"wall={wall:.2f}s tracemalloc_peak={peak / 2**20:.1f}MB ru_maxrss={rss_mb:.0f}MB"
    )


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--run":
        print(measure(Path(sys.argv[2])))
        return
    with tempfile.TemporaryDirectory() as tmp:
        big = make_x20(Path(tmp))
        for name, folder in (("five", DEFAULT_MATERIALS), ("x20", big)):
            out = subprocess.run(
                [sys.executable, __file__, "--run", str(folder)], check=True, capture_output=True, text=True
            ).stdout.strip()
            print(f"{name:5s} {out}")


if __name__ == "__main__":
    main()
