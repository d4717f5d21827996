"""Plain-English names of the merchant category codes (ISO 18245) investigators meet in trafficking cases.

A code such as 7297 means little on a screen; "massage parlours" is the red flag. Codes outside the
table are shown as the number with the range they belong to (airlines 3000-3350, hotels 3501-3999).
"""

from __future__ import annotations

MCC_NAMES = {
    "4111": "commuter transport",
    "4112": "passenger railways",
    "4121": "taxis and limousines",
    "4131": "bus lines",
    "4511": "airlines",
    "4722": "travel agencies",
    "4812": "telecom equipment",
    "4814": "telecom services",
    "4816": "computer network services",
    "4829": "money transfer",
    "5094": "precious stones and metals",
    "5311": "department stores",
    "5411": "grocery stores",
    "5541": "service stations",
    "5621": "women's clothing",
    "5812": "restaurants",
    "5813": "bars and nightclubs",
    "5814": "fast food",
    "5912": "drug stores",
    "5944": "jewellery and watches",
    "5961": "mail order",
    "5967": "direct marketing, inbound telemarketing",
    "5969": "direct marketing, other",
    "5977": "cosmetics",
    "5999": "miscellaneous retail",
    "6011": "cash withdrawal (ATM)",
    "6051": "quasi-cash, prepaid loads",
    "6540": "stored-value card loads",
    "7011": "hotels and motels",
    "7230": "beauty and barber shops",
    "7273": "dating and escort services",
    "7297": "massage parlours",
    "7298": "health and beauty spas",
    "7311": "advertising services",
    "7399": "business services",
    "7995": "betting and lotteries",
}


def mcc_name(code: str | None) -> str:
    """What a merchant category code means, or '' when there is no code."""
    if not code:
        return ""
    if code in MCC_NAMES:
        return MCC_NAMES[code]
    if code.isdigit():
        value = int(code)
        if 3000 <= value <= 3350:
            return "airline"
        if 3351 <= value <= 3500:
            return "car rental"
        if 3501 <= value <= 3999:
            return "hotel"
    return "other"
