import pytest

from helpdesk.nlp import detect_language
from helpdesk.nlp.language import SUPPORTED_LANGUAGES


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hallo, mein Paket ist leider kaputt angekommen und der Karton war nass.", "de"),
        ("Bonjour, je n'ai toujours pas reçu ma commande, pouvez-vous vérifier ?", "fr"),
        ("Hola, quiero devolver las zapatillas porque me quedan pequeñas.", "es"),
        ("我的包裹显示已签收，但是我根本没有收到。", "zh"),
        ("注文した商品がまだ届いていません。確認してください。", "ja"),
        ("주문한 상품이 아직 도착하지 않았어요. 확인 부탁드려요.", "ko"),
        ("Здравствуйте, посылка пришла повреждённой, коробка смята.", "ru"),
        ("مرحبا، لم أستلم طلبي حتى الآن، أين الطرد؟", "ar"),
        ("สวัสดีค่ะ ยังไม่ได้รับสินค้าเลย ช่วยตรวจสอบให้หน่อย", "th"),
        ("Hej, jag har fortfarande inte fått mitt paket, kan ni kolla?", "sv"),
        ("Dzień dobry, paczka nie dotarła, proszę o informację.", "pl"),
        ("Xin chào, mình chưa nhận được hàng, shop kiểm tra giúp nhé.", "vi"),
    ],
)
def test_a_message_is_recognised_in_its_language(text, language):
    code, confidence = detect_language(text)

    assert code == language
    assert 0.5 < confidence <= 1.0


def test_order_numbers_and_amounts_do_not_decide_the_language():
    code, _ = detect_language("Bestellung 302-1234567-1234567 über 49,99 € ist immer noch nicht da")

    assert code == "de"


def test_a_mostly_german_message_with_english_words_is_german():
    code, _ = detect_language(
        "Hi, ich habe das Paket nicht bekommen, tracking says delivered, bitte prüfen Sie das."
    )

    assert code == "de"


def test_a_very_short_message_still_gets_a_supported_language_and_a_confidence():
    code, confidence = detect_language("ok")

    assert code in SUPPORTED_LANGUAGES
    assert 0.0 < confidence <= 1.0


def test_a_message_without_letters_has_no_language():
    assert detect_language("302-1234567-1234567 #4567 !!!") == ("", 0.0)
    assert detect_language("") == ("", 0.0)
