"""Brazilian taxpayer numbers: CPF (individuals, 11 digits) and CNPJ (companies, 14 digits).

Both end in two check digits (mod 11). A number that fails them is a typo in the list or in the bank's
data; the registry rejects such rows rather than list a number that belongs to nobody or someone else.
"""

from __future__ import annotations

import re

_NON_DIGIT = re.compile(r"\D")


def digits(value: str) -> str:
    return _NON_DIGIT.sub("", value or "")


def _check(numbers: list[int], weights: list[int]) -> int:
    rest = sum(n * w for n, w in zip(numbers, weights, strict=True)) % 11
    return 0 if rest < 2 else 11 - rest


def valid_cpf(value: str) -> bool:
    """True when the 11 digits pass both CPF check digits (and are not one digit repeated)."""
    d = digits(value)
    if len(d) != 11 or len(set(d)) == 1:
        return False
    nums = [int(c) for c in d]
    first = _check(nums[:9], list(range(10, 1, -1)))
    second = _check(nums[:10], list(range(11, 1, -1)))
    return nums[9] == first and nums[10] == second


def valid_cnpj(value: str) -> bool:
    """True when the 14 digits pass both CNPJ check digits (and are not one digit repeated)."""
    d = digits(value)
    if len(d) != 14 or len(set(d)) == 1:
        return False
    nums = [int(c) for c in d]
    w1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
    w2 = [6, *w1]
    return nums[12] == _check(nums[:12], w1) and nums[13] == _check(nums[:13], w2)


def format_cpf(value: str) -> str:
    d = digits(value)
    return f"{d[:3]}.{d[3:6]}.{d[6:9]}-{d[9:]}"


def format_cnpj(value: str) -> str:
    d = digits(value)
    return f"{d[:2]}.{d[2:5]}.{d[5:8]}/{d[8:12]}-{d[12:]}"


def classify(value: str) -> tuple[str, str] | str:
    """('CPF'|'CNPJ', formatted number) for a valid number, else the reason it was refused."""
    d = digits(value)
    if len(d) == 11:
        return ("CPF", format_cpf(d)) if valid_cpf(d) else "invalid CPF (check digits do not match)"
    if len(d) == 14:
        return ("CNPJ", format_cnpj(d)) if valid_cnpj(d) else "invalid CNPJ (check digits do not match)"
    if not d:
        return "no CPF/CNPJ"
    return f"CPF/CNPJ has {len(d)} digits (CPF has 11, CNPJ 14)"
