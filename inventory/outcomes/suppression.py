"""Small-count suppression for the publication version of a table, as statistical offices do it.

Counts from 1 to 9 are not shown (primary suppression). A hidden cell could still be worked out
from the totals printed beside it, so more cells are hidden (complementary suppression) until
every hidden cell lies on a rectangle of hidden cells, each of them at least 1: the table's totals
then hold just as well with the rectangle's corners moved by ±1, so no hidden count can be
recovered from any row or column total, nor from any sum of them, nor from the fact that no
count is negative.

Cells are addressed on the table with its totals: row R holds the column totals, column C the
row totals, (R, C) the grand total. A table that prints no row totals (or no column totals) has
that line hidden from the start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from inventory.outcomes.disclosure import Printed, exposed

SMALL = (1, 9)

Position = tuple[int, int]


def with_totals(cells: Sequence[Sequence[int]], columns: int) -> list[list[int]]:
    """The table with a total column and a total row added."""
    grid = [[*row, sum(row)] for row in cells]
    grid.append([sum(row[j] for row in grid) for j in range(columns + 1)])
    return grid


def suppress(
    cells: Sequence[Sequence[int]],
    *,
    columns: int,
    row_totals: bool = True,
    column_totals: bool = True,
    small: tuple[int, int] = SMALL,
    forced: set[Position] | frozenset[Position] = frozenset(),
) -> set[Position]:
    """The positions (on the table with totals) to hide in the publication version.

    `cells` has one list of `columns` counts per row. Returns primary and complementary
    suppressions; positions of totals the table does not print are not included. `forced`
    cells are hidden and protected like small counts (a cell another table hides).
    """
    grid = with_totals(cells, columns)
    rows = len(cells)
    last_row, last_col = rows, columns
    hidden: set[Position] = set()
    if not row_totals:
        hidden |= {(i, last_col) for i in range(rows + 1)}
    if not column_totals:
        hidden |= {(last_row, j) for j in range(columns + 1)}
    low, high = small
    primary = sorted(
        (i, j)
        for i in range(rows + 1)
        for j in range(columns + 1)
        if (i, j) not in hidden and (low <= grid[i][j] <= high or (i, j) in forced)
    )
    suppressed = set(primary)
    for position in primary:
        suppressed |= _cheapest_rectangle(grid, position, suppressed, hidden)
    return suppressed - hidden


def _cheapest_rectangle(
    grid: list[list[int]], position: Position, suppressed: set[Position], hidden: set[Position]
) -> set[Position]:
    """The other three corners of the rectangle through `position` that hides least.

    Every corner must be 1 or more (a zero corner could not move down, which would pin the
    rectangle and give the hidden count away). Cells already hidden cost nothing; totals cost
    more than inner cells, so that the printed totals survive where the table allows it.
    """
    i, j = position
    last_row, last_col = len(grid) - 1, len(grid[0]) - 1
    best: tuple | None = None
    best_corners: set[Position] = set()
    for other_i in range(last_row + 1):
        if other_i == i:
            continue
        for other_j in range(last_col + 1):
            if other_j == j:
                continue
            margins = count = value = 0
            usable = True
            new = []
            for a, b in ((other_i, j), (i, other_j), (other_i, other_j)):
                if (a, b) in hidden:
                    continue
                if grid[a][b] < 1:
                    usable = False
                    break
                if (a, b) not in suppressed:
                    new.append((a, b))
                    count += 1
                    value += grid[a][b]
                    margins += a == last_row or b == last_col
            if not usable:
                continue
            cost = (margins, count, value, other_i, other_j)
            if best is None or cost < best:
                best, best_corners = cost, set(new)
                if not count:
                    return best_corners  # already on a rectangle of hidden cells: nothing to add
    return best_corners


@dataclass(frozen=True)
class TableCells:
    """The counts of one table and which totals it prints, for suppressing tables together."""

    cells: list[list[int]]
    columns: int
    row_totals: bool = True
    column_totals: bool = True


def suppress_jointly(
    tables: dict[str, TableCells], links: list[list[tuple[str, Position]]]
) -> dict[str, set[Position]]:
    """Suppress several tables that print some of the same numbers, consistently and safely.

    Each link names cells of different tables that hold the same count (the total of new
    contacts is printed by three tables). A cell hidden in one table but printed in another
    would be given away there, so it is hidden and protected in every table that prints it.
    Rectangles that protect a table alone can still pin a count once all tables are solved
    together; the audit (disclosure.exposed) finds such cells, and their row and column totals
    are hidden too, until the audit finds none. Should that not settle, every count is hidden.
    """
    forced: dict[str, set[Position]] = {key: set() for key in tables}
    grids = {key: with_totals(t.cells, t.columns) for key, t in tables.items()}
    for _round in range(MAX_AUDIT_ROUNDS):
        hidden = _consistent(tables, links, forced)
        printed = {
            key: Printed(grids[key], hidden[key], t.row_totals, t.column_totals) for key, t in tables.items()
        }
        leaks = exposed(printed, links)
        if not leaks:
            return hidden
        for key, (i, j) in leaks:
            last_row, last_col = len(grids[key]) - 1, len(grids[key][0]) - 1
            forced[key] |= {p for p in ((i, j), (i, last_col), (last_row, j)) if grids[key][p[0]][p[1]] >= 1}
    return {
        key: {(i, j) for i, row in enumerate(grid) for j, value in enumerate(row) if value}
        for key, grid in grids.items()
    }


MAX_AUDIT_ROUNDS = 8


def _consistent(
    tables: dict[str, TableCells], links: list[list[tuple[str, Position]]], forced: dict[str, set[Position]]
) -> dict[str, set[Position]]:
    """Suppress each table, hiding linked cells alike everywhere, until no table adds one."""
    while True:
        hidden = {
            key: suppress(
                t.cells,
                columns=t.columns,
                row_totals=t.row_totals,
                column_totals=t.column_totals,
                forced=forced[key],
            )
            for key, t in tables.items()
        }
        grew = False
        for group in links:
            if any(position in hidden[key] for key, position in group):
                for key, position in group:
                    if position not in hidden[key] and position not in forced[key]:
                        forced[key].add(position)
                        grew = True
        if not grew:
            return hidden
