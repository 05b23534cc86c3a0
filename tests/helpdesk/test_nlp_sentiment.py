import pytest

from helpdesk.nlp import analyse_sentiment
from helpdesk.nlp.artefacts import find_bundled
from helpdesk.nlp.patterns import anger_reasons, is_shouting


def test_an_english_chargeback_threat_is_angry_and_negative(nlp_models):
    sentiment, confidence, angry, reasons = analyse_sentiment(
        "If I don't get my money back by Friday I will file a chargeback with my bank.", "en"
    )

    assert angry
    assert "chargeback_threat" in reasons
    assert sentiment == "negative"
    assert confidence > 0.5


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Ich werde eine negative Bewertung schreiben, 1 Stern!", "review_threat"),
        ("Je vais ouvrir un litige PayPal.", "chargeback_threat"),
        ("Sois unos estafadores.", "insult"),
        ("你们就是骗子，我要给差评！", "insult"),
        ("星1のレビューを書きます。", "review_threat"),
        ("Я обращусь к юристу.", "legal_threat"),
        ("WHERE IS MY ORDER I HAVE BEEN WAITING FOR THREE WEEKS", "shouting"),
    ],
)
def test_anger_rules_work_in_every_language(nlp_models, text, reason):
    _, _, angry, reasons = analyse_sentiment(text)

    assert angry
    assert reason in reasons


def test_a_happy_customer_is_positive_and_not_angry(nlp_models):
    sentiment, _, angry, reasons = analyse_sentiment(
        "Thank you so much, the lamp is perfect and arrived early!", "en"
    )

    assert sentiment == "positive"
    assert not angry
    assert reasons == []


def test_a_plain_question_is_not_angry(nlp_models):
    _, _, angry, reasons = analyse_sentiment("Hallo, ist die Tasse spülmaschinenfest?", "de")

    assert not angry
    assert reasons == []


def test_praise_and_codes_in_capitals_are_not_threats_or_shouting():
    assert anger_reasons("I will leave a 5 star review, great shop") == []
    assert not is_shouting("Tracking RR123456785CN, order 302-1234567-1234567, SKU LMN-BLK-42")
    assert not is_shouting("URGENT: where is my order?")


def test_sentiment_and_anger_models_ship_with_the_repository():
    for name in ("sentiment", "anger"):
        bundled = find_bundled(name)
        assert bundled is not None
        assert bundled.manifest["name"] == name


def test_the_bundled_models_are_used_when_none_were_trained(other_nlp_models_dir):
    sentiment, _, _, _ = analyse_sentiment("Terrible service, I am very disappointed.", "en")

    assert sentiment == "negative"
