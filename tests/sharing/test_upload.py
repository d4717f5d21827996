"""The hub page's check of an uploaded submission file: blinded values only, never clear records."""

from __future__ import annotations

import json
import os
from datetime import date

import pytest

from chainbreaker.core.errors import InputError
from chainbreaker.sharing import protocol
from chainbreaker.sharing.records import Category, SharedRecord
from chainbreaker.sharing.upload import check_submission_file, looks_like_clear_records

from .conftest import POLICY

TODAY = date(2026, 12, 4)


def _raw(message: protocol.Message) -> bytes:
    return json.dumps(message.header, sort_keys=True).encode() + b"\n" + message.payload


@pytest.fixture(scope="module")
def submission() -> protocol.Message:
    records = [
        SharedRecord(f"r{i}", Category.RECRUITER, 0.8, None, None, (("phone", f"+4479110{i:05d}"),))
        for i in range(30)
    ]
    message, _ = protocol.submit(
        records, partnership="p-1", purpose="programme 7 outreach", policy=POLICY, today=TODAY, workers=1
    )
    return message


def _tampered(message: protocol.Message, **changes: object) -> bytes:
    header = {**message.header, **changes}
    return json.dumps(header).encode() + b"\n" + message.payload


def test_a_file_written_by_share_submit_is_accepted(submission: protocol.Message) -> None:
    checked = check_submission_file(_raw(submission), "sub.msg", TODAY)
    assert checked.header == submission.header and checked.payload == submission.payload


CLEAR = [
    b"record_id,category,name,phone,phone_region\nr1,recruiter,Ana Lima,07911 123456,GB\n",
    b"\xef\xbb\xbfrecord_id;category;phone\nr1;recruiter;+447911123456\n",
    b"Ana Lima,07911 123456,ana@example.org\n",
    b"+447911123456\n+447911123457\n",
    b"PK\x03\x04" + os.urandom(200),
]


@pytest.mark.parametrize("data", CLEAR, ids=["csv", "csv-semicolon-bom", "no-header", "phones", "xlsx"])
def test_clear_records_are_refused_without_quoting_them(data: bytes) -> None:
    assert looks_like_clear_records(data)
    with pytest.raises(InputError, match="refused and not stored") as caught:
        check_submission_file(data, "records.csv", TODAY)
    text = str(caught.value)
    assert "file records.csv" in text and "row 1" in text
    for secret in ("Ana", "7911", "example.org"):
        assert secret not in text


def test_random_bytes_are_not_a_submission() -> None:
    with pytest.raises(InputError, match="header line"):
        check_submission_file(os.urandom(4096), "x.msg", TODAY)


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"name": "Ana Lima"}, "name", "unexpected header field"),
        ({"count": "30"}, "count", "wrong type"),
        ({"type": "request"}, "type", "not a submission"),
        ({"purpose": "x"}, "purpose", "purpose statement must say"),
        ({"purpose": "follow up on +44 7911 123456 please"}, "purpose", "holds an identifier"),
        ({"purpose": "ask ana.lima@example.org about it"}, "purpose", "holds an identifier"),
        ({"expires": "2026-01-01"}, "expires", "expir"),
        ({"expires": "soon"}, "expires", "dates"),
        ({"kinds": ["shoe_size"]}, "kinds", "identifier kinds"),
        ({"count": 63}, "count", "announces 63 values"),
    ],
)
def test_header_faults_name_row_and_field(
    submission: protocol.Message, changes: dict[str, object], column: str, reason: str
) -> None:
    with pytest.raises(InputError, match=reason) as caught:
        check_submission_file(_tampered(submission, **changes), "sub.msg", TODAY)
    assert caught.value.row == 1 and caught.value.column == column and caught.value.file == "sub.msg"


def test_category_lists_must_tile_the_values(submission: protocol.Message) -> None:
    lists = [{"category": "recruiter", "start": 1, "count": submission.count - 1}]
    with pytest.raises(InputError, match="without gap"):
        check_submission_file(_tampered(submission, lists=lists), "sub.msg", TODAY)


def _with_value(message: protocol.Message, index: int, value: bytes) -> bytes:
    payload = bytearray(message.payload)
    payload[32 * index : 32 * index + 32] = value
    return json.dumps(message.header).encode() + b"\n" + bytes(payload)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"+447911123456,Ana Lima,GB,,,,,,,", "readable text"),
        (bytes(32), "not a blinded value"),
        (b"\xff" * 32, "not a blinded value"),
        ((2).to_bytes(32, "little"), "not a point of the curve"),  # u = 2 lies on the twist
    ],
)
def test_values_that_are_not_blinded_are_refused(
    submission: protocol.Message, value: bytes, reason: str
) -> None:
    assert len(value) == 32
    with pytest.raises(InputError, match=reason) as caught:
        check_submission_file(_with_value(submission, 5, value), "sub.msg", TODAY)
    assert caught.value.row == 7 and "value 6" in str(caught.value)
    assert b"Ana" not in str(caught.value).encode()


def test_a_cut_file_is_refused(submission: protocol.Message) -> None:
    with pytest.raises(InputError, match="cut short"):
        check_submission_file(_raw(submission)[:-5], "sub.msg", TODAY)
