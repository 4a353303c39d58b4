"""Stable question ids: a hash of what the question asks, not of how it is worded.

``q-`` + sha1(type, evidence sentence, answer slot)[:10].  Re-running the pipeline on unchanged materials
gives the same ids, so members' answers and a secretary's review stay attached to their question; editing
a sentence changes only the ids of the questions built on it.  Distractors and stem wording are left out
on purpose: improving them must not orphan recorded answers.
"""

from __future__ import annotations

import hashlib

from content.model import QuestionType


def question_id(qtype: QuestionType, sentence: str, slot: str) -> str:
    digest = hashlib.sha1(f"{qtype}\x1f{sentence}\x1f{slot}".encode()).hexdigest()
    return f"q-{digest[:10]}"


def stable_order(seed: str, options: list[str]) -> tuple[str, ...]:
    """Options in an order that looks random but is the same on every build.  Over a few questions a hash can
    key them all alike (two 单选 both A), so the finished bank's key positions are set by ``keys.placed``."""
    return tuple(sorted(options, key=lambda o: hashlib.sha1(f"{seed}\x1f{o}".encode()).hexdigest()))
