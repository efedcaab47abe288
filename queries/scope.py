"""Data scope: what a user may see, as a hashable value passed into every query.

Queries never read ``current_user``: the caller turns the login into a
``Scope`` once per request, and the scope is part of every cache key, so a
cached result can never cross from one scope to another.
"""

from __future__ import annotations

from dataclasses import dataclass


class OutOfScope(PermissionError):
    """A request for data outside the user's scope."""


@dataclass(frozen=True)
class Scope:
    role: str                   # ministry | province | leadership
    province: str | None = None  # set for province users: the only province they may see

    def __post_init__(self):
        if self.role not in ("ministry", "province", "leadership"):
            raise ValueError(f"unknown role {self.role!r}")
        if (self.role == "province") != (self.province is not None):
            raise ValueError("exactly the province role carries a province code")

    @property
    def cases_allowed(self) -> bool:
        """Leadership sees aggregates down to school, never case lists."""
        return self.role in ("ministry", "province")

    def require_cases(self, region) -> None:
        """Case lists are per school, for roles allowed them, inside the scope: the one gate every
        case query passes (``region`` is a ``queries.regions.Region``)."""
        if region.level != "school":
            raise ValueError("cases are listed per school")
        if not self.cases_allowed:
            raise PermissionError("case lists are not available to this role")
        self.check_province(region.province)

    def check_province(self, code: str | None) -> None:
        """Raise ``OutOfScope`` when ``code`` is another province than the user's own."""
        if self.province is not None and code is not None and code != self.province:
            raise OutOfScope(f"province {code} is outside your scope ({self.province})")
