"""Name normalisation: one comparable form for a name in any script, with honorifics and legal forms handled.

Lists and bank records write the same name in many ways: `PUTIN, Vladimir`, `Владимир Путин`,
`President Vladimir Putin`; `OAO Gazprom` and `Open Joint Stock Company Gasprom`. Before comparing, every
name goes through the same steps, built on `rigour` (OpenSanctions' name library):

1. clean: Unicode NFKC, control characters become spaces, whitespace collapsed;
2. titles and honorifics dropped (`Mr`, `Dr`, `President`, `Sheikh`, …) for persons (rigour's prefix list, then
   `words/titles.txt`); a dropped title never adds to a score (see `features.compare_names`);
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
from dataclasses import dataclass, field
from functools import lru_cache

from rigour.names import NameTypeTag, analyze_names, remove_person_prefixes, replace_org_types_compare
from rigour.text import metaphone

from chainbreaker.core.errors import InputError
from chainbreaker.core.identifiers import ascii_name
from chainbreaker.screening import words

#: Longest name we compare. Real names, even Arabic names with five generations, stay under 200 characters;
#: longer input is almost always a wrong column (an address or a memo) and is refused with a reason.
MAX_NAME_CHARS = 300

#: Kinds of name; they decide which of the rigour steps apply.
PERSON, ORG, VESSEL, ANY = "person", "org", "vessel", "any"

#: Word separators of CJK and Greek-influenced typography (katakana middle dot `ウラジーミル・プーチン`,
#: Chinese interpunct `弗拉基米尔·普京`): they separate name parts as a space does.
_NAME_DOTS = re.compile(r"[\u00b7\u30fb\uff65\u2027\u16eb]")
_HANGUL = re.compile(r"^[\uac00-\ud7a3]{2,4}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_SPACES = re.compile(r"\s+")
_APOSTROPHES = re.compile(r"['`´ʻʼʹ’‘]")
_TOKEN = re.compile(r"[a-z0-9]+")

#: The word lists (data files with their sources, in `screening/words/`): legal-form codes and generic
#: organisation words weigh little; particles join name parts (`al`, `bin`, `de`, `van`); very common name
#: parts (`Mohammad`, `Abdul`, `Kim`) weigh half; titles rigour's prefix list lacks (`Sheikh`, `Mullah`).
LEGAL_FORMS = words.LEGAL_FORMS
ORG_WORDS = words.ORG_WORDS
PARTICLES = words.PARTICLES
COMMON_PARTS = words.COMMON_PARTS
TITLES = words.TITLES
_PATRONYMIC = re.compile(r"^\w{3,}(ovich|evich|ovych|evych|ovna|evna|ivna|yevich|ievich|oglu|ogly|uly|kyzy)$")


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
    #: Per token, rigour's name symbols (`[NAME:Q2253934]` = Vladimir in any script, `[NICK:BILL]`): two
    #: tokens sharing one are the same given or family name written differently.
    symbols: tuple[frozenset[str], ...] = ()
    #: True when a person's title was dropped (`President Putin`). Shown to analysts only: since name-v3 a
    #: title never raises a score (`Mr Kim` must not match `Kim Jong Un`).
    titled: bool = False
    #: Tokens glued together: `xi jin ping` and `xi jinping` both give `xijinping`; and the same of the
    #: sorted tokens. Computed once here: a batch run compares each listed name thousands of times.
    joined: str = field(init=False, compare=False, repr=False)
    sorted_joined: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "joined", "".join(self.tokens))
        object.__setattr__(self, "sorted_joined", "".join(sorted(self.tokens)))

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


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
    text = _NAME_DOTS.sub(" ", name.lower())
    words_before = len(text.split())
    if kind in (PERSON, ANY):
        text = remove_person_prefixes(text)  # before transliteration: `Präsident`, `господин`
    titled = len(text.split()) < words_before
    if not text.isascii():
        text = " ".join(_ascii_word(word) for word in text.split())
    text = _APOSTROPHES.sub("", text).replace("?", "").replace("&", " and ")
    if kind in (PERSON, ANY):
        text = remove_person_prefixes(text)
    if kind in (ORG, ANY):
        text = replace_org_types_compare(text, generic=True).lower()
    tokens = _TOKEN.findall(text)
    if kind in (PERSON, ANY) and len(tokens) > 1:
        kept = [t for t in tokens if t not in TITLES]
        titled = titled or len(kept) < len(tokens)
        tokens = kept or tokens
    symbols = _token_symbols(name, tuple(tokens)) if kind in (PERSON, ANY) else ()
    return NormalizedName(
        name, tuple(tokens), tuple(token_weight(t) for t in tokens), symbols, titled and kind == PERSON
    )


def _token_symbols(name: str, tokens: tuple[str, ...]) -> tuple[frozenset[str], ...]:
    """rigour's given/family-name symbols per token (from its Wikidata-derived name tagger).

    The tagger works on the name in its own script, so `Владимир`, `فلاديمير`, `ולדימיר` and `Wladimir`
    carry the same symbol although their transliterations differ a lot; nicknames (`Bill`/`William`)
    share a `NICK` symbol. A symbol is kept only for a span of one name part that transliterates to one of
    our tokens; () when no token has one.

    The tagger is asked once per distinct word (`_word_symbols`, cached): a book repeats given and family
    names far more than whole names. Only one-part spans are kept, and those are the same whether a word is
    tagged alone or inside its name (checked on the 13,786 listed entities' names and 30,000 generated
    customers: 67,946 names, no difference), so this is the whole-name result at a fraction of the cost.
    """
    found: dict[str, set[str]] = {}
    for word in _NAME_DOTS.sub(" ", name).split():
        for token, symbols in _word_symbols(word):
            found.setdefault(token, set()).update(symbols)
    if not found:
        return ()
    out = tuple(frozenset(found.get(t, ())) for t in tokens)
    return out if any(out) else ()


@lru_cache(maxsize=500_000)
def _word_symbols(word: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """(token, name symbols) of the one-part name spans rigour's tagger finds in one word."""
    found: dict[str, set[str]] = {}
    for analysed in analyze_names(NameTypeTag.PER, [word], consolidate=False, phonetics=False):
        for span in analysed.spans:
            symbol = str(span.symbol)
            if len(span.parts) != 1 or not symbol.startswith(("[NAME:", "[NICK:")):
                continue
            part = _TOKEN.findall(_APOSTROPHES.sub("", _ascii_word(span.parts[0].form)))
            if len(part) == 1:
                found.setdefault(part[0], set()).add(symbol)
    return tuple((token, frozenset(symbols)) for token, symbols in found.items())


@lru_cache(maxsize=500_000)
def _ascii_word(word: str) -> str:
    """One word transliterated to Latin; cached per word, because a book repeats given and family names far
    more often than whole names, and transliteration costs tens of microseconds."""
    if word.isascii():
        return word
    if _HANGUL.match(word):
        # A Korean personal name is one word of 2-4 syllables (surname first); romanised lists write its
        # syllables apart (`Kim Jong Un`), so each syllable becomes its own part.
        return " ".join(ascii_name(syllable).lower() for syllable in word)
    return ascii_name(word).lower()  # the transliteration rule of core.identifiers, shared by every stage


@lru_cache(maxsize=500_000)
def phonetic(token: str) -> str:
    """A sound-alike key of a token (metaphone), so `Usama`/`Osama` and `Jonson`/`Johnson` meet."""
    if token.isdigit() or len(token) < 3:
        return token
    return metaphone(token) or token
