"""Letter-rank allocation, pinned on values computed by hand from the old system's rule.

Shares S 1, A 7, B 21, C 21, D 21, E 21, F 8 (%). Floors first; remainder to D, C, E, B; then to
A, F, S if F > S + A, else F, A, S. Each case below shows its arithmetic.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evoladder.domain.ranks import RANKED_LETTERS, Letter, allocate_rank_counts, letter_for_position, rank_table

# n: (S, A, B, C, D, E, F)
HAND_COMPUTED = {
    0: (0, 0, 0, 0, 0, 0, 0),
    # floors all 0 (B = .21); remainder 1 -> D
    1: (0, 0, 0, 0, 1, 0, 0),
    # floors 0; remainder 2 -> D, C
    2: (0, 0, 0, 1, 1, 0, 0),
    # floors 0 (B = .63); remainder 3 -> D, C, E
    3: (0, 0, 0, 1, 1, 1, 0),
    # floors 0 (B = .84); remainder 4 -> D, C, E, B
    4: (0, 0, 1, 1, 1, 1, 0),
    # B..E = 1.05 -> 1 each, A .35, F .4 -> 0; sum 4, remainder 1 -> D
    5: (0, 0, 1, 1, 2, 1, 0),
    # B..E = 1.47 -> 1, A .49 -> 0, F .56 -> 0; sum 4, remainder 3 -> D, C, E
    7: (0, 0, 1, 2, 2, 2, 0),
    # B..E = 2.73 -> 2, A .91 -> 0, F 1.04 -> 1; sum 9, remainder 4 -> D, C, E, B
    13: (0, 0, 3, 3, 3, 3, 1),
    # B..E = 2.94 -> 2, A .98 -> 0, F 1.12 -> 1; sum 9, remainder 5 -> D C E B, then F(1) > S+A(0): A
    14: (0, 1, 3, 3, 3, 3, 1),
    # S .19 -> 0, A 1.33 -> 1, B..E 3.99 -> 3, F 1.52 -> 1; sum 14, remainder 5 -> D C E B,
    # then F(1) > S+A(1)? no -> F, A, S order: F
    19: (0, 1, 4, 4, 4, 4, 2),
    # A 1.4 -> 1, B..E 4.2 -> 4, F 1.6 -> 1; sum 18, remainder 2 -> D, C
    20: (0, 1, 4, 5, 5, 4, 1),
    # A 3.99 -> 3, B..E 11.97 -> 11, F 4.56 -> 4; sum 51, remainder 6 -> D C E B, then F(4) > 3: A, F
    57: (0, 4, 12, 12, 12, 12, 5),
    # A 6.93 -> 6, B..E 20.79 -> 20, F 7.92 -> 7; sum 93, remainder 6 -> D C E B, then F(7) > 6: A, F
    99: (0, 7, 21, 21, 21, 21, 8),
    100: (1, 7, 21, 21, 21, 21, 8),
    # S 1.01 -> 1, A 7.07 -> 7, B..E 21.21 -> 21, F 8.08 -> 8; sum 100, remainder 1 -> D
    101: (1, 7, 21, 21, 22, 21, 8),
    # S 10.83 -> 10, A 75.81 -> 75, B..E 227.43 -> 227, F 86.64 -> 86; sum 1079, remainder 4 -> D C E B
    1083: (10, 75, 228, 228, 228, 228, 86),
    # S 10.98 -> 10, A 76.86 -> 76, B..E 230.58 -> 230, F 87.84 -> 87; sum 1093, remainder 5 -> D C E B,
    # then F(87) > S+A(86): A
    1098: (10, 77, 231, 231, 231, 231, 87),
    # exact shares
    20000: (200, 1400, 4200, 4200, 4200, 4200, 1600),
    # S 10000.01 -> 10000, A 70000.07 -> 70000, B..E 210000.21 -> 210000, F 80000.08 -> 80000;
    # sum 1000000, remainder 1 -> D
    1000001: (10000, 70000, 210000, 210000, 210001, 210000, 80000),
}


@pytest.mark.parametrize(("n", "expected"), sorted(HAND_COMPUTED.items()))
def test_allocation_matches_hand_computation(n: int, expected: tuple[int, ...]) -> None:
    counts = allocate_rank_counts(n)
    assert list(counts) == list(RANKED_LETTERS)
    assert tuple(counts.values()) == expected


def test_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        allocate_rank_counts(-1)


@settings(deadline=None)
@given(st.integers(0, 5_000_000))
def test_counts_sum_to_n_and_stay_within_one_of_the_share(n: int) -> None:
    counts = allocate_rank_counts(n)
    assert sum(counts.values()) == n
    shares = {Letter.S: 1, Letter.A: 7, Letter.B: 21, Letter.C: 21, Letter.D: 21, Letter.E: 21, Letter.F: 8}
    for letter, count in counts.items():
        floor = n * shares[letter] // 100
        assert floor <= count <= floor + 1


def test_positions_are_dealt_s_first() -> None:
    # 14 entries: S0 A1 B3 C3 D3 E3 F1 -> 1:A, 2-4:B, 5-7:C, 8-10:D, 11-13:E, 14:F
    letters = "".join(letter_for_position(p, 14) for p in range(1, 15))
    assert letters == "ABBBCCCDDDEEEF"
    # 100 entries: exactly the shares
    assert letter_for_position(1, 100) is Letter.S
    assert letter_for_position(2, 100) is Letter.A
    assert letter_for_position(8, 100) is Letter.A
    assert letter_for_position(9, 100) is Letter.B
    assert letter_for_position(92, 100) is Letter.E
    assert letter_for_position(93, 100) is Letter.F
    assert letter_for_position(100, 100) is Letter.F
    # a single ranked entry is a D (the remainder goes to D first)
    assert letter_for_position(1, 1) is Letter.D


def test_table_spans_and_bounds() -> None:
    table = rank_table(14)
    assert table.ends == (0, 1, 4, 7, 10, 13, 14)
    assert table.span(Letter.S) == (0, 0)
    assert table.span(Letter.B) == (1, 4)
    assert table.count(Letter.U) == 0
    with pytest.raises(ValueError, match="outside"):
        table.letter_for(0)
    with pytest.raises(ValueError, match="outside"):
        table.letter_for(15)
