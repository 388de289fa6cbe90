"""Grouping members into padded ensembles: every size once, within the ratio, largest first."""

from atoms.grouping import padding_groups


def test_every_size_lands_in_one_group_within_the_ratio():
    steps = [200, 200, 400, 800, 1600, 8000]
    groups = padding_groups(steps, ratio=2)
    assert sorted(i for g in groups for i in g) == list(range(len(steps)))
    for group in groups:
        assert max(steps[i] for i in group) <= 2 * min(steps[i] for i in group)


def test_groups_start_from_the_largest_and_ties_keep_their_order():
    widths = [8, 15, 60, 120, 240]
    assert [[widths[i] for i in g] for g in padding_groups(widths, ratio=2)] == [[240, 120], [60], [15, 8]]
    assert padding_groups([5, 5, 5], ratio=1) == [[0, 1, 2]]
