"""What a checkpoint's own words say, in the languages carriers write them in.

Carriers describe a scan in their own language ("清关中", "Sendung wird beim Zoll geprüft",
"en attente de dédouanement") while the provider's status code often stays generic
("InTransit"). These rules read the text; ``logistics.normalise`` decides when the text is
allowed to override the provider (only where it is more specific).

Rules are tried in order and the first match wins, so the order carries meaning:
- negations and failures come before success ("nicht zugestellt" before "zugestellt");
- future tense ("will be delivered today") is out for delivery, before delivered;
- "released by customs" comes before "customs".
Latin-script words use word boundaries; CJK and Korean have none, so those match as substrings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from logistics.models import TrackingStatus


@dataclass(frozen=True)
class TextStatus:
    status: str
    sub_status: str = ""


@dataclass(frozen=True)
class _Rule:
    status: str
    sub_status: str
    pattern: re.Pattern[str]


def _rule(status: str, sub_status: str, *alternatives: str) -> _Rule:
    return _Rule(status, sub_status, re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE))


S = TrackingStatus

RULES: tuple[_Rule, ...] = (
    # --- going back to the sender --------------------------------------------------------------
    _rule(
        S.RETURNED_TO_SENDER,
        "returning",
        r"\breturning to (?:the )?(?:sender|shipper)",
        r"\bbeing returned\b",
        r"\breturn to (?:sender|shipper)\b",
        r"退回中|正在退回|退件处理中",
        r"\bRücksendung an (?:den )?Absender\b|\bRücklauf\b|\bwird an den Absender zurückgesandt\b",
        r"\ben retour vers l.exp[ée]diteur\b|\bretour à l.exp[ée]diteur\b",
        r"\ben devoluci[óo]n\b|\bdevoluci[óo]n al remitente\b",
        r"\bin restituzione\b|\bin rientro al mittente\b",
        r"\bem devolu[çc][ãa]o\b|\bdevolu[çc][ãa]o ao remetente\b",
        r"\bretour (?:naar )?afzender\b",
        r"\bzwrot do nadawcy\b",
        r"\bвозврат отправителю\b",
        r"返送中|差出人へ返送",
        r"반송중|반송 중",
    ),
    _rule(
        S.RETURNED_TO_SENDER,
        "returned",
        r"\breturned to (?:the )?(?:sender|shipper|origin)\b",
        r"退回|退件|已退回|退还寄件人",
        r"\ban (?:den )?Absender zurück|\bzurück an (?:den )?Absender\b|\bretourniert\b",
        r"\bretourn[ée]e? à l.exp[ée]diteur\b|\brenvoy[ée]e? à l.exp[ée]diteur\b",
        r"\bdevuelt[oa] al remitente\b",
        r"\brestituit[oa] al mittente\b|\breso al mittente\b",
        r"\bdevolvid[oa] ao remetente\b",
        r"\bteruggestuurd naar (?:de )?afzender\b|\bretour gezonden\b",
        r"\bzwr[óo]con[aoy]? (?:do )?nadawcy\b",
        r"\bвозвращен[оаы]? отправителю\b|\bвозвращено\b",
        r"差出人に返送|返還",
        r"반송",
    ),
    # --- lost, damaged ---------------------------------------------------------------------------
    _rule(
        S.EXCEPTION,
        "lost",
        r"\b(?:parcel|package|item|shipment) (?:is |was |has been )?(?:lost|missing)\b|\bdeclared lost\b",
        r"丢失|遗失|丟失",
        r"\bverloren gegangen\b|\bin Verlust geraten\b",
        r"\bperdu\b|\begar[ée]\b",
        r"\bextraviad[oa]\b|\bperdid[oa]\b",
        r"\bsmarrit[oa]\b|\bsmarrimento\b",
        r"\bzoekgeraakt\b|\bvermist\b",
        r"\bzagubion[aey]?\b",
        r"\bутерян[оа]?\b|\bутрачен[оа]?\b",
        r"紛失",
        r"분실",
    ),
    _rule(
        S.EXCEPTION,
        "damaged",
        r"\bdamaged\b",
        r"破损|损坏|破損",
        r"\bbesch[äa]digt\b",
        r"\bendommag[ée]e?\b|\bavari[ée]e?\b",
        r"\bdañad[oa]\b|\bdeteriorad[oa]\b",
        r"\bdanneggiat[oa]\b",
        r"\bdanificad[oa]\b|\bavariad[oa]\b",
        r"\bbeschadigd\b",
        r"\buszkodzon[aey]?\b",
        r"\bповрежд[её]н[оа]?\b|\bповреждение\b",
        r"파손",
    ),
    _rule(
        S.EXCEPTION,
        "confiscated",
        r"\bconfiscated\b|\bseized by customs\b|\bdestroyed by customs\b",
        r"没收|海关销毁",
        r"\bbeschlagnahmt\b|\bvom Zoll vernichtet\b",
        r"\bconfisqu[ée]e?\b|\bsaisie? par (?:la )?douane\b",
        r"\bconfiscad[oa]\b|\bincautad[oa]\b",
        r"\bconfiscat[oa]\b|\bsequestrat[oa]\b",
        r"\bapreendid[oa]\b",
        r"\bin beslag genomen\b",
        r"\bskonfiskowan[aoy]\b",
        r"\bконфискован[оа]?\b",
        r"没収",
        r"압수|몰수",
    ),
    # --- refused, bad address, not at home, attempts ---------------------------------------------
    _rule(
        S.EXCEPTION,
        "refused",
        r"\brefused\b|\brejected by (?:the )?(?:recipient|addressee|consignee)\b",
        r"拒收|拒签",
        r"\bAnnahme verweigert\b|\bverweigert\b",
        r"\brefus[ée]e?\b",
        r"\brechazad[oa]\b|\brehusad[oa]\b",
        r"\brifiutat[oa]\b",
        r"\brecusad[oa]\b",
        r"\bgeweigerd\b",
        r"\bodmowa przyj[eę]cia\b|\bodm[óo]wi(?:ł|l)",
        r"\bотказ (?:от получения|адресата|в получении)\b",
        r"受取拒否|受取拒絶",
        r"수취거절|수취 거절",
    ),
    _rule(
        S.EXCEPTION,
        "bad_address",
        r"\b(?:incorrect|insufficient|incomplete|invalid|wrong|bad) address\b|\baddress (?:unknown|not found)\b|\baddressee unknown\b",
        r"地址错误|地址不详|地址有误|地址不全|查无此人",
        r"\bAdresse (?:unbekannt|unvollständig|falsch)\b|\bEmpfänger unbekannt\b|\bAnschrift (?:unzureichend|unbekannt)\b",
        r"\badresse (?:incorrecte|incompl[èe]te|erron[ée]e|inconnue)\b|\bdestinataire inconnu\b",
        r"\bdirecci[óo]n (?:incorrecta|incompleta|err[óo]nea|desconocida)\b|\bdestinatario desconocido\b",
        r"\bindirizzo (?:errato|insufficiente|incompleto|sconosciuto)\b|\bdestinatario sconosciuto\b",
        r"\bendere[çc]o (?:incorreto|insuficiente|incompleto|desconhecido)\b|\bdestinat[áa]rio desconhecido\b",
        r"\badres (?:onbekend|onjuist|onvolledig)\b",
        r"\bb(?:łę|le)dny adres\b|\badresat nieznany\b",
        r"\bневерный адрес\b|\bадресат не найден\b",
        r"宛所不明|住所不明|宛先不明",
        r"주소불명|주소 불명",
    ),
    _rule(
        S.FAILED_ATTEMPT,
        "recipient_absent",
        r"\b(?:recipient|addressee|consignee|customer) (?:was )?(?:not available|not at home|absent|unavailable)\b|\bno one (?:was )?(?:home|available)\b|\bnobody (?:at )?home\b",
        r"无人签收|收件人不在|无人在家",
        r"\bEmpfänger nicht (?:angetroffen|anwesend)\b",
        r"\bdestinataire absent\b",
        r"\bdestinatario ausente\b",
        r"\bdestinatario assente\b",
        r"\bdestinat[áa]rio ausente\b",
        r"\bniet thuis\b|\bgeen gehoor\b",
        r"\badresat(?:a)? nieobecny\b|\bnieobecno(?:ść|sc) adresata\b",
        r"\bадресат отсутствует\b|\bотсутствие адресата\b",
        r"不在|持ち戻り|持戻",
        r"수취인 ?부재|부재중",
    ),
    _rule(
        S.FAILED_ATTEMPT,
        "",
        r"\bdelivery attempt(?:ed)?\b|\battempted delivery\b|\bunsuccessful delivery\b|\bdelivery (?:was )?unsuccessful\b|\b(?:could|can) ?not be delivered\b|\bnot delivered\b|\bundeliverable\b|\bundelivered\b",
        r"投递失败|派送失败|未妥投|投递不成功|配送失败",
        r"\bZustellversuch\b|\bnicht zugestellt\b|\bkonnte nicht zugestellt werden\b|\bunzustellbar\b",
        r"\btentative de livraison\b|\bnon livr[ée]e?\b|\bn.a pas pu [êe]tre livr[ée]e?\b|\b[ée]chec de (?:la )?livraison\b",
        r"\bintento de entrega\b|\bno entregad[oa]\b|\bno (?:se )?pudo (?:ser )?entregar\b|\bentrega fallida\b",
        r"\btentativo di consegna\b|\bmancata consegna\b|\bnon consegnat[oa]\b|\bconsegna non riuscita\b",
        r"\btentativa de entrega\b|\bn[ãa]o entregue\b|\bentrega n[ãa]o efetuada\b",
        r"\bbezorgpoging\b|\bniet bezorgd\b|\bniet afgeleverd\b",
        r"\bpr[óo]ba dor[eę]czenia\b|\bnieudane dor[eę]czenie\b|\bnie dor[eę]czon[aoy]\b",
        r"\bнеудачная попытка вручения\b|\bпопытка вручения\b|\bне вручен[оа]?\b|\bне доставлен[оа]?\b",
        r"配達できません|配達不能|お届けできません",
        r"배달실패|배달 실패|배송실패",
    ),
    # --- out for delivery, ready for pick-up (before delivered: "will be delivered today") ----------
    _rule(
        S.OUT_FOR_DELIVERY,
        "",
        r"\bout for delivery\b|\bwith (?:the )?(?:delivery )?courier for delivery\b|\bwill be delivered today\b|\bon (?:its|the) way to (?:you|the recipient)\b",
        r"派送中|正在派送|派件中|正在投递|安排投递|派送员",
        r"\bin Zustellung\b|\bwird heute zugestellt\b|\bZustellfahrzeug\b|\bzur Zustellung\b",
        r"\ben cours de livraison\b|\ben livraison\b|\bsera livr[ée]e? aujourd.hui\b",
        r"\ben reparto\b|\ben ruta de entrega\b|\bser[áa] entregad[oa] hoy\b",
        r"\bin consegna\b|\bin corso di consegna\b|\bsar[àa] consegnat[oa] oggi\b",
        r"\bsaiu para entrega\b|\bem rota de entrega\b|\bsair[áa] para entrega\b",
        r"\bwordt vandaag bezorgd\b|\bonderweg naar (?:je|u)\b|\bbij de bezorger\b",
        r"\bw dor[eę]czeniu\b|\bwydan[ao] do dor[eę]czenia\b|\bprzekazan[ao] kurierowi\b",
        r"\bпередано курьеру\b|\bдоставляется курьером\b|\bпередано на доставку\b",
        r"配達中|持出中|持ち出し",
        r"배달출발|배송출발|배달중|배달 중",
    ),
    _rule(
        S.AVAILABLE_FOR_PICKUP,
        "",
        r"\bavailable for (?:pick ?up|collection)\b|\bready for (?:pick ?up|collection)\b|\bawaiting collection\b|\bdelivered to (?:a |the )?(?:parcel locker|pick ?up point|parcel shop|post office box)\b",
        r"待取件|待自提|到达自提点|已到达代收点|已放入快递柜|已存放",
        r"\bzur Abholung bereit\b|\bliegt (?:in der Filiale|zur Abholung)\b|\bin (?:der )?Packstation\b",
        r"\bdisponible (?:en point relais|au retrait|en bureau de poste)\b|\ben instance\b",
        r"\bdisponible para (?:recoger|retirar)\b|\blisto para recoger\b",
        r"\bin giacenza\b|\bdisponibile (?:per il ritiro|al ritiro)\b",
        r"\baguardando retirada\b|\bdispon[íi]vel para retirada\b",
        r"\bligt klaar\b|\bafhaalpunt\b",
        r"\bgotowa do odbioru\b|\bawizo\b|\bawizowan[aoy]\b",
        r"\bожидает (?:адресата|получения)\b|\bприбыло в место вручения\b",
        r"窓口保管|受取可能",
    ),
    # --- a delivery announced for later is still on its way (before delivered) --------------------
    _rule(
        S.IN_TRANSIT,
        "",
        r"\bwill be delivered\b|\bexpected (?:to be )?deliver|\bestimated delivery\b|\bscheduled (?:for|to be) deliver",
        r"预计.{0,12}(?:送达|妥投|派送)",
        r"\bwird\b.{0,40}\bzugestellt\b|\bvoraussichtliche Zustellung\b",
        r"\bsera\b.{0,30}\blivr[ée]e?\b|\blivraison pr[ée]vue\b",
        r"\bser[áa]\b.{0,30}\bentregad[oa]\b|\bentrega (?:prevista|estimada)\b",
        r"\bsar[àa]\b.{0,30}\bconsegnat[oa]\b|\bconsegna prevista\b",
        r"\bser[áa]\b.{0,30}\bentregue\b|\bprevis[ãa]o de entrega\b",
        r"\bwordt\b.{0,40}\bbezorgd\b|\bverwachte bezorging\b",
        r"\bzostanie\b.{0,30}\bdor[eę]czon[aoy]\b|\bprzewidywan[aey] dor[eę]czeni",
        r"\bбудет\b.{0,30}\b(?:доставлен[оа]?|вручен[оа]?)\b",
        r"お届け予定|配達予定",
        r"배달예정|배송예정|도착예정",
    ),
    # --- delivered ----------------------------------------------------------------------------------
    _rule(
        S.DELIVERED,
        "",
        r"(?<!\bbe )\bdelivered\b(?! to (?:the )?(?:airline|carrier|customs|courier|agent|partner|post office|hub|facility|sorting|warehouse|depot|destination country|local carrier))|\bsigned for\b|\bpicked up by (?:the )?(?:recipient|customer|addressee)\b",
        r"已签收|妥投|已送达|投递成功|签收成功|本人签收|代签收",
        r"\bzugestellt\b|\bausgeliefert\b",
        r"\blivr[ée]e?\b|\bcolis distribu[ée]\b|\bdistribu[ée]e?\b",
        r"\bentregad[oa]\b",
        r"\bconsegnat[oa]\b",
        r"\bentregue\b",
        r"\bbezorgd\b|\bafgeleverd\b",
        r"\bdor[eę]czon[aoy]\b|\bdostarczon[aoy]\b",
        r"\bвручен[оа]?\b|\bдоставлен[оа]?\b",
        r"配達完了|お届け済み|配達済み|お届け完了",
        r"배달완료|배달 완료|배송완료|배송 완료",
    ),
    # --- customs: released before held ----------------------------------------------------------
    _rule(
        S.IN_TRANSIT,
        "customs_cleared",
        r"\b(?:customs cleared|cleared customs|released (?:by|from) customs|customs clearance (?:completed|complete|finished)|clearance (?:completed|complete))\b",
        r"清关完成|清关成功|已清关|海关放行|清关已完成|出口海关/放行",
        r"\bvom Zoll freigegeben\b|\bVerzollung abgeschlossen\b|\bZollabfertigung abgeschlossen\b|\bverzollt\b",
        r"\bd[ée]douan[ée]e?\b|\bd[ée]douanement (?:termin[ée]|effectu[ée])\b|\blib[ée]r[ée]e? par (?:la )?douane\b",
        r"\bliberad[oa] (?:por|de) (?:la )?aduana\b|\bdespachad[oa] (?:por|en) aduana\b|\bdespacho aduanero completado\b",
        r"\bsdoganat[oa]\b|\bsdoganamento (?:completato|effettuato)\b",
        r"\bliberad[oa] pela alf[âa]ndega\b|\bdesembara[çc]ad[oa]\b",
        r"\bvrijgegeven door de douane\b|\bdoor de douane vrijgegeven\b|\binklaring voltooid\b",
        r"\bodprawa celna zako(?:ń|n)czona\b|\bzwolnion[aoy] przez urz[aą]d celny\b",
        r"\bвыпущено таможней\b|\bтаможенное оформление завершено\b",
        r"通関完了|輸入許可",
        r"통관완료|통관 완료|반출",
    ),
    _rule(
        S.CUSTOMS_HOLD,
        "customs_inspection",
        r"\bcustoms (?:inspection|examination|check)\b|\binspected by customs\b",
        r"海关查验|查验",
        r"\bbeim Zoll geprüft\b|\bZollkontrolle\b|\bZollprüfung\b",
        r"\bcontr[ôo]le (?:douanier|de la douane|en douane)\b",
        r"\binspecci[óo]n (?:aduanera|de aduana)\b|\brevisi[óo]n aduanera\b",
        r"\bispezione doganale\b|\bcontrollo doganale\b",
        r"\bfiscaliza[çc][ãa]o aduaneira\b|\binspe[çc][ãa]o aduaneira\b",
        r"\bdouanecontrole\b|\bdouane-inspectie\b",
        r"\bkontrola celna\b",
        r"\bтаможенный досмотр\b|\bдосмотр\b",
        r"税関検査",
        r"세관 ?검사",
    ),
    _rule(
        S.CUSTOMS_HOLD,
        "duties_due",
        r"\b(?:import )?(?:duties|duty|customs fees?|taxes) (?:due|payable|unpaid|owed)\b|\bawaiting payment of (?:import )?(?:duties|taxes|customs)",
        r"待缴税|等待缴税|需缴纳关税|待付税",
        r"\bZoll(?:gebühren|abgaben)? (?:offen|fällig)\b|\bEinfuhrabgaben (?:offen|fällig)\b",
        r"\bdroits de douane [àa] payer\b|\btaxes [àa] payer\b",
        r"\bimpuestos (?:pendientes|a pagar)\b|\baranceles pendientes\b",
        r"\bdazi da pagare\b|\bin attesa (?:del )?pagamento (?:dei )?dazi\b",
        r"\baguardando pagamento\b|\btaxa(?:s)? a pagar\b",
        r"\binvoerrechten verschuldigd\b",
        r"\bop[łl]ata celna\b",
        r"\bтаможенн(?:ая|ые) пошлин[аы] к оплате\b",
    ),
    _rule(
        S.CUSTOMS_HOLD,
        "customs_delay",
        r"\b(?:held|detained|delayed|retained) (?:by|in|at) customs\b|\bcustoms (?:hold|delay)\b",
        r"海关扣留|海关扣押|清关延误|清关异常",
        r"\bvom Zoll (?:zurückgehalten|einbehalten)\b|\bZollverzögerung\b",
        r"\bretenu(?:e)? (?:en|par la) douane\b|\bbloqu[ée]e? en douane\b",
        r"\bretenid[oa] en (?:la )?aduana\b",
        r"\btrattenut[oa] in dogana\b|\bbloccat[oa] in dogana\b",
        r"\bretid[oa] (?:na|pela) alf[âa]ndega\b",
        r"\bvastgehouden (?:door|bij) de douane\b",
        r"\bzatrzyman[aoy] przez (?:urz[aą]d celny|c[łl]o)\b",
        r"\bзадержан[оа]? (?:на )?тамож",
        r"税関で保留|通関保留",
        r"세관 ?보류",
    ),
    _rule(
        S.CUSTOMS_HOLD,
        "customs_processing",
        r"\bcustoms\b|\bclearance (?:process|processing|in progress)\b|\bimport clearance\b|\bclearance\b",
        r"清关|海关|通关",
        r"\bZollabfertigung\b|\bVerzollung\b|\bZoll\b",
        r"\bd[ée]douanement\b|\bdouane\b",
        r"\baduana\b|\baduanas\b|\bdespacho aduanero\b",
        r"\bdogana\b|\bsdoganamento\b",
        r"\balf[âa]ndega\b|\bdesembara[çc]o\b",
        r"\binklaring\b",
        r"\bodpraw\w* celn\w*|\burz[eęaą]d\w* celn\w*|\bcło\b|\bcelnym\b",
        r"\bтамож",
        r"通関|税関",
        r"세관|통관",
    ),
    # --- routine in-transit details -------------------------------------------------------------
    _rule(
        S.IN_TRANSIT,
        "arrived_destination_country",
        r"\barriv(?:al|ed) (?:at|in) (?:the )?destination (?:country|post)\b|\barrival at destination\b",
        r"到达目的地国|到达寄达国|已到达目的国|抵达目的国",
        r"\bAnkunft im Zielland\b|\bim Zielland angekommen\b",
        r"\barriv[ée]e? dans le pays de destination\b",
        r"\bllegada al pa[íi]s de destino\b",
        r"\barrivat[oa] nel paese di destinazione\b",
        r"\bchegada ao pa[íi]s de destino\b|\bchegou ao pa[íi]s de destino\b",
        r"\baangekomen in (?:het )?land van bestemming\b",
        r"\bprzyby(?:ł|l)a do kraju przeznaczenia\b",
        r"\bприбыло в страну назначения\b",
    ),
    _rule(
        S.INFO_RECEIVED,
        "",
        r"\b(?:shipping )?label (?:created|printed)\b|\b(?:electronic )?(?:shipment )?info(?:rmation)? received\b|\bawaiting item\b",
        r"电子信息已收到|已下单|订单信息已收到",
        r"\bSendungsdaten (?:übermittelt|erhalten)\b|\belektronisch angekündigt\b",
        r"\bétiquette cr[ée]{2}e?\b|\binformations? (?:d.exp[ée]dition )?re[çc]ue?s?\b",
        r"\betiqueta (?:creada|generada)\b",
        r"\betichetta creata\b",
        r"\betiqueta criada\b|\bobjeto postado\b",
        r"\bzending aangemeld\b",
        r"\bprzesy(?:ł|l)ka zarejestrowana\b",
        r"\bприсвоен трек-номер\b",
    ),
)


def status_from_text(text: str) -> TextStatus | None:
    """The status (and sub-status) a checkpoint's description states, or None."""
    if not text:
        return None
    for rule in RULES:
        if rule.pattern.search(text):
            return TextStatus(rule.status, rule.sub_status)
    return None
