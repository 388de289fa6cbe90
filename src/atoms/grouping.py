"""Which members share one padded ensemble.

Members of different sizes (widths, training lengths) can train in one trace by padding to the
largest, but every padded unit or step costs as much as a real one. Grouping sizes within a
factor `ratio` of each other bounds that waste at `ratio` x for the price of one trace per group.
"""

from __future__ import annotations


def padding_groups(sizes, ratio: float) -> list[list[int]]:
    """Indices into `sizes`, largest first; each group's largest size is at most `ratio` x its smallest."""
    groups: list[list[int]] = []
    for index in sorted(range(len(sizes)), key=lambda i: sizes[i], reverse=True):
        if groups and sizes[groups[-1][0]] <= ratio * sizes[index]:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups
