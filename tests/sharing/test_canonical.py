from __future__ import annotations

import pytest

from chainbreaker.sharing import canonical


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("07911 123456", "GB"),
        ("+44 7911 123456", None),
        ("0044-7911-123-456", None),
        ("(+44) 7911123456", "BR"),
    ],
)
def test_phone_formats_give_one_e164(raw: str, region: str | None) -> None:
    assert canonical.phone(raw, region) == "+447911123456"


def test_phone_without_region_or_invalid_is_refused_with_reason() -> None:
    with pytest.raises(ValueError, match="phone_region"):
        canonical.phone("07911 123456", None)
    with pytest.raises(ValueError, match="not a valid"):
        canonical.phone("911", "US")


def test_email_case_spaces_and_provider_rules() -> None:
    assert canonical.email(" Ana.Silva+ngo@GoogleMail.com ") == "anasilva@gmail.com"
    assert canonical.email("Ana.Silva+x@yahoo.com") == "ana.silva+x@yahoo.com"
    with pytest.raises(ValueError):
        canonical.email("not-an-address")


def test_iban_is_compacted_and_checked() -> None:
    assert canonical.account("de89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    with pytest.raises(ValueError, match="IBAN"):
        canonical.account("DE00 3704 0044 0532 0130 00")
    assert canonical.account("acc-123/45") == "ACC12345"


def test_national_id_validated_when_the_scheme_is_known() -> None:
    assert canonical.national_id("390.533.447-05", "br.cpf") == canonical.national_id("39053344705", None)
    with pytest.raises(ValueError, match=r"br\.cpf"):
        canonical.national_id("390.533.447-06", "br.cpf")


def test_person_keys_survive_order_accents_and_a_typo() -> None:
    base = dict(canonical.person_keys("José García", "1990-02-01"))
    assert dict(canonical.person_keys("GARCIA jose", "01/02/1990")) == base
    typo = dict(canonical.person_keys("Jose Garsia", "1990-02-01"))
    assert typo["name_dob_phonetic"] == base["name_dob_phonetic"]
    assert canonical.name_tokens("Jose Garsia") != canonical.name_tokens("José García")
    assert list(base) == ["name_dob_phonetic"]
    assert (
        dict(canonical.person_keys("José García", "1990-02-02"))["name_dob_phonetic"]
        != base["name_dob_phonetic"]
    )


def test_handles_and_crypto_addresses() -> None:
    assert canonical.handle("https://www.instagram.com/@Agency_Jobs/") == "agency_jobs"
    assert (
        canonical.crypto_address("0xAbC0000000000000000000000000000000000001")
        == "0xabc0000000000000000000000000000000000001"
    )
    assert canonical.business("Sunrise Cleaning Ltd.") == canonical.business("SUNRISE CLEANING")
