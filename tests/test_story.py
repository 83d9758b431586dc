import json

import numpy as np

from course.data import load_sample
from course.story import Story, agreement, is_summary, points


def test_agreement_is_claimed_only_within_the_tolerance():
    assert agreement(3e-7, 1e-5) == "agree to 3.0e-07 (within 1e-05: float32 rounding)"
    assert agreement(2e-3, 1e-5).startswith("DISAGREE: they differ by up to 2.0e-03")
    assert agreement(float("nan"), 1e-5).startswith("DISAGREE")


def test_points_say_above_or_below():
    assert points(0.015) == "1.5 points above" and points(-0.003) == "0.3 points below"


def test_measured_numbers_reach_the_summary_json(tmp_path):
    story = Story(1, "test", load_sample().head(10, 10), tmp_path, seed=0)
    story.measured(difference=np.float32(0.25), counts=np.array([1, 2]), votes=[{"row": np.int64(3)}])
    story.write_summary(tmp_path / "summary.json")
    measured = json.loads((tmp_path / "summary.json").read_text())["measured"]
    assert measured == {"difference": 0.25, "counts": [1, 2], "votes": [{"row": 3}]}


def test_only_a_lessons_summary_may_be_written_over(tmp_path):
    story = Story(1, "test", load_sample().head(10, 10), tmp_path, seed=0)
    story.write_summary(tmp_path / "summary.json")
    (tmp_path / "notes.py").write_text("def sigmoid(z):\n    return z\n")
    (tmp_path / "other.json").write_text('{"lesson": 1}')
    (tmp_path / "deep.json").write_text("[" * 200_000)
    assert is_summary(tmp_path / "summary.json")
    assert not any(is_summary(tmp_path / name) for name in ("notes.py", "other.json", "deep.json", "missing.json"))
