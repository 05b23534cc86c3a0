"""Create or update the Carrier rows of the carrier registry (``logistics/carriers.py``).

The data is a frozen copy: migrations must not import app code, and a test keeps this copy
equal to the registry. Running it twice changes nothing; reversing it removes the carriers
it added unless a parcel or a lane statistic already refers to them (those stay: deleting
them would lose data).
"""

from django.db import migrations

# code, name, home country, tracking page, AfterShip slug, 17TRACK carrier key
CARRIERS = (
    ("china-post", "China Post", "CN", "https://track.chinapost.com.cn/?n={number}", "china-post", 3011),
    ("china-ems", "China EMS", "CN", "https://www.ems.com.cn/qps/yjcx?n={number}", "china-ems", 3013),
    (
        "yunexpress",
        "YunExpress",
        "CN",
        "https://www.yuntrack.com/parcelTracking?id={number}",
        "yunexpress",
        190008,
    ),
    ("4px", "4PX", "CN", "https://track.4px.com/#/result/0/{number}", "4px", 190094),
    (
        "cainiao",
        "Cainiao",
        "CN",
        "https://global.cainiao.com/detail.htm?mailNoList={number}",
        "cainiao",
        None,
    ),
    (
        "sf-express",
        "SF Express",
        "CN",
        "https://www.sf-express.com/we/ow/chn/sc/waybill/list?no={number}",
        "sf-express",
        100012,
    ),
    ("yanwen", "Yanwen", "CN", "https://track.yw56.com.cn/en/querydel?nums={number}", "yanwen", 190012),
    ("jt-express", "J&T Express", "ID", "https://jet.co.id/track?awb={number}", "jet", 100074),
    (
        "hongkong-post",
        "Hongkong Post",
        "HK",
        "https://www.hongkongpost.hk/en/mail_tracking/index.html?trackcode={number}",
        "hong-kong-post",
        8011,
    ),
    ("ups", "UPS", "US", "https://www.ups.com/track?tracknum={number}", "ups", 100002),
    ("fedex", "FedEx", "US", "https://www.fedex.com/fedextrack/?trknbr={number}", "fedex", 100003),
    (
        "dhl-express",
        "DHL Express",
        "DE",
        "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={number}",
        "dhl",
        100001,
    ),
    (
        "tnt",
        "TNT",
        "NL",
        "https://www.tnt.com/express/en_gc/site/shipping-tools/tracking.html?cons={number}",
        "tnt",
        100004,
    ),
    (
        "aramex",
        "Aramex",
        "AE",
        "https://www.aramex.com/track/results?ShipmentNumber={number}",
        "aramex",
        100006,
    ),
    ("usps", "USPS", "US", "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}", "usps", 21051),
    (
        "amazon-logistics",
        "Amazon Logistics",
        "US",
        "https://track.amazon.com/tracking/{number}",
        "amazon",
        None,
    ),
    (
        "canada-post",
        "Canada Post",
        "CA",
        "https://www.canadapost-postescanada.ca/track-reperage/en#/details/{number}",
        "canada-post",
        3041,
    ),
    (
        "purolator",
        "Purolator",
        "CA",
        "https://www.purolator.com/en/shipping/tracker?pin={number}",
        "purolator",
        100042,
    ),
    (
        "dhl-ecommerce",
        "DHL eCommerce",
        "DE",
        "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}",
        "dhl-global-mail",
        7047,
    ),
    (
        "dhl-paket",
        "DHL Paket",
        "DE",
        "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode={number}",
        "dhl-germany",
        7041,
    ),
    (
        "deutsche-post",
        "Deutsche Post",
        "DE",
        "https://www.deutschepost.de/sendung/simpleQuery.html?form.sendungsnummer={number}",
        "deutsch-post",
        7044,
    ),
    ("dpd", "DPD", "DE", "https://tracking.dpd.de/status/en_US/parcel/{number}", "dpd", 100007),
    ("gls", "GLS", "DE", "https://gls-group.com/track/{number}", "gls", 100005),
    (
        "hermes",
        "Hermes",
        "DE",
        "https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation/#{number}",
        "hermes-de",
        100031,
    ),
    (
        "royal-mail",
        "Royal Mail",
        "GB",
        "https://www.royalmail.com/track-your-item#/tracking-results/{number}",
        "royal-mail",
        11031,
    ),
    ("evri", "Evri", "GB", "https://www.evri.com/track/parcel/{number}", "hermes", 100018),
    ("yodel", "Yodel", "GB", "https://www.yodel.co.uk/tracking/{number}", "yodel", 100017),
    (
        "an-post",
        "An Post",
        "IE",
        "https://www.anpost.com/Post-Parcels/Track/History?item={number}",
        "an-post",
        9051,
    ),
    (
        "la-poste",
        "La Poste Colissimo",
        "FR",
        "https://www.laposte.fr/outils/suivre-vos-envois?code={number}",
        "la-poste-colissimo",
        6051,
    ),
    ("postnl", "PostNL", "NL", "https://jouw.postnl.nl/track-and-trace/{number}", "postnl-3s", 14041),
    (
        "poste-italiane",
        "Poste Italiane",
        "IT",
        "https://www.poste.it/cerca/index.html#/risultati-spedizioni/{number}",
        "poste-italiane",
        9071,
    ),
    (
        "correos",
        "Correos",
        "ES",
        "https://www.correos.es/es/en/tools/tracker/items/details?tracking-number={number}",
        "spain-correos-es",
        19181,
    ),
    (
        "correos-express",
        "Correos Express",
        "ES",
        "https://s.correosexpress.com/SeguimientoSinCP/search?shippingNumber={number}",
        "correosexpress",
        100048,
    ),
    (
        "swiss-post",
        "Swiss Post",
        "CH",
        "https://service.post.ch/ekp-web/ui/entry/search/{number}",
        "swiss-post",
        19251,
    ),
    (
        "postnord",
        "PostNord",
        "SE",
        "https://www.postnord.se/en/our-tools/track-and-trace?shipmentId={number}",
        "postnord",
        19241,
    ),
    (
        "japan-post",
        "Japan Post",
        "JP",
        "https://trackings.post.japanpost.jp/services/srv/search/?requestNo1={number}",
        "japan-post",
        10021,
    ),
    (
        "korea-post",
        "Korea Post",
        "KR",
        "https://service.epost.go.kr/trace.RetrieveEmsRigiTraceList.comm?POST_CODE={number}",
        "korea-post",
        11051,
    ),
    (
        "singapore-post",
        "Singapore Post",
        "SG",
        "https://www.singpost.com/track-items?trackingid={number}",
        "singapore-post",
        19131,
    ),
    (
        "australia-post",
        "Australia Post",
        "AU",
        "https://auspost.com.au/mypost/track/#/details/{number}",
        "australia-post",
        1151,
    ),
    (
        "india-post",
        "India Post",
        "IN",
        "https://www.indiapost.gov.in/_layouts/15/dop.portal.tracking/trackconsignment.aspx?consignment={number}",
        "india-post",
        9021,
    ),
    (
        "correios",
        "Correios",
        "BR",
        "https://rastreamento.correios.com.br/app/index.php?objeto={number}",
        "brazil-correios",
        2151,
    ),
    ("postal", "Postal service (UPU)", "", "https://t.17track.net/en#nums={number}", "", None),
)

FIELDS = ("name", "country", "tracking_url_template", "aftership_slug", "seventeen_track_code")


def create_or_update_carriers(apps, schema_editor):
    Carrier = apps.get_model("logistics", "Carrier")
    for code, *values in CARRIERS:
        Carrier.objects.update_or_create(code=code, defaults=dict(zip(FIELDS, values, strict=True)))


def remove_unused_carriers(apps, schema_editor):
    Carrier = apps.get_model("logistics", "Carrier")
    codes = [row[0] for row in CARRIERS]
    Carrier.objects.filter(code__in=codes, shipments__isnull=True, lanes__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("logistics", "0001_initial")]

    operations = [migrations.RunPython(create_or_update_carriers, remove_unused_carriers)]
