"""Canonical forms of the identifiers that sharing compares, as small pure functions.

Both sides must turn "0171 234 5678" and "+44 171 2345678" into the same string before blinding, because after
blinding nothing can be compared approximately (docs/sharing.md T5, T11). Each function returns the canonical
value or raises `ValueError` with a reason a caseworker can act on. Issue 10 builds the project's one identifier
module in `core`; these functions are deliberately small so both can later point at one place.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import phonenumbers
from rigour.text import metaphone
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import get_cc_module
from stdnum.exceptions import ValidationError

#: Providers whose mailboxes ignore dots in the local part (offline table: no MX look-ups at run time).
_DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
#: Providers that deliver "name+tag@" to "name@".
_PLUS_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "me.com",
        "protonmail.com",
        "proton.me",
        "fastmail.com",
    }
)
_DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")
_SPACES = re.compile(r"\s+")
_HANDLE_URL = re.compile(r"^(?:https?://)?(?:www\.)?[a-z0-9.-]+\.[a-z]{2,}/+", re.IGNORECASE)
_ORG_WORDS = frozenset(
    {"ltd", "limited", "llc", "inc", "corp", "co", "company", "gmbh", "sa", "sl", "srl", "bv", "plc", "ltda"}
)


def ascii_fold(text: str) -> str:
    """Lower-case ASCII letters and digits separated by single spaces: accents and punctuation carry no identity."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = (
        stripped.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O").replace("ß", "ss")
    )
    cleaned = _NON_ALNUM.sub(" ", stripped.encode("ascii", "ignore").decode("ascii")).lower()
    return _SPACES.sub(" ", cleaned).strip()


def phone(raw: str, region: str | None) -> str:
    """E.164 ("+447712345678"); national formats need the record's region (ISO 3166 alpha-2)."""
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, (region or "").upper() or None)
    except phonenumbers.NumberParseException as exc:
        hint = "" if region else " (national format needs phone_region)"
        raise ValueError(f"not a phone number: {exc.args[0] if exc.args else exc}{hint}") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number for its country")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email(raw: str) -> str:
    """Lower case; provider rules for dots and "+tag" from an offline table."""
    text = raw.strip().lower().replace(" ", "")
    if text.startswith("mailto:"):
        text = text[len("mailto:") :]
    if not _EMAIL.match(text):
        raise ValueError("not an e-mail address")
    local, domain = text.rsplit("@", 1)
    domain = _DOMAIN_ALIASES.get(domain, domain)
    if domain in _PLUS_DOMAINS:
        local = local.split("+", 1)[0]
    if domain in _DOTLESS_DOMAINS:
        local = local.replace(".", "")
    if not local:
        raise ValueError("not an e-mail address")
    return f"{local}@{domain}"


def account(raw: str) -> str:
    """An IBAN in compact form when it is one (check digits verified), otherwise upper-case letters and digits."""
    compact = _NON_ALNUM.sub("", raw).upper()
    if not compact:
        raise ValueError("empty account number")
    if len(compact) >= 15 and compact[:2].isalpha() and compact[2:4].isdigit():
        try:
            return str(IBAN(compact).compact)
        except SchwiftyException as exc:
            raise ValueError(f"not a valid IBAN: {exc}") from None
    return compact


def national_id(raw: str, scheme: str | None) -> str:
    """The compact number, validated by python-stdnum when the scheme ("br.cpf", "es.dni") is one it knows."""
    compact = _NON_ALNUM.sub("", raw).upper()
    if not compact:
        raise ValueError("empty id number")
    key = (scheme or "").strip().lower().replace(":", ".").replace("/", ".").replace(" ", "")
    if not key:
        return compact
    country, _, name = key.partition(".")
    module = None
    if name:
        try:
            module = get_cc_module(country, name)
        except (ImportError, ValueError):
            module = None
    if module is not None:
        try:
            compact = str(module.validate(raw)).upper()
        except ValidationError as exc:
            raise ValueError(f"not a valid {key} number: {exc}") from None
    return compact


def birth_date(raw: str) -> str:
    """ISO date of birth (YYYY-MM-DD); day-first "DD/MM/YYYY" is accepted too."""
    text = raw.strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})", text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            pass
    raise ValueError("not a date (use YYYY-MM-DD)")


def name_tokens(raw: str) -> list[str]:
    """Sorted ASCII tokens of a person's name: order, case and accents differ between records of one person."""
    tokens = sorted(t for t in ascii_fold(raw).split(" ") if t)
    if not tokens:
        raise ValueError("empty name")
    return tokens


def person_keys(name: str, dob: str) -> list[tuple[str, str]]:
    """The exact key of a person for matching: the phonetic form of the sorted name, with the birth date.

    The phonetic key (metaphone of each token, sorted) tolerates typos such as "Mohammed"/"Muhamad"; the
    birth date keeps it precise. There is no similarity score across the boundary (docs/sharing.md T11).
    One key, not two: an exact "name|date" key was sent as well until December 2026, but two equal names
    always have equal phonetic forms, so it never added a match; dropping it cut a fifth of a bank's values
    (blinding cost and data sent) at 1M parties with the same matches (docs/performance.md, Sharing).
    """
    born = birth_date(dob)
    phonetic = sorted(metaphone(t) or t for t in name_tokens(name))
    return [("name_dob_phonetic", f"{' '.join(phonetic)}|{born}")]


def business(raw: str) -> str:
    """A business name without legal-form words ("Ltd", "GmbH") and punctuation."""
    tokens = [t for t in ascii_fold(raw).split(" ") if t and t not in _ORG_WORDS]
    if not tokens:
        raise ValueError("empty business name")
    return " ".join(tokens)


def address(raw: str) -> str:
    """A weak canonical address: ASCII tokens, sorted. An address alone is a weak link (docs/sharing.md T11)."""
    tokens = sorted(t for t in ascii_fold(raw).split(" ") if t)
    if len(tokens) < 2:
        raise ValueError("address too short to identify anyone")
    return " ".join(tokens)


def handle(raw: str) -> str:
    """An online handle: no URL prefix, no leading "@", lower case."""
    text = _HANDLE_URL.sub("", raw.strip()).strip("/").lstrip("@").lower()
    if not text or any(ch.isspace() for ch in text):
        raise ValueError("not a handle")
    return text


def crypto_address(raw: str) -> str:
    """A crypto address: hex (0x…) addresses are case-insensitive, base58/bech32 ones are kept as written."""
    text = raw.strip()
    if not text or any(ch.isspace() for ch in text) or len(text) < 20:
        raise ValueError("not a crypto address")
    if text.lower().startswith("0x") or text.lower().startswith("bc1"):
        return text.lower()
    return text
