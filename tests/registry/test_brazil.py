"""CPF and CNPJ check digits: generated valid numbers pass, a wrong check digit never does.

(Mod-11 maps remainders 10 and 11 to the same digit 0, so not every typo in the body is caught;
the check digits themselves always are.)
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chainbreaker.registry.brazil import classify, format_cnpj, valid_cnpj, valid_cpf


def _complete(base: list[int], weights_list: list[list[int]]) -> str:
    nums = list(base)
    for weights in weights_list:
        rest = sum(n * w for n, w in zip(nums, weights, strict=False)) % 11
        nums.append(0 if rest < 2 else 11 - rest)
    return "".join(map(str, nums))


CPF_W = [list(range(10, 1, -1)), list(range(11, 1, -1))]
CNPJ_W = [[5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]]


def test_known_numbers() -> None:
    assert valid_cnpj("41.297.068/0001-61")
    assert valid_cpf("050.516.765-45")
    assert not valid_cpf("111.111.111-11")
    assert classify("41297068000161") == ("CNPJ", "41.297.068/0001-61")
    assert classify("") == "no CPF/CNPJ"


@given(st.lists(st.integers(0, 9), min_size=9, max_size=9), st.integers(9, 10), st.integers(1, 9))
def test_a_wrong_check_digit_of_a_cpf_is_caught(base: list[int], position: int, delta: int) -> None:
    number = _complete(base, CPF_W)
    if len(set(number)) == 1:
        return
    assert valid_cpf(number)
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    assert not valid_cpf(changed)


@given(st.lists(st.integers(0, 9), min_size=12, max_size=12), st.integers(12, 13), st.integers(1, 9))
def test_a_wrong_check_digit_of_a_cnpj_is_caught(base: list[int], position: int, delta: int) -> None:
    number = _complete(base, CNPJ_W)
    if len(set(number)) == 1:
        return
    assert valid_cnpj(format_cnpj(number))
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    assert not valid_cnpj(changed)
