"""Member seeds must be pure functions of the chapter seed, whatever else was drawn before."""

import numpy as np
import pytest

from atoms import seeding


def test_member_seeds_are_pure_and_distinct():
    first, second = seeding.member_seeds(7, 4), seeding.member_seeds(7, 4)
    draws = [seeding.generator(s, seeding.INIT).random() for s in first]
    assert draws == [seeding.generator(s, seeding.INIT).random() for s in second]
    assert len(set(draws)) == 4


def test_a_prefix_of_members_does_not_depend_on_how_many_there_are():
    few, many = seeding.member_seeds(3, 2), seeding.member_seeds(3, 10)
    for a, b in zip(few, many):
        assert seeding.generator(a, seeding.DATA).random() == seeding.generator(b, seeding.DATA).random()


def test_children_do_not_mutate_their_parent():
    parent = seeding.member_seeds(1, 1)[0]
    before = seeding.child(parent, 0).generate_state(2)
    parent.spawn(3)
    assert np.array_equal(seeding.child(parent, 0).generate_state(2), before)


def test_purposes_give_independent_streams():
    (member,) = seeding.member_seeds(0, 1)
    assert seeding.generator(member, seeding.INIT).random() != seeding.generator(member, seeding.ORDER).random()


@pytest.mark.parametrize("seed", [-1, 1.5, True, "3"])
def test_bad_seed_is_rejected(seed):
    with pytest.raises(ValueError, match="seed"):
        seeding.member_seeds(seed, 2)


def test_a_seed_part_hands_out_the_whole_runs_members_in_this_thread_only():
    import threading

    whole = [s.spawn_key for s in seeding.member_seeds(3, 8)]  # two blocks of 4 seeds
    seen = {}
    with seeding.seed_part([1, 3], 4):
        part = [s.spawn_key for s in seeding.member_seeds(3, 4)]
        other = threading.Thread(target=lambda: seen.update(keys=[s.spawn_key for s in seeding.member_seeds(3, 2)]))
        other.start()
        other.join()
        with pytest.raises(ValueError, match="not a multiple of 2"):
            seeding.member_seeds(3, 3)
    assert part == [whole[1], whole[3], whole[5], whole[7]]
    assert seen["keys"] == whole[:2]
    assert [s.spawn_key for s in seeding.member_seeds(3, 8)] == whole
