"""Export styles: the same synthetic bank written the way different real core systems export it.

A detection library tuned on one bank's wording and layout breaks on the next bank. Each style rewrites a
community's contract tables after generation (the behaviour, the rings and the labels do not change, only
how they are written), following published descriptions of real formats, not the indicator catalogue:

| style | written after | what changes |
|---|---|---|
| `clean` | this project's first bank | nothing: the reference layout |
| `us_retail` | NACHA company entry descriptions and SEC codes as US statements print them ("ACME CORP DIR DEP PPD ID: ..."); Zelle statement lines ("Zelle payment from ... Conf# ...") | ACH descriptions; P2P counterparties are a token (e-mail or phone handle), no account |
| `european` | SEPA credit transfer / direct debit statement lines (EPC rulebooks: IBAN counterparties, remittance text), "SURNAME First" name order of many European cores, value-date booking | IBAN account ids (counterparties printed in groups of four), names "SURNAME First", booking dates only (00:00), local-language salary words (GEHALT, SALAIRE, NOMINA), EUR |
| `latam` | Banco Central do Brasil PIX statement lines ("PIX RECEBIDO/ENVIADO"), CPF/CNPJ ids with check digits, masked CPF of the counterparty; a cash-heavy economy | CPF/CNPJ ids, PIX descriptions, counterparty = masked CPF, a quarter of card purchases become cash withdrawals, part of outside wages arrive as cash |
| `neobank` | card-first app banks: card network merchant descriptors ("SQ *", "TST* ", "PAYPAL *" prefixes, store numbers), no branches | no MCC at all, merchant descriptors only; P2P handles; no branch on accounts |
| `sparse_kyc` | onboarding files of banks with thin KYC | phone, e-mail, employer, occupation, date of birth and postal code often missing; business names upper case with legal forms (LLC, L.L.C., INC., S.A. DE C.V., GMBH, LTD) |

`mix` writes each community in a different style (a bank after mergers, with several source systems).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chainbreaker.core.errors import InputError
from chainbreaker.synth.community import Community
from chainbreaker.synth.frame import IntArray
from chainbreaker.synth.names import CULTURES

STYLES: tuple[str, ...] = ("clean", "us_retail", "european", "latam", "neobank", "sparse_kyc")
MIX = "mix"

_SURNAMES = frozenset(s for c in CULTURES for s in c.surnames)
_LEGAL_FORMS = ("LLC", "L.L.C.", "INC.", "CORP.", "LTD", "S.A. DE C.V.", "GMBH", "CO.", "LIMITED", "SRL")
_LEGAL_SUFFIXES = (" LLC", " Inc", " Corp")
_DESCRIPTOR_PREFIX = ("SQ *", "TST* ", "PAYPAL *", "", "", "", "")


def parse_style(text: str) -> tuple[str, ...]:
    """`clean`, `mix` (every style) or a comma list such as `us_retail,european`."""
    value = text.strip().lower()
    if value == MIX:
        return STYLES
    names = tuple(s.strip() for s in value.split(",") if s.strip())
    unknown = [s for s in names if s not in STYLES]
    if not names or unknown:
        raise InputError(
            f"unknown style {', '.join(unknown) or repr(text)}; known: {', '.join(STYLES)} or mix",
            column="--style",
        )
    return names


def style_of(styles: tuple[str, ...], community: int) -> str:
    """The style of one community: round robin over the chosen styles (one style: all the same)."""
    return styles[community % len(styles)]


# ----- helpers ---------------------------------------------------------------------------------------------
def _stable_digits(text: str, n: int) -> str:
    digest = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
    return str(int(digest, 16))[-n:].rjust(n, "0")


def _iban(country: str, bban: str) -> str:
    """An IBAN with valid ISO 13616 check digits (mod 97)."""
    digits = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    check = 98 - int(digits) % 97
    return f"{country}{check:02d}{bban}"


def _spaced(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def iban_ids(start: int, n: int) -> pa.Array:
    """German-layout IBANs for account numbers start..start+n-1 (bank code 37040044, 10-digit account)."""
    return pa.array([_iban("DE", f"37040044{k:010d}") for k in range(start, start + n)], pa.string())


def _cpf(seed: str) -> str:
    base = [int(d) for d in _stable_digits(seed, 9)]
    for _ in range(2):
        total = sum(d * w for d, w in zip(base, range(len(base) + 1, 1, -1), strict=True))
        base.append((total * 10 % 11) % 10)
    s = "".join(map(str, base))
    return f"{s[:3]}.{s[3:6]}.{s[6:9]}-{s[9:]}"


def _cnpj(seed: str) -> str:
    base = [int(d) for d in _stable_digits(seed, 8)] + [0, 0, 0, 1]
    for weights in ((5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2), (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)):
        r = sum(d * w for d, w in zip(base, weights, strict=True)) % 11
        base.append(0 if r < 2 else 11 - r)
    s = "".join(map(str, base))
    return f"{s[:2]}.{s[2:5]}.{s[5:8]}/{s[8:12]}-{s[12:]}"


def _surname_first(name: str) -> str:
    """`Maria Dela Cruz` -> `DELA CRUZ Maria` (the known surname found at the end, else the last word)."""
    words = name.split()
    if len(words) < 2:
        return name
    for k in (2, 1):
        if len(words) > k and " ".join(words[-k:]) in _SURNAMES:
            return f"{' '.join(words[-k:]).upper()} {' '.join(words[:-k])}"
    return f"{words[-1].upper()} {' '.join(words[:-1])}"


def _legal_form(name: str, rng: np.random.Generator) -> str:
    base = name
    for suffix in _LEGAL_SUFFIXES:
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    return f"{base.upper()} {_LEGAL_FORMS[int(rng.integers(len(_LEGAL_FORMS)))]}"


def _map_strings(arr: pa.Array, fn: Callable[[str], str]) -> pa.Array:
    """Apply `fn` once per distinct value (names and memos repeat a lot)."""
    enc = (
        pc.dictionary_encode(arr).combine_chunks()
        if isinstance(arr, pa.ChunkedArray)
        else pc.dictionary_encode(arr)
    )
    values = [None if v is None else fn(v) for v in enc.dictionary.to_pylist()]
    return pa.array(values, pa.string()).take(enc.indices)


def _set(table: pa.Table, name: str, values: pa.Array | pa.ChunkedArray | list[str | None]) -> pa.Table:
    arr = values if isinstance(values, pa.Array | pa.ChunkedArray) else pa.array(values, pa.string())
    return table.set_column(table.schema.get_field_index(name), name, arr.cast(table.schema.field(name).type))


def _null_some(values: list[str | None], share: float, rng: np.random.Generator) -> list[str | None]:
    drop = rng.random(len(values)) < share
    return [None if d else v for v, d in zip(values, drop, strict=True)]


# ----- parties ---------------------------------------------------------------------------------------------
def restyle_parties(style: str, c: Community, cols: dict[str, pa.Array]) -> dict[str, pa.Array]:
    """Party columns in the style; `cols` holds contract columns as Arrow arrays (strings or dates)."""
    if style in ("clean", "us_retail", "neobank"):
        return cols
    rng = c.rng
    kinds = cols["party_type"].to_pylist()
    names = cols["name"].to_pylist()
    out = dict(cols)
    if style == "european":
        out["name"] = pa.array(
            [_surname_first(n) if k == "person" and n else n for n, k in zip(names, kinds, strict=True)],
            pa.string(),
        )
    elif style == "latam":
        out["id_number"] = pa.array(
            [
                _cpf(f"{c.index}:{i}:{n}") if k == "person" else _cnpj(f"{c.index}:{i}:{n}")
                for i, (n, k) in enumerate(zip(names, kinds, strict=True))
            ],
            pa.string(),
        )
    elif style == "sparse_kyc":
        persons = np.asarray([k == "person" for k in kinds])
        out["name"] = pa.array(
            [n if k == "person" or not n else _legal_form(n, rng) for n, k in zip(names, kinds, strict=True)],
            pa.string(),
        )
        for column, share in (("phone", 0.7), ("email", 0.8), ("employer", 0.9), ("occupation", 0.9)):
            out[column] = pa.array(_null_some(cols[column].to_pylist(), share, rng), pa.string())
        postal = _null_some(cols["postal_code"].to_pylist(), 0.3, rng)
        out["postal_code"] = pa.array(postal, pa.string())
        dob = cols["date_of_birth"]
        drop = (rng.random(len(kinds)) < 0.15) & persons
        out["date_of_birth"] = pc.if_else(pa.array(drop), pa.nulls(len(kinds), dob.type), dob)
    return out


def name_map(style: str, c: Community, before: list[str | None], after: list[str | None]) -> dict[str, str]:
    """Old party name -> restyled name, so on-us counterparty names in transactions follow the parties."""
    del style, c
    return {b: a for b, a in zip(before, after, strict=True) if b and a and b != a}


# ----- transactions -----------------------------------------------------------------------------------------
def restyle_transactions(
    style: str,
    c: Community,
    table: pa.Table,
    ev: dict[str, IntArray],
    names: dict[str, str],
    party_cols: dict[str, pa.Array],
    account_ids: pa.Array,
) -> pa.Table:
    """Transaction rows in the style (same rows, same amounts and order: only how they are written)."""
    if style == "clean":
        return table
    rng = c.rng
    n = table.num_rows
    chan = np.asarray(table.column("channel").to_pylist(), dtype=object)
    dirs = np.asarray(table.column("direction").to_pylist(), dtype=object)
    cpa = np.asarray(ev["cpa"], dtype=np.int64)
    acct_party = np.asarray(c.accounts.party, dtype=np.int64)
    cp_party = np.where(cpa >= 0, acct_party[np.maximum(cpa, 0)], -1)
    own_party = acct_party[np.asarray(ev["acct"], dtype=np.int64)]
    cpn = table.column("counterparty_name").to_pylist()
    desc = table.column("description").to_pylist()
    if names:
        cpn = [names.get(v, v) if v else v for v in cpn]
    is_p2p = chan == "p2p"
    is_ach = chan == "ach"
    emails = party_cols["email"].to_pylist()
    phones = party_cols["phone"].to_pylist()
    p_names = party_cols["name"].to_pylist()

    def handle(i: int, cash_tag: bool = False) -> str:
        cp = int(cp_party[i])
        if cp < 0 and cpn[i] and cpn[i] == p_names[int(own_party[i])]:
            cp = int(own_party[i])  # a transfer to one's own account elsewhere goes to one's own token
        if cp >= 0:
            if cash_tag:
                return "$" + "".join(ch for ch in (p_names[cp] or "").lower() if ch.isalnum())[:12]
            return (emails[cp] or "").lower() if (cp % 5) < 3 and emails[cp] else (phones[cp] or "")
        base = "".join(ch for ch in (cpn[i] or "x").lower() if ch.isalnum())[:12]
        return f"${base}" if cash_tag else f"{base}{_stable_digits(cpn[i] or 'x', 2)}@gmail.com"

    if style == "us_retail":
        for i in np.nonzero(is_ach)[0].tolist():
            d = (desc[i] or "").upper()
            company = (cpn[i] or "ACH").upper()[:16]
            if "PAYROLL" in d:
                entry, sec = "DIR DEP", "PPD"
            elif "RENT" in d or "LEASE" in d:
                entry, sec = "WEB PMTS", "WEB"
            elif "EFTPS" in d:
                continue
            else:
                entry, sec = ("ACH CREDIT", "CCD") if dirs[i] == "in" else ("ACH DEBIT", "WEB")
            desc[i] = f"{company} {entry} {sec} ID: {_stable_digits(company, 10)}"
        cpa_out = table.column("counterparty_account").to_pylist()
        for i in np.nonzero(is_p2p)[0].tolist():
            who = (cpn[i] or "").upper().split()
            short = f"{who[0]} {who[-1][:1]}" if len(who) > 1 else " ".join(who)
            way = "from" if dirs[i] == "in" else "to"
            desc[i] = f"Zelle payment {way} {short} Conf# {_stable_digits(str(i) + short, 9)}"
            cpn[i] = handle(i)
            cpa_out[i] = None
        table = _set(table, "counterparty_account", cpa_out)
    elif style == "european":
        cpa_out = table.column("counterparty_account").to_pylist()
        for i in range(n):
            if cpa[i] >= 0:
                cpa_out[i] = _spaced(account_ids[int(cpa[i])].as_py())
            elif cpa_out[i]:
                cpa_out[i] = _spaced(_iban("DE", "5001" + _stable_digits(cpa_out[i], 14)))
            d = (desc[i] or "").upper()
            who = (cpn[i] or "").upper()
            if "PAYROLL" in d:
                word = ("LOHN/GEHALT", "SALAIRE", "NOMINA")[int(cpa[i] % 3) if cpa[i] >= 0 else len(who) % 3]
                desc[i] = f"{word} {who}"
            elif is_ach[i]:
                desc[i] = f"SEPA-LASTSCHRIFT {who}" if dirs[i] == "out" else f"SEPA-GUTSCHRIFT {who}"
            elif chan[i] in ("p2p", "internal", "wire"):
                desc[i] = f"SEPA UEBERWEISUNG {who} {d[:20]}".strip()
        table = _set(table, "counterparty_account", cpa_out)
        booked = table.column("booked_at")
        if pa.types.is_timestamp(booked.type):
            table = _set(table, "booked_at", pc.floor_temporal(booked, unit="day"))
        else:
            table = _set(
                table,
                "booked_at",
                pc.binary_join_element_wise(pc.utf8_slice_codeunits(booked, 0, 10), "T00:00:00", ""),
            )
        table = _set(table, "currency", pa.array(["EUR"] * n, pa.string()))
    elif style == "latam":
        cpa_out = table.column("counterparty_account").to_pylist()
        ids = party_cols["id_number"].to_pylist()
        channel_out = list(chan)
        mcc = table.column("mcc").to_pylist()
        mer = table.column("merchant_name").to_pylist()
        amount = np.asarray(ev["cents"], dtype=np.int64)
        new_amount = amount.copy()
        for i in np.nonzero(is_p2p)[0].tolist():
            cp = int(cp_party[i])
            masked = (
                f"***.{ids[cp][4:11]}-**"
                if cp >= 0 and ids[cp]
                else f"***.{_stable_digits(cpn[i] or 'x', 3)}.{_stable_digits((cpn[i] or 'x') + '!', 3)}-**"
            )
            cpa_out[i] = masked
            desc[i] = f"PIX {'RECEBIDO' if dirs[i] == 'in' else 'ENVIADO'} - {(cpn[i] or '').upper()}"
        kind = np.asarray(party_cols["party_type"].to_pylist(), dtype=object)
        person_row = kind[own_party] == "person"
        to_cash = (chan == "card") & (dirs == "out") & person_row & (rng.random(n) < 0.25)
        for i in np.nonzero(to_cash)[0].tolist():
            channel_out[i] = "atm"
            mcc[i] = None
            mer[i] = None
            desc[i] = "SAQUE 24H"
            new_amount[i] = int(np.ceil(amount[i] / 1000.0) * 1000)
        wage_cash = is_ach & (dirs == "in") & (cpa < -1) & person_row & (own_party % 10 < 3)
        for i in np.nonzero(wage_cash)[0].tolist():
            if "PAYROLL" in (desc[i] or "").upper():
                channel_out[i] = "cash"
                cpa_out[i] = None
                cpn[i] = None
                desc[i] = "DEPOSITO EM DINHEIRO"
        for i in np.nonzero(is_ach)[0].tolist():
            d = (desc[i] or "").upper()
            if "PAYROLL" in d:
                desc[i] = f"SALARIO {(cpn[i] or '').upper()}"
            elif dirs[i] == "out":
                desc[i] = f"PAGAMENTO BOLETO {(cpn[i] or '').upper()}"
        table = _set(table, "counterparty_account", cpa_out)
        table = _set(table, "channel", list(channel_out))
        table = _set(table, "mcc", mcc)
        table = _set(table, "merchant_name", mer)
        buf = np.zeros((n, 2), dtype=np.int64)
        buf[:, 0] = new_amount
        table = _set(
            table, "amount", pa.Array.from_buffers(pa.decimal128(18, 2), n, [None, pa.py_buffer(buf)])
        )
    elif style == "neobank":
        cities = table.column("city").to_pylist()
        mer = table.column("merchant_name").to_pylist()
        for i in np.nonzero(chan == "card")[0].tolist():
            if not mer[i]:
                continue
            prefix = _DESCRIPTOR_PREFIX[int(_stable_digits(mer[i], 2)) % len(_DESCRIPTOR_PREFIX)]
            store = f" #{_stable_digits(mer[i] + (cities[i] or ''), 4)}" if not prefix else ""
            city = (cities[i] or "").upper()[:13]
            mer[i] = f"{prefix}{mer[i][:22]}{store} {city}".strip()
        table = _set(table, "merchant_name", mer)
        table = _set(table, "mcc", pa.nulls(n, pa.string()))
        cpa_out = table.column("counterparty_account").to_pylist()
        for i in np.nonzero(is_p2p)[0].tolist():
            cpn[i] = handle(i, cash_tag=True)
            cpa_out[i] = None
            desc[i] = "P2P TRANSFER"
        table = _set(table, "counterparty_account", cpa_out)
    elif style == "sparse_kyc":
        pass  # transactions as in the clean layout; only counterparty names follow the renamed businesses
    table = _set(table, "counterparty_name", cpn)
    table = _set(table, "description", desc)
    return table


def restyle_accounts(style: str, cols: dict[str, pa.Array]) -> dict[str, pa.Array]:
    if style == "neobank":
        n = len(cols["account_id"])
        return {**cols, "branch": pa.nulls(n, pa.string()), "branch_city": pa.nulls(n, pa.string())}
    if style == "european":
        n = len(cols["account_id"])
        return {**cols, "currency": pa.array(["EUR"] * n, pa.string())}
    return cols
