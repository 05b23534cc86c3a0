"""Countries and time zones of tracking checkpoints.

Providers name countries three ways: ISO 3166 alpha-2 (17TRACK v2), alpha-3 (AfterShip)
and English names (17TRACK's older API). A checkpoint's local time zone is derived from
its country (and city) only where that is unambiguous; otherwise its UTC offset is kept
("+08:00"), which is all the timeline needs to show the carrier's local time.

The zone tables are the IANA database's own (``zone.tab``, ``iso3166.tab``), read from the
system's zoneinfo or the ``tzdata`` package, whichever is present.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from importlib import resources
from pathlib import Path

# ISO 3166-1 alpha-3 -> alpha-2: every UN member plus the territories parcels go to.
_ALPHA3 = (
    "AFGAF AGOAO ALBAL ANDAD AREAE ARGAR ARMAM ATGAG AUSAU AUTAT AZEAZ BDIBI BELBE BENBJ BFABF BGDBD "
    "BGRBG BHRBH BHSBS BIHBA BLRBY BLZBZ BOLBO BRABR BRBBB BRNBN BTNBT BWABW CAFCF CANCA CHECH CHLCL "
    "CHNCN CIVCI CMRCM CODCD COGCG COLCO COMKM CPVCV CRICR CUBCU CYPCY CZECZ DEUDE DJIDJ DMADM DNKDK "
    "DOMDO DZADZ ECUEC EGYEG ERIER ESPES ESTEE ETHET FINFI FJIFJ FRAFR FSMFM GABGA GBRGB GEOGE GHAGH "
    "GINGN GMBGM GNBGW GNQGQ GRCGR GRDGD GTMGT GUYGY HNDHN HRVHR HTIHT HUNHU IDNID INDIN IRLIE IRNIR "
    "IRQIQ ISLIS ISRIL ITAIT JAMJM JORJO JPNJP KAZKZ KENKE KGZKG KHMKH KIRKI KNAKN KORKR KWTKW LAOLA "
    "LBNLB LBRLR LBYLY LCALC LIELI LKALK LSOLS LTULT LUXLU LVALV MARMA MCOMC MDAMD MDGMG MDVMV MEXMX "
    "MHLMH MKDMK MLIML MLTMT MMRMM MNEME MNGMN MOZMZ MRTMR MUSMU MWIMW MYSMY NAMNA NERNE NGANG NICNI "
    "NLDNL NORNO NPLNP NRUNR NZLNZ OMNOM PAKPK PANPA PERPE PHLPH PLWPW PNGPG POLPL PRKKP PRTPT PRYPY "
    "PSEPS QATQA ROURO RUSRU RWARW SAUSA SDNSD SENSN SGPSG SLBSB SLESL SLVSV SMRSM SOMSO SRBRS STPST "
    "SURSR SVKSK SVNSI SWESE SWZSZ SYCSC SYRSY TCDTD TGOTG THATH TJKTJ TKMTM TLSTL TONTO TTOTT TUNTN "
    "TURTR TUVTV TWNTW TZATZ UGAUG UKRUA URYUY USAUS UZBUZ VATVA VCTVC VENVE VNMVN VUTVU WSMWS YEMYE "
    "ZAFZA ZMBZM ZWEZW SSDSS "
    # Territories and special areas
    "HKGHK MACMO PRIPR GUMGU VIRVI ASMAS MNPMP UMIUM REURE GLPGP MTQMQ GUFGF MYTYT NCLNC PYFPF SPMPM "
    "WLFWF BLMBL MAFMF ATFTF GRLGL FROFO ALAAX GIBGI JEYJE GGYGG IMNIM BMUBM CYMKY VGBVG AIAAI MSRMS "
    "TCATC FLKFK SHNSH SGSGS IOTIO PCNPN ABWAW CUWCW SXMSX BESBQ NIUNU COKCK TKLTK NFKNF CXRCX CCKCC "
    "ESHEH SJMSJ BVTBV HMDHM ATAAQ XKXXK"
)
ALPHA3_TO_ALPHA2: dict[str, str] = {
    _ALPHA3[i : i + 3]: _ALPHA3[i + 3 : i + 5] for i in range(0, len(_ALPHA3), 6)
}

# Names providers use that differ from the IANA table's ("Britain (UK)", "Korea (South)").
_NAME_ALIASES = {
    "united kingdom": "GB",
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "usa": "US",
    "u.s.a.": "US",
    "united states of america": "US",
    "south korea": "KR",
    "korea, south": "KR",
    "korea": "KR",
    "north korea": "KP",
    "russian federation": "RU",
    "hong kong [cn]": "HK",
    "macao [cn]": "MO",
    "taiwan [cn]": "TW",
    "czechia": "CZ",
    "türkiye": "TR",
    "turkiye": "TR",
    "viet nam": "VN",
    "deutschland": "DE",
    "the netherlands": "NL",
    "holland": "NL",
    "mainland china": "CN",
    "p.r. china": "CN",
    "prc": "CN",
}


def _zone_table(name: str) -> str:
    """The text of one of the IANA tables, from the system zoneinfo or the tzdata package."""
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:
        return resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return ""


@functools.cache
def _zones_by_country() -> dict[str, tuple[str, ...]]:
    zones: dict[str, list[str]] = {}
    for line in _zone_table("zone.tab").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        columns = line.split("\t")
        if len(columns) >= 3:
            zones.setdefault(columns[0], []).append(columns[2])
    return {country: tuple(names) for country, names in zones.items()}


@functools.cache
def _countries_by_name() -> dict[str, str]:
    names: dict[str, str] = {}
    for line in _zone_table("iso3166.tab").splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        code, name = line.split("\t", 1)
        names[name.strip().lower()] = code
    names.update(_NAME_ALIASES)
    return names


@functools.cache
def _zones_by_city() -> dict[str, tuple[tuple[str, str], ...]]:
    cities: dict[str, list[tuple[str, str]]] = {}
    for country, zones in _zones_by_country().items():
        for zone in zones:
            cities.setdefault(zone.rsplit("/", 1)[-1].lower(), []).append((country, zone))
    return {city: tuple(entries) for city, entries in cities.items()}


def country_of_city(city: str) -> str:
    """The country of a city that names a time zone ("Paris" -> "FR"); "" when none or several."""
    entries = _zones_by_city().get(_city_key(city), ()) if city else ()
    return entries[0][0] if len(entries) == 1 else ""


def country_code(value: object) -> str:
    """ISO 3166 alpha-2 for an alpha-2, alpha-3 or English country name; "" when unknown."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if len(text) == 2 and text.isalpha():
        code = text.upper()
        return code if code in _zones_by_country() or code in ALPHA3_TO_ALPHA2.values() else ""
    if len(text) == 3 and text.isalpha() and text.upper() in ALPHA3_TO_ALPHA2:
        return ALPHA3_TO_ALPHA2[text.upper()]
    return _countries_by_name().get(text.lower(), "")


def offset_label(offset: dt.timedelta) -> str:
    """ "+08:00", "-05:30": the form a checkpoint's zone is kept in when no IANA zone is certain."""
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


# Where a country has several zones but one is the country's time for practically every
# parcel scan (China runs on Beijing time; Büsingen, Ceuta, Madeira, Kuching keep the same
# offset as the capital), that zone is the answer once the offset has ruled out the others.
PRINCIPAL_ZONES = {
    "CN": "Asia/Shanghai",
    "DE": "Europe/Berlin",
    "ES": "Europe/Madrid",
    "PT": "Europe/Lisbon",
    "MY": "Asia/Kuala_Lumpur",
    "UA": "Europe/Kyiv",
    "NZ": "Pacific/Auckland",
    "CY": "Asia/Nicosia",
    "EC": "America/Guayaquil",
}


def _city_key(text: str) -> str:
    return text.strip().lower().replace(" ", "_")


def local_zone(*, country: str, city: str = "", at: dt.datetime | None = None) -> str:
    """The IANA zone of a checkpoint, when its country (or city within it) leaves no doubt.

    ``at`` is the aware checkpoint time: a zone whose offset at that instant differs from
    the checkpoint's is not it. Returns "" when the zone cannot be told for certain.
    """
    candidates = _zones_by_country().get(country, ())
    if city and len(candidates) > 1:
        named = [zone for zone in candidates if zone.rsplit("/", 1)[-1].lower() == _city_key(city)]
        candidates = tuple(named) or candidates
    if at is not None and at.utcoffset() is not None:
        candidates = tuple(zone for zone in candidates if _offset_at(zone, at) == at.utcoffset())
    if len(candidates) == 1:
        return candidates[0]
    principal = PRINCIPAL_ZONES.get(country, "")
    return principal if principal in candidates else ""


def _offset_at(zone: str, at: dt.datetime) -> dt.timedelta | None:
    try:
        return at.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def checkpoint_zone(*, at: dt.datetime, country: str, city: str = "") -> str:
    """What to keep as a checkpoint's local zone: the IANA zone where certain, else its offset."""
    zone = local_zone(country=country, city=city, at=at)
    if zone:
        return zone
    offset = at.utcoffset()
    return offset_label(offset) if offset is not None else ""


def localise(naive: dt.datetime, *, country: str, city: str = "") -> tuple[dt.datetime, str]:
    """A checkpoint time given without offset (17TRACK's older API): read it in the country's
    zone when the country has one zone; otherwise as UTC with the zone unknown ("")."""
    zone = local_zone(country=country, city=city)
    if zone:
        return naive.replace(tzinfo=zoneinfo.ZoneInfo(zone)), zone
    return naive.replace(tzinfo=dt.UTC), ""
