"""Name normalisation: one comparable form for a name in any script, with honorifics and legal forms handled.

Lists and bank records write the same name in many ways: `PUTIN, Vladimir`, `Владимир Путин`,
`President Vladimir Putin`; `OAO Gazprom` and `Open Joint Stock Company Gasprom`. Before comparing, every
name goes through the same steps, built on `rigour` (OpenSanctions' name library):

1. clean: Unicode NFKC, control characters become spaces, whitespace collapsed;
2. titles and honorifics dropped (`Mr`, `Dr`, `President`, `Sheikh`, …) for persons;
3. transliterated to Latin (`rigour.text.ascii_text`: Cyrillic, Arabic, Greek, Hebrew, CJK, …), lower-cased;
4. legal forms replaced by their generic type (`Limited Liability Company`, `OOO`, `Ltda`, `GmbH` → `llc`;
   `OAO`, `PJSC`, `S.A.` → `jsc`) so the form itself neither hides nor fakes a match;
5. split into tokens (apostrophes joined: `O'Neil` → `oneil`; hyphens split).

Token ORDER is kept (it is needed for the joined-form comparison), but the comparison aligns tokens in any
order, so `PUTIN, Vladimir` equals `Vladimir Putin`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rigour.names import remove_person_prefixes, replace_org_types_compare
from rigour.text import ascii_text, metaphone

from chainbreaker.core.errors import InputError

#: Longest name we compare. Real names, even Arabic names with five generations, stay under 200 characters;
#: longer input is almost always a wrong column (an address or a memo) and is refused with a reason.
MAX_NAME_CHARS = 300

#: Kinds of name; they decide which of the rigour steps apply.
PERSON, ORG, VESSEL, ANY = "person", "org", "vessel", "any"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_SPACES = re.compile(r"\s+")
_APOSTROPHES = re.compile(r"['`´ʻʼʹ’‘]")
_TOKEN = re.compile(r"[a-z0-9]+")

#: Generic legal-form codes `rigour` writes in place of a legal form (lower-cased), plus words that say
#: "an organisation" without naming which. They weigh little in a comparison.
LEGAL_FORMS = frozenset(
    {
        "llc",
        "jsc",
        "soe",
        "ngo",
        "lp",
        "coop",
        "sp",
        "gp",
        "fin",
        "llp",
        "rel",
        "mil",
        "jv",
        "ltd",
        "plc",
        "inc",
    }
)
ORG_WORDS = frozenset(
    {
        "company",
        "co",
        "corporation",
        "corp",
        "group",
        "holding",
        "holdings",
        "limited",
        "international",
        "the",
    }
)
#: Particles that join name parts (Arabic `al`, `bin`; Iberian `de`, `dos`; Dutch `van`) or glue words.
PARTICLES = frozenset(
    {
        "al", "el", "bin", "ibn", "bint", "ben", "de", "da", "do", "dos", "das", "del", "della", "di", "du",
        "la", "le", "van", "von", "der", "den", "ter", "of", "and", "y", "e", "und", "et", "mc",
    }
)  # fmt: skip
#: Name parts so common on lists that sharing them says little (`Mohammad`, `Abdul`): they weigh half.
COMMON_PARTS = frozenset(
    {
        "abd", "abdul", "abdel", "abdal", "abu", "mohammad", "mohammed", "muhammad", "mohamed", "mohamad",
        "muhammed", "ahmad", "ahmed", "ali", "hassan", "hasan", "hussein", "husain", "mahmoud", "khan", "mir",
        "shah", "kim", "lee", "li", "wang", "zhang", "chen", "nguyen", "john", "maria", "jose", "mary",
    }
)  # fmt: skip
_PATRONYMIC = re.compile(r"^\w{3,}(ovich|evich|ovych|evych|ovna|evna|ivna|yevich|ievich|oglu|ogly|uly|kyzy)$")
#: Titles that rigour's prefix list does not strip, seen on sanctions lists and in the 81 Putin spellings.
EXTRA_TITLES = frozenset(
    {
        "sheikh", "shaikh", "shaykh", "haji", "hajji", "mullah", "mulla", "maulvi", "maulana", "qari",
        "presidente", "predsjednik", "presiden", "presedintele", "prezident", "prezydent", "elnok",
        "his", "her", "excellency", "he",
    }
)  # fmt: skip


def clean_name(raw: object) -> str:
    """The name as text, NFKC-normalised, control characters turned to spaces, whitespace collapsed."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw))
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def check_name(raw: object, *, field: str = "name", row: int | None = None, file: str | None = None) -> str:
    """Clean a name and refuse what cannot be screened, with a reason the user can act on.

    An empty, whitespace-only or control-character-only name cannot be screened (screening it would
    silently clear the customer); a name over `MAX_NAME_CHARS` is most likely another field pasted in.
    """
    text = clean_name(raw)
    if not text:
        raise InputError(
            "name is empty (or only spaces / control characters)", file=file, row=row, column=field
        )
    if len(text) > MAX_NAME_CHARS:
        raise InputError(
            f"name is {len(text)} characters long, more than {MAX_NAME_CHARS}; is this the right column?",
            file=file,
            row=row,
            column=field,
        )
    return text


@dataclass(frozen=True, slots=True)
class NormalizedName:
    """A name ready to compare: its tokens (in order) and the weight each token carries."""

    original: str
    tokens: tuple[str, ...]
    weights: tuple[float, ...]

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def joined(self) -> str:
        """Tokens glued together: `xi jin ping` and `xi jinping` both give `xijinping`."""
        return "".join(self.tokens)

    @property
    def sorted_joined(self) -> str:
        return "".join(sorted(self.tokens))


def token_weight(token: str) -> float:
    """How much a token counts: its length, with legal forms, particles and generic words at a fifth.

    Long, rare-looking tokens (surnames) carry a name; `al`, `llc` or `company` do not; very common
    parts (`Mohammad`, `Abdul`) and patronymics (`Vladimirovich`, often absent on one side) count half and less.
    """
    if token in LEGAL_FORMS or token in PARTICLES or token in ORG_WORDS:
        return 0.2 * len(token)
    if token.isdigit():
        return 1.0 + 0.5 * len(token)
    if _PATRONYMIC.match(token):
        return 0.3 * len(token)
    if token in COMMON_PARTS:
        return 0.5 * len(token)
    return float(len(token))


def kind_of(schema: str | None) -> str:
    """Which normalisation a FollowTheMoney schema (or the bank's party type) calls for."""
    if not schema:
        return ANY
    lowered = schema.lower()
    if lowered in ("person", "individual"):
        return PERSON
    if lowered in ("vessel", "airplane"):
        return VESSEL
    if lowered in ("company", "organization", "organisation", "legalentity", "publicbody"):
        return ORG
    return ANY


@lru_cache(maxsize=200_000)
def normalize_name(name: str, kind: str = ANY) -> NormalizedName:
    """Normalise one (already cleaned) name; cached, since lists and books repeat names a lot."""
    text = name.lower()
    if kind in (PERSON, ANY):
        text = remove_person_prefixes(text)  # before transliteration: `Präsident`, `господин`
    if not text.isascii():
        text = " ".join(_ascii_word(word) for word in text.split())
    text = _APOSTROPHES.sub("", text).replace("?", "").replace("&", " and ")
    if kind in (PERSON, ANY):
        text = remove_person_prefixes(text)
    if kind in (ORG, ANY):
        text = replace_org_types_compare(text, generic=True).lower()
    tokens = _TOKEN.findall(text)
    if kind in (PERSON, ANY) and len(tokens) > 1:
        kept = [t for t in tokens if t not in EXTRA_TITLES]
        tokens = kept or tokens
    return NormalizedName(name, tuple(tokens), tuple(token_weight(t) for t in tokens))


@lru_cache(maxsize=500_000)
def _ascii_word(word: str) -> str:
    """One word transliterated to Latin; cached per word, because a book repeats given and family names far
    more often than whole names, and transliteration costs tens of microseconds."""
    return word if word.isascii() else ascii_text(word).lower()


@lru_cache(maxsize=500_000)
def phonetic(token: str) -> str:
    """A sound-alike key of a token (metaphone), so `Usama`/`Osama` and `Jonson`/`Johnson` meet."""
    if token.isdigit() or len(token) < 3:
        return token
    return metaphone(token) or token
