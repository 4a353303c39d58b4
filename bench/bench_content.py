"""Benchmark: build the corpus (load → plan → generate → verify → rank → curate) and report time and memory.

Each run is a fresh process, so the wall time is cold (jieba's dictionary included) and the peak RSS is
that build's alone::

    five   the five packaged materials                                  budget < 3 s, < 300 MB (exit 1 over it)
    x20    the five files in 20 copies of *real Chinese*                target < 25 s
    shift  (--shifted) the old 20x corpus: every ideograph moved to another code point

How the 20 copies are made, and why: copy 0 is the original; in copy k every word jieba tags as a noun,
verb or adjective (n…, v…, a…) is replaced by another dictionary word with the same tag and length,
chosen by a hash of (k, word).  The text stays Chinese — punctuation, numbering, dates, quotes and the
function words are untouched, so sentence splitting, jieba, the enumerations and the fact patterns all
work as on real material — while the words change, so de-duplication keeps every copy and the generator
really works on 20x distinct text.  The same word gets the same replacement throughout a copy, so a term
repeated across a document stays repeated.  (The shifted corpus kept only the shape: its "words" were not
words, jieba fell back to its HMM on every character and most fact patterns found nothing.)

Run: ``.venv/bin/python bench/bench_content.py [--shifted]`` (one line per run).  ``--run DIR`` builds one
folder in this process; ``--make DIR`` (``--make-shifted DIR``) only writes the 20x corpus, to read or profile.
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from collections import defaultdict
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content.pipeline import DEFAULT_MATERIALS, build_corpus  # noqa: E402

COPIES = 20
BUDGET_SECONDS, BUDGET_MB = 3.0, 300  # the five materials, cold (issue 7)
# jieba's tags for nouns, verbs and adjectives (not nr/ns/nt: a person or place name stays a name)
CONTENT_TAGS = frozenset({"n", "nz", "ng", "v", "vn", "vd", "vg", "a", "ad", "an", "ag"})
MIN_FREQUENCY = 50  # dictionary words rarer than this read as noise
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_CJK_FIRST, _CJK_LAST = 0x4E00, 0x9FFF


@cache
def _tagger():  # jieba.posseg.POSTokenizer (jieba has no type hints)
    from jieba.posseg import POSTokenizer

    from content.questions.segment import _tokenizer

    return POSTokenizer(_tokenizer())


@cache
def vocabulary() -> dict[tuple[str, int], list[str]]:
    """Common dictionary words by (POS tag, length), sorted so every run picks the same ones."""
    by: dict[tuple[str, int], list[str]] = defaultdict(list)
    with _tagger().tokenizer.get_dict_file() as f:
        for raw in f:
            word, freq, tag = raw.decode("utf-8").split()
            if tag in CONTENT_TAGS and int(freq) >= MIN_FREQUENCY and _CJK.match(word):
                by[(tag, len(word))].append(word)
    return {k: sorted(v) for k, v in by.items()}


def tag_lines(text: str) -> list[list[tuple[str, str]]]:
    """Each line of ``text`` as (word, tag) pairs; tagged once, substituted once per copy."""
    tagger = _tagger()
    return [[(p.word, p.flag) for p in tagger.cut(line)] for line in text.split("\n")]


def substitute(tagged: list[list[tuple[str, str]]], copy: int) -> str:
    """Copy ``copy`` of a tagged text: content words replaced by same-tag, same-length dictionary words."""
    vocab = vocabulary()
    lines = []
    for line in tagged:
        out = []
        for word, tag in line:
            pool = vocab.get((tag, len(word))) if copy and tag in CONTENT_TAGS and _CJK.match(word) else None
            if pool:
                word = pool[zlib.crc32(f"{copy}|{word}".encode()) % len(pool)]
            out.append(word)
        lines.append("".join(out))
    return "\n".join(lines)


def shift(text: str, copy: int) -> str:
    """The old structure-only copy: every ideograph moved by copy*97 code points (wrapping)."""
    span = _CJK_LAST - _CJK_FIRST + 1

    def move(match: re.Match[str]) -> str:
        return "".join(chr(_CJK_FIRST + (ord(c) - _CJK_FIRST + copy * 97) % span) for c in match.group(0))

    return re.sub(r"[\u4e00-\u9fff]+", move, text) if copy else text


def make_x20(folder: Path, *, shifted: bool = False) -> Path:
    for f in sorted(DEFAULT_MATERIALS.glob("*.txt")):
        text = f.read_text(encoding="utf-8")
        tagged = None if shifted else tag_lines(text)
        for copy in range(COPIES):
            body = shift(text, copy) if tagged is None else substitute(tagged, copy)
            (folder / f"{copy:02d}_{f.name}").write_text(body, encoding="utf-8")
    return folder


def peak_rss_mb() -> float:
    """This process's peak resident set: VmHWM (fresh after exec), else ru_maxrss (which Linux carries over
    from the parent that forked us, so it would report the parent's size for a small build)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(materials: Path) -> str:
    """Wall time and peak RSS of one cold build in this process."""
    start = time.perf_counter()
    corpus = build_corpus(materials)
    wall = time.perf_counter() - start
    enabled = sum(q.enabled for q in corpus.questions)
    return (
        f"documents={len(corpus.documents)} snippets={len(corpus.snippets)} questions={enabled} "
        f"wall={wall:.2f}s peak_rss={peak_rss_mb():.0f}MB"
    )


def _child(*args: str) -> str:
    """Run this script with ``args`` in a fresh interpreter: every figure is its own process's."""
    done = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return done.stdout.strip()


def main() -> None:
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "--run":
        print(measure(Path(args[1])))
        return
    if len(args) == 2 and args[0] in ("--make", "--make-shifted"):
        Path(args[1]).mkdir(parents=True, exist_ok=True)
        make_x20(Path(args[1]), shifted=args[0] == "--make-shifted")
        return
    with tempfile.TemporaryDirectory() as tmp:
        runs = [("five", DEFAULT_MATERIALS), ("x20", Path(tmp) / "x20")]
        _child("--make", str(runs[1][1]))
        if "--shifted" in args:
            runs.append(("shift", Path(tmp) / "shift"))
            _child("--make-shifted", str(runs[2][1]))
        over = []
        for name, folder in runs:
            line = _child("--run", str(folder))
            print(f"{name:5s} {line}", flush=True)
            if name == "five":
                wall = float(re.search(r"wall=([\d.]+)s", line).group(1))  # type: ignore[union-attr]
                rss = float(re.search(r"peak_rss=(\d+)MB", line).group(1))  # type: ignore[union-attr]
                if wall >= BUDGET_SECONDS or rss >= BUDGET_MB:
                    over.append(f"five: {wall:.2f}s / {rss:.0f}MB over the budget of {BUDGET_SECONDS}s / {BUDGET_MB}MB")
        for line in over:
            print(line)
        if over:
            sys.exit(1)


if __name__ == "__main__":
    main()
