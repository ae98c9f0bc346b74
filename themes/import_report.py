"""What a plan import did, or would do (the preview): what is created, changed, unchanged, left alone, and
every problem with its sheet and row."""

from collections import defaultdict
from dataclasses import dataclass, field

from themes import workbook as wb
from themes.workbook import Problem


@dataclass(frozen=True)
class Change:
    sheet: str
    row: int
    item: str
    fields: tuple[str, ...] = ()
    """The columns that change; empty for something new."""

    def __str__(self) -> str:
        return f"{self.item}: {', '.join(self.fields)}" if self.fields else self.item


@dataclass
class ImportReport:
    dry_run: bool
    plan_label: str = ""
    plan_year_id: int | None = None
    """Set once an import has been applied."""
    created: list[Change] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    left_alone: list[tuple[str, str]] = field(default_factory=list)
    """(sheet, item) in the database but not in the workbook: left as they are."""
    errors: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def applied(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def changes_anything(self) -> bool:
        return bool(self.created or self.updated)

    def by_sheet(self) -> list[dict]:
        """Per sheet, in workbook order: what is new, what changes, how much stays the same."""
        return [
            {
                "sheet": sheet.title,
                "created": [c for c in self.created if c.sheet == sheet.title],
                "updated": [c for c in self.updated if c.sheet == sheet.title],
                "unchanged": self.unchanged.get(sheet.title, 0),
                "left_alone": [item for s, item in self.left_alone if s == sheet.title],
            }
            for sheet in wb.SHEETS
        ]

    def summary(self) -> str:
        if self.errors:
            return f"{len(self.errors)} problem(s) found: nothing has been changed."
        verb = "would be" if self.dry_run else "were"
        counts = f"{len(self.created)} item(s) {verb} created, {len(self.updated)} {verb} updated"
        return f"{self.plan_label}: {counts}, {sum(self.unchanged.values())} unchanged."
