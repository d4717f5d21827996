"""Static reference of the synthetic bank: cities, merchant categories, merchants, business kinds.

MCCs are real ISO 18245 codes (checked against the public greggles/mcc-codes list at development time; the
list is not shipped). Amount parameters are lognormal medians and spreads chosen to look like US card data;
they are plausible, not measured.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    name: str
    state: str
    zip3: str  # first three digits of its postal codes
    area_code: str


CITIES: tuple[City, ...] = (
    City("New York", "NY", "100", "212"),
    City("Los Angeles", "CA", "900", "213"),
    City("Chicago", "IL", "606", "312"),
    City("Houston", "TX", "770", "713"),
    City("Phoenix", "AZ", "850", "602"),
    City("Philadelphia", "PA", "191", "215"),
    City("San Antonio", "TX", "782", "210"),
    City("San Diego", "CA", "921", "619"),
    City("Dallas", "TX", "752", "214"),
    City("San Jose", "CA", "951", "408"),
    City("Austin", "TX", "787", "512"),
    City("Jacksonville", "FL", "322", "904"),
    City("Columbus", "OH", "432", "614"),
    City("Charlotte", "NC", "282", "704"),
    City("Indianapolis", "IN", "462", "317"),
    City("Seattle", "WA", "981", "206"),
    City("Denver", "CO", "802", "303"),
    City("Washington", "DC", "200", "202"),
    City("Boston", "MA", "021", "617"),
    City("Nashville", "TN", "372", "615"),
    City("Las Vegas", "NV", "891", "702"),
    City("Atlanta", "GA", "303", "404"),
    City("Miami", "FL", "331", "305"),
    City("Newark", "NJ", "071", "973"),
)
#: Relative population of each city (bigger cities hold more customers).
CITY_WEIGHTS: tuple[float, ...] = (
    8.0,
    4.0,
    2.7,
    2.3,
    1.6,
    1.6,
    1.4,
    1.4,
    1.3,
    1.0,
    1.0,
    0.9,
    0.9,
    0.9,
    0.9,
    0.8,
    0.7,
    0.7,
    0.7,
    0.7,
    0.6,
    0.6,
    0.5,
    0.3,
)


@dataclass(frozen=True)
class Category:
    """A spending category: its MCCs, merchants, amount model and usual hours."""

    key: str
    mccs: tuple[str, ...]
    merchants: tuple[str, ...]
    median: float  # USD
    sigma: float  # lognormal spread
    open_hour: int
    close_hour: int  # may exceed 24 (bars until 02:00 = 26)


CATEGORIES: tuple[Category, ...] = (
    Category(
        "grocery",
        ("5411",),
        (
            "SAFEWAY",
            "KROGER",
            "WHOLE FOODS MKT",
            "ALDI",
            "PUBLIX",
            "H-E-B",
            "TRADER JOE'S",
            "FOOD LION",
            "WEGMANS",
            "LA MICHOACANA MKT",
            "H MART",
            "99 RANCH MARKET",
        ),
        48.0,
        0.7,
        7,
        22,
    ),
    Category(
        "convenience", ("5499",), ("7-ELEVEN", "CIRCLE K", "WAWA", "QUICK STOP MARKET"), 9.0, 0.6, 0, 24
    ),
    Category(
        "restaurant",
        ("5812",),
        (
            "OLIVE GARDEN",
            "CHILI'S",
            "PANERA BREAD",
            "TAQUERIA EL SOL",
            "PHO SAIGON",
            "GOLDEN DRAGON",
            "THE CAPITAL GRILLE",
            "DENNY'S",
            "IHOP",
            "SEOUL GARDEN BBQ",
        ),
        34.0,
        0.6,
        11,
        22,
    ),
    Category(
        "fast_food",
        ("5814",),
        (
            "MCDONALD'S",
            "TACO BELL",
            "WENDY'S",
            "BURGER KING",
            "CHICK-FIL-A",
            "SUBWAY",
            "POPEYES",
            "JACK IN THE BOX",
        ),
        11.0,
        0.45,
        6,
        24,
    ),
    Category(
        "fuel",
        ("5541", "5542"),
        ("SHELL OIL", "CHEVRON", "EXXONMOBIL", "BP", "SPEEDWAY", "VALERO"),
        42.0,
        0.4,
        5,
        23,
    ),
    Category("pharmacy", ("5912",), ("CVS/PHARMACY", "WALGREENS", "RITE AID"), 18.0, 0.7, 8, 22),
    Category(
        "department",
        ("5311", "5310", "5331"),
        ("TARGET", "WALMART", "MACY'S", "KOHL'S", "DOLLAR TREE", "TJ MAXX"),
        45.0,
        0.8,
        9,
        21,
    ),
    Category(
        "clothing",
        ("5651", "5691", "5621", "5661"),
        ("OLD NAVY", "H&M", "GAP", "ROSS STORES", "FOOT LOCKER", "FOREVER 21"),
        52.0,
        0.7,
        10,
        21,
    ),
    Category(
        "electronics", ("5732", "5045"), ("BEST BUY", "APPLE STORE", "MICRO CENTER"), 120.0, 0.9, 10, 21
    ),
    Category("home", ("5200",), ("HOME DEPOT", "LOWE'S", "IKEA"), 75.0, 0.9, 7, 21),
    Category("taxi", ("4121",), ("UBER TRIP", "LYFT RIDE", "YELLOW CAB"), 19.0, 0.5, 0, 24),
    Category("transit", ("4111",), ("MTA NYCT", "METRO TRANSIT", "CLIPPER"), 6.0, 0.5, 5, 24),
    Category("cinema", ("7832",), ("AMC THEATRES", "REGAL CINEMAS"), 28.0, 0.4, 12, 24),
    Category(
        "digital",
        ("5815", "5816", "5817", "5818"),
        ("NETFLIX.COM", "SPOTIFY", "APPLE.COM/BILL", "GOOGLE *PLAY", "STEAM PURCHASE"),
        12.0,
        0.5,
        0,
        24,
    ),
    Category(
        "health",
        ("8011", "8021", "8062"),
        ("CITY MEDICAL GROUP", "BRIGHT SMILE DENTAL", "MERCY HOSPITAL"),
        90.0,
        0.9,
        8,
        18,
    ),
    Category("beauty", ("7230",), ("SUPERCUTS", "GREAT CLIPS", "LUXE NAILS & SPA"), 35.0, 0.5, 9, 20),
    Category("cosmetics", ("5977",), ("SEPHORA", "ULTA BEAUTY", "SALLY BEAUTY"), 32.0, 0.6, 10, 21),
    Category("bar", ("5813",), ("THE RUSTY NAIL", "O'MALLEY'S PUB", "SKYLINE LOUNGE"), 38.0, 0.6, 17, 26),
    Category(
        "telecom",
        ("4814",),
        ("T-MOBILE", "VERIZON WRLS", "AT&T", "BOOST MOBILE", "CRICKET WIRELESS"),
        30.0,
        0.35,
        8,
        22,
    ),
    Category("books", ("5192", "5942"), ("BARNES & NOBLE", "CAMPUS BOOKSTORE"), 24.0, 0.6, 9, 21),
    Category("pets", ("5995",), ("PETSMART", "PETCO"), 36.0, 0.6, 9, 21),
    Category("auto", ("5533", "7538"), ("AUTOZONE", "JIFFY LUBE", "PEP BOYS"), 65.0, 0.8, 8, 19),
    Category("liquor", ("5921",), ("TOTAL WINE", "BEVMO", "CORNER LIQUOR"), 28.0, 0.6, 10, 23),
    Category("gym", ("7997",), ("PLANET FITNESS", "24 HOUR FITNESS", "LA FITNESS"), 25.0, 0.3, 5, 23),
)
CATEGORY_INDEX: dict[str, int] = {c.key: i for i, c in enumerate(CATEGORIES)}

#: Everyday spending mix of an ordinary person (share of card purchases per category).
EVERYDAY_MIX: dict[str, float] = {
    "grocery": 0.2,
    "convenience": 0.06,
    "restaurant": 0.1,
    "fast_food": 0.11,
    "fuel": 0.09,
    "pharmacy": 0.05,
    "department": 0.08,
    "clothing": 0.04,
    "electronics": 0.015,
    "home": 0.03,
    "taxi": 0.03,
    "transit": 0.03,
    "cinema": 0.015,
    "digital": 0.05,
    "health": 0.015,
    "beauty": 0.02,
    "cosmetics": 0.015,
    "bar": 0.02,
    "books": 0.01,
    "pets": 0.015,
    "auto": 0.015,
    "liquor": 0.015,
    "gym": 0.01,
}

# Scheme and look-alike merchants (used by the generators directly, not by the everyday mix).
HOTEL_CHAINS: tuple[tuple[str, str], ...] = (
    ("3501", "HOLIDAY INN EXPRESS"),
    ("3502", "BEST WESTERN"),
    ("3504", "HILTON HOTELS"),
    ("3509", "MARRIOTT"),
    ("3710", "RITZ-CARLTON"),
    ("3665", "HAMPTON INN"),
    ("7011", "HYATT REGENCY"),
    ("7011", "COURTYARD BY MARRIOTT"),
)
MOTELS: tuple[tuple[str, str], ...] = (
    ("7011", "ECONO LODGE"),
    ("7011", "MOTEL 6"),
    ("7011", "SUPER 8 MOTEL"),
    ("7011", "RED ROOF INN"),
    ("7011", "STAR INN MOTEL"),
    ("7011", "BUDGET HOST INN"),
    ("7011", "AMERICAS BEST VALUE INN"),
)
AIRLINES: tuple[tuple[str, str], ...] = (
    ("3000", "UNITED AIRLINES"),
    ("3058", "DELTA AIR LINES"),
    ("3001", "AMERICAN AIRLINES"),
    ("3066", "SOUTHWEST AIRLINES"),
    ("4511", "SPIRIT AIRLINES"),
    ("4511", "JETBLUE AIRWAYS"),
)
BUSES: tuple[tuple[str, str], ...] = (("4131", "GREYHOUND LINES"), ("4131", "FLIXBUS"), ("4112", "AMTRAK"))
#: Classified/escort advertising merchants: invented names; the last two are based abroad.
AD_SITES: tuple[tuple[str, str, str], ...] = (
    ("7311", "NIGHTLIST CLASSIFIEDS", "US"),
    ("5969", "ADPOST ONLINE", "US"),
    ("4816", "QUICKHOST WEB SVCS", "US"),
    ("7311", "CITYPAGES PERSONALS", "US"),
    ("7311", "EUROADS MEDIA BV", "NL"),
    ("5969", "TOPLIST ADS LTD", "CY"),
)
#: Ordinary ad buyers (online sellers, realtors) use mainstream platforms.
MAINSTREAM_ADS: tuple[tuple[str, str], ...] = (
    ("7311", "FACEBK *ADS"),
    ("7311", "GOOGLE *ADS"),
    ("7311", "NEXTDOOR ADS"),
    ("7311", "CRAIGSLIST.ORG"),
)
PREPAID: tuple[tuple[str, str], ...] = (
    ("6051", "VANILLA PREPAID LOAD"),
    ("6051", "GREEN DOT RELOAD"),
    ("6051", "NETSPEND RELOAD"),
    ("6051", "ONEVANILLA GIFT"),
)
GAMBLING: tuple[tuple[str, str], ...] = (
    ("7995", "MGM GRAND CASINO"),
    ("7995", "DRAFTKINGS"),
    ("7995", "STATE LOTTERY"),
)
LUXURY: tuple[tuple[str, str], ...] = (
    ("5944", "KAY JEWELERS"),
    ("5944", "ROLEX BOUTIQUE"),
    ("5094", "DIAMOND DISTRICT GOLD"),
)
RECRUITMENT: tuple[tuple[str, str], ...] = (
    ("7361", "GLOBAL WORKFORCE PLACEMENT"),
    ("7361", "ROBERT HALF"),
    ("7361", "INDEED JOB POSTING"),
)
MONEY_TRANSFER: tuple[tuple[str, str], ...] = (
    ("4829", "WESTERN UNION"),
    ("4829", "MONEYGRAM"),
    ("4829", "REMITLY"),
    ("4829", "XOOM"),
)

#: Remittance corridors of immigrants (ordinary, benign) and high-risk corridors used by schemes.
HIGH_RISK_CORRIDORS: tuple[str, ...] = ("CN", "TH", "HK", "KR", "MX", "CO", "VN", "PH")
RECRUITMENT_COUNTRIES: tuple[str, ...] = ("PH", "NP", "BD", "IN", "ID")


@dataclass(frozen=True)
class BusinessKind:
    """A kind of business customer: what it sells, how it is paid and whom it employs."""

    key: str
    industry: str
    naics: str
    mcc: str
    open_hour: int
    close_hour: int  # may exceed 24
    card_sales_per_day: float  # 0 = no card acquiring
    ticket: float  # median card ticket
    cash_deposits_per_month: float
    cash_deposit: float  # median cash deposit
    names: tuple[str, ...]
    occupations: tuple[str, ...]
    weight: float


BUSINESS_KINDS: tuple[BusinessKind, ...] = (
    BusinessKind(
        "restaurant",
        "Restaurant",
        "722511",
        "5812",
        11,
        22,
        40,
        35,
        8,
        1800,
        ("Casa Jalisco", "Golden Wok", "Blue Plate Diner", "Pho Hoa", "Bella Napoli", "Taj Palace"),
        ("cook", "server", "dishwasher", "line cook"),
        3.0,
    ),
    BusinessKind(
        "bar",
        "Bar and nightclub",
        "722410",
        "5813",
        17,
        26,
        30,
        42,
        6,
        1500,
        ("The Velvet Room", "Dockside Tavern", "Neon Nights Lounge"),
        ("bartender", "bouncer"),
        1.0,
    ),
    BusinessKind(
        "grocery",
        "Grocery store",
        "445110",
        "5411",
        7,
        22,
        60,
        38,
        8,
        2500,
        ("Fresh Valley Market", "Mi Tierra Supermercado", "Lucky Asian Market"),
        ("cashier", "stocker"),
        1.5,
    ),
    BusinessKind(
        "construction",
        "Residential construction",
        "236118",
        "1520",
        7,
        17,
        0,
        0,
        0.5,
        3000,
        ("Summit Builders LLC", "Ironclad Construction", "Pioneer Framing Inc"),
        ("construction worker", "carpenter", "laborer"),
        2.0,
    ),
    BusinessKind(
        "landscaping",
        "Landscaping services",
        "561730",
        "0780",
        7,
        18,
        0,
        0,
        1,
        1500,
        ("GreenEdge Landscaping", "Evergreen Lawn Care"),
        ("landscaper", "groundskeeper"),
        1.0,
    ),
    BusinessKind(
        "cleaning",
        "Janitorial services",
        "561720",
        "7349",
        6,
        20,
        0,
        0,
        0.5,
        1200,
        ("Sparkle Janitorial", "ProClean Services", "Brightway Cleaning"),
        ("cleaner", "janitor"),
        1.0,
    ),
    BusinessKind(
        "hospital",
        "General hospital",
        "622110",
        "8062",
        0,
        24,
        0,
        0,
        0,
        0,
        ("St. Mary Medical Center", "Riverside General Hospital"),
        ("nurse", "orderly", "technician"),
        1.0,
    ),
    BusinessKind(
        "software",
        "Software publisher",
        "513210",
        "5734",
        9,
        18,
        0,
        0,
        0,
        0,
        ("Brightlogic Software Inc", "Cloudnest Systems"),
        ("software engineer", "analyst"),
        1.0,
    ),
    BusinessKind(
        "trucking",
        "General freight trucking",
        "484121",
        "4214",
        0,
        24,
        0,
        0,
        0,
        0,
        ("Interstate Haulers", "Redline Freight"),
        ("truck driver", "dispatcher"),
        1.0,
    ),
    BusinessKind(
        "warehouse",
        "Warehousing and storage",
        "493110",
        "4225",
        0,
        24,
        0,
        0,
        0,
        0,
        ("Metro Logistics Center", "Prime Fulfillment LLC"),
        ("warehouse associate", "forklift operator"),
        1.0,
    ),
    BusinessKind(
        "nail_salon",
        "Nail salon",
        "812113",
        "7230",
        9,
        20,
        18,
        45,
        6,
        900,
        ("Luxe Nails & Spa", "Pretty Polish", "Diamond Nails"),
        ("nail technician",),
        1.2,
    ),
    BusinessKind(
        "spa",
        "Day spa",
        "812199",
        "7298",
        9,
        21,
        14,
        85,
        3,
        700,
        ("Serenity Day Spa", "Lotus Wellness Spa", "Harmony Massage Therapy"),
        ("massage therapist", "esthetician"),
        0.8,
    ),
    BusinessKind(
        "staffing",
        "Temporary help services",
        "561320",
        "7361",
        8,
        18,
        0,
        0,
        0,
        0,
        ("Reliable Staffing Solutions", "PeopleFirst Temps", "LaborReady Partners"),
        ("temporary worker", "warehouse associate", "general laborer"),
        0.6,
    ),
)
BUSINESS_INDEX: dict[str, int] = {b.key: i for i, b in enumerate(BUSINESS_KINDS)}

#: Employers outside the bank (persons get payroll from them as external ACH).
EXTERNAL_EMPLOYERS: tuple[tuple[str, str], ...] = (
    ("AMAZON.COM SERVICES LLC", "warehouse associate"),
    ("WALMART INC", "sales associate"),
    ("KAISER PERMANENTE", "registered nurse"),
    ("UNITED PARCEL SERVICE", "package handler"),
    ("TARGET CORP", "team member"),
    ("HOME DEPOT USA", "sales associate"),
    ("CITY OF {city}", "clerk"),
    ("{city} UNIFIED SCHOOL DIST", "teacher"),
    ("DELOITTE LLP", "consultant"),
    ("JPMORGAN CHASE", "analyst"),
    ("MARRIOTT INTERNATIONAL", "housekeeper"),
    ("STARBUCKS CORP", "barista"),
    ("FEDEX GROUND", "driver"),
    ("ALLIED UNIVERSAL", "security officer"),
    ("HCA HEALTHCARE", "nurse"),
    ("ACCENTURE LLP", "consultant"),
    ("COSTCO WHOLESALE", "stocker"),
    ("STATE OF {state}", "administrator"),
    ("PWC LLP", "auditor"),
)
NIGHT_SHIFT_EMPLOYERS: tuple[tuple[str, str], ...] = (
    ("KAISER PERMANENTE", "night nurse"),
    ("ALLIED UNIVERSAL", "night security officer"),
    ("AMAZON.COM SERVICES LLC", "night shift associate"),
    ("HCA HEALTHCARE", "ICU nurse"),
)
TIPPED_OCCUPATIONS: tuple[str, ...] = ("server", "bartender", "hair braider", "valet", "delivery driver")
TRAVEL_EMPLOYERS: tuple[tuple[str, str], ...] = (
    ("DELOITTE LLP", "management consultant"),
    ("ACCENTURE LLP", "consultant"),
    ("SALESFORCE INC", "account executive"),
    ("MEDTRONIC USA", "sales representative"),
    ("PWC LLP", "senior auditor"),
)
LANDLORDS: tuple[str, ...] = (
    "GREYSTAR RESIDENTIAL",
    "EQUITY RESIDENTIAL",
    "AVALONBAY COMMUNITIES",
    "LINCOLN PROPERTY CO",
    "SUNRISE APARTMENTS LLC",
    "OAKWOOD PROPERTY MGMT",
)
MORTGAGE_SERVICERS: tuple[str, ...] = ("ROCKET MORTGAGE", "WELLS FARGO HOME MTG", "MR. COOPER")
UTILITIES: tuple[tuple[str, str], ...] = (
    ("4900", "CON EDISON"),
    ("4900", "PG&E"),
    ("4900", "DUKE ENERGY"),
    ("4900", "CITY WATER DEPT"),
    ("4899", "COMCAST XFINITY"),
    ("4899", "SPECTRUM"),
)
SUPPLIERS: tuple[str, ...] = (
    "SYSCO FOOD SERVICES",
    "US FOODS",
    "ULINE",
    "GRAINGER",
    "FERGUSON SUPPLY",
    "BUILDERS FIRSTSOURCE",
    "SALLY BEAUTY SUPPLY",
    "CINTAS CORP",
    "STAPLES BUSINESS",
)
UNIVERSITIES: tuple[str, ...] = ("STATE UNIVERSITY", "CITY COLLEGE", "COMMUNITY COLLEGE")
