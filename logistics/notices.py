"""What a proactive parcel notice says, and when in the customer's day it may go out.

Pure functions, no database: the texts of the notice sent when an anomaly is found (one per
anomaly kind: what happened and what happens next, with the tracking link) in the customer's
language, and the local-hour rule.

Languages: the texts are written here for en, zh, de, fr and es (the catalogues ship only en and
zh-hans, and a customer notice must not depend on a translator having run). The English source
strings are marked for gettext, so any other language whose catalogue translates them is used
too; otherwise the notice is in English. A manager can replace any of them without a deploy with
a reply template (see ``tickets.services.proactive``).

Local hour: a notice goes out between 08:00 and 20:00 in the customer's time zone; outside
those hours it waits for the next 09:00. The time zone is the customer's own, else the main zone
of the destination country (IANA ``zone.tab``), else the store's, else UTC.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# --- the local-hour rule --------------------------------------------------------------------

# Notices are sent from 08:00 until 20:00 local time; outside that, at the next 09:00.
SEND_FROM = dt.time(8)
SEND_UNTIL = dt.time(20)
SEND_NEXT_AT = dt.time(9)


def notice_time(*, now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """When a notice found at ``now`` may go out: now inside 08:00-20:00 local, else the next 09:00."""
    local = now.astimezone(zone)
    if SEND_FROM <= local.time() < SEND_UNTIL:
        return now
    day = local.date() if local.time() < SEND_FROM else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, SEND_NEXT_AT, tzinfo=zone).astimezone(dt.UTC)


def customer_zone(*, customer_timezone: str = "", country: str = "", store_timezone: str = "") -> ZoneInfo:
    """The customer's time zone, else the destination country's main zone, else the store's, else UTC."""
    for name in (customer_timezone, country_zone(country), store_timezone):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def country_zone(country: str) -> str:
    """The first (most populous) zone IANA lists for an ISO country code, or ""."""
    return _country_zones().get(country.strip().upper(), "")


@functools.cache
def _country_zones() -> dict[str, str]:
    """Read once per process; the file is part of the time zone database (static data)."""
    text = ""
    try:
        text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        system = Path("/usr/share/zoneinfo/zone.tab")
        text = system.read_text(encoding="utf-8") if system.exists() else ""
    zones: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) >= 3:
            zones.setdefault(parts[0].upper(), parts[2].strip())
    return zones


# --- the texts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeText:
    subject: str
    happened: str  # what the carrier says, in plain words
    next_steps: str  # what happens now and whether the customer has to do anything


@dataclass(frozen=True)
class Frame:
    greeting: str  # "{name}" is the customer's first name
    greeting_no_name: str
    parcel_with_order: str  # how "{parcel}" reads in the texts when the order number is known
    link: str
    questions: str
    sign_off: str  # "{store}" is the store's name


@dataclass(frozen=True)
class RenderedNotice:
    language: str
    subject: str
    body: str


KINDS = ("stalled", "customs", "failed_delivery", "exception", "returned", "late", "early_warning")

# English: the source, marked for the catalogues.
EN_FRAME = (
    _("Hello {name},"),
    _("Hello,"),
    _("{tracking} (order {order})"),
    _("Follow your parcel: {url}"),
    _("If you have any questions, simply reply to this e-mail."),
    _("Kind regards,\n{store}"),
)
EN_TEXTS: dict[str, tuple[Promise, Promise, Promise]] = {
    "stalled": (
        _("An update on your parcel {tracking}"),
        _("Your parcel {parcel} has not been scanned by the carrier for a few days."),
        _(
            "This often happens on long international legs, and the parcel usually moves again soon. "
            "We are watching it and will contact the carrier if it does not. You do not need to do anything."
        ),
    ),
    "customs": (
        _("Your parcel {tracking} is in customs"),
        _("Your parcel {parcel} is being held by customs in the destination country."),
        _(
            "Customs checks usually take a few days. If duties or documents are needed, the carrier or "
            "customs will contact you; please follow their instructions so the parcel can be released. "
            "If anything is unclear, reply to this e-mail."
        ),
    ),
    "failed_delivery": (
        _("The carrier could not deliver your parcel {tracking}"),
        _("The carrier tried to deliver your parcel {parcel} but could not."),
        _(
            "Please look for the carrier's notice on the tracking page: you can usually arrange a new "
            "delivery or collect the parcel from a pick-up point nearby. If your address needs "
            "correcting, reply to this e-mail."
        ),
    ),
    "exception": (
        _("A problem with the delivery of your parcel {tracking}"),
        _("The carrier has reported a problem with your parcel {parcel}."),
        _(
            "We are asking the carrier for details and will tell you what happens next. If the parcel "
            "cannot be delivered, our team will contact you to put it right."
        ),
    ),
    "returned": (
        _("Your parcel {tracking} is on its way back to us"),
        _("The carrier is returning your parcel {parcel} to us."),
        _(
            "Our team will contact you to arrange a new delivery or a refund. If your address has "
            "changed, reply to this e-mail with the right one."
        ),
    ),
    "late": (
        _("Your parcel {tracking} is running late"),
        _("Your parcel {parcel} is taking longer than we promised. We are sorry."),
        _(
            "It is still on its way and we are following it with the carrier. We will write again if it "
            "has not arrived in the next few days."
        ),
    ),
    "early_warning": (
        _("Your parcel {tracking} is taking longer than usual"),
        _("Your parcel {parcel} is taking a little longer than parcels on this route usually do."),
        _("There is nothing you need to do: it is still on its way, and we are keeping an eye on it."),
    ),
}

# Written here so a customer notice never waits for a catalogue (see the module docstring).
FRAMES: dict[str, Frame] = {
    "zh": Frame(
        "{name}，您好：", "您好：", "{tracking}（订单 {order}）", "查看包裹动态：{url}",
        "如有任何疑问，请直接回复此邮件。", "祝好，\n{store}",
    ),
    "de": Frame(
        "Hallo {name},", "Hallo,", "{tracking} (Bestellung {order})", "Sendungsverfolgung: {url}",
        "Bei Fragen antworten Sie einfach auf diese E-Mail.", "Viele Grüße\n{store}",
    ),
    "fr": Frame(
        "Bonjour {name},", "Bonjour,", "{tracking} (commande {order})", "Suivre votre colis : {url}",
        "Pour toute question, répondez simplement à cet e-mail.", "Cordialement,\n{store}",
    ),
    "es": Frame(
        "Hola, {name}:", "Hola:", "{tracking} (pedido {order})", "Sigue tu paquete: {url}",
        "Si tienes alguna pregunta, responde a este correo.", "Un saludo,\n{store}",
    ),
}  # fmt: skip
TEXTS: dict[str, dict[str, NoticeText]] = {
    "zh": {
        "stalled": NoticeText(
            "您的包裹 {tracking} 物流更新",
            "您的包裹 {parcel} 已有几天没有新的物流扫描记录。",
            "国际长途运输中常会出现这种情况，包裹通常很快会恢复更新。我们正在跟进，如仍无进展会联系承运商。您无需进行任何操作。",
        ),
        "customs": NoticeText(
            "您的包裹 {tracking} 正在清关",
            "您的包裹 {parcel} 目前被目的国海关扣留查验。",
            "清关通常需要几天时间。如需缴纳关税或提供文件，承运商或海关会与您联系，请按其要求办理，以便包裹放行。如有不明白的地方，请回复此邮件。",
        ),
        "failed_delivery": NoticeText(
            "承运商未能投递您的包裹 {tracking}",
            "承运商尝试投递您的包裹 {parcel}，但未能成功。",
            "请在物流页面查看承运商的投递通知：通常可以重新预约派送，或到附近的自提点领取。如需更正地址，请回复此邮件。",
        ),
        "exception": NoticeText(
            "您的包裹 {tracking} 投递出现问题",
            "承运商报告您的包裹 {parcel} 出现异常。",
            "我们正在向承运商了解详情，并会告知您后续安排。如果包裹无法送达，我们的客服团队会联系您妥善解决。",
        ),
        "returned": NoticeText(
            "您的包裹 {tracking} 正在退回",
            "承运商正在将您的包裹 {parcel} 退回给我们。",
            "我们的客服团队会联系您，安排重新发货或退款。如果您的地址有变化，请回复此邮件告知正确地址。",
        ),
        "late": NoticeText(
            "您的包裹 {tracking} 延误了",
            "您的包裹 {parcel} 的运输时间超出了我们承诺的时间，非常抱歉。",
            "包裹仍在运输途中，我们正在与承运商跟进。如果几天内仍未送达，我们会再次联系您。",
        ),
        "early_warning": NoticeText(
            "您的包裹 {tracking} 运输时间比平时长",
            "您的包裹 {parcel} 的运输时间比这条线路通常所需的时间稍长。",
            "您无需进行任何操作：包裹仍在途中，我们会持续关注。",
        ),
    },
    "de": {
        "stalled": NoticeText(
            "Neuigkeiten zu Ihrem Paket {tracking}",
            "Ihr Paket {parcel} wurde seit einigen Tagen nicht mehr vom Paketdienst gescannt.",
            "Das kommt auf langen internationalen Strecken häufig vor, und meist ist das Paket bald wieder "
            "unterwegs. Wir behalten es im Blick und wenden uns an den Paketdienst, falls nicht. Sie müssen "
            "nichts tun.",
        ),
        "customs": NoticeText(
            "Ihr Paket {tracking} ist beim Zoll",
            "Ihr Paket {parcel} wird vom Zoll im Zielland zurückgehalten.",
            "Die Zollabfertigung dauert meist einige Tage. Werden Abgaben oder Unterlagen benötigt, meldet "
            "sich der Paketdienst oder der Zoll bei Ihnen; bitte folgen Sie den Anweisungen, damit das Paket "
            "freigegeben wird. Wenn Ihnen etwas unklar ist, antworten Sie auf diese E-Mail.",
        ),
        "failed_delivery": NoticeText(
            "Ihr Paket {tracking} konnte nicht zugestellt werden",
            "Der Paketdienst hat versucht, Ihr Paket {parcel} zuzustellen, leider ohne Erfolg.",
            "Bitte sehen Sie in der Sendungsverfolgung nach der Benachrichtigung: Meist können Sie einen neuen "
            "Zustelltermin vereinbaren oder das Paket in einer Filiale in Ihrer Nähe abholen. Muss Ihre "
            "Adresse korrigiert werden, antworten Sie auf diese E-Mail.",
        ),
        "exception": NoticeText(
            "Ein Problem bei der Zustellung Ihres Pakets {tracking}",
            "Der Paketdienst hat ein Problem mit Ihrem Paket {parcel} gemeldet.",
            "Wir klären die Einzelheiten mit dem Paketdienst und sagen Ihnen, wie es weitergeht. Kann das "
            "Paket nicht zugestellt werden, meldet sich unser Team bei Ihnen und findet eine Lösung.",
        ),
        "returned": NoticeText(
            "Ihr Paket {tracking} wird an uns zurückgeschickt",
            "Der Paketdienst schickt Ihr Paket {parcel} an uns zurück.",
            "Unser Team meldet sich bei Ihnen, um eine neue Lieferung oder eine Erstattung zu vereinbaren. "
            "Hat sich Ihre Adresse geändert, antworten Sie bitte mit der richtigen Adresse auf diese E-Mail.",
        ),
        "late": NoticeText(
            "Ihr Paket {tracking} verspätet sich",
            "Ihr Paket {parcel} braucht länger als versprochen. Das tut uns leid.",
            "Es ist weiterhin unterwegs, und wir verfolgen es mit dem Paketdienst. Ist es in den nächsten "
            "Tagen nicht da, melden wir uns wieder.",
        ),
        "early_warning": NoticeText(
            "Ihr Paket {tracking} braucht länger als üblich",
            "Ihr Paket {parcel} ist etwas länger unterwegs, als Pakete auf dieser Strecke es sonst sind.",
            "Sie müssen nichts tun: Es ist weiterhin unterwegs, und wir behalten es im Blick.",
        ),
    },
    "fr": {
        "stalled": NoticeText(
            "Des nouvelles de votre colis {tracking}",
            "Votre colis {parcel} n'a pas été scanné par le transporteur depuis quelques jours.",
            "Cela arrive souvent sur les longs trajets internationaux, et le colis repart généralement "
            "bientôt. Nous le surveillons et contacterons le transporteur si ce n'est pas le cas. Vous "
            "n'avez rien à faire.",
        ),
        "customs": NoticeText(
            "Votre colis {tracking} est en douane",
            "Votre colis {parcel} est retenu par la douane du pays de destination.",
            "Le dédouanement prend généralement quelques jours. Si des droits ou des documents sont "
            "nécessaires, le transporteur ou la douane vous contactera ; suivez leurs instructions pour que "
            "le colis soit libéré. Si quelque chose n'est pas clair, répondez à cet e-mail.",
        ),
        "failed_delivery": NoticeText(
            "Le transporteur n'a pas pu livrer votre colis {tracking}",
            "Le transporteur a tenté de livrer votre colis {parcel}, sans succès.",
            "Consultez l'avis de passage sur la page de suivi : vous pouvez généralement reprogrammer la "
            "livraison ou retirer le colis dans un point relais proche. Si votre adresse doit être corrigée, "
            "répondez à cet e-mail.",
        ),
        "exception": NoticeText(
            "Un problème avec la livraison de votre colis {tracking}",
            "Le transporteur a signalé un problème avec votre colis {parcel}.",
            "Nous demandons des précisions au transporteur et vous dirons ce qui se passe ensuite. Si le "
            "colis ne peut pas être livré, notre équipe vous contactera pour trouver une solution.",
        ),
        "returned": NoticeText(
            "Votre colis {tracking} nous est retourné",
            "Le transporteur nous renvoie votre colis {parcel}.",
            "Notre équipe vous contactera pour organiser une nouvelle livraison ou un remboursement. Si votre "
            "adresse a changé, répondez à cet e-mail en indiquant la bonne adresse.",
        ),
        "late": NoticeText(
            "Votre colis {tracking} est en retard",
            "Votre colis {parcel} met plus de temps que promis. Nous en sommes désolés.",
            "Il est toujours en route et nous le suivons avec le transporteur. Nous vous écrirons de nouveau "
            "s'il n'est pas arrivé dans les prochains jours.",
        ),
        "early_warning": NoticeText(
            "Votre colis {tracking} met plus de temps que d'habitude",
            "Votre colis {parcel} met un peu plus de temps que les colis habituels sur ce trajet.",
            "Vous n'avez rien à faire : il est toujours en route, et nous le surveillons.",
        ),
    },
    "es": {
        "stalled": NoticeText(
            "Novedades sobre tu paquete {tracking}",
            "Tu paquete {parcel} lleva unos días sin ser escaneado por el transportista.",
            "Es habitual en los trayectos internacionales largos, y el paquete suele volver a moverse pronto. "
            "Lo estamos vigilando y contactaremos con el transportista si no es así. No tienes que hacer nada.",
        ),
        "customs": NoticeText(
            "Tu paquete {tracking} está en aduanas",
            "Tu paquete {parcel} está retenido en la aduana del país de destino.",
            "El despacho de aduanas suele tardar unos días. Si hacen falta aranceles o documentos, el "
            "transportista o la aduana se pondrán en contacto contigo; sigue sus instrucciones para que "
            "liberen el paquete. Si algo no está claro, responde a este correo.",
        ),
        "failed_delivery": NoticeText(
            "El transportista no pudo entregar tu paquete {tracking}",
            "El transportista intentó entregar tu paquete {parcel}, sin éxito.",
            "Consulta el aviso en la página de seguimiento: normalmente puedes concertar una nueva entrega o "
            "recoger el paquete en un punto de recogida cercano. Si hay que corregir tu dirección, responde "
            "a este correo.",
        ),
        "exception": NoticeText(
            "Un problema con la entrega de tu paquete {tracking}",
            "El transportista ha informado de un problema con tu paquete {parcel}.",
            "Estamos pidiendo detalles al transportista y te contaremos los próximos pasos. Si el paquete no "
            "puede entregarse, nuestro equipo se pondrá en contacto contigo para solucionarlo.",
        ),
        "returned": NoticeText(
            "Tu paquete {tracking} vuelve a nosotros",
            "El transportista nos está devolviendo tu paquete {parcel}.",
            "Nuestro equipo se pondrá en contacto contigo para organizar un nuevo envío o un reembolso. Si tu "
            "dirección ha cambiado, responde a este correo con la dirección correcta.",
        ),
        "late": NoticeText(
            "Tu paquete {tracking} llega con retraso",
            "Tu paquete {parcel} está tardando más de lo prometido. Lo sentimos.",
            "Sigue en camino y lo estamos siguiendo con el transportista. Volveremos a escribirte si no ha "
            "llegado en los próximos días.",
        ),
        "early_warning": NoticeText(
            "Tu paquete {tracking} está tardando más de lo habitual",
            "Tu paquete {parcel} está tardando algo más de lo que suelen tardar los paquetes en esta ruta.",
            "No tienes que hacer nada: sigue en camino y lo estamos vigilando.",
        ),
    },
}

# The languages a notice is written in here (others: English, or their catalogue).
BUILT_IN_LANGUAGES = frozenset({"en", *TEXTS})


def notice_language(language: str) -> str:
    """The primary subtag of a language code ("zh-hans" -> "zh", "de-AT" -> "de"); "" -> "en"."""
    return (language or "en").strip().lower().replace("_", "-").split("-", 1)[0] or "en"


def _english_or_catalogue(language: str, kind: str) -> tuple[Frame, NoticeText]:
    """The English source, translated by the catalogue of ``language`` when it has one."""
    with translation.override(language):
        frame = Frame(*(str(part) for part in EN_FRAME))
        subject, happened, next_steps = (str(part) for part in EN_TEXTS[kind])
    return frame, NoticeText(subject, happened, next_steps)


def notice_render(
    *,
    kind: str,
    language: str,
    customer_name: str,
    tracking_number: str,
    order_number: str,
    tracking_url: str,
    store_name: str,
) -> RenderedNotice:
    """The notice for one anomaly ``kind`` in the customer's language (English when not written)."""
    if kind not in EN_TEXTS:
        raise ValueError(f"no notice text for anomaly kind {kind!r}")
    code = notice_language(language)
    if code in TEXTS:
        frame, text = FRAMES[code], TEXTS[code][kind]
    else:
        frame, text = _english_or_catalogue(code, kind)
    first_name = customer_name.strip().split(" ")[0] if customer_name.strip() else ""
    parcel = (
        frame.parcel_with_order.replace("{tracking}", tracking_number).replace("{order}", order_number)
        if order_number
        else tracking_number
    )

    def fill(template: str) -> str:
        # Plain replacement: names and numbers come from outside and may contain braces.
        return template.replace("{parcel}", parcel).replace("{tracking}", tracking_number)

    lines = [
        frame.greeting.replace("{name}", first_name) if first_name else frame.greeting_no_name,
        "",
        fill(text.happened),
        "",
        fill(text.next_steps),
    ]
    if tracking_url:
        lines += ["", frame.link.replace("{url}", tracking_url)]
    lines += ["", frame.questions, "", frame.sign_off.replace("{store}", store_name)]
    return RenderedNotice(language=code, subject=fill(text.subject), body="\n".join(lines))
