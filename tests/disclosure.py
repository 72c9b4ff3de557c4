"""An attacker's view of a published table: which hidden counts can be worked out from the totals.

Used by the suppression tests. Given what is printed (hidden cells as None) and which totals a
table prints, it solves the row and column equations exactly (fractions) and, for every hidden
cell, looks for a second table of whole, non-negative counts that prints the same. Finding one
proves the cell cannot be recovered; a cell for which none is found is reported as recoverable.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction


def equations(rows: int, columns: int) -> list[list[tuple[tuple[int, int], int]]]:
    """Each line of a table with totals as (position, coefficient) terms summing to zero."""
    lines = []
    for i in range(rows + 1):
        lines.append([((i, j), 1) for j in range(columns)] + [((i, columns), -1)])
    for j in range(columns + 1):
        lines.append([((i, j), 1) for i in range(rows)] + [((rows, j), -1)])
    return lines


def null_space(matrix: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    """A basis of the vectors v with matrix · v = 0 (reduced row echelon form, exact)."""
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
    free = [c for c in range(width) if c not in pivots]
    basis = []
    for f in free:
        v = [Fraction(0)] * width
        v[f] = Fraction(1)
        for row_index, p in enumerate(pivots):
            v[p] = -m[row_index][f]
        basis.append(v)
    return basis


def _integral(v: list[Fraction]) -> list[int]:
    scale = math.lcm(*(x.denominator for x in v))
    ints = [int(x * scale) for x in v]
    divisor = math.gcd(*ints) or 1
    return [x // divisor for x in ints]


def recoverable(
    truth: list[list[int]], shown: list[list[int | None]], *, row_totals=True, column_totals=True
):
    """Hidden positions of the table (with totals) whose true count the printed numbers give away.

    `truth` and `shown` are the full grid with totals (row R the column totals, column C the row
    totals); totals a table does not print count as hidden.
    """
    rows, columns = len(truth) - 1, len(truth[0]) - 1
    unknown = [
        (i, j)
        for i in range(rows + 1)
        for j in range(columns + 1)
        if shown[i][j] is None or (j == columns and not row_totals) or (i == rows and not column_totals)
    ]
    for i, j in itertools.product(range(rows + 1), range(columns + 1)):
        if (i, j) not in unknown:
            assert shown[i][j] == truth[i][j], "a printed number differs from the truth"
    index = {p: k for k, p in enumerate(unknown)}
    matrix = []
    for line in equations(rows, columns):
        row = [Fraction(0)] * len(unknown)
        for position, coefficient in line:
            if position in index:
                row[index[position]] += coefficient
        if any(row):
            matrix.append(row)
    basis = [_integral(v) for v in null_space(matrix, len(unknown))] if matrix else []
    if not matrix:
        basis = [[1 if k == n else 0 for k in range(len(unknown))] for n in range(len(unknown))]
    moves = (
        basis
        + [[a + b for a, b in zip(u, v, strict=True)] for u, v in itertools.combinations(basis, 2)]
        + [[a - b for a, b in zip(u, v, strict=True)] for u, v in itertools.combinations(basis, 2)]
    )
    values = [truth[i][j] for i, j in unknown]
    found = []
    for k, position in enumerate(unknown):
        # A printed line that is hidden only because the table does not print it (a missing
        # total) is not a secret; the count cells are.
        if shown[position[0]][position[1]] is not None:
            continue
        safe = any(
            move[k] != 0 and all(x + sign * d >= 0 for x, d in zip(values, move, strict=True))
            for move in moves
            for sign in (1, -1)
        )
        if not safe:
            found.append(position)
    return found


def recoverable_together(tables: dict, links) -> list[tuple[str, tuple[int, int]]]:
    """Hidden cells any table gives away when every table is read at once.

    `tables` maps a key to (truth, shown, row_totals, column_totals); `links` lists groups of
    (key, position) that print the same count, so they are one unknown (or one known number).
    """
    parent: dict = {}

    def find(x):
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for group in links:
        for member in group[1:]:
            parent[find(member)] = find(group[0])
    unknown: dict = {}
    known: dict = {}
    for key, (truth, shown, row_totals, column_totals) in tables.items():
        rows, columns = len(truth) - 1, len(truth[0]) - 1
        for i, j in itertools.product(range(rows + 1), range(columns + 1)):
            printed = shown[i][j] is not None and (j < columns or row_totals) and (i < rows or column_totals)
            root = find((key, (i, j)))
            if printed:
                known[root] = truth[i][j]
            else:
                unknown.setdefault(root, truth[i][j])
    for root in known:
        unknown.pop(root, None)  # printed in one table: no secret in another
    order = list(unknown)
    index = {root: k for k, root in enumerate(order)}
    matrix = []
    for key, (truth, _shown, _r, _c) in tables.items():
        rows, columns = len(truth) - 1, len(truth[0]) - 1
        for line in equations(rows, columns):
            row = [Fraction(0)] * len(order)
            for position, coefficient in line:
                root = find((key, position))
                if root in index:
                    row[index[root]] += coefficient
            if any(row):
                matrix.append(row)
    basis = [_integral(v) for v in null_space(matrix, len(order))] if matrix else []
    values = [unknown[root] for root in order]
    moves = _moves(basis, values)
    found = []
    for k, root in enumerate(order):
        key, (i, j) = root
        truth, shown, row_totals, column_totals = tables[key]
        rows, columns = len(truth) - 1, len(truth[0]) - 1
        if not ((j < columns or row_totals) and (i < rows or column_totals)):
            continue  # a total no table prints is no secret
        if not any(
            move[k] != 0 and all(x + sign * d >= 0 for x, d in zip(values, move, strict=True))
            for move in moves
            for sign in (1, -1)
        ):
            found.append(root)
    return found


def _moves(basis: list[list[int]], values: list[int], tries: int = 20000, seed: int = 7) -> list[list[int]]:
    """Moves that keep every printed number: the basis, pairs of it, and random small combinations.

    A move that keeps every count at zero or more shows a second table printing the same; the
    random combinations find the ones that need several basis vectors at once.
    """
    import random

    rng = random.Random(seed)
    moves = basis + [[a + b for a, b in zip(u, v, strict=True)] for u, v in itertools.combinations(basis, 2)]
    moves += [[a - b for a, b in zip(u, v, strict=True)] for u, v in itertools.combinations(basis, 2)]
    if basis:
        for _ in range(tries):
            chosen = rng.sample(basis, k=min(len(basis), rng.randint(2, 6)))
            move = [0] * len(values)
            for vector in chosen:
                factor = rng.choice((-1, 1))
                move = [m + factor * d for m, d in zip(move, vector, strict=True)]
            if all(x + d >= 0 for x, d in zip(values, move, strict=True)) or all(
                x - d >= 0 for x, d in zip(values, move, strict=True)
            ):
                moves.append(move)
    return moves
