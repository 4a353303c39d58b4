"""The curated overlay: a secretary's hand on the generated bank, kept in ``content/questions.yaml``.

::

    add:      hand-written questions (same fields as generated ones; verified the same way)
    fix:      by id — override stem / options / answer / explanation of a generated question
    disable:  ids to withdraw

Ids are stable while the source sentence is unchanged, so a fix or disable keeps applying across
rebuilds; when the material changes under it, the entry no longer matches and is reported, never
silently dropped.  The file is read with ``yaml.safe_load``; a malformed entry raises
:class:`CuratedError` naming the entry ("add[2]: 'answer' must be a list of strings").
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from content.model import QUESTION_TYPES, Document, Problem, Question, QuestionType
from content.questions.ids import question_id, stable_order
from content.questions.keys import refers

ADD_FIELDS = frozenset({"id", "type", "stem", "options", "answer", "explanation", "document", "sentence"})
FIX_FIELDS = frozenset({"id", "stem", "options", "answer", "explanation"})


class CuratedError(ValueError):
    """The curated file is malformed; the message names the entry."""


@dataclass(frozen=True)
class Overlay:
    add: tuple[dict[str, Any], ...] = ()
    fix: dict[str, dict[str, Any]] = field(default_factory=dict)
    disable: frozenset[str] = frozenset()
    source: str = "questions.yaml"


def load_overlay(path: Path) -> Overlay:
    """Read and validate the curated file (an absent file is an empty overlay)."""
    if not path.exists():
        return Overlay(source=path.name)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CuratedError(f"{path.name}: not valid YAML: {exc}") from exc
    return parse_overlay(data, source=path.name)


def parse_overlay(data: object, *, source: str = "questions.yaml") -> Overlay:
    if data is None:
        return Overlay(source=source)
    if not isinstance(data, dict):
        raise CuratedError(f"{source}: top level must be a mapping with add / fix / disable")
    unknown = set(data) - {"add", "fix", "disable"}
    if unknown:
        raise CuratedError(f"{source}: unknown section(s) {sorted(unknown)}")
    adds = tuple(_check_add(e, f"{source}: add[{i}]") for i, e in enumerate(_as_list(data, "add", source)))
    fixes: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(_as_list(data, "fix", source)):
        where = f"{source}: fix[{i}]"
        fixed = _check_fields(entry, where, FIX_FIELDS, required=("id",))
        fixes[fixed.pop("id")] = fixed
    disabled = _as_list(data, "disable", source)
    for i, qid in enumerate(disabled):
        if not isinstance(qid, str) or not qid.strip():
            raise CuratedError(f"{source}: disable[{i}] must be a question id string")
    return Overlay(adds, fixes, frozenset(q.strip() for q in disabled), source)


def _as_list(data: dict[str, Any], key: str, source: str) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise CuratedError(f"{source}: '{key}' must be a list")
    return value


def _check_fields(entry: object, where: str, allowed: frozenset[str], required: Sequence[str]) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise CuratedError(f"{where}: must be a mapping of fields")
    unknown = set(entry) - allowed
    if unknown:
        raise CuratedError(f"{where}: unknown field(s) {sorted(unknown)}")
    for key in required:
        if key not in entry or entry[key] in (None, "", []):
            raise CuratedError(f"{where}: missing field '{key}'")
    for key in ("id", "type", "stem", "explanation", "document", "sentence"):
        if key in entry and not isinstance(entry[key], str):
            raise CuratedError(f"{where}: '{key}' must be a string")
    for key in ("options", "answer"):
        if key in entry and not (
            isinstance(entry[key], list) and all(isinstance(x, str | int | float) for x in entry[key])
        ):
            raise CuratedError(f"{where}: '{key}' must be a list of strings")
    out = dict(entry)
    for key in ("options", "answer"):
        if key in out:
            out[key] = tuple(str(x) for x in out[key])
    return out


def _check_add(entry: object, where: str) -> dict[str, Any]:
    out = _check_fields(entry, where, ADD_FIELDS, ("type", "stem", "answer", "document", "sentence"))
    if out["type"] not in QUESTION_TYPES:
        raise CuratedError(f"{where}: type must be one of {', '.join(QUESTION_TYPES)}")
    if out["type"] in ("single", "multiple", "truefalse") and not out.get("options"):
        raise CuratedError(f"{where}: '{out['type']}' needs options")
    out["where"] = where
    return out


def apply_overlay(
    questions: Sequence[Question], overlay: Overlay, documents: Sequence[Document], built: Collection[str] = ()
) -> tuple[list[Question], list[Problem]]:
    """The bank with fixes applied, disabled ids withdrawn (kept, ``enabled=False``) and additions.

    ``built``: every id the generator built, chosen or not — a fix or disable naming one of them still
    matches its question (the ranker merely left it out this time); only an id nothing builds is reported."""
    problems: list[Problem] = []
    by_title = {d.title: d for d in documents} | {d.doc_id: d for d in documents}
    known = {q.qid for q in questions} | set(built)
    out: list[Question] = []
    for q in questions:
        fix = overlay.fix.get(q.qid)
        if fix:
            q = replace(q, **{k: v for k, v in fix.items() if k in FIX_FIELDS})
        if q.qid in overlay.disable:
            q = replace(q, enabled=False)
        out.append(q)
    for entry in overlay.add:
        doc = by_title.get(entry["document"])
        if doc is None:
            problems.append(Problem(overlay.source, f"{entry['where']}: no document titled {entry['document']!r}"))
        qtype: QuestionType = entry["type"]
        qid = entry.get("id") or question_id(qtype, entry["sentence"], "curated|" + entry["stem"])
        known.add(qid)
        out.append(
            Question(
                qid=qid,
                qtype=qtype,
                stem=entry["stem"],
                options=_spread(qid, qtype, tuple(entry.get("options", ()))),
                answer=tuple(entry["answer"]),
                explanation=entry.get("explanation", ""),
                doc_id=doc.doc_id if doc else "",
                document=doc.title if doc else entry["document"],
                sentence=entry["sentence"],
                score=1.0,
                origin="curated",
                enabled=doc is not None and qid not in overlay.disable,
            )
        )
    for qid in sorted(set(overlay.fix) - known):
        problems.append(Problem(overlay.source, f"fix: {qid} matches no question (its source text changed?)"))
    for qid in sorted(overlay.disable - known):
        problems.append(Problem(overlay.source, f"disable: {qid} matches no question (its source text changed?)"))
    return out, problems


def _spread(qid: str, qtype: QuestionType, options: tuple[str, ...]) -> tuple[str, ...]:
    """A curated choice's options in the order its id gives (``ids.stable_order``), as generated ones are: a
    secretary writes the key second more often than not (an examiner found B keyed in 6 of 9).  Options that
    refer to the others ("以上都对") keep the order as written."""
    if qtype not in ("single", "multiple") or refers(options):
        return options
    return stable_order(qid, list(options))
