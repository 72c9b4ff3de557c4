"""Small-count suppression: every count from 1 to 9 is hidden and no hidden count can be recovered.

Each table is attacked the way a reader with a spreadsheet would: solve the row and column
totals for the hidden cells (tests/disclosure.py). A hidden cell is safe when a second table of
whole, non-negative counts prints exactly the same numbers but differs in that cell.
"""

import random

import pytest

from inventory.outcomes.suppression import suppress, with_totals
from tests.disclosure import recoverable


def publish(cells, *, row_totals=True, column_totals=True):
    """The table with totals as printed for publication (None where hidden) and the truth."""
    columns = len(cells[0])
    truth = with_totals(cells, columns)
    hidden = suppress(cells, columns=columns, row_totals=row_totals, column_totals=column_totals)
    shown = [[None if (i, j) in hidden else v for j, v in enumerate(row)] for i, row in enumerate(truth)]
    return truth, shown, hidden


def small_cells_shown(truth, shown, *, row_totals=True, column_totals=True):
    rows, columns = len(truth) - 1, len(truth[0]) - 1
    return [
        (i, j)
        for i in range(rows + 1)
        for j in range(columns + 1)
        if 1 <= truth[i][j] <= 9
        and shown[i][j] is not None
        and not (j == columns and not row_totals)
        and not (i == rows and not column_totals)
    ]


def test_the_attack_recovers_a_small_count_hidden_alone():
    # Without complementary suppression the hidden 3 is the row total minus the rest.
    cells = [[3, 40], [25, 31]]
    truth = with_totals(cells, 2)
    shown = [row[:] for row in truth]
    shown[0][0] = None
    assert recoverable(truth, shown) == [(0, 0)]


def test_the_attack_recovers_a_small_count_hidden_with_a_zero_beside_it():
    # Zeros in the rectangle pin it: 3 + d, 0 - d, 20 - d, 0 + d are counts only for d = 0.
    cells = [[3, 0, 12], [20, 0, 15]]
    truth = with_totals(cells, 3)
    shown = [row[:] for row in truth]
    for position in [(0, 0), (0, 1), (1, 0), (1, 1)]:
        shown[position[0]][position[1]] = None
    assert (0, 0) in recoverable(truth, shown)


def test_a_small_count_is_hidden_with_a_rectangle_of_nonzero_cells():
    cells = [[3, 40, 12], [25, 31, 18], [14, 22, 30]]
    truth, shown, hidden = publish(cells)
    assert (0, 0) in hidden
    assert len(hidden) == 4  # the 3 and three more corners of a rectangle
    assert all(truth[i][j] >= 1 for i, j in hidden)
    assert recoverable(truth, shown) == []
    assert shown[3][3] == truth[3][3]  # the grand total survives: inner cells were enough


def test_a_table_without_small_counts_is_printed_whole():
    cells = [[10, 40], [25, 31]]
    _truth, _shown, hidden = publish(cells)
    assert hidden == set()


def test_a_small_total_is_hidden_too_and_cannot_be_recovered():
    cells = [[1, 2, 0], [30, 40, 50], [11, 0, 20]]
    truth, shown, _hidden = publish(cells)
    assert shown[0][3] is None  # the row total 3
    assert small_cells_shown(truth, shown) == []
    assert recoverable(truth, shown) == []


def test_a_list_with_one_column_and_its_total_hides_a_second_cell():
    # Referrals by destination: no row totals, a column total.
    cells = [[7], [40], [0], [25], [12]]
    truth, shown, hidden = publish(cells, row_totals=False)
    assert (0, 0) in hidden and len(hidden) == 2
    assert recoverable(truth, shown, row_totals=False) == []
    assert shown[2][0] == 0  # a zero is never used to hide a count


def test_a_list_whose_only_count_is_small_hides_its_total():
    cells = [[0], [4], [0]]
    truth, shown, hidden = publish(cells, row_totals=False)
    assert hidden == {(1, 0), (3, 0)}
    assert recoverable(truth, shown, row_totals=False) == []


@pytest.mark.parametrize("seed", range(60))
def test_random_tables_show_no_small_count_and_give_none_away(seed):
    rng = random.Random(seed)
    rows, columns = rng.randint(1, 7), rng.randint(1, 6)
    cells = [
        [
            rng.choice([0, 0, rng.randint(1, 9), rng.randint(1, 9), rng.randint(10, 60)])
            for _ in range(columns)
        ]
        for _ in range(rows)
    ]
    row_totals = columns > 1 and rng.random() < 0.8
    truth, shown, _hidden = publish(cells, row_totals=row_totals)
    assert small_cells_shown(truth, shown, row_totals=row_totals) == []
    assert recoverable(truth, shown, row_totals=row_totals) == []
    assert all(truth[i][j] >= 1 for i, row in enumerate(shown) for j, v in enumerate(row) if v is None)


def random_year(rng: random.Random, contacts: int):
    """The four linked tables of a random year of contacts, as outcome_figures builds them."""
    from collections import Counter

    from inventory.outcomes import queries

    heard, channels = ["pack", "qr", "school", "city_office", "other", "unknown"], list("abcdef")
    kinds = [*queries.PLACEMENT_KINDS, queries.UNKNOWN_PLACE]
    by_heard, by_channel, by_month, by_place = Counter(), Counter(), Counter(), Counter()
    for _ in range(contacts):
        way, age = rng.choice(heard), rng.choice(["new", "new", "continuing"])
        by_heard[way, age] += 1
        by_channel[rng.choice(channels), age] += 1
        by_month[rng.randrange(12), age] += 1
        if way in ("pack", "qr"):
            kind = rng.choice(kinds[:-1]) if way == "pack" else rng.choice(kinds)
            by_place[kind, way] += 1

    def table(key, rows, columns, counts):
        return queries._table(key, rows, columns, [[counts[r, c] for c in columns] for r in rows])

    ages = ["new", "continuing"]
    return [
        table("by_heard", heard, ages, by_heard),
        table("by_channel", channels, ages, by_channel),
        table("by_month", list(range(12)), ages, by_month),
        table("by_location_kind", kinds, ["pack", "qr"], by_place),
    ]


@pytest.mark.parametrize("seed", range(25))
def test_random_years_read_together_give_no_hidden_count_away(seed):
    from inventory.outcomes import queries
    from tests.disclosure import recoverable_together

    rng = random.Random(seed)
    exact = random_year(rng, rng.choice([8, 20, 40, 80, 200]))
    truth = {t.key: [row[:] for row in t.grid] for t in exact}
    published = random_year(random.Random(seed), 0)  # replaced just below
    published = [queries._table(t.key, t.rows, t.columns, [row[:-1] for row in t.grid[:-1]]) for t in exact]
    queries._publish(published)
    tables = {t.key: (truth[t.key], t.grid, True, True) for t in published}
    links = queries._shared_cells({t.key: t for t in published})
    for group in links:
        assert len({dict((t.key, t) for t in published)[key].grid[i][j] for key, (i, j) in group}) == 1
    for key, (real, shown, _r, _c) in tables.items():
        assert small_cells_shown(real, shown) == [], key
    assert recoverable_together(tables, links) == []
