import numpy as np

from course.lessons import lesson1


def weights_and_ink():
    """784 weights: a strong vote for 9 on a pixel most digits ink, and one on a pixel almost none do."""
    w, ink_share = np.zeros(784), np.full(784, 0.3)
    ink_share[26 * 28:] = 0.002  # the bottom two rows: hardly any digit reaches them
    w[7 * 28 + 14] = 0.8  # the top of a 9's loop
    w[13 * 28 + 11] = -0.5  # a 4's open left stroke
    return w, ink_share


def test_strongest_votes_name_their_pixels_and_ink():
    w, ink_share = weights_and_ink()
    findings = lesson1.weights_findings(w, ink_share)
    assert findings["votes_for_nine"][0] == {"row": 7, "col": 14, "weight": 0.8, "ink_share": 0.3}
    assert findings["votes_for_four"][0]["row"] == 13 and findings["rare_pixels"] == 56
    text = " ".join(lesson1.weights_conclusions(findings))
    assert "Strongest votes for 9: row 7, col 14 (+0.800; ink in 30% of the training digits)" in text
    assert "they barely vote" in text
    assert "sit on such a rare pixel" not in text


def test_a_strong_vote_on_a_rare_pixel_is_called_noise():
    w, ink_share = weights_and_ink()
    w[26 * 28 + 14] = 2.0  # what Adam did without the weight penalty: a bottom-row pixel as the strongest vote
    w[26 * 28:26 * 28 + 10] = 1.0
    findings = lesson1.weights_findings(w, ink_share)
    text = " ".join(lesson1.weights_conclusions(findings))
    assert "row 26, col 14 (+2.000; ink in 0% of the training digits)" in text
    assert "3 of the strongest votes above sit on such a rare pixel" in text
    assert "vote about as strongly as the pixels many digits have ink on" in text
    assert "barely vote" not in text


def test_lesson_1_teaches_the_sigmoid_that_does_not_overflow():
    assert not hasattr(lesson1, "sigmoid")  # it uses course.by_hand's, the one exercise 1.2 asks for
