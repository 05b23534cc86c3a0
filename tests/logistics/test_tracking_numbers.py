"""Carrier detection with check digits, ranking, and tracking numbers in free text.

Valid numbers are published examples (UPU's S10 example, carriers' and USPS's samples as
collected by the open tracking-number-data project, paketda.de's German examples); a wrong
check digit is the same number with its check digit changed.
"""

import pytest

from helpdesk.nlp import extract_entities
from logistics.tracking_numbers import FORMATS, detect_number, find_in_text, is_valid, normalise


def readings(number, **kwargs):
    return [(c.carrier, c.check_digit_ok) for c in detect_number(number, **kwargs)]


def best(number, **kwargs):
    candidates = detect_number(number, **kwargs)
    return (candidates[0].carrier, candidates[0].check_digit_ok) if candidates else None


# number, carrier it must be offered for, check digit verdict (None: the format has none)
VALID = [
    ("AA473124829GB", "royal-mail", True),  # the UPU's own S10 example
    ("RR123456785CN", "china-post", True),
    ("EE123456785CN", "china-ems", True),
    ("CP123456785DE", "dhl-paket", True),
    ("RX123456785DE", "deutsche-post", True),
    ("RR123456785US", "usps", True),
    ("CA123456785FR", "la-poste", True),
    ("RR123456785NL", "postnl", True),
    ("RR123456785JP", "japan-post", True),
    ("RR123456785AU", "australia-post", True),
    ("RR123456785CA", "canada-post", True),
    ("RR123456785KR", "korea-post", True),
    ("RR123456785SG", "singapore-post", True),
    ("RR123456785CH", "swiss-post", True),
    ("RR123456785SE", "postnord", True),
    ("RR123456785IT", "poste-italiane", True),
    ("RR123456785ES", "correos", True),
    ("RR123456785IE", "an-post", True),
    ("RR123456785IN", "india-post", True),
    ("RR123456785HK", "hongkong-post", True),
    ("RR123456785BR", "correios", True),
    ("RR123456785CV", "postal", True),
    ("1Z5R89390357567127", "ups", True),
    ("1Z879E930346834440", "ups", True),
    ("1Z999AA10123456784", "ups", True),
    ("T1234567890", "ups", None),
    ("986578788855", "fedex", True),
    ("041441760228964", "fedex", True),
    ("9611020987654312345672", "fedex", True),
    ("9622001900000000000000776632517510", "fedex", True),
    ("1001921334250001000300779017972697", "fedex", True),
    ("61299998820821171811", "fedex", True),  # SmartPost, 92 implied
    ("DT106273613451", "fedex", None),
    ("9400111201080805483016", "usps", True),
    ("9505511069605048600624", "usps", True),
    ("92748931507708513018050063", "usps", True),
    ("420221539101026837331000039521", "usps", True),
    ("4201002334249200190132607600833457", "usps", True),
    ("03071790000523483741", "usps", True),
    ("71969010756003077385", "usps", True),  # 91 implied
    ("3318810025", "dhl-express", True),
    ("73891051146", "dhl-express", True),
    ("JJD0099999999", "dhl-express", None),
    ("GM2951173225174494", "dhl-ecommerce", None),
    ("201298452277", "dhl-paket", True),
    ("00340433836442636597", "dhl-paket", True),
    ("JJD1410302937991", "dhl-paket", None),
    ("TBA502887274000", "amazon-logistics", None),
    ("008182709980000020033350276C", "dpd", True),
    ("01015026003653C", "dpd", True),
    ("01015026003653", "dpd", None),
    ("09133131530724", "hermes", True),
    ("201298452277", "gls", None),
    ("XHAX4HDA", "gls", None),
    ("H01HYA0012345678", "evri", None),
    ("JJD0002257639032011", "yodel", None),
    ("JD0002242617644732", "yodel", None),
    ("YT2229521272164446", "yunexpress", None),
    ("4PX3001234567890CN", "4px", None),
    ("LP00123456789012", "cainiao", None),
    ("UG123456789YP", "yanwen", None),
    ("SF1234567890123", "sf-express", None),
    ("JT0001234567890", "jt-express", None),
    ("320595463938", "purolator", True),
    ("KYV009956937", "purolator", None),
    ("0073938000549297", "canada-post", True),
    ("33LP8501234501000930903", "australia-post", None),
    ("GE123456785WW", "tnt", None),
    ("123456789", "tnt", None),
    ("12345678901", "aramex", None),
    ("PQ4F6P0703673180108001H", "correos", None),
    ("12345678901234567890123", "correos-express", None),
    ("3SLUMI000000123", "postnl", None),
    ("6A12345678901", "la-poste", None),
    ("123456789013", "japan-post", True),
    ("996012345612345678", "swiss-post", None),
]

# The same numbers with a wrong check digit: the carrier is no longer offered as verified.
WRONG_CHECK = [
    ("AA473124828GB", "royal-mail"),
    ("RR123456784CN", "china-post"),
    ("1Z5R89390357567128", "ups"),
    ("986578788856", "fedex"),
    ("041441760228965", "fedex"),
    ("9611020987654312345673", "fedex"),
    ("9622001900000000000000776632517511", "fedex"),
    ("1001921334250001000300779017972698", "fedex"),
    ("61299998820821171812", "fedex"),
    ("9400111201080805483017", "usps"),
    ("92748931507708513018050064", "usps"),
    ("4201002334249200190132607600833458", "usps"),
    ("03071790000523483742", "usps"),
    ("3318810026", "dhl-express"),
    ("201298452278", "dhl-paket"),
    ("00340433836442636598", "dhl-paket"),
    ("008182709980000020033350276A", "dpd"),
    ("01015026003653D", "dpd"),
    ("09133131530725", "hermes"),
    ("320595463939", "purolator"),
    ("0073938000549292", "canada-post"),
    ("123456789014", "japan-post"),
]


def test_the_detector_knows_at_least_thirty_formats_and_every_carrier_it_names_is_registered():
    from logistics.carriers import CARRIERS_BY_CODE

    assert len(FORMATS) >= 30
    named = {carrier for number, carrier, _ in VALID}
    assert named <= set(CARRIERS_BY_CODE)
    # Every format has at least one published example below.
    examples = [normalise(number) for number, _, _ in VALID]
    assert [f.key for f in FORMATS if not any(f.pattern.fullmatch(n) for n in examples)] == []


@pytest.mark.parametrize(("number", "carrier", "check"), VALID)
def test_a_valid_number_is_offered_for_its_carrier(number, carrier, check):
    assert (carrier, check) in readings(number)
    assert is_valid(detect_number(number))


@pytest.mark.parametrize(("number", "carrier"), WRONG_CHECK)
def test_a_wrong_check_digit_is_never_offered_as_verified(number, carrier):
    offered = readings(number)

    assert (carrier, True) not in offered
    assert (carrier, False) in offered


def test_a_number_whose_only_readings_fail_their_check_digit_is_invalid():
    assert readings("1Z5R89390357567128") == [("ups", False)]
    assert not is_valid(detect_number("1Z5R89390357567128"))
    assert detect_number("not a number") == []
    assert detect_number("") == []
    assert detect_number("X" * 200) == []


def test_numbers_are_normalised_before_detection():
    assert normalise(" 1z 999-aa1.0123 4567 84 ") == "1Z999AA10123456784"
    assert best("1z 999 aa1 01 2345 6784") == ("ups", True)
    assert best("9400 1112 0108 0805 4830 16") == ("usps", True)
    assert best("%008182709980000020033350276C") == ("dpd", True)


def test_the_usps_routing_prefix_and_the_dpd_barcode_give_the_number_the_carrier_tracks():
    [usps] = detect_number("420221539101026837331000039521")
    [dpd] = detect_number("008182709980000020033350276C")

    assert usps.number == "9101026837331000039521"
    assert dpd.number == "09980000020033"


def test_verified_readings_rank_before_unverifiable_ones_and_wrong_check_digits_last():
    ranked = readings("201298452277")

    checks = [check for _, check in ranked]
    assert checks == sorted(checks, key={True: 0, None: 1, False: 2}.get)
    assert ("dhl-paket", True) in ranked
    assert ("gls", None) in ranked
    assert ("purolator", False) in ranked


def test_among_equally_verified_readings_the_more_specific_pattern_wins():
    # 0034... is DHL's own 20-digit number; the same digits also pass the generic USPS check.
    assert readings("00340433836442636597")[:2] == [("dhl-paket", True), ("usps", True)]
    # An EMS item from China is China EMS first, China Post second.
    assert readings("EE123456785CN") == [("china-ems", True), ("china-post", True)]


def test_a_country_hint_puts_that_countrys_carriers_first_among_equals():
    assert best("201298452277") == ("fedex", True)
    assert best("201298452277", country_hint="de") == ("dhl-paket", True)
    assert best("123456789013", country_hint="JP") == ("japan-post", True)
    # A hint never lifts an unverified reading above a verified one.
    assert best("986578788855", country_hint="DE") == ("fedex", True)


# --- free text ---------------------------------------------------------------------------


def values(text):
    return [(found["value"], found["carrier"]) for found in find_in_text(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hi, my Amazon order 113-1234567-1234567 hasn't arrived. UPS says 1Z999AA10123456784 "
            "is delayed. Call me on +1 (555) 123-4567.",
            [("1Z999AA10123456784", "ups")],
        ),
        (
            "Meine Bestellung 302-1234567-1234567 ist nicht da. Sendungsnummer 00340433836442636597, "
            "IBAN DE89 3704 0044 0532 0130 00, Tel. 0151 23456789",
            [("00340433836442636597", "dhl-paket")],
        ),
        (
            "Commande #1234 du 12/03/2024 : le colis RB123456785FR n'avance plus. Montant 29,99 €, tél. 06 12 34 56 78",
            [("RB123456785FR", "la-poste")],
        ),
        (
            "Mi pedido 8123456789012345 no llega, número de seguimiento LP00123456789012, teléfono +34 612 345 678",
            [("LP00123456789012", "cainiao")],
        ),
        (
            "您好，我的订单号是8123456789012345，快递单号YT2229521272164446，电话13800138000，谢谢",
            [("YT2229521272164446", "yunexpress")],
        ),
        ("追跡番号は123456789013です。注文番号 000012345", [("123456789013", "japan-post")]),
        (
            "eBay 12-34567-89012 – USPS tracking 9400 1112 0108 0805 4830 16, zip 10115",
            [("9400111201080805483016", "usps")],
        ),
        ("DHL AWB 3318810025 please, my mobile is 4155552671", [("3318810025", "dhl-express")]),
        (
            "UPS: 1Z 999 AA1 01 2345 6784, Royal Mail RR 123 456 785 GB",
            [
                ("1Z999AA10123456784", "ups"),
                ("RR123456785GB", "royal-mail"),
            ],
        ),
        (
            "Meine Telefonnummer ist 0151 2345 6789 0 und DHL 0034 0433 8364 4263 6597",
            [("00340433836442636597", "dhl-paket")],
        ),
        (
            "Il mio pacco EE123456785CN e il numero GM2951173225174494",
            [
                ("EE123456785CN", "china-ems"),
                ("GM2951173225174494", "dhl-ecommerce"),
            ],
        ),
    ],
)
def test_tracking_numbers_are_found_in_messages_in_several_languages(text, expected):
    assert values(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Order 113-1234567-1234567 and eBay 12-34567-89012 and AliExpress 8123456789012345, Shopify #1234",
        "Call me: +49 151 23456789, (555) 123-4567, 0170-1234567, +86 139 1234 5678, 138 0013 8000",
        "IBAN DE89 3704 0044 0532 0130 00 / GB82 WEST 1234 5698 7654 32, BIC COBADEFFXXX",
        "Ordered on 2024-03-15, arrived 15.03.2024 or 03/15/2024; I paid $1,234.56 and 29,99 €",
        "My postcode is 10115, SW1A 1AA, 75008 Paris, 100-0001 Tokyo",
        "My order number is 201298452277 and my customer number 986578788855",
        "I paid 3318810025 times too much",  # a bare 10-digit number without a tracking word
        "Parcel RR123456784CN (wrong check digit) and UPS 1Z5R89390357567128",
    ],
)
def test_no_false_positives_on_order_phone_and_account_numbers_dates_amounts_and_postcodes(text):
    assert find_in_text(text) == []


def test_a_code_after_a_tracking_word_counts_even_in_an_unknown_format():
    [found] = find_in_text("Sendungsnummer: JD0123456789012")

    assert (found["value"], found["carrier"], found["check_digit_ok"]) == ("JD0123456789012", "", None)


def test_each_match_reports_where_it_is_and_how_it_was_written():
    text = "USPS: 9400 1112 0108 0805 4830 16."
    [found] = find_in_text(text)

    assert text[found["start"] : found["end"]] == found["text"] == "9400 1112 0108 0805 4830 16"
    assert found["value"] == "9400111201080805483016"
    assert found["check_digit_ok"] is True
    assert found["candidates"][0] == "usps"


def test_triage_entity_extraction_now_returns_carrier_aware_numbers():
    entities = extract_entities("Order 113-1234567-1234567: DHL tracking 00340433836442636597 shows nothing")

    assert [(e["value"], e["carrier"]) for e in entities["tracking_numbers"]] == [
        ("00340433836442636597", "dhl-paket")
    ]
    assert [e["value"] for e in entities["order_numbers"]] == ["113-1234567-1234567"]
