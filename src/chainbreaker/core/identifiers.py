"""One set of identifier rules for every stage: phones, emails, addresses, id numbers and names.

Two parties "share a phone" only if their phones normalise to the same key here, whichever stage asks
(monitoring's identifier graph, the ties cases draw, screening's name keys, the names a report files). Keys are
comparison values, never shown to users and never logged in clear.

- phone: E.164 through `phonenumbers` (the party's country as the default region), so `(713) 555-0101`,
  `713.555.0101` and `+1 713 555 0101` are one number; a number `phonenumbers` cannot parse falls back to its
  last 9 digits (at least 7 digits, else no key).
- email: trimmed and lower-cased; Gmail-style dots and `+tags` are kept (they are different mailboxes elsewhere).
- address: transliterated to ASCII, lower-cased, only letters and digits, with the postal code (or the city)
  appended.
- id number: ASCII letters and digits, upper-cased.
- name: transliterated to ASCII with `rigour` (Cyrillic, Arabic, Chinese names keep their letters), with a
  documented rule for which part is the family name (`person_name_parts`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from rigour.text import ascii_text

_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")
_SPACES = re.compile(r"\s+")
#: Fewer digits than this is an extension or a typo, not a phone number.
MIN_PHONE_DIGITS = 7
#: Digits kept when a number cannot be parsed (national significant numbers are mostly 9 or 10 long).
FALLBACK_PHONE_DIGITS = 9


def phone_key(value: str | None, country: str | None = None) -> str | None:
    """The comparison key of a phone number: E.164 when it parses (with `country` as default region)."""
    if not value:
        return None
    digits = re.sub(r"\D", "", value)
    if len(digits) < MIN_PHONE_DIGITS:
        return None
    region = (country or "").upper() or None
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return digits[-FALLBACK_PHONE_DIGITS:]


def email_key(value: str | None) -> str | None:
    """The comparison key of an email address: trimmed, lower-cased; None when it has no `@`."""
    if not value:
        return None
    text = value.strip().lower()
    return text if "@" in text else None


def address_key(address: str | None, postal_code: str | None = None, city: str | None = None) -> str | None:
    """The comparison key of a street address: ASCII letters and digits, lower-cased, then `|` and the postal
    code (the city when there is no postal code), so "9 Dorm Rd" in two towns are two addresses."""
    if not address:
        return None
    street = _NOT_ALNUM.sub("", ascii_text(address)).lower()
    if not street:
        return None
    place = _NOT_ALNUM.sub("", ascii_text(postal_code or city or "")).lower()
    return f"{street}|{place}"


def id_number_key(value: str | None) -> str | None:
    """The comparison key of an identity document or tax number: ASCII letters and digits, upper-cased."""
    if not value:
        return None
    key = _NOT_ALNUM.sub("", ascii_text(value)).upper()
    return key or None


def ascii_name(value: str) -> str:
    """A name in ASCII letters with `rigour`'s transliteration (Иван → Ivan, 王 → wang), spaces collapsed."""
    # rigour writes `?` for a letter it has no Latin for (Arabic ʿayn): drop it rather than file a `?`.
    return _SPACES.sub(" ", ascii_text(value or "").replace("?", "")).strip()


def name_key(value: str | None) -> str | None:
    """The comparison key of a name: ASCII, lower-case, letters and digits separated by single spaces."""
    if not value:
        return None
    key = _SPACES.sub(" ", re.sub(r"[^0-9a-z]+", " ", ascii_name(value).lower())).strip()
    return key or None


#: Words that belong to the family name that follows them ("de la Cruz", "van der Berg", "bin Laden").
SURNAME_PARTICLES = frozenset(
    {
        "de",
        "del",
        "della",
        "der",
        "di",
        "da",
        "das",
        "dos",
        "du",
        "la",
        "le",
        "van",
        "von",
        "ten",
        "ter",
        "bin",
        "ibn",
        "al",
        "el",
        "abu",
        "mac",
        "st",
    }
)


@dataclass(frozen=True)
class PartyKeys:
    """The identifier keys of one party, as every stage compares them."""

    phone: str | None
    email: str | None
    address: str | None
    id_number: str | None


def party_keys(
    phone: str | None,
    email: str | None,
    address: str | None,
    postal_code: str | None,
    city: str | None,
    id_number: str | None,
    country: str | None,
) -> PartyKeys:
    """All identifier keys of a party from its contract columns (the phone read in the party's country)."""
    return PartyKeys(
        phone_key(phone, country),
        email_key(email),
        address_key(address, postal_code, city),
        id_number_key(id_number),
    )


@dataclass(frozen=True)
class NameParts:
    """A person's given and family names, in ASCII, and which rule found them (for the report's reviewer)."""

    given: str
    family: str
    rule: str


def _family_first_script(value: str) -> bool:
    """Names written in Han, Hangul or Kana put the family name first."""
    for char in value:
        if char.isalpha():
            name = unicodedata.name(char, "")
            if name.startswith(("CJK", "HANGUL", "HIRAGANA", "KATAKANA")):
                return True
    return False


def person_name_parts(full: str, given: str | None = None, family: str | None = None) -> NameParts:
    """Given and family name of a person, by these rules in order (docs/reports.md):

    1. `given_name` / `family_name` from the bank's data, when it has them (transliterated);
    2. "SURNAME, Given" (a comma): the part before the comma is the family name;
    3. a name written in Han, Hangul or Kana (王小明, 김민준): the first syllable or word is the family name;
    4. "PETROV Ivan" (the first word all capitals, the others not): the first word is the family name;
    5. otherwise the last word is the family name, with the particles before it ("Juan de la Cruz" → "de la
       Cruz"); a one-word name has no given name.
    """
    if family and family.strip():
        return NameParts(ascii_name(given or ""), ascii_name(family), "given_name/family_name columns")
    text = _SPACES.sub(" ", (full or "").strip())
    if "," in text:
        surname, _, rest = text.partition(",")
        return NameParts(ascii_name(rest), ascii_name(surname), "SURNAME, Given")
    if _family_first_script(text):
        # Written without spaces (王小明, 김민준): the first character is the family name.
        original = text.split(" ") if " " in text else [text[:1], text[1:]]
        rest = ascii_name(" ".join(original[1:])).title()
        return NameParts(rest, ascii_name(original[0]).title(), "family name first (script)")
    words = ascii_name(text).split(" ") if text else []
    if not words or words == [""]:
        return NameParts("", "", "empty")
    if len(words) == 1:
        return NameParts("", words[0], "one word")
    first_upper = words[0].isupper() and len(words[0]) > 1
    if first_upper and not all(w.isupper() for w in words):
        return NameParts(" ".join(words[1:]), words[0], "SURNAME Given (capitals)")
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in SURNAME_PARTICLES:
        start -= 1
    return NameParts(" ".join(words[:start]), " ".join(words[start:]), "Given Family")
