"""The audit of a publication: can a reader work out a hidden count from everything printed?

Tables are read together: cells of different tables that hold the same count are one unknown.
The row and column equations of every table are solved exactly (fractions); a hidden cell is
safe when some move along their solutions keeps every count whole and not negative and changes
that cell, which shows a second set of tables printing the same numbers. A cell for which no
such move is found is reported: the search may miss a move, never invent one, so a report can
only lead to hiding more.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

Position = tuple[int, int]
Cell = tuple[str, Position]
RANDOM_MOVES = 3000


@dataclass(frozen=True)
class Printed:
    """A table as published: its true grid with totals, the hidden positions, the lines it prints."""

    grid: Sequence[Sequence[int]]
    hidden: set[Position]
    row_totals: bool = True
    column_totals: bool = True

    def printed(self, i: int, j: int) -> bool:
        """Whether the position is printed as a number."""
        rows, columns = len(self.grid) - 1, len(self.grid[0]) - 1
        if (j == columns and not self.row_totals) or (i == rows and not self.column_totals):
            return False
        return (i, j) not in self.hidden


def _lines(rows: int, columns: int):
    for i in range(rows + 1):
        yield [((i, j), 1) for j in range(columns)] + [((i, columns), -1)]
    for j in range(columns + 1):
        yield [((i, j), 1) for i in range(rows)] + [((rows, j), -1)]


def _null_space(matrix: list[list[Fraction]], width: int) -> list[list[int]]:
    """Integer vectors spanning {v : matrix · v = 0}."""
    m = [row[:] for row in matrix]
    pivots: list[int] = []
    r = 0
    for c in range(width):
        pivot = next((k for k in range(r, len(m)) if m[k][c] != 0), None)
        if pivot is None:
            continue
        m[r], m[pivot] = m[pivot], m[r]
        lead = m[r][c]
        m[r] = [x / lead for x in m[r]]
        for k in range(len(m)):
            if k != r and m[k][c] != 0:
                factor = m[k][c]
                m[k] = [a - factor * b for a, b in zip(m[k], m[r], strict=True)]
        pivots.append(c)
        r += 1
        if r == len(m):
            break
    basis = []
    for free in (c for c in range(width) if c not in pivots):
        v = [Fraction(0)] * width
        v[free] = Fraction(1)
        for row_index, p in enumerate(pivots):
            v[p] = -m[row_index][free]
        scale = math.lcm(*(x.denominator for x in v))
        ints = [int(x * scale) for x in v]
        divisor = math.gcd(*ints) or 1
        basis.append([x // divisor for x in ints])
    return basis


def exposed(tables: dict[str, Printed], links: list[list[Cell]]) -> list[Cell]:
    """The hidden cells of printed lines whose count the tables, read together, give away."""
    parent: dict[Cell, Cell] = {}

    def find(cell: Cell) -> Cell:
        while parent.get(cell, cell) != cell:
            cell = parent[cell]
        return cell

    for group in links:
        for member in group[1:]:
            parent[find(member)] = find(group[0])
    unknown: dict[Cell, int] = {}
    known: set[Cell] = set()
    for key, t in tables.items():
        for i, j in itertools.product(range(len(t.grid)), range(len(t.grid[0]))):
            root = find((key, (i, j)))
            if t.printed(i, j):
                known.add(root)
            else:
                unknown.setdefault(root, t.grid[i][j])
    for root in known:
        unknown.pop(root, None)
    order = list(unknown)
    index = {root: k for k, root in enumerate(order)}
    matrix = []
    for key, t in tables.items():
        for line in _lines(len(t.grid) - 1, len(t.grid[0]) - 1):
            row = [Fraction(0)] * len(order)
            for position, coefficient in line:
                root = find((key, position))
                if root in index:
                    row[index[root]] += coefficient
            if any(row):
                matrix.append(row)
    basis = (
        _null_space(matrix, len(order))
        if matrix
        else [[int(k == n) for k in range(len(order))] for n in range(len(order))]
    )
    values = [unknown[root] for root in order]
    moves = basis + [[a + b for a, b in zip(u, v, strict=True)] for u, v in itertools.combinations(basis, 2)]
    moves += [[a - b for a, b in zip(u, v, strict=True)] for u, v in itertools.combinations(basis, 2)]
    rng = random.Random(len(order))
    for _ in range(RANDOM_MOVES if len(basis) > 2 else 0):
        move = [0] * len(order)
        for vector in rng.sample(basis, k=rng.randint(2, min(len(basis), 6))):
            factor = rng.choice((-1, 1))
            move = [m + factor * d for m, d in zip(move, vector, strict=True)]
        moves.append(move)
    feasible = [
        move
        for move in moves
        for sign in (1, -1)
        if all(x + sign * d >= 0 for x, d in zip(values, move, strict=True))
    ]
    movable = {k for move in feasible for k, d in enumerate(move) if d}
    found = []
    for k, (key, (i, j)) in enumerate(order):
        t = tables[key]
        rows, columns = len(t.grid) - 1, len(t.grid[0]) - 1
        line_printed = (j < columns or t.row_totals) and (i < rows or t.column_totals)
        if line_printed and k not in movable:
            found.append((key, (i, j)))
    return found
