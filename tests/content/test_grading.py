"""Grading and FSRS review: typed answers as phones type them, choice sets, and cards' due days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from content.grading import accepts, correct_indices, grade_choice, normalise
from content.review import LEARNED_STREAK, review

NOW = datetime(2026, 3, 20, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize("typed", ["两个维护", "“两个维护”。", " 两个 维护 ", "两个维护！", "《两个维护》",
                                   "两个　维护", "两个\u200b维护"])
def test_fill_in_accepts_punctuation_spaces_and_quotes(typed: str) -> None:
    assert accepts(typed, ["两个维护"])


@pytest.mark.parametrize(("typed", "accepted"), [
    ("２０２６年", ["2026年"]), ("2026年", ["２０２６年"]), ("ABC", ["abc"]), ("七月底", ["7月底", "七月底"]),
])
def test_fill_in_accepts_width_case_and_listed_alternatives(typed: str, accepted: list[str]) -> None:
    assert accepts(typed, accepted)


@pytest.mark.parametrize("typed", ["两个确立", "两个", "", "。。", "两个维护护"])
def test_fill_in_refuses_other_text_and_empty_answers(typed: str) -> None:
    assert not accepts(typed, ["两个维护"])


def test_normalise_keeps_letters_and_digits_only() -> None:
    assert normalise("Ｆｕｌｌ-width，２０２６！") == "fullwidth2026"


def test_multiple_choice_needs_exactly_the_correct_set() -> None:
    options = ["甲", "乙", "丙", "丁"]
    answer = ["甲", "丙"]
    assert correct_indices(options, answer) == [0, 2]
    assert grade_choice([2, 0], options, answer)
    assert not grade_choice([0], options, answer)
    assert not grade_choice([0, 1, 2], options, answer)
    assert not grade_choice([], options, answer)
    assert not grade_choice([0, 9], options, answer)


def test_a_wrong_answer_comes_back_the_next_day_and_a_right_one_later() -> None:
    wrong = review(None, correct=False, now=NOW)
    assert wrong.due == NOW + timedelta(days=1) and wrong.in_wrongbook and wrong.lapses == 1 and wrong.reps == 1
    right = review(None, correct=True, now=NOW)
    assert right.due >= NOW + timedelta(days=2) and not right.in_wrongbook and right.stability is not None
    assert right.due > wrong.due


def test_the_wrong_book_keeps_a_question_until_it_is_right_twice_in_a_row() -> None:
    card = review(None, correct=False, now=NOW)
    for n in range(1, LEARNED_STREAK):
        card = review(card, correct=True, now=card.due)
        assert card.in_wrongbook and card.streak == n
    card = review(card, correct=True, now=card.due)
    assert not card.in_wrongbook
    again = review(card, correct=False, now=card.due)
    assert again.in_wrongbook and again.streak == 0 and again.lapses == 2
    assert (again.due - card.due) < (card.due - NOW)  # a lapse shortens the interval


LISTED = ["学习、宣传、贯彻"]


@pytest.mark.parametrize("typed", ["学习、宣传、贯彻", "贯彻，学习，宣传", "宣传 贯彻 学习", "贯彻;学习；宣传",
                                   "贯彻/宣传/学习", "贯彻学习宣传", "宣传,学习,贯彻。", "“贯彻”、“学习”、“宣传”",
                                   "宣传　贯彻　学习"])
def test_f12_listed_items_are_accepted_in_any_order_and_with_any_separator(typed: str) -> None:
    assert accepts(typed, LISTED)


@pytest.mark.parametrize("typed", ["学习、宣传", "学习、宣传、贯彻、落实", "学习、学习、宣传", "宣传贯彻",
                                   "学习宣传贯彻落实", "习学、宣传、贯彻"])
def test_f12_a_missing_added_or_mangled_item_is_still_wrong(typed: str) -> None:
    assert not accepts(typed, LISTED)


def test_f12_a_one_item_answer_is_not_split_by_the_order_rule() -> None:
    assert not accepts("维护两个", ["两个维护"]) and accepts("两个 维护", ["两个维护"])


def test_f12_verification_judges_a_listed_alternative_as_grading_does() -> None:
    """An alternative a secretary types in the sheet is a spelling of the answer exactly when grading says so."""
    from content.model import Question
    from content.verify import check_question

    sentence = "要把学习、宣传、贯彻贯穿始终。"
    stem = "要把（　）贯穿始终。"

    def fill(*answers: str) -> list[str]:
        q = Question("q-x", "fill", stem, (), answers, "原文如此。", "d#0", "材料", sentence)
        return [r.code for r in check_question(q)]

    assert fill("学习、宣传、贯彻") == []
    assert fill("学习、宣传、贯彻", "贯彻，学习，宣传") == []  # other order, other separator
    assert fill("学习、宣传、贯彻", "学习、宣传、贯彻。") == []  # a stop a phone adds: grading ignores it
    assert fill("学习、宣传、贯彻", "学习、宣传") == ["accepted_answers_differ"]  # an item missing
    assert fill("学习、宣传、贯彻", "学习、宣传、落实") == ["accepted_answers_differ"]


def test_f12_a_space_inside_a_stored_answer_is_part_of_a_name_not_a_list() -> None:
    title = ["干在实处 走在前列"]
    assert accepts("干在实处，走在前列", title) and accepts("干在实处走在前列", title)
    assert not accepts("走在前列 干在实处", title)
