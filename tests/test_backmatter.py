"""The book's budget arithmetic: the 2-core time is `atoms build -j 2`'s schedule, and the page judges it."""

from atoms import backmatter


def _payload(seconds: float) -> dict:
    return {"chapter": "01_universal_approximation", "parameters": {"profile": "full", "seed": 0},
            "run": {"normalized_seconds": seconds, "wall_seconds": seconds, "speed_probe_seconds": 0.7,
                    "training_gflops": 1.0, "git_commit": "0" * 40},
            "speed": {"sgemm_gflops": 50.0}, "versions": {}, "numeric_setting": {}, "machine": {}}


def test_two_core_time_schedules_the_longest_first_on_the_freer_core():
    results = [_payload(s) for s in (10, 50, 20, 40, 30)]
    # longest first: 50 | 40, then 30 joins 40 (70), 20 joins 50 (70), 10 joins either: 80
    assert backmatter.two_core_seconds(results) == 80
    assert backmatter.two_core_seconds([_payload(100)]) == 100
    assert backmatter.run_seconds(results) == (150, 150)


def test_the_book_is_judged_on_its_two_core_time_not_the_serial_sum():
    # 16 chapters of 50 s: 800 s one after another (over 600), 400 s on 2 cores (within)
    page = backmatter.reproducibility([_payload(50.0)] * 16)
    assert "take 400 normalized seconds, within the book's budget of 600 s (one after another: 800 s)" in page
    assert "take 610 normalized seconds, **over** the book's budget" in backmatter.reproducibility([_payload(61.0)] * 20)
