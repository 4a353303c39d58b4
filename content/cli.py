"""``zhibu content build | check | export`` — the question bank from the command line.

::

    zhibu content build  [--materials DIR]      summary: documents, snippets, questions by type, problems, and
                                                the facts ranked highest with how many questions each got
    zhibu content check  [--materials DIR]      verification; the bank's share by document and by authority
                                                tier, distinct facts; exit 1 on a failure or on any problem
                                                build reports (unreadable file, curated entry that matches
                                                nothing) — cleaning notes on files that were read excepted
    zhibu content export [--materials DIR] --format json|xlsx|md [--output PATH]

``add_parser(subparsers)`` registers the command on the ``zhibu`` parser (bot/cli.py); ``main(argv)``
runs it stand-alone.  With a config (``zhibu --config FILE content check [--branch KEY]``) bot/cli.py hands
``run`` a :class:`BranchBuild`: the branch's materials, parent bodies and core/background marks — what the bot
itself builds for that branch — and build/check say which own bodies and marks they used.
Exit codes: 0 ok, 1 check failed, 2 bad usage or missing folder — always with a
one-line message, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from content.curated import CuratedError
from content.export import TYPE_LABELS, to_json, to_markdown, to_xlsx
from content.model import QUESTION_TYPES, Corpus, Question
from content.pipeline import DEFAULT_CURATED, DEFAULT_MATERIALS, build_corpus
from content.questions.importance import TIER_LABELS, TIER_NAMES
from content.verify import check_bank, one_verdict, told_by_form

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class BranchBuild:
    """How a configured branch builds its corpus: ``build(materials, curated, use_curated)`` (``None``: the
    branch's own folders and overlay), and the lines that say whose corpus it is (branch, own bodies, marks)."""

    build: Callable[[Path | None, Path | None, bool], Corpus]
    about: tuple[str, ...]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``content`` and its sub-commands on a parent parser's subparsers."""
    parser = subparsers.add_parser("content", help="build, check and export the question bank")
    sub = parser.add_subparsers(dest="content_command", metavar="{build,check,export}")
    sub.required = True
    for name, text in (
        ("build", "build the corpus and print a summary"),
        ("check", "verify every question; exit 1 on any failure"),
        ("export", "write the question bank as json, xlsx or md"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument(
            "--materials",
            type=Path,
            help="materials folder (default: the configured branch's, else the packaged content/materials)",
        )
        p.add_argument(
            "--curated",
            type=Path,
            help="curated overlay file (default: the configured one, else content/questions.yaml)",
        )
        p.add_argument("--config", dest="sub_config", help=argparse.SUPPRESS)  # zhibu's, after the sub-command
        p.add_argument("--branch", help="with --config: the branch whose own bodies and marks apply (default: first)")
        p.add_argument("--no-curated", action="store_true", help="ignore the curated overlay")
        if name == "export":
            p.add_argument("--format", choices=("json", "xlsx", "md"), required=True)
            p.add_argument("--output", type=Path, help="file to write (json/md default to stdout)")
            p.add_argument("--all", action="store_true", help="include disabled questions")
    parser.set_defaults(handler=run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="zhibu")
    add_parser(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_OK
    return run(args)


def run(args: argparse.Namespace, branch: BranchBuild | None = None) -> int:
    materials: Path | None = args.materials
    if materials is not None and not materials.is_dir():
        _err(f"materials folder not found: {materials}")
        return EXIT_USAGE
    try:
        if branch is None:
            corpus = build_corpus(
                materials or DEFAULT_MATERIALS,
                curated_path=None if args.no_curated else args.curated or DEFAULT_CURATED,
            )
        else:
            corpus = branch.build(materials, args.curated, not args.no_curated)
    except CuratedError as exc:
        _err(f"curated file is malformed: {exc}")
        return EXIT_USAGE
    about = list(branch.about) if branch else ["branch: none (no config): no own bodies, no marks"]
    command = args.content_command
    if command == "build":
        _out("\n".join([*about, _build_summary(corpus)]))
        return EXIT_OK
    if command == "check":
        return _check(corpus, about)
    return _export(corpus, args)


def _build_summary(corpus: Corpus) -> str:
    enabled = [q for q in corpus.questions if q.enabled]
    types = Counter(q.qtype for q in enabled)
    errors = corpus.errors()
    lines = [
        f"documents: {len(corpus.documents)}",
        f"snippets:  {len(corpus.snippets)}",
        f"questions: {len(enabled)} ({len(corpus.questions) - len(enabled)} disabled)",
        *(f"  {TYPE_LABELS[t]} {t}: {types.get(t, 0)}" for t in QUESTION_TYPES),
        f"problems:  {len(corpus.problems)} ({len(errors)} errors, {len(corpus.problems) - len(errors)} notes)",
        *(f"  {p.file_name}: {p.message}" for p in corpus.problems),
        f"top facts ({len(corpus.facts)}; importance, tier, documents stating it, questions):",
        *(
            f"  {f.importance:5.2f}  {TIER_NAMES[f.tier]:<8} {f.documents}  "
            f"{f.asked if f.asked else 'none':>4}  {f.text[:60]}"
            for f in corpus.facts
        ),
    ]
    return "\n".join(lines)


def worth(corpus: Corpus, questions: list[Question]) -> list[str]:
    """The bank's share by document and by authority tier, and the distinct facts it covers."""
    n = max(1, len(questions))
    by_doc = Counter(q.document for q in questions)
    by_tier = Counter(corpus.question_tiers.get(q.qid, -1) for q in questions)
    facts = {corpus.question_facts[q.qid] for q in questions if q.qid in corpus.question_facts}
    lines = ["by document:"]
    lines += [f"  {k:4d}  {100 * k / n:3.0f}%  {doc}" for doc, k in sorted(by_doc.items(), key=lambda kv: -kv[1])]
    silent = [d.title for d in corpus.documents if d.paragraphs and d.title not in by_doc]
    lines += [f"     0    0%  {t}" for t in silent]
    lines.append("by authority tier:")
    for tier, name in enumerate(TIER_NAMES):
        k = by_tier.get(tier, 0)
        lines.append(f"  {k:4d}  {100 * k / n:3.0f}%  {name} ({TIER_LABELS[tier]})")
    if by_tier.get(-1):
        lines.append(f"  {by_tier[-1]:4d}  {100 * by_tier[-1] / n:3.0f}%  curated")
    lines.append(f"distinct facts: {len(facts)} (of {len(questions)} generated and curated questions)")
    return lines


def _check(corpus: Corpus, about: list[str]) -> int:
    enabled = [q for q in corpus.questions if q.enabled]
    report = check_bank(enabled, corpus.documents)
    errors = corpus.errors()
    lines = [*about, "by type:"]
    lines += [f"  {TYPE_LABELS[t]} {t}: {report.by_type.get(t, 0)}" for t in QUESTION_TYPES]
    lines += worth(corpus, enabled)
    for qid, reason in report.failures:
        lines.append(f"FAIL {qid}: {reason}")
    for p in errors:
        lines.append(f"FAIL {p.file_name}: {p.message}")
    # a secretary's question held back is no failure of the build, but the secretary must see it
    lines += [f"NOTE {p.message}" for p in corpus.problems if p.message.startswith("curated ") and p not in errors]
    lines += [
        f"NOTE {qid}: true and false 判断 are stated in different forms, so the form tells the verdict ({form})"
        for qid, form in told_by_form(enabled)
    ]
    single = one_verdict(enabled)
    if single is not None:  # kept (``judged.one_verdict``), but the secretary may add a true one by hand
        verdict, count = single
        lines.append(f"NOTE all {count} 判断 are {verdict} (\"always {verdict}\" scores {count} of {count}): "
                     "no statement of the other verdict the materials hold is worth asking beside this bank "
                     "(a hand-written one in questions.yaml restores the balance)")
    ok = report.ok and not errors
    lines.append(f"{'ok' if ok else 'FAILED'}: {len(enabled)} questions, {len(report.failures) + len(errors)} failures")
    _out("\n".join(lines))
    return EXIT_OK if ok else EXIT_FAILED


def _export(corpus: Corpus, args: argparse.Namespace) -> int:
    questions = corpus.questions if args.all else [q for q in corpus.questions if q.enabled]
    output: Path | None = args.output
    if args.format == "xlsx":
        if output is None:
            _err("--output is required for xlsx")
            return EXIT_USAGE
        to_xlsx(questions, output)
        _out(f"wrote {len(questions)} questions to {output}")
        return EXIT_OK
    text = to_json(questions) if args.format == "json" else to_markdown(questions)
    if output is None:
        _out(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        _out(f"wrote {len(questions)} questions to {output}")
    return EXIT_OK


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(f"zhibu content: {text}\n")
