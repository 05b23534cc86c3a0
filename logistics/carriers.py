"""The carriers the helpdesk knows: one registry, as Python data.

Each entry gives the code used everywhere in the project (``Carrier.code``, detector
candidates, the demo seed), the public tracking page with ``{number}`` in it, AfterShip's
courier slug and 17TRACK's numeric carrier key where known (``None`` when we have no
public source for it).

The ``Carrier`` rows are created from this list by ``logistics/migrations/0002_carriers.py``,
which holds a frozen copy (migrations must not import app code); a test keeps the two equal,
so a change here comes with a new data migration.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CarrierInfo:
    code: str
    name: str
    country: str  # home country, ISO 3166-1 alpha-2; "" for a global network
    tracking_url_template: str
    aftership_slug: str = ""
    seventeen_track_code: int | None = None

    def tracking_url(self, number: str) -> str:
        return self.tracking_url_template.replace("{number}", number) if number else ""


# Grouped by kind; the order carries no meaning.
CARRIERS: tuple[CarrierInfo, ...] = (
    # Chinese cross-border networks and posts
    CarrierInfo(
        "china-post", "China Post", "CN", "https://track.chinapost.com.cn/?n={number}", "china-post", 3011
    ),
    CarrierInfo(
        "china-ems", "China EMS", "CN", "https://www.ems.com.cn/qps/yjcx?n={number}", "china-ems", 3013
    ),
    CarrierInfo(
        "yunexpress",
        "YunExpress",
        "CN",
        "https://www.yuntrack.com/parcelTracking?id={number}",
        "yunexpress",
        190008,
    ),
    CarrierInfo("4px", "4PX", "CN", "https://track.4px.com/#/result/0/{number}", "4px", 190094),
    CarrierInfo(
        "cainiao", "Cainiao", "CN", "https://global.cainiao.com/detail.htm?mailNoList={number}", "cainiao"
    ),
    CarrierInfo(
        "sf-express",
        "SF Express",
        "CN",
        "https://www.sf-express.com/we/ow/chn/sc/waybill/list?no={number}",
        "sf-express",
        100012,
    ),
    CarrierInfo(
        "yanwen", "Yanwen", "CN", "https://track.yw56.com.cn/en/querydel?nums={number}", "yanwen", 190012
    ),
    CarrierInfo("jt-express", "J&T Express", "ID", "https://jet.co.id/track?awb={number}", "jet", 100074),
    CarrierInfo(
        "hongkong-post",
        "Hongkong Post",
        "HK",
        "https://www.hongkongpost.hk/en/mail_tracking/index.html?trackcode={number}",
        "hong-kong-post",
        8011,
    ),
    # Global express networks
    CarrierInfo("ups", "UPS", "US", "https://www.ups.com/track?tracknum={number}", "ups", 100002),
    CarrierInfo("fedex", "FedEx", "US", "https://www.fedex.com/fedextrack/?trknbr={number}", "fedex", 100003),
    CarrierInfo(
        "dhl-express",
        "DHL Express",
        "DE",
        "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={number}",
        "dhl",
        100001,
    ),
    CarrierInfo(
        "tnt",
        "TNT",
        "NL",
        "https://www.tnt.com/express/en_gc/site/shipping-tools/tracking.html?cons={number}",
        "tnt",
        100004,
    ),
    CarrierInfo(
        "aramex",
        "Aramex",
        "AE",
        "https://www.aramex.com/track/results?ShipmentNumber={number}",
        "aramex",
        100006,
    ),
    # United States and Canada
    CarrierInfo(
        "usps", "USPS", "US", "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}", "usps", 21051
    ),
    CarrierInfo(
        "amazon-logistics", "Amazon Logistics", "US", "https://track.amazon.com/tracking/{number}", "amazon"
    ),
    CarrierInfo(
        "canada-post",
        "Canada Post",
        "CA",
        "https://www.canadapost-postescanada.ca/track-reperage/en#/details/{number}",
        "canada-post",
        3041,
    ),
    CarrierInfo(
        "purolator",
        "Purolator",
        "CA",
        "https://www.purolator.com/en/shipping/tracker?pin={number}",
        "purolator",
        100042,
    ),
    # Germany
    CarrierInfo(
        "dhl-ecommerce",
        "DHL eCommerce",
        "DE",
        "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}",
        "dhl-global-mail",
        7047,
    ),
    CarrierInfo(
        "dhl-paket",
        "DHL Paket",
        "DE",
        "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode={number}",
        "dhl-germany",
        7041,
    ),
    CarrierInfo(
        "deutsche-post",
        "Deutsche Post",
        "DE",
        "https://www.deutschepost.de/sendung/simpleQuery.html?form.sendungsnummer={number}",
        "deutsch-post",
        7044,
    ),
    CarrierInfo("dpd", "DPD", "DE", "https://tracking.dpd.de/status/en_US/parcel/{number}", "dpd", 100007),
    CarrierInfo("gls", "GLS", "DE", "https://gls-group.com/track/{number}", "gls", 100005),
    CarrierInfo(
        "hermes",
        "Hermes",
        "DE",
        "https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation/#{number}",
        "hermes-de",
        100031,
    ),
    # United Kingdom and Ireland
    CarrierInfo(
        "royal-mail",
        "Royal Mail",
        "GB",
        "https://www.royalmail.com/track-your-item#/tracking-results/{number}",
        "royal-mail",
        11031,
    ),
    CarrierInfo("evri", "Evri", "GB", "https://www.evri.com/track/parcel/{number}", "hermes", 100018),
    CarrierInfo("yodel", "Yodel", "GB", "https://www.yodel.co.uk/tracking/{number}", "yodel", 100017),
    CarrierInfo(
        "an-post",
        "An Post",
        "IE",
        "https://www.anpost.com/Post-Parcels/Track/History?item={number}",
        "an-post",
        9051,
    ),
    # Rest of Europe
    CarrierInfo(
        "la-poste",
        "La Poste Colissimo",
        "FR",
        "https://www.laposte.fr/outils/suivre-vos-envois?code={number}",
        "la-poste-colissimo",
        6051,
    ),
    CarrierInfo(
        "postnl", "PostNL", "NL", "https://jouw.postnl.nl/track-and-trace/{number}", "postnl-3s", 14041
    ),
    CarrierInfo(
        "poste-italiane",
        "Poste Italiane",
        "IT",
        "https://www.poste.it/cerca/index.html#/risultati-spedizioni/{number}",
        "poste-italiane",
        9071,
    ),
    CarrierInfo(
        "correos",
        "Correos",
        "ES",
        "https://www.correos.es/es/en/tools/tracker/items/details?tracking-number={number}",
        "spain-correos-es",
        19181,
    ),
    CarrierInfo(
        "correos-express",
        "Correos Express",
        "ES",
        "https://s.correosexpress.com/SeguimientoSinCP/search?shippingNumber={number}",
        "correosexpress",
        100048,
    ),
    CarrierInfo(
        "swiss-post",
        "Swiss Post",
        "CH",
        "https://service.post.ch/ekp-web/ui/entry/search/{number}",
        "swiss-post",
        19251,
    ),
    CarrierInfo(
        "postnord",
        "PostNord",
        "SE",
        "https://www.postnord.se/en/our-tools/track-and-trace?shipmentId={number}",
        "postnord",
        19241,
    ),
    # Asia-Pacific, India, Latin America
    CarrierInfo(
        "japan-post",
        "Japan Post",
        "JP",
        "https://trackings.post.japanpost.jp/services/srv/search/?requestNo1={number}",
        "japan-post",
        10021,
    ),
    CarrierInfo(
        "korea-post",
        "Korea Post",
        "KR",
        "https://service.epost.go.kr/trace.RetrieveEmsRigiTraceList.comm?POST_CODE={number}",
        "korea-post",
        11051,
    ),
    CarrierInfo(
        "singapore-post",
        "Singapore Post",
        "SG",
        "https://www.singpost.com/track-items?trackingid={number}",
        "singapore-post",
        19131,
    ),
    CarrierInfo(
        "australia-post",
        "Australia Post",
        "AU",
        "https://auspost.com.au/mypost/track/#/details/{number}",
        "australia-post",
        1151,
    ),
    CarrierInfo(
        "india-post",
        "India Post",
        "IN",
        "https://www.indiapost.gov.in/_layouts/15/dop.portal.tracking/trackconsignment.aspx?consignment={number}",
        "india-post",
        9021,
    ),
    CarrierInfo(
        "correios",
        "Correios",
        "BR",
        "https://rastreamento.correios.com.br/app/index.php?objeto={number}",
        "brazil-correios",
        2151,
    ),
    # A UPU S10 number from a postal operator the registry has no entry for: 17TRACK's public
    # page follows any of them.
    CarrierInfo("postal", "Postal service (UPU)", "", "https://t.17track.net/en#nums={number}"),
)

CARRIERS_BY_CODE: dict[str, CarrierInfo] = {carrier.code: carrier for carrier in CARRIERS}


def carrier_info(code: str) -> CarrierInfo | None:
    return CARRIERS_BY_CODE.get(code)
