"""The branch's study materials as the content pipeline recognised them, and who has read which snippet.

``Material`` is a whole document, ``StudyUnit`` one daily snippet of it; both carry the pipeline's
stable keys (``doc_key``, ``unit_key``), unique per branch, so loading the materials again updates rows.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.fields import utc_field


class Material(SQLModel, table=True):
    """One document (article) of the branch's study materials, as the pipeline recognised it."""

    __table_args__ = (UniqueConstraint("branch_id", "doc_key", name="uq_material_branch_doc"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    doc_key: str = Field(max_length=128)
    file_name: str = Field(max_length=255)
    title: str = Field(max_length=500)
    source: str | None = Field(default=None, max_length=255)
    published: date | None = None
    active: bool = True
    added_at: datetime = utc_field()


class StudyUnit(SQLModel, table=True):
    """A daily snippet; ``position`` orders the branch's study plan."""

    __table_args__ = (UniqueConstraint("branch_id", "unit_key", name="uq_unit_branch_key"),)
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    unit_key: str = Field(max_length=64)
    doc_key: str = Field(max_length=128)
    title: str = Field(max_length=500)
    heading: str | None = Field(default=None, max_length=500)
    source: str | None = Field(default=None, max_length=255)
    text: str = Field(sa_type=Text)
    position: int = Field(index=True)
    active: bool = True


class StudyProgress(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("member_id", "unit_id", name="uq_progress_member_unit"),
        Index("ix_progress_branch_time", "branch_id", "delivered_at"),  # the figures count by branch and period
    )
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    unit_id: int = Field(foreign_key="studyunit.id")
    delivered_at: datetime = utc_field()
    read_at: datetime | None = utc_field(default=None)
