"""Tracking-number formats: what each family looks like, which carrier issues it, how its check
digit works, and how much a match alone says.

Sources are public format descriptions (UPU S10, GS1, USPS Publication 199, carriers' label
specifications as summarised by the open "tracking number data" project and by paketda.de);
no code is copied. A format whose family has no public check digit has ``check=None`` and its
candidates carry ``check_digit_ok=None``.

``specificity`` orders candidates that are equally verified: a fixed prefix (1Z, TBA, YT) says
more than a length. ``needs_context`` marks bare runs of digits that are as often an order,
a phone or an account number: in free text they count only next to a tracking word or a
carrier's name (see ``text.py``); looked up on their own they are still offered.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from logistics.tracking_numbers import checksums

# ISO 3166-1 alpha-2: an S10 number ends in the code of the issuing postal operator's country.
ISO_COUNTRIES = frozenset(
    re.findall(
        r"[A-Z]{2}",
        """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
    BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
    EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
    HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
    LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
    NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW""",
    )
)

# The designated postal operator of each country the registry knows; any other country's
# S10 number goes to the generic "postal" carrier.
S10_OPERATORS = {
    "CN": "china-post",
    "HK": "hongkong-post",
    "GB": "royal-mail",
    "DE": "deutsche-post",
    "FR": "la-poste",
    "NL": "postnl",
    "JP": "japan-post",
    "AU": "australia-post",
    "CA": "canada-post",
    "US": "usps",
    "KR": "korea-post",
    "SG": "singapore-post",
    "CH": "swiss-post",
    "SE": "postnord",
    "DK": "postnord",
    "IT": "poste-italiane",
    "ES": "correos",
    "IE": "an-post",
    "IN": "india-post",
    "BR": "correios",
}


Check = Callable[[re.Match[str]], bool]
Carriers = Callable[[re.Match[str]], tuple[str, ...]]


@dataclass(frozen=True)
class TrackingFormat:
    key: str
    name: str
    pattern: re.Pattern[str]  # matched in full against the normalised number
    carriers: tuple[str, ...] | Carriers
    check: Check | None = None  # None: the family has no (public) check digit
    specificity: int = 50  # 0-100
    needs_context: bool = False
    # The number a carrier's tracking page takes, when it is not the whole match
    # (USPS 420+ZIP routing prefix, the DPD parcel number inside the full barcode).
    number_group: str | None = None

    def carriers_for(self, match: re.Match[str]) -> tuple[str, ...]:
        return self.carriers(match) if callable(self.carriers) else self.carriers

    def number_for(self, match: re.Match[str]) -> str:
        return match.group(self.number_group) if self.number_group else match.group(0)


def _digit_check(algorithm: Callable[[str], int], body: str = "body", check: str = "check") -> Check:
    def verify(match: re.Match[str]) -> bool:
        return algorithm(match.group(body)) == int(match.group(check))

    return verify


def _prefixed_gs1(prefix: str) -> Check:
    """20-digit IMpb numbers printed without their 2-digit application identifier."""

    def verify(match: re.Match[str]) -> bool:
        return checksums.gs1_mod10(prefix + match.group("body")) == int(match.group("check"))

    return verify


def _s10_check(match: re.Match[str]) -> bool:
    return checksums.s10(match.group("serial")) == int(match.group("check"))


def _s10_carriers(match: re.Match[str]) -> tuple[str, ...]:
    service, country = match.group("service"), match.group("country")
    if country == "CN" and service.startswith("E"):
        return ("china-ems", "china-post")
    if country == "DE" and service[0] in "CV":
        return ("dhl-paket", "deutsche-post")  # parcels, not letters
    return (S10_OPERATORS.get(country, "postal"),)


def _ups_check(match: re.Match[str]) -> bool:
    check = match.group("check")
    return check.isdigit() and checksums.ups(match.group("body")) == int(check)


def _mod37_36_check(match: re.Match[str]) -> bool:
    return checksums.mod37_36(match.group("body")) == match.group("check")


def _p(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


_S10_COUNTRY = "(?P<country>" + "|".join(sorted(ISO_COUNTRIES)) + ")"

FORMATS: tuple[TrackingFormat, ...] = (
    # --- Universal Postal Union ---------------------------------------------------------
    TrackingFormat(
        "upu-s10",
        "UPU S10 (international post)",
        _p(rf"(?P<service>[A-Z]{{2}})(?P<serial>\d{{8}})(?P<check>\d){_S10_COUNTRY}"),
        _s10_carriers,
        _s10_check,
        specificity=90,
    ),
    # --- UPS --------------------------------------------------------------------------------
    TrackingFormat(
        "ups-1z", "UPS 1Z", _p(r"1Z(?P<body>[A-Z0-9]{15})(?P<check>[A-Z0-9])"), ("ups",), _ups_check, 100
    ),
    TrackingFormat("ups-t", "UPS freight / InfoNotice (T + 10)", _p(r"T\d{10}"), ("ups",), None, 40, True),
    # --- FedEx ------------------------------------------------------------------------------
    TrackingFormat(
        "fedex-express-12",
        "FedEx Express (12 digits)",
        _p(r"(?P<body>\d{11})(?P<check>\d)"),
        ("fedex",),
        _digit_check(checksums.weighted_mod11_mod10),
        20,
        True,
    ),
    TrackingFormat(
        "fedex-ground-15",
        "FedEx Ground (15 digits)",
        _p(r"(?P<body>\d{14})(?P<check>\d)"),
        ("fedex",),
        _digit_check(checksums.gs1_mod10),
        20,
        True,
    ),
    TrackingFormat(
        "fedex-ground-96",
        "FedEx Ground 96 (22 digits)",
        _p(r"96\d{5}(?P<body>\d{14})(?P<check>\d)"),
        ("fedex",),
        _digit_check(checksums.gs1_mod10),
        70,
    ),
    TrackingFormat(
        "fedex-ground-gsn-34",
        "FedEx Ground GSN (34 digits)",
        _p(r"96\d{18}(?P<body>\d{13})(?P<check>\d)"),
        ("fedex",),
        _digit_check(checksums.weighted_mod11_mod10),
        70,
    ),
    TrackingFormat(
        "fedex-express-34",
        "FedEx Express (34 digits)",
        _p(r"100\d{17}(?P<body>\d{13})(?P<check>\d)"),
        ("fedex",),
        _digit_check(checksums.weighted_mod11_mod10),
        70,
    ),
    TrackingFormat("fedex-door-tag", "FedEx door tag", _p(r"DT\d{12}"), ("fedex",), None, 70),
    TrackingFormat(
        "fedex-smartpost-20",
        "FedEx SmartPost / Ground Economy (20 digits, 92 implied)",
        _p(r"(?P<body>\d{19})(?P<check>\d)"),
        ("fedex",),
        _prefixed_gs1("92"),
        20,
        True,
    ),
    # --- USPS -------------------------------------------------------------------------------
    TrackingFormat(
        "usps-impb-22",
        "USPS IMpb (22 digits)",
        _p(r"(?P<body>9[1-5]\d{19})(?P<check>\d)"),
        lambda m: ("usps", "fedex") if m.group(0).startswith("92") else ("usps",),
        _digit_check(checksums.gs1_mod10),
        70,
    ),
    TrackingFormat(
        "usps-impb-26",
        "USPS IMpb (26 digits)",
        _p(r"(?P<body>9[1-5]\d{23})(?P<check>\d)"),
        ("usps",),
        _digit_check(checksums.gs1_mod10),
        70,
    ),
    TrackingFormat(
        "usps-impb-30",
        "USPS IMpb with 420 + ZIP routing (30 digits)",
        _p(r"420\d{5}(?P<number>(?P<body>9[1-5]\d{19})(?P<check>\d))"),
        ("usps",),
        _digit_check(checksums.gs1_mod10),
        80,
        number_group="number",
    ),
    TrackingFormat(
        "usps-impb-34",
        "USPS IMpb with 420 + ZIP+4 routing (34 digits)",
        _p(r"420\d{9}(?P<number>(?P<body>9[1-5]\d{19})(?P<check>\d))"),
        ("usps",),
        _digit_check(checksums.gs1_mod10),
        80,
        number_group="number",
    ),
    TrackingFormat(
        "usps-20",
        "USPS (20 digits)",
        _p(r"(?P<body>\d{19})(?P<check>\d)"),
        ("usps",),
        _digit_check(checksums.gs1_mod10),
        20,
        True,
    ),
    TrackingFormat(
        "usps-20-91",
        "USPS (20 digits, 91 implied)",
        _p(r"(?P<body>\d{19})(?P<check>\d)"),
        ("usps",),
        _prefixed_gs1("91"),
        20,
        True,
    ),
    # --- DHL --------------------------------------------------------------------------------
    TrackingFormat(
        "dhl-express-10",
        "DHL Express air waybill (10 digits)",
        _p(r"(?P<body>\d{9})(?P<check>\d)"),
        ("dhl-express",),
        _digit_check(checksums.mod7),
        20,
        True,
    ),
    TrackingFormat(
        "dhl-express-11",
        "DHL Express air waybill (11 digits)",
        _p(r"(?P<body>\d{10})(?P<check>\d)"),
        ("dhl-express",),
        _digit_check(checksums.mod7),
        20,
        True,
    ),
    TrackingFormat(
        "dhl-express-piece", "DHL Express piece id", _p(r"J[A-Z]{2,3}\d{9,10}"), ("dhl-express",), None, 60
    ),
    TrackingFormat(
        "dhl-ecommerce",
        "DHL eCommerce",
        _p(r"(?:GM|LX|RX|UV|CN|SG|TH|IN|HK|MY)\d{10,39}"),
        ("dhl-ecommerce",),
        None,
        60,
    ),
    TrackingFormat(
        "dhl-paket-12",
        "DHL Paket Identcode (12 digits)",
        _p(r"(?P<body>\d{11})(?P<check>\d)"),
        ("dhl-paket",),
        _digit_check(checksums.weights_4_9),
        20,
        True,
    ),
    TrackingFormat(
        "dhl-paket-20",
        "DHL Paket (20 digits, 0034…)",
        _p(r"(?P<body>0034\d{15})(?P<check>\d)"),
        ("dhl-paket",),
        _digit_check(checksums.gs1_mod10),
        80,
    ),
    TrackingFormat("dhl-paket-jjd", "DHL Paket (JJD…)", _p(r"JJD\d{13,18}"), ("dhl-paket",), None, 70),
    # --- Amazon -----------------------------------------------------------------------------
    TrackingFormat(
        "amazon-tba", "Amazon Logistics (TBA)", _p(r"TBA\d{12}"), ("amazon-logistics",), None, 100
    ),
    # --- DPD, GLS, Hermes, Evri, Yodel ---------------------------------------------------------
    TrackingFormat(
        "dpd-28",
        "DPD full parcel barcode (28 characters)",
        _p(r"(?P<body>\d{7}(?P<number>\d{14})\d{6})(?P<check>[0-9A-Z])"),
        ("dpd",),
        _mod37_36_check,
        80,
        number_group="number",
    ),
    TrackingFormat(
        "dpd-15",
        "DPD parcel number with check letter",
        _p(r"(?P<number>(?P<body>\d{14}))(?P<check>[A-Z])"),
        ("dpd",),
        _mod37_36_check,
        50,
        number_group="number",
    ),
    TrackingFormat(
        "dpd-15-digit",
        "DPD parcel number with check digit",
        _p(r"(?P<number>(?P<body>\d{14}))(?P<check>\d)"),
        ("dpd",),
        _mod37_36_check,
        20,
        True,
        number_group="number",
    ),
    TrackingFormat("dpd-14", "DPD parcel number (14 digits)", _p(r"\d{14}"), ("dpd",), None, 10, True),
    TrackingFormat(
        "hermes-14",
        "Hermes Germany (14 digits)",
        _p(r"(?P<body>\d{13})(?P<check>\d)"),
        ("hermes",),
        _digit_check(checksums.gs1_mod10),
        20,
        True,
    ),
    TrackingFormat(
        "gls-parcel", "GLS parcel number (11-12 digits)", _p(r"\d{11,12}"), ("gls",), None, 10, True
    ),
    TrackingFormat(
        "gls-track-id",
        "GLS Track ID (8 characters)",
        _p(r"(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{8}"),
        ("gls",),
        None,
        5,
        True,
    ),
    TrackingFormat(
        "evri-16", "Evri (H + 15)", _p(r"H\d{2}(?=(?:[A-Z]*\d){7})[A-Z0-9]{13}"), ("evri",), None, 40, True
    ),
    TrackingFormat("yodel", "Yodel (JD / JJD + 16 digits)", _p(r"JJ?D\d{16}"), ("yodel",), None, 70),
    # --- Chinese cross-border networks --------------------------------------------------------
    TrackingFormat("yunexpress", "YunExpress (YT + 16 digits)", _p(r"YT\d{16}"), ("yunexpress",), None, 100),
    TrackingFormat("4px", "4PX", _p(r"4PX\d{10,16}(?:CN)?"), ("4px",), None, 100),
    TrackingFormat("cainiao-lp", "Cainiao (LP + 14-16 digits)", _p(r"LP\d{14,16}"), ("cainiao",), None, 90),
    TrackingFormat("yanwen", "Yanwen (…YP)", _p(r"[A-Z]{2}\d{9}YP"), ("yanwen",), None, 90),
    TrackingFormat(
        "sf-express", "SF Express (SF + 12-13 digits)", _p(r"SF\d{12,13}"), ("sf-express",), None, 100
    ),
    TrackingFormat("jt-express", "J&T Express (JT + 13 digits)", _p(r"JT\d{13}"), ("jt-express",), None, 90),
    # --- North America ------------------------------------------------------------------------
    TrackingFormat(
        "purolator-12",
        "Purolator (12 digits)",
        _p(r"(?P<body>[0-5]\d{10})(?P<check>\d)"),
        ("purolator",),
        _digit_check(checksums.luhn),
        20,
        True,
    ),
    TrackingFormat(
        "purolator-alpha",
        "Purolator (3 letters + 9 digits)",
        _p(r"[A-Z]{3}\d{9}"),
        ("purolator",),
        None,
        30,
        True,
    ),
    TrackingFormat(
        "canada-post-16",
        "Canada Post domestic (16 digits)",
        _p(r"(?P<body>\d{15})(?P<check>\d)"),
        ("canada-post",),
        _digit_check(checksums.gs1_mod10),
        20,
        True,
    ),
    # --- Europe, Asia-Pacific -------------------------------------------------------------------
    TrackingFormat(
        "australia-post-eparcel",
        "Australia Post eParcel (33 + 21)",
        _p(r"33[A-Z0-9]{3}\d{18}"),
        ("australia-post",),
        None,
        60,
    ),
    TrackingFormat("tnt-ge", "TNT consignment (GE…WW)", _p(r"GE\d{9}WW"), ("tnt",), None, 90),
    TrackingFormat("tnt-9", "TNT consignment (9 digits)", _p(r"\d{9}"), ("tnt",), None, 10, True),
    TrackingFormat("aramex-11", "Aramex air waybill (11 digits)", _p(r"\d{11}"), ("aramex",), None, 10, True),
    TrackingFormat(
        "correos-domestic",
        "Correos domestic parcel (P…, 23)",
        _p(r"P[QKHX][A-Z0-9]{21}"),
        ("correos",),
        None,
        60,
    ),
    TrackingFormat(
        "correos-express-23",
        "Correos Express (23 digits)",
        _p(r"\d{23}"),
        ("correos-express",),
        None,
        20,
        True,
    ),
    TrackingFormat("postnl-3s", "PostNL 3S", _p(r"3S[A-Z]{4}\d{6,11}"), ("postnl",), None, 100),
    TrackingFormat("colissimo", "La Poste Colissimo (13)", _p(r"\d[A-Z]\d{11}"), ("la-poste",), None, 70),
    TrackingFormat(
        "japan-domestic-12",
        "Japan Post Yu-Pack (12 digits)",
        _p(r"(?P<body>\d{11})(?P<check>\d)"),
        ("japan-post",),
        _digit_check(checksums.mod7),
        20,
        True,
    ),
    TrackingFormat(
        "swiss-post-18",
        "Swiss Post domestic (99 + 16 digits)",
        _p(r"99\d{16}"),
        ("swiss-post",),
        None,
        40,
        True,
    ),
)

FORMATS_BY_KEY = {tracking_format.key: tracking_format for tracking_format in FORMATS}
