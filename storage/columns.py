"""JSON columns that hold the core's immutable values, read back as those values.

Each column stores exactly the JSON the core's own `to_json` writes, so rows written before
these types existed read back unchanged. A value is assigned whole, never changed in place.
Where a row may hold no value yet (an episode before its triage has finished), the column
reads the stored `{}` as None and writes None back as `{}`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from sqlalchemy import JSON, ColumnElement, TypeDecorator, type_coerce

from storage.schedules import ReminderSchedule, schedule_from_json, schedule_to_json
from triage.flow import TriageState
from triage.followup_state import FollowUpState

_V = TypeVar("_V")

ToJson = Callable[[Any], dict[str, object]]
FromJson = Callable[[Mapping[str, object]], Any]


class CoreJson(TypeDecorator[Any], Generic[_V]):
    """A core value stored as its JSON; `optional` maps the empty `{}` to None and back."""

    impl = JSON
    cache_ok = True

    def __init__(self, to_json: ToJson, from_json: FromJson, *, optional: bool = False) -> None:
        super().__init__()
        self.to_json, self.from_json, self.optional = to_json, from_json, optional
        # An optional column writes None as `{}`, so None must reach the bind.
        self.should_evaluate_none = optional

    def process_bind_param(self, value: Any, dialect: Any) -> dict[str, object] | None:
        if value is None:
            return {} if self.optional else None
        return self.to_json(value)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if value is None or (self.optional and value == {}):
            return None
        return self.from_json(value)


def nothing() -> None:
    """The insert default of an optional column: None, stored as `{}`."""
    return None


def triage_state(*, optional: bool = False) -> CoreJson[TriageState]:
    """A triage's answers (triage.flow.TriageState)."""
    return CoreJson(TriageState.to_json, TriageState.from_json, optional=optional)


def followup_state() -> CoreJson[FollowUpState]:
    """An episode's follow-up (triage.followup_state.FollowUpState); `{}` before it starts."""
    return CoreJson(FollowUpState.to_json, FollowUpState.from_json, optional=True)


def reminder_schedule() -> CoreJson[ReminderSchedule]:
    """A reminder's schedule and slot (storage.schedules)."""
    return CoreJson(schedule_to_json, schedule_from_json)


def as_stored(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """`column` read as the JSON it stores when it holds a core value (the /export file shows
    what is stored), and as itself otherwise."""
    if isinstance(column.type, CoreJson):
        return type_coerce(column, JSON).label(column.key)
    return column
