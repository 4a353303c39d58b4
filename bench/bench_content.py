"""Benchmark: build the corpus (load → plan → generate → verify → rank → curate) and report time and memory.

Two runs, each in a fresh process so wall time is cold (jieba's dictionary included) and RSS per run:

* ``five``  — the five packaged materials (target: < 3 s, < 300 MB);
* ``x20``   — the five files copied 20 times into a temp dir; every copy but the first has each
  Chinese character shifted to another code point, so the structure (headings, numbering, quotes,
  dates) is intact but the words are new: de-duplication keeps all copies and the whole pipeline runs
  on 20x distinct text.  (The shifted text is not Chinese, so the number of questions it yields is not
  a quality figure; the time and memory are the point.)

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

# CJK Unified Ideographs: shifting every ideograph by a per-copy offset keeps each document's shape
# (punctuation, numbering, quotes, dates, line breaks) but makes its words new, so de-duplication keeps
# all 20 copies and the generator works on 20x distinct text.
_CJK_FIRST, _CJK_LAST = 0x4E00, 0x9FFF
_SPAN = _CJK_LAST - _CJK_FIRST + 1


def perturb(text: str, copy: int) -> str:
    """Copy 0 is the original; copy k shifts every ideograph by k*97 code points (wrapping)."""
    if copy == 0:
        return text
    shift = copy * 97

    def move(match: re.Match[str]) -> str:
        return "".join(chr(_CJK_FIRST + (ord(c) - _CJK_FIRST + shift) % _SPAN) for c in match.group(0))

    return re.sub(r"[\u4e00-\u9fff]+", move, text)


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
