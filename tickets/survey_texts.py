"""What a survey e-mail and its answer page say, in the customer's language. Pure, no database.

The texts are written here for en, zh, de, fr, es and ja: a customer survey must not depend on a
translator having run (the catalogues ship only en and zh-hans). The English source strings are
marked for gettext, so any other language whose catalogue translates them is used too; otherwise
the survey is in English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


@dataclass(frozen=True)
class SurveyText:
    csat_subject: str
    nps_subject: str
    greeting: str  # {name}
    csat_question: str  # {subject}
    nps_question: str  # {store}
    csat_low: str
    csat_high: str
    nps_low: str
    nps_high: str
    comment_invite: str  # {url}
    opt_out: str  # {url}
    thanks: str
    your_score: str  # {score} {top}
    comment_label: str
    send: str
    comment_saved: str
    opted_out: str
    opt_out_confirm: str
    opt_out_button: str


# The English source texts, marked for the catalogues; made into strings in the reader's language.
ENGLISH: dict[str, Promise] = {
    "csat_subject": _("How did we do?"),
    "nps_subject": _("Would you recommend {store}?"),
    "greeting": _("Hello {name},"),
    "csat_question": _("How would you rate the help you got with “{subject}”? One click is enough:"),
    "nps_question": _(
        "How likely are you to recommend {store} to a friend or colleague? One click is enough:"
    ),
    "csat_low": _("very unhappy"),
    "csat_high": _("very happy"),
    "nps_low": _("not at all likely"),
    "nps_high": _("extremely likely"),
    "comment_invite": _("Anything else you would like to tell us? Add a comment: {url}"),
    "opt_out": _("No more surveys, please: {url}"),
    "thanks": _("Thank you for your answer!"),
    "your_score": _("Your score: {score} of {top}"),
    "comment_label": _("Your comment (optional)"),
    "send": _("Send"),
    "comment_saved": _("Thank you, your comment has reached the team."),
    "opted_out": _("Done: you will receive no more surveys from us."),
    "opt_out_confirm": _("Receive no more surveys from us?"),
    "opt_out_button": _("Yes, no more surveys"),
}

WRITTEN: dict[str, SurveyText] = {
    "zh": SurveyText(
        csat_subject="我们的服务如何？",
        nps_subject="您会推荐 {store} 吗？",
        greeting="{name}，您好：",
        csat_question="您对我们处理“{subject}”的服务满意吗？点一下即可：",
        nps_question="您有多大可能向朋友或同事推荐 {store}？点一下即可：",
        csat_low="非常不满意",
        csat_high="非常满意",
        nps_low="完全不可能",
        nps_high="非常可能",
        comment_invite="还有什么想告诉我们的吗？请留言：{url}",
        opt_out="不想再收到调查：{url}",
        thanks="感谢您的反馈！",
        your_score="您的评分：{score} / {top}",
        comment_label="您的留言（可选）",
        send="提交",
        comment_saved="谢谢，您的留言已转达给团队。",
        opted_out="已完成：您将不会再收到我们的调查。",
        opt_out_confirm="不再接收我们的调查？",
        opt_out_button="是的，不再接收",
    ),
    "de": SurveyText(
        csat_subject="Wie zufrieden waren Sie?",
        nps_subject="Würden Sie {store} weiterempfehlen?",
        greeting="Hallo {name},",
        csat_question="Wie bewerten Sie unsere Hilfe zu „{subject}“? Ein Klick genügt:",
        nps_question=(
            "Wie wahrscheinlich ist es, dass Sie {store} einem Freund oder Kollegen empfehlen? Ein Klick genügt:"
        ),
        csat_low="sehr unzufrieden",
        csat_high="sehr zufrieden",
        nps_low="überhaupt nicht wahrscheinlich",
        nps_high="äußerst wahrscheinlich",
        comment_invite="Möchten Sie uns noch etwas sagen? Hier ist Platz für einen Kommentar: {url}",
        opt_out="Keine Umfragen mehr: {url}",
        thanks="Vielen Dank für Ihre Antwort!",
        your_score="Ihre Bewertung: {score} von {top}",
        comment_label="Ihr Kommentar (freiwillig)",
        send="Senden",
        comment_saved="Danke, Ihr Kommentar ist beim Team angekommen.",
        opted_out="Erledigt: Sie erhalten keine Umfragen mehr von uns.",
        opt_out_confirm="Keine Umfragen mehr von uns erhalten?",
        opt_out_button="Ja, keine Umfragen mehr",
    ),
    "fr": SurveyText(
        csat_subject="Êtes-vous satisfait de notre aide ?",
        nps_subject="Recommanderiez-vous {store} ?",
        greeting="Bonjour {name},",
        csat_question="Comment évaluez-vous l'aide reçue pour « {subject} » ? Un clic suffit :",
        nps_question=(
            "Quelle est la probabilité que vous recommandiez {store} à un ami ou un collègue ? Un clic suffit :"
        ),
        csat_low="très insatisfait",
        csat_high="très satisfait",
        nps_low="pas du tout probable",
        nps_high="extrêmement probable",
        comment_invite="Autre chose à nous dire ? Laissez un commentaire : {url}",
        opt_out="Ne plus recevoir d'enquêtes : {url}",
        thanks="Merci pour votre réponse !",
        your_score="Votre note : {score} sur {top}",
        comment_label="Votre commentaire (facultatif)",
        send="Envoyer",
        comment_saved="Merci, votre commentaire a été transmis à l'équipe.",
        opted_out="C'est fait : vous ne recevrez plus d'enquêtes de notre part.",
        opt_out_confirm="Ne plus recevoir nos enquêtes ?",
        opt_out_button="Oui, plus d'enquêtes",
    ),
    "es": SurveyText(
        csat_subject="¿Qué tal lo hicimos?",
        nps_subject="¿Recomendarías {store}?",
        greeting="Hola, {name}:",
        csat_question="¿Cómo valoras la ayuda que recibiste con «{subject}»? Basta con un clic:",
        nps_question="¿Qué probabilidad hay de que recomiendes {store} a un amigo o colega? Basta con un clic:",
        csat_low="muy insatisfecho",
        csat_high="muy satisfecho",
        nps_low="nada probable",
        nps_high="muy probable",
        comment_invite="¿Algo más que quieras contarnos? Deja un comentario: {url}",
        opt_out="No quiero más encuestas: {url}",
        thanks="¡Gracias por tu respuesta!",
        your_score="Tu puntuación: {score} de {top}",
        comment_label="Tu comentario (opcional)",
        send="Enviar",
        comment_saved="Gracias, tu comentario ha llegado al equipo.",
        opted_out="Hecho: no recibirás más encuestas nuestras.",
        opt_out_confirm="¿No recibir más encuestas nuestras?",
        opt_out_button="Sí, no más encuestas",
    ),
    "ja": SurveyText(
        csat_subject="サポートはいかがでしたか？",
        nps_subject="{store}をおすすめいただけますか？",
        greeting="{name} 様",
        csat_question="「{subject}」に関するサポートを評価してください。クリックひとつで完了します：",
        nps_question="{store}を友人や同僚にすすめる可能性はどのくらいありますか？クリックひとつで完了します：",
        csat_low="とても不満",
        csat_high="とても満足",
        nps_low="まったく可能性がない",
        nps_high="非常に可能性が高い",
        comment_invite="ほかにお伝えいただきたいことはありますか？コメントはこちら：{url}",
        opt_out="今後アンケートを受け取らない：{url}",
        thanks="ご回答ありがとうございました！",
        your_score="あなたの評価：{score} / {top}",
        comment_label="コメント（任意）",
        send="送信",
        comment_saved="ありがとうございます。コメントはチームに届きました。",
        opted_out="完了しました。今後アンケートはお送りしません。",
        opt_out_confirm="今後アンケートを受け取らないようにしますか？",
        opt_out_button="はい、受け取りません",
    ),
}


def survey_language(language: str) -> str:
    """The base language code of ``language`` ("zh-hans" → "zh", "de-AT" → "de"), or "en" for
    anything that is not one (it may come from a link's ``?lang=``)."""
    code = (language or "").lower().replace("_", "-").split("-")[0]
    return code if LANGUAGE_CODE.fullmatch(code) else "en"


def survey_text(language: str) -> SurveyText:
    """The survey texts in ``language``: written here, else the gettext catalogue, else English."""
    code = survey_language(language)
    if code in WRITTEN:
        return WRITTEN[code]
    with translation.override(code):
        return SurveyText(**{name: str(source) for name, source in ENGLISH.items()})


def page_language_code(language: str) -> str:
    """The Django language code of the answer page for a survey language ("zh" → "zh-hans")."""
    code = survey_language(language)
    return "zh-hans" if code == "zh" else code
