"""Name parts: the family name and an order-free signature of a party's name (monitoring reads them, and
the loader stores them with the party keys, `core.party_keys`).

Banks write person names in different layouts: `Maria Garcia`, `GARCIA Maria`, `Garcia, Maria`. "The last
word is the surname" makes strangers look like relatives in a surname-first bank (and relatives like
strangers). Tokens come from `rigour` (OpenSanctions' name library: tokenisation, transliteration to
Latin); the layout rule is ours, because rigour's name tagger marks given and family names alike:

1. a comma: the family name is what comes before it (`Garcia, Maria`);
2. mixed case with one run of ALL-CAPS words at the start or end: that run (`GARCIA Maria`, `Maria GARCIA`);
3. otherwise the last token.

The signature (sorted tokens) says whether a counterparty name is the holder's own in any layout, so a
transfer to one's own account at another bank is not read as a sweep to someone else.
"""

from __future__ import annotations

from functools import lru_cache

from rigour.names import remove_org_types, tokenize_name
from rigour.text import ascii_text


@lru_cache(maxsize=200_000)
def tokens(name: str) -> tuple[str, ...]:
    """Lower-case Latin tokens of a name (rigour tokenisation and transliteration)."""
    return tuple(t for t in (ascii_text(tok).lower() for tok in tokenize_name(name)) if t)


def layout(name: str) -> str:
    """`comma`, `caps_first`, `caps_last` or `plain`: how the name is written."""
    if "," in name:
        return "comma"
    words = name.split()
    if len(words) < 2 or name.isupper() or name.islower():
        return "plain"
    caps = [w.isupper() and any(ch.isalpha() for ch in w) and len(w) > 1 for w in words]
    if caps[0] and not all(caps):
        return "caps_first"
    if caps[-1] and not all(caps):
        return "caps_last"
    return "plain"


def family_name(name: str | None) -> str | None:
    """The family name of a person's name in any of the layouts above, lower-case Latin."""
    if not name or not name.strip():
        return None
    kind = layout(name)
    if kind == "comma":
        part = name.split(",", 1)[0]
    else:
        words = name.split()
        if kind in ("caps_first", "caps_last"):
            run: list[str] = []
            seq = words if kind == "caps_first" else list(reversed(words))
            for w in seq:
                if not w.isupper():
                    break
                run.append(w)
            part = " ".join(run if kind == "caps_first" else list(reversed(run)))
        else:
            part = words[-1]
    found = tokens(part)
    return " ".join(found) if found else None


def signature(name: str | None) -> str | None:
    """Sorted tokens: the same for `Maria Garcia`, `GARCIA Maria` and `Garcia, Maria`."""
    if not name:
        return None
    found = tokens(name)
    return " ".join(sorted(found)) if found else None


def compact(name: str | None, reverse: bool = False) -> str | None:
    """The name's tokens run together (`mariagarcia`; reversed: `garciamaria`), to recognise handles such as
    `$mariagarcia` that spell the holder's own name."""
    if not name:
        return None
    found = [t for t in tokens(name) if t.isalnum()]
    if reverse:
        found.reverse()
    return "".join(found) or None


def org_key(name: str | None) -> str | None:
    """An organisation's name without its legal form (rigour's list: LLC, INC., S.A. DE C.V., GMBH, ...), run
    together: `SUNSHINE RELAX SPA SRL` and a worker's employer `Sunshine Relax Spa Inc` give one key. Keys
    shorter than 5 letters say too little to tie anyone."""
    if not name or not name.strip():
        return None
    words = list(tokens(remove_org_types(name)))
    while len(words) > 1 and words[-1] in _KEPT_FORMS:
        words.pop()
    key = "".join(w for w in words if w.isalnum())
    return key if len(key) >= 5 else None


#: US legal forms rigour's org-type list does not remove (it keeps them as part of the name).
_KEPT_FORMS = frozenset({"corp", "corporation", "co", "company", "incorporated"})
