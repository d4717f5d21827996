"""Commutative blinding on curve25519: each side's secret scalar stays with it (docs/sharing.md T1, T2, T9).

An identifier `kind:value` is hashed to a point of the prime-order group (SHA-512 with a domain tag, libsodium's
Elligator 2 map `crypto_core_ed25519_from_uniform`, converted to its Montgomery u-coordinate) and blinded with
X25519 under a side's secret. X25519 is scalar multiplication, so blinding by the NGO and by the bank commutes:
x25519(b, x25519(n, H(v))) == x25519(n, x25519(b, H(v))). Comparing needs both secrets; testing one guess
needs the other side to apply its secret online. X25519 clamps scalars to multiples of 8, which removes any
small-order component a malicious peer could inject, and is twist-secure, so received values need no check
beyond libsodium refusing an all-zero result. Why this map and curve: docs/decisions/sharing-01.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from nacl.bindings import (
    crypto_core_ed25519_from_uniform,
    crypto_scalarmult,
)
from nacl.exceptions import RuntimeError as NaclRuntimeError

from chainbreaker.core.errors import InputError

#: Domain tag: a point made for another purpose or version never equals one of ours.
DOMAIN = b"chainbreaker/sharing/v1/"
POINT_BYTES = 32
#: Values per task sent to a worker process: large, so pickling and scheduling cost little per value.
_CHUNK = 65_536
_P = 2**255 - 19
_Y_MASK = (1 << 255) - 1
_Chunk = TypeVar("_Chunk", bound=tuple[Any, Any])


def new_secret() -> bytes:
    """A fresh 32-byte secret scalar, drawn per exchange and never reused (T9)."""
    return os.urandom(32)


def _edwards(item: str) -> bytes:
    """libsodium's Elligator 2 map of the item's domain-tagged SHA-512 (cofactor cleared), as an Edwards point."""
    return bytes(
        crypto_core_ed25519_from_uniform(hashlib.sha512(DOMAIN + item.encode("utf-8")).digest()[:32])
    )


def _montgomery(points: list[bytes]) -> list[bytes]:
    """The X25519 u-coordinates u = (1 + y) / (1 - y) of Edwards points, with one inversion for the batch.

    Gives the same bytes as libsodium's `crypto_sign_ed25519_pk_to_curve25519` (tests/sharing/test_protocol.py)
    at an eighth of its cost: that call also re-checks that the point is in the prime-order subgroup (a full
    scalar multiplication), which the Elligator map's cofactor clearing already guarantees for our own points.
    Montgomery's trick: invert the product of all denominators once, then peel each inverse off with two
    multiplications.
    """
    ys = [int.from_bytes(p, "little") & _Y_MASK for p in points]
    denominators = [(1 - y) % _P for y in ys]
    if not all(denominators):  # y = 1 is the neutral element: SHA-512 would have to hit it (2^-250)
        raise ValueError("an identifier hashed to the neutral element")
    prefix: list[int] = []
    product = 1
    for d in denominators:
        prefix.append(product)
        product = product * d % _P
    inverse = pow(product, -1, _P)
    out = [b""] * len(ys)
    for i in range(len(ys) - 1, -1, -1):
        out[i] = ((1 + ys[i]) * inverse * prefix[i] % _P).to_bytes(POINT_BYTES, "little")
        inverse = inverse * denominators[i] % _P
    return out


def hash_to_point(item: str) -> bytes:
    """The group element of one canonical identifier `kind:value` (no secret: anyone can compute it)."""
    return _montgomery([_edwards(item)])[0]


def hash_to_points(items: Sequence[str]) -> list[bytes]:
    """`hash_to_point` of many items, sharing one field inversion."""
    return _montgomery([_edwards(item) for item in items]) if items else []


def blind_point(secret: bytes, point: bytes) -> bytes:
    """`point` raised to `secret`; refuses values that are not group elements of full order."""
    if len(point) != POINT_BYTES:
        raise InputError(f"blinded value must be {POINT_BYTES} bytes, got {len(point)}")
    try:
        return bytes(crypto_scalarmult(secret, point))
    except NaclRuntimeError:
        raise InputError("received a low-order value; the peer's message is malformed or hostile") from None


def _blind_items(args: tuple[bytes, list[str]]) -> bytes:
    secret, items = args
    return b"".join([bytes(crypto_scalarmult(secret, point)) for point in hash_to_points(items)])


def _blind_points(args: tuple[bytes, bytes]) -> bytes:
    secret, blob = args
    return b"".join(
        [blind_point(secret, blob[i : i + POINT_BYTES]) for i in range(0, len(blob), POINT_BYTES)]
    )


def _workers(workers: int | None) -> int:
    return max(1, workers if workers is not None else (os.cpu_count() or 1))


def _chunk_size(count: int, workers: int) -> int:
    """At least one chunk per worker, at most `_CHUNK` values per chunk."""
    return max(1, min(_CHUNK, -(-count // workers)))


def blind_items(secret: bytes, items: Sequence[str], workers: int | None = None) -> bytes:
    """Hash and blind identifiers; the concatenated 32-byte results in input order."""
    size = _chunk_size(len(items), _workers(workers))
    chunks = [(secret, list(items[i : i + size])) for i in range(0, len(items), size)]
    return _map(_blind_items, chunks, _workers(workers))


def blind_points(secret: bytes, blob: bytes, workers: int | None = None) -> bytes:
    """Blind values the other side already blinded (concatenated 32-byte points), in order."""
    if len(blob) % POINT_BYTES:
        raise InputError(f"blinded payload length {len(blob)} is not a multiple of {POINT_BYTES}")
    step = _chunk_size(len(blob) // POINT_BYTES, _workers(workers)) * POINT_BYTES
    chunks = [(secret, blob[i : i + step]) for i in range(0, len(blob), step)]
    return _map(_blind_points, chunks, _workers(workers))


def _map(function: Callable[[_Chunk], bytes], chunks: list[_Chunk], workers: int) -> bytes:
    """Run chunks in worker processes (libsodium releases no GIL through cffi, so threads would not help)."""
    if workers == 1 or len(chunks) < 2:
        return b"".join(function(chunk) for chunk in chunks)
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks))) as pool:
        return b"".join(pool.map(function, chunks))


def split_points(blob: bytes) -> list[bytes]:
    """The 32-byte values of a payload."""
    return [blob[i : i + POINT_BYTES] for i in range(0, len(blob), POINT_BYTES)]


def random_points(count: int) -> bytes:
    """Padding: group elements nobody can link to an identifier (hashes of random bytes)."""
    return b"".join(hash_to_points([os.urandom(16).hex() for _ in range(count)]))


def join(points: Iterable[bytes]) -> bytes:
    return b"".join(points)
