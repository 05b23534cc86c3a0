import pytest

from helpdesk.nlp import extract_entities
from helpdesk.nlp.entities import s10_valid


def values(entities, kind):
    return [e["value"] for e in entities[kind]]


def test_an_amazon_order_number_in_a_message_is_found_and_a_phone_number_is_not():
    entities = extract_entities(
        "Hi, order 302-1234567-1234567 never arrived. Call me on +49 170 1234567 or (555) 123-4567."
    )

    assert entities["order_numbers"] == [
        {"value": "302-1234567-1234567", "platforms": ["amazon"], "start": 10, "end": 29}
    ]
    assert entities["tracking_numbers"] == []
    assert entities["amounts"] == []


@pytest.mark.parametrize(
    ("text", "value", "platforms"),
    [
        ("eBay purchase 12-34567-89012 arrived broken", "12-34567-89012", ["ebay"]),
        ("Re: Order #10234 - wrong size", "#10234", ["shopify", "woocommerce"]),
        ("订单号 8123456789012345 还没发货", "8123456789012345", ["aliexpress"]),
        ("Magento order 000012345 please cancel", "000012345", ["magento"]),
        ("Shopee 240315K9T2QW7A belum sampai", "240315K9T2QW7A", ["shopee"]),
        ("Bestellung Nr. 4567 ist kaputt", "4567", ["shopify", "woocommerce"]),
    ],
)
def test_order_numbers_in_each_platform_format(text, value, platforms):
    orders = extract_entities(text)["order_numbers"]

    assert [(o["value"], o["platforms"]) for o in orders] == [(value, platforms)]


@pytest.mark.parametrize(
    "text",
    [
        "Please call 0170-1234567 or +86 139 1234 5678",
        "I live at 14 Park Road, London SW1A 1AA, since 12/02/2024",
        "My number is 138 0013 8000, postcode 10115",
        "It costs 20 and I waited 35 days",
    ],
)
def test_phone_numbers_dates_and_postcodes_are_no_entities(text):
    entities = extract_entities(text)

    assert entities == {"order_numbers": [], "tracking_numbers": [], "amounts": [], "skus": []}


def test_an_s10_tracking_number_needs_a_valid_check_digit():
    assert s10_valid("12345678", "5")
    assert values(extract_entities("Parcel RR123456785CN is stuck"), "tracking_numbers") == ["RR123456785CN"]
    assert values(extract_entities("Parcel RR123456784CN is stuck"), "tracking_numbers") == []


def test_tracking_numbers_in_common_formats_and_after_a_tracking_word():
    text = "UPS 1Z999AA10123456784, Yun YT1234567890123456, Sendungsnummer: JD0123456789012"

    assert values(extract_entities(text), "tracking_numbers") == [
        "1Z999AA10123456784",
        "YT1234567890123456",
        "JD0123456789012",
    ]


@pytest.mark.parametrize(
    ("text", "language", "amount", "currency"),
    [
        ("Ich habe 29,99 € bezahlt", "de", "29.99", "EUR"),
        ("Betrag: EUR 1.234,56", "de", "1234.56", "EUR"),
        ("You charged me $15 twice", "en", "15", "USD"),
        ("I paid £7.50 for shipping", "en", "7.50", "GBP"),
        ("付了199元", "zh", "199", "CNY"),
        ("¥2,500 支払いました", "ja", "2500", "JPY"),
        ("zapłaciłam 99,00 zł", "pl", "99.00", "PLN"),
        ("paguei R$ 50,00", "pt", "50.00", "BRL"),
    ],
)
def test_amounts_with_their_currency(text, language, amount, currency):
    amounts = extract_entities(text, language)["amounts"]

    assert [(a["value"], a["currency"]) for a in amounts] == [(amount, currency)]


def test_skus_after_a_sku_word_and_amazon_asins():
    entities = extract_entities("SKU: LMN-BLK-42 looks different from ASIN B08N5WRWNW")

    assert [(s["value"], s["kind"]) for s in entities["skus"]] == [
        ("LMN-BLK-42", "sku"),
        ("B08N5WRWNW", "asin"),
    ]


def detector_for_tests(text):
    return [{"value": "CUSTOM", "start": 0, "end": 6, "format": "test"}] if text.startswith("CUSTOM") else []


def test_the_logistics_detector_replaces_the_built_in_tracking_finder(settings):
    settings.NLP_TRACKING_DETECTOR = "tests.helpdesk.test_nlp_entities.detector_for_tests"

    entities = extract_entities("CUSTOM code, and RR123456785CN")

    assert values(entities, "tracking_numbers") == ["CUSTOM"]


def test_the_built_in_finder_still_works_when_no_detector_is_configured(settings):
    # The default detector is the logistics app's; an empty setting falls back to the built-in one.
    settings.NLP_TRACKING_DETECTOR = ""
    text = "UPS 1Z999AA10123456784, Yun YT1234567890123456, Sendungsnummer: JD0123456789012, RR123456784CN"

    entities = extract_entities(text)

    assert values(entities, "tracking_numbers") == [
        "1Z999AA10123456784",
        "YT1234567890123456",
        "JD0123456789012",
    ]
    assert {e["format"] for e in entities["tracking_numbers"]} == {"ups", "prefixed", "after_keyword"}


def test_by_default_tracking_numbers_come_from_the_carrier_aware_detector():
    [found] = extract_entities("Parcel RR123456785CN is stuck")["tracking_numbers"]

    assert (found["carrier"], found["check_digit_ok"]) == ("china-post", True)
