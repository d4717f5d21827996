"""A synthetic bank and NGO list with known overlaps and realistic differences, for the demo and benchmark.

The NGO writes what a caseworker hears: national phone formats, e-mail in another case with spaces, names
with a typo or in another order and without accents, IBANs with spaces, fields left blank. The truth file
says which record is which bank party, so recall and precision can be measured (benchmarks/bench_sharing.py).
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa

from chainbreaker.core.contract import ACCOUNTS, PARTIES, TRANSACTIONS, ddl
from chainbreaker.core.workspace import Workspace
from chainbreaker.sharing.records import RECORD_COLUMNS, Category

_FIRST = (
    "Maria",
    "José",
    "Ana",
    "Luis",
    "Olena",
    "Irina",
    "Mohammed",
    "Fatima",
    "Nguyen",
    "Chen",
    "Ewa",
    "Joanna",
    "Kwame",
    "Amara",
    "Sofia",
    "Andrei",
    "Elena",
    "Ioana",
    "Thi",
    "Rahul",
    "Priya",
    "Jean",
    "Marta",
    "Łukasz",
    "Zoë",
    "Agnieszka",
    "Oluwaseun",
    "Grace",
    "Daniel",
    "Hannah",
)
_LAST = (
    "García",
    "Silva",
    "Santos",
    "Kowalski",
    "Nowak",
    "Popescu",
    "Ionescu",
    "Petrenko",
    "Shevchenko",
    "Nguyen",
    "Tran",
    "Mensah",
    "Okafor",
    "Haddad",
    "Rahman",
    "Khan",
    "Ferreira",
    "Oliveira",
    "Müller",
    "Smith",
    "Jones",
    "Brown",
    "Dubois",
    "Moreau",
    "Rossi",
    "Bianchi",
    "Kim",
    "Park",
    "Wang",
    "Li",
)
#: Syllables for the long tail of names: a real population has a few very common names and a great many rare
#: ones; drawing only from the 30 x 30 lists above made name + birth-date collisions between different
#: people far more frequent than in a real customer base (precision 0.973 at 200,000 parties).
_ONSETS: tuple[str, ...] = ("b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "ch")
_ONSETS += ("sh", "br", "kr", "tr", "st", "gr", "dr", "j", "y", "w", "sl", "pr")
_VOWELS = ("a", "e", "i", "o", "u", "ia", "ei", "ou", "ai", "a", "e", "o")
_CODAS = ("", "", "", "n", "r", "s", "l", "k", "m", "nd", "rt", "sk", "v", "z", "ng")
_STREETS = ("High Street", "Station Road", "Rua Augusta", "Calle Mayor", "Church Lane", "Mill Road")
_CITIES = (("GB", "London"), ("BR", "São Paulo"), ("ES", "Madrid"))
_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "proton.me", "example.org")


@dataclass(frozen=True)
class World:
    workspace: Workspace
    records_csv: Path
    truth_csv: Path  # record_id, party_id of each true overlap (customers, and payers of a counterparty)


def _phone(rng: random.Random, country: str) -> tuple[str, str]:
    """(E.164 the bank stores, a national format an NGO might write)."""
    if country == "GB":
        digits = f"79{rng.randrange(10**8):08d}"
        return f"+44{digits}", rng.choice(
            [f"0{digits[:4]} {digits[4:]}", f"0044 {digits}", f"+44-{digits[:4]}-{digits[4:]}"]
        )
    if country == "BR":
        digits = f"119{rng.randrange(10**8):08d}"
        return f"+55{digits}", rng.choice([f"(11) 9{digits[3:7]}-{digits[7:]}", f"+55 11 9{digits[3:]}"])
    digits = f"6{rng.randrange(10**8):08d}"
    return f"+34{digits}", rng.choice([f"{digits[:3]} {digits[3:6]} {digits[6:]}", f"0034{digits}"])


def _unique_phone(rng: random.Random, country: str, used: set[str]) -> tuple[str, str]:
    """A phone number nobody else in the world holds: one number is one person here, as the truth file says.

    Drawing freely from a 10^8 range gave about 0.3% of the NGO's other records the number of some bank
    customer at 1M parties, which the truth file then counted as false matches (precision 0.989).
    """
    while True:
        e164, national = _phone(rng, country)
        if e164 not in used:
            used.add(e164)
            return e164, national


def _iban(rng: random.Random) -> str:
    """A German IBAN with correct check digits (mod 97)."""
    bban = f"{rng.randrange(10**8):08d}{rng.randrange(10**10):010d}"
    check = 98 - int(bban + "131400") % 97
    return f"DE{check:02d}{bban}"


def _made_up(rng: random.Random, syllables: int) -> str:
    parts = [rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)]
    return ("".join(parts) + rng.choice(_CODAS)).capitalize()


def _person_name(rng: random.Random) -> str:
    """A common given name 40% of the time and a common family name 25% of the time, else a rare one."""
    first = rng.choice(_FIRST) if rng.random() < 0.4 else _made_up(rng, rng.choice((2, 2, 3)))
    last = rng.choice(_LAST) if rng.random() < 0.25 else _made_up(rng, rng.choice((2, 3, 3, 4)))
    if rng.random() < 0.3:
        middle = rng.choice(_FIRST) if rng.random() < 0.5 else _made_up(rng, 2)
        return f"{first} {middle} {last}"
    return f"{first} {last}"


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + rng.choice("aeioun") + word[i + 1 :]


def _ngo_name(rng: random.Random, name: str) -> str:
    tokens = name.split(" ")
    roll = rng.random()
    if roll < 0.25:
        tokens = tokens[::-1]
    elif roll < 0.45:
        j = rng.randrange(len(tokens))
        tokens[j] = _typo(rng, tokens[j])
    elif roll < 0.6:
        tokens = [t.upper() for t in tokens]
    return " ".join(tokens)


def _ngo_email(rng: random.Random, mail: str) -> str:
    local, domain = mail.split("@")
    roll = rng.random()
    if roll < 0.3:
        return f" {mail.upper()} "
    if roll < 0.5 and domain == "gmail.com":
        return f"{local[:2]}.{local[2:]}+help@{domain}"
    return mail


def make_world(folder: Path, n_parties: int, n_records: int, overlap: float = 0.3, seed: int = 7) -> World:
    """Write a bank workspace (parties, accounts, transactions) and an NGO RECORDS.csv with known overlaps."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    ws = Workspace(folder / "bank")
    ws.root.mkdir(parents=True, exist_ok=True)
    parties: dict[str, list[object]] = {c: [] for c in PARTIES.column_names}
    accounts: dict[str, list[object]] = {c: [] for c in ACCOUNTS.column_names}
    ibans: list[str] = []
    phones: set[str] = set()
    people: list[tuple[str, str, date, str, str, str, str, str]] = []
    for i in range(n_parties):
        country, city = _CITIES[i % 3]
        name = _person_name(rng)
        first, last = name.split(" ")[0], name.split(" ")[-1]
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(16000))
        e164, national = _unique_phone(rng, country, phones)
        mail = f"{first.lower()[:3]}{last.lower()[:4]}{i}@{rng.choice(_DOMAINS)}".encode(
            "ascii", "ignore"
        ).decode()
        iban = _iban(rng)
        pid = f"P{i:07d}"
        row = {
            "party_id": pid,
            "party_type": "person",
            "name": name,
            "date_of_birth": born,
            "country": country,
            "address": f"{rng.randrange(1, 200)} {rng.choice(_STREETS)}",
            "city": city,
            "phone": e164,
            "email": mail,
            "id_number": None,
        }
        for column in PARTIES.column_names:
            parties[column].append(row.get(column))
        for column, value in (
            ("account_id", iban),
            ("party_id", pid),
            ("account_type", "checking"),
            ("opened_at", date(2020, 1, 1)),
            ("currency", "EUR"),
        ):
            accounts[column].append(value)
        for column in ACCOUNTS.column_names:
            if len(accounts[column]) < len(accounts["account_id"]):
                accounts[column].append(None)
        ibans.append(iban)
        people.append((pid, name, born, e164, national, mail, iban, country))
    con = ws.connect()
    try:
        for table, data in ((PARTIES, parties), (ACCOUNTS, accounts)):
            con.execute(ddl(table))
            arrow = pa.table(data)  # noqa: F841 - read by DuckDB's replacement scan below
            con.execute(f"INSERT INTO {table.name} SELECT * FROM arrow")
        con.execute(ddl(TRANSACTIONS))
    finally:
        con.close()
    payments: list[tuple[str, str]] = []  # (payer party index, counterparty IBAN of an NGO record)
    n_true = min(int(n_records * overlap), n_parties)
    chosen = rng.sample(range(n_parties), n_true)
    categories = list(Category)
    records_csv, truth_csv = folder / "records.csv", folder / "truth.csv"
    with (
        records_csv.open("w", newline="", encoding="utf-8") as rec,
        truth_csv.open("w", newline="", encoding="utf-8") as tru,
    ):
        writer, truth = csv.DictWriter(rec, RECORD_COLUMNS), csv.writer(tru)
        writer.writeheader()
        truth.writerow(["record_id", "party_id"])
        for k in range(n_records):
            rid = f"R{k:07d}"
            category = categories[k % len(categories)]
            row = {
                "record_id": rid,
                "category": category.value,
                "confidence": "0.8",
                "reported_on": "2026-06-01",
                "expires": "2099-01-01",
            }
            if k < n_true:
                pid, name, born, _e164, national, mail, iban, country = people[chosen[k]]
                truth.writerow([rid, pid])
                fields = {
                    "name": _ngo_name(rng, name),
                    "date_of_birth": born.isoformat() if rng.random() < 0.5 else born.strftime("%d/%m/%Y"),
                    "phone": national,
                    "phone_region": country,
                    "email": _ngo_email(rng, mail),
                    "account": " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)).lower(),
                }
                kept = [f for f in ("phone", "email", "account", "name") if rng.random() < 0.6]
                if not kept:
                    kept = [rng.choice(("phone", "email", "account", "name"))]
                for f in kept:
                    row[f] = fields[f]
                    if f == "name":
                        row["date_of_birth"] = fields["date_of_birth"]
                    if f == "phone":
                        row["phone_region"] = country
            else:
                country = _CITIES[k % 3][0]
                _e164, national = _unique_phone(rng, country, phones)
                if category is Category.SUSPECTED_CONTROLLER and len(payments) < max(1, n_records // 50):
                    payer = rng.randrange(n_parties)
                    row["account"] = _iban(rng)
                    payments.append((people[payer][0], str(row["account"])))
                    truth.writerow([rid, people[payer][0]])
                    writer.writerow(row)
                    continue
                row.update(
                    {
                        "name": _person_name(rng),
                        "date_of_birth": (
                            date(1960, 1, 1) + timedelta(days=rng.randrange(16000))
                        ).isoformat(),
                        "phone": national,
                        "phone_region": country,
                        "email": f"x{k}.{rng.randrange(10**6)}@{rng.choice(_DOMAINS)}",
                        "account": _iban(rng),
                    }
                )
            writer.writerow(row)
    _write_payments(ws, payments)
    return World(ws, records_csv, truth_csv)


def _write_payments(ws: Workspace, payments: list[tuple[str, str]]) -> None:
    """Wires from bank customers to counterparty accounts an NGO knows (a counterparty match)."""
    data: dict[str, list[object]] = {c: [] for c in TRANSACTIONS.column_names}
    con = ws.connect()
    try:
        accounts = dict(con.execute("SELECT party_id, account_id FROM accounts").fetchall())
        for n, (party_id, iban) in enumerate(payments):
            row = {
                "txn_id": f"T{n:07d}",
                "account_id": accounts[party_id],
                "booked_at": date(2026, 5, 1),
                "amount": 950.0,
                "currency": "EUR",
                "direction": "out",
                "channel": "wire",
                "counterparty_account": iban,
                "counterparty_name": "Somebody",
            }
            for column in TRANSACTIONS.column_names:
                data[column].append(row.get(column))
        arrow = pa.table(data)  # noqa: F841 - read by DuckDB's replacement scan below
        con.execute("INSERT INTO transactions SELECT * FROM arrow")
    finally:
        con.close()
