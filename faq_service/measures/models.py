"""ITA measure tracking: indicators, assessment items, measures with steps, follow-up, per-period
results and obstacles, and the change history of all of them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from faq_service.core.db import Base, UtcDateTime, utcnow

ITEM_KINDS = ("IIT", "EIT")  # internal / external stakeholders' assessment
STEP_STATUSES = ("planned", "in_progress", "done", "on_hold")
STAKEHOLDER_GROUPS = ("internal", "external")


class Indicator(Base):
    """One of the ten ITA indicators (ตัวชี้วัด), e.g. 7 ประสิทธิภาพการสื่อสาร."""

    __tablename__ = "ita_indicator"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name_th: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)


class AssessmentItem(Base):
    """An assessment item as the seed names it: IIT I1…I30, EIT E1…E15."""

    __tablename__ = "ita_item"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    kind: Mapped[str] = mapped_column(String(3))
    indicator_no: Mapped[int] = mapped_column(ForeignKey("ita_indicator.number"), index=True)
    text_th: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)


class Measure(Base):
    """A measure (มาตรการ) taken for one or more assessment items in a fiscal year."""

    __tablename__ = "ita_measure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    stakeholders: Mapped[str] = mapped_column(String(10))  # internal / external
    group_code: Mapped[str] = mapped_column(String(8))  # 1.1, 1.2, 2.1 …
    group_th: Mapped[str] = mapped_column(Text)
    group_en: Mapped[str] = mapped_column(Text)
    indicator_no: Mapped[int] = mapped_column(ForeignKey("ita_indicator.number"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    measure_th: Mapped[str] = mapped_column(Text)
    measure_en: Mapped[str] = mapped_column(Text)
    followup_th: Mapped[str] = mapped_column(Text, default="")  # การติดตามผล, as written
    followup_en: Mapped[str] = mapped_column(Text, default="")
    followup_to: Mapped[str] = mapped_column(String(200), default="")  # to whom (e.g. director)
    followup_every_months: Mapped[int] = mapped_column(Integer, default=6)  # how often
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(120), default="system")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    items: Mapped[list["MeasureItem"]] = relationship(
        back_populates="measure", cascade="all, delete-orphan", order_by="MeasureItem.position")
    steps: Mapped[list["Step"]] = relationship(
        back_populates="measure", cascade="all, delete-orphan", order_by="Step.position")
    results: Mapped[list["PeriodResult"]] = relationship(
        back_populates="measure", cascade="all, delete-orphan")

    @property
    def item_codes(self) -> list[str]:
        return [link.item_code for link in self.items]


class MeasureItem(Base):
    __tablename__ = "ita_measure_item"
    __table_args__ = (UniqueConstraint("measure_id", "item_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("ita_measure.id", ondelete="CASCADE"), index=True)
    item_code: Mapped[str] = mapped_column(ForeignKey("ita_item.code"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    measure: Mapped[Measure] = relationship(back_populates="items")
    item: Mapped[AssessmentItem] = relationship()


class Step(Base):
    """A step (ขั้นตอนดำเนินการ) of a measure, with its status and evidence."""

    __tablename__ = "ita_step"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("ita_measure.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text_th: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="planned")
    evidence: Mapped[str] = mapped_column(Text, default="")  # e.g. "เอกสารแนบ 1", a link
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(120), default="system")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    measure: Mapped[Measure] = relationship(back_populates="steps")


class PeriodResult(Base):
    """Staff-written result (ผลการดำเนินการ) and obstacles (ปัญหา/อุปสรรค) of a measure for one half-year."""

    __tablename__ = "ita_period_result"
    __table_args__ = (UniqueConstraint("measure_id", "fiscal_year", "half"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("ita_measure.id", ondelete="CASCADE"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    half: Mapped[int] = mapped_column(Integer)
    result_th: Mapped[str] = mapped_column(Text, default="")
    result_en: Mapped[str] = mapped_column(Text, default="")
    obstacles_th: Mapped[str] = mapped_column(Text, default="")
    obstacles_en: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(120), default="system")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    measure: Mapped[Measure] = relationship(back_populates="results")


class MeasureHistory(Base):
    """One row per change of a measure, a step or a period result: who, when, what, before/after."""

    __tablename__ = "ita_history"
    __table_args__ = (Index("ix_ita_history_measure_changed", "measure_id", "changed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("ita_measure.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(16))  # measure / step / result
    entity_id: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))  # create / update
    author: Mapped[str] = mapped_column(String(120))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    changes: Mapped[dict] = mapped_column(JSON, default=dict)  # field -> [before, after]
