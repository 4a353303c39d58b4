"""A column that stores a ``StrEnum`` as its short string and hands the enum member back.

Why not SQLAlchemy's ``Enum`` type: it creates a PostgreSQL enum type that every new value must migrate,
and the schema stores these as plain strings (see ``storage/models/``).  This keeps the column a
``VARCHAR`` while Python sees ``Role.SECRETARY``, not ``"secretary"``: a typo in a comparison is a type
error, and an unknown value read from the store fails loudly instead of matching nothing.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

E = TypeVar("E", bound=StrEnum)


class EnumString(TypeDecorator[E], Generic[E]):
    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int = 16) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return self.enum(value).value  # refuses a value that is not one of the enum's

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)
