"""The small, fixed part of the demo: stores, carriers, teams, users, templates, policies,
SLA, tags and seasonal rule sets. Every function is idempotent (get_or_create on natural keys).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from customers.models import Platform, Store, Tag
from helpdesk.demo import corpus
from helpdesk.models import SeasonalRuleSet
from helpdesk.seasons import rule_set_phase_at
from logistics.carriers import CARRIERS_BY_CODE
from logistics.models import Carrier
from returns.models import ReturnPolicy, ReturnReason
from tickets.demo.self_service import AUTO_ANSWER_STORES
from tickets.models import AgentProfile, Macro, Mailbox, ReplyTemplate, ReplyTemplateVariant, SLAPolicy, Team

DEMO_PASSWORD = "demo12345"


@dataclass(frozen=True)
class StoreSpec:
    key: str
    platform: str
    external_id: str
    name: str
    marketplace: str
    currency: str
    language: str
    timezone: str
    countries: tuple[str, ...]  # where its customers live, most common first


STORES = (
    StoreSpec(
        "amazon_us",
        Platform.AMAZON,
        "A1LUMIOUS",
        "Lumio Home US (Amazon)",
        "US",
        "USD",
        "en",
        "America/New_York",
        ("US", "US", "US", "CA"),
    ),
    StoreSpec(
        "amazon_de",
        Platform.AMAZON,
        "A1LUMIODE",
        "Lumio Home DE (Amazon)",
        "DE",
        "EUR",
        "de",
        "Europe/Berlin",
        ("DE", "DE", "NL", "PL", "SE"),
    ),
    StoreSpec(
        "ebay_uk",
        Platform.EBAY,
        "lumio_gadgets_uk",
        "Lumio Gadgets (eBay UK)",
        "GB",
        "GBP",
        "en",
        "Europe/London",
        ("GB", "GB", "AU"),
    ),
    StoreSpec(
        "shopify",
        Platform.SHOPIFY,
        "lumio-home.myshopify.com",
        "Lumio Home (Shopify)",
        "",
        "USD",
        "en",
        "UTC",
        ("US", "GB", "CA", "AU", "DE", "FR", "NL", "SE", "KR", "HK"),
    ),
    StoreSpec(
        "woo_fr",
        Platform.WOOCOMMERCE,
        "boutique.lumio.fr",
        "Lumio Boutique (WooCommerce)",
        "FR",
        "EUR",
        "fr",
        "Europe/Paris",
        ("FR", "FR", "ES", "IT", "PT"),
    ),
    StoreSpec(
        "aliexpress",
        Platform.ALIEXPRESS,
        "lumio-official",
        "Lumio Official (AliExpress)",
        "",
        "USD",
        "en",
        "Asia/Shanghai",
        ("ES", "PL", "KR", "BR", "FR", "NL"),
    ),
    StoreSpec(
        "shopee_br",
        Platform.SHOPEE,
        "lumio.br",
        "Lumio Brasil (Shopee)",
        "BR",
        "BRL",
        "pt",
        "America/Sao_Paulo",
        ("BR",),
    ),
    StoreSpec(
        "magento_jp",
        Platform.MAGENTO,
        "shop.lumio.jp",
        "Lumio Japan (Magento)",
        "JP",
        "JPY",
        "ja",
        "Asia/Tokyo",
        ("JP",),
    ),
)

COUNTRY_LANGUAGE = {
    "US": "en",
    "GB": "en",
    "AU": "en",
    "CA": "en",
    "DE": "de",
    "FR": "fr",
    "ES": "es",
    "IT": "it",
    "NL": "nl",
    "PL": "pl",
    "SE": "sv",
    "JP": "ja",
    "KR": "ko",
    "BR": "pt",
    "PT": "pt",
    "HK": "zh",
}
COUNTRY_TIMEZONE = {
    "US": "America/Chicago",
    "GB": "Europe/London",
    "AU": "Australia/Sydney",
    "CA": "America/Toronto",
    "DE": "Europe/Berlin",
    "FR": "Europe/Paris",
    "ES": "Europe/Madrid",
    "IT": "Europe/Rome",
    "NL": "Europe/Amsterdam",
    "PL": "Europe/Warsaw",
    "SE": "Europe/Stockholm",
    "JP": "Asia/Tokyo",
    "KR": "Asia/Seoul",
    "BR": "America/Sao_Paulo",
    "PT": "Europe/Lisbon",
    "HK": "Asia/Hong_Kong",
}

# The carriers the demo ships with; names, pages and provider codes come from the registry
# (logistics/carriers.py), whose data migration has already created their rows.
CARRIERS = (
    "china-post",
    "china-ems",
    "yunexpress",
    "4px",
    "cainiao",
    "sf-express",
    "yanwen",
    "ups",
    "usps",
    "amazon-logistics",
    "dhl-ecommerce",
    "deutsche-post",
    "royal-mail",
    "la-poste",
    "postnl",
    "japan-post",
    "correios",
    "dpd",
)

TEAMS = (
    # slug, name, languages served, working language, time zone, holiday country, overflow
    ("en-desk", "Shenzhen EN desk", ["en"], "zh", "Asia/Shanghai", "CN", False),
    (
        "eu-desk",
        "Shenzhen EU desk",
        ["de", "fr", "es", "it", "nl", "pl", "sv", "pt"],
        "zh",
        "Asia/Shanghai",
        "CN",
        False,
    ),
    ("asia-desk", "Asia desk", ["ja", "ko", "zh"], "en", "Asia/Singapore", "SG", False),
    ("overflow", "Holiday overflow", ["en", "de", "fr", "es"], "en", "Europe/Berlin", "DE", True),
)
TEAM_STORES = {
    "en-desk": ["amazon_us", "ebay_uk", "shopify", "aliexpress"],
    "eu-desk": ["amazon_de", "woo_fr", "shopify", "aliexpress", "shopee_br"],
    "asia-desk": ["magento_jp", "shopify", "aliexpress"],
    "overflow": ["amazon_us", "amazon_de", "ebay_uk", "shopify", "woo_fr"],
}
WEEKDAY_HOURS = {str(day): [["09:00", "18:00"]] for day in range(5)}

# username, first, last, role, teams, languages, working language, time zone
USERS = (
    ("manager", "Mei", "Zhang", "Manager", [], ["zh", "en"], "zh", "Asia/Shanghai"),
    ("lead.en", "Jun", "Liu", "Team lead", ["en-desk"], ["zh", "en"], "zh", "Asia/Shanghai"),
    (
        "lead.eu",
        "Hannah",
        "Weber",
        "Team lead",
        ["eu-desk", "overflow"],
        ["de", "en", "fr"],
        "en",
        "Europe/Berlin",
    ),
    ("agent.li", "Li", "Wei", "Agent", ["en-desk"], ["zh", "en"], "zh", "Asia/Shanghai"),
    ("agent.chen", "Chen", "Jing", "Agent", ["en-desk", "overflow"], ["zh", "en"], "zh", "Asia/Shanghai"),
    ("agent.wang", "Wang", "Fang", "Agent", ["eu-desk"], ["zh", "en", "de"], "zh", "Asia/Shanghai"),
    ("agent.lucia", "Lucía", "García", "Agent", ["eu-desk"], ["es", "pt", "it", "en"], "en", "Europe/Madrid"),
    ("agent.sato", "Yuki", "Sato", "Agent", ["asia-desk"], ["ja", "ko", "en"], "en", "Asia/Tokyo"),
)

TAGS = (
    ("vip", "VIP", "automatic", "#b8860b"),
    ("high-value", "High value", "automatic", "#1a7f37"),
    ("serial-returner", "Serial returner", "automatic", "#cf222e"),
    ("frequent-complainer", "Frequent complainer", "automatic", "#bc4c00"),
    ("first-time-buyer", "First-time buyer", "automatic", "#0969da"),
    ("champions", "RFM: champions", "automatic", "#8250df"),
    ("at-risk", "RFM: at risk", "automatic", "#9a6700"),
    ("gift", "Gift order", "manual", "#bf3989"),
    ("chargeback-threat", "Chargeback threat", "manual", "#a40e26"),
    ("wholesale", "Wholesale lead", "manual", "#57606a"),
)


def ensure_stores() -> dict[str, Store]:
    stores = {}
    for spec in STORES:
        store, _ = Store.objects.get_or_create(
            platform=spec.platform,
            external_id=spec.external_id,
            defaults={
                "name": spec.name,
                "marketplace": spec.marketplace,
                "currency": spec.currency,
                "default_language": spec.language,
                "timezone": spec.timezone,
                "support_email": f"support+{spec.key.replace('_', '-')}@lumio.example",
                "auto_answer_threshold": AUTO_ANSWER_STORES.get(spec.key),
            },
        )
        stores[spec.key] = store
    return stores


def ensure_mailboxes(stores: dict[str, Store]) -> None:
    """A support address per store, fed by the raw-MIME webhook (no IMAP server in the demo)."""
    for store in stores.values():
        Mailbox.objects.get_or_create(address=store.support_email, defaults={"store": store})


def ensure_carriers() -> dict[str, Carrier]:
    """The demo's carriers, created from the registry when a database lacks them (a test
    database flushed after migrating, say)."""
    carriers = {}
    for code in CARRIERS:
        info = CARRIERS_BY_CODE[code]
        carrier, _ = Carrier.objects.get_or_create(
            code=code,
            defaults={
                "name": info.name,
                "country": info.country,
                "tracking_url_template": info.tracking_url_template,
                "aftership_slug": info.aftership_slug,
                "seventeen_track_code": info.seventeen_track_code,
            },
        )
        carriers[code] = carrier
    return carriers


def ensure_tags() -> dict[str, Tag]:
    tags = {}
    for slug, name, kind, color in TAGS:
        tag, _ = Tag.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind, "color": color})
        tags[slug] = tag
    return tags


def ensure_teams_and_users(stores: dict[str, Store]) -> tuple[dict[str, Team], dict[str, object]]:
    teams = {}
    for slug, name, languages, working, tz, holiday_country, overflow in TEAMS:
        team, created = Team.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "languages": languages,
                "working_language": working,
                "timezone": tz,
                "business_hours": WEEKDAY_HOURS,
                "holiday_country": holiday_country,
                "is_overflow": overflow,
            },
        )
        if created:
            team.stores.set([stores[key] for key in TEAM_STORES[slug]])
        teams[slug] = team
    User = get_user_model()
    users = {}
    password = make_password(DEMO_PASSWORD)  # hashed once: the hasher is slow by design
    for username, first, last, role, team_slugs, languages, working, tz in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@lumio.example",
                "is_staff": role in {"Manager", "Team lead"},
            },
        )
        if created:
            user.password = password
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
        profile, created = AgentProfile.objects.get_or_create(
            user=user,
            defaults={
                "languages": languages,
                "working_language": working,
                "timezone": tz,
                "availability": AgentProfile.Availability.ONLINE,
                "capacity": 25 if role == "Agent" else 10,
            },
        )
        if created:
            profile.teams.set([teams[slug] for slug in team_slugs])
            if role == "Team lead":
                Team.objects.filter(pk=teams[team_slugs[0]].pk, lead=None).update(lead=user)
        users[username] = user
    return teams, users


def ensure_sla_policies(stores: dict[str, Store]) -> None:
    policies = (
        ("Default", None, "", None, 8 * 60, 12 * 60, 3 * 24 * 60),
        ("Urgent tickets", None, "", 4, 60, 2 * 60, 24 * 60),
        # Amazon measures sellers on answering buyer messages within 24 hours, every day.
        ("Amazon buyer messages", None, "amazon", None, 12 * 60, 24 * 60, 3 * 24 * 60),
    )
    for name, store_key, channel, priority, first, nxt, resolution in policies:
        SLAPolicy.objects.get_or_create(
            name=name,
            defaults={
                "store": stores.get(store_key) if store_key else None,
                "channel": channel,
                "priority": priority,
                "first_response_minutes": first,
                "next_response_minutes": nxt,
                "resolution_minutes": resolution,
                "business_hours_only": channel != "amazon",
            },
        )


def ensure_templates() -> None:
    for intent in corpus.INTENTS:
        template, created = ReplyTemplate.objects.get_or_create(
            slug=f"intent-{intent.replace('_', '-')}",
            defaults={"name": corpus.TEMPLATE_TITLES[intent], "intent": intent},
        )
        if created:
            ReplyTemplateVariant.objects.bulk_create(
                ReplyTemplateVariant(template=template, language=language, body=replies[intent])
                for language, replies in corpus.AGENT_REPLIES.items()
            )


# (name, template slug, status after, tags, assignee, priority): what agents click most after a peak.
MACROS = (
    ("Tracking update, wait for the customer", "intent-where-is-my-order", "pending", (), "me", None),
    ("Damaged item: replacement, solve", "intent-damaged-item", "solved", (), "me", None),
    ("Chargeback threat: escalate", "", "", ("chargeback-threat",), "unassign", 4),
)


def ensure_macros() -> None:
    for name, template_slug, status, tag_slugs, assign, priority in MACROS:
        macro, created = Macro.objects.get_or_create(
            name=name,
            defaults={
                "reply_template": ReplyTemplate.objects.filter(slug=template_slug).first(),
                "set_status": status,
                "assign": assign,
                "set_priority": priority,
            },
        )
        if created and tag_slugs:
            macro.add_tags.set(Tag.objects.filter(slug__in=tag_slugs))


SELLER_FAULT = [
    ReturnReason.DAMAGED,
    ReturnReason.WRONG_ITEM,
    ReturnReason.MISSING_ITEM,
    ReturnReason.NOT_AS_DESCRIBED,
    ReturnReason.DEFECTIVE,
]
# (category, name suffix, settings); "" is the store's standard policy.
RETURN_POLICIES = (
    (
        "",
        "standard",
        {
            "seller_pays_shipping_reasons": SELLER_FAULT,
            "returnless_max_value": Decimal("15.00"),
            "returnless_shipping_share": Decimal("0.50"),
        },
    ),
    ("beauty", "beauty (hygiene, final sale)", {"final_sale": True, "priority": 10}),
    (
        "apparel",
        "apparel",
        {
            "window_days": 60,
            "accepted_conditions": ["unopened", "like_new"],
            "seller_pays_shipping_reasons": SELLER_FAULT,
            "priority": 20,
        },
    ),
)


def ensure_return_policies(stores: dict[str, Store]) -> None:
    for key, store in stores.items():
        for category, suffix, settings in RETURN_POLICIES:
            defaults = {"name": f"{store.name}: {suffix}", **settings}
            if not category:
                # Shopee Brazil's marketplace rule is 14 days; own shops refund on arrival.
                defaults["window_days"] = 14 if key == "shopee_br" else 30
                defaults["auto_refund_on_receipt"] = key in {"shopify", "woo_fr"}
            ReturnPolicy.objects.get_or_create(
                store=store, category=category, is_active=True, defaults=defaults
            )


# Chinese New Year (first day) by year; carriers and factories slow down for weeks around it.
CHINESE_NEW_YEAR = {
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3),
}


def _black_friday(year: int) -> dt.date:
    november_first = dt.date(year, 11, 1)
    first_thursday = november_first + dt.timedelta(days=(3 - november_first.weekday()) % 7)
    return first_thursday + dt.timedelta(weeks=3, days=1)


def _second_tuesday_of_july(year: int) -> dt.date:
    july_first = dt.date(year, 7, 1)
    return july_first + dt.timedelta(days=(1 - july_first.weekday()) % 7 + 7)


def season_calendar(year: int) -> list[tuple[str, str, str, dt.date, dt.date, dt.date, dt.date, list[str]]]:
    """(kind, slug, name, prepare_from, peak_from, peak_until, review_until, markets) for one year."""
    bf = _black_friday(year)
    cny = CHINESE_NEW_YEAR.get(year + 1, dt.date(year + 1, 2, 1))
    prime = _second_tuesday_of_july(year)
    d = dt.date
    return [
        (
            "singles_day",
            f"singles-day-{year}",
            f"Singles' Day {year}",
            d(year, 10, 20),
            d(year, 11, 1),
            d(year, 11, 12),
            d(year, 11, 30),
            ["CN", "HK", "KR", "ES", "PL", "BR"],
        ),
        (
            "black_friday",
            f"black-friday-{year}",
            f"Black Friday / Cyber Monday {year}",
            bf - dt.timedelta(days=14),
            bf - dt.timedelta(days=1),
            bf + dt.timedelta(days=5),
            bf + dt.timedelta(days=19),
            [],
        ),
        (
            "christmas",
            f"christmas-{year}",
            f"Christmas and New Year {year}",
            d(year, 12, 1),
            d(year, 12, 10),
            d(year + 1, 1, 7),
            d(year + 1, 1, 31),
            ["US", "GB", "DE", "FR", "ES", "IT", "NL", "PL", "SE", "CA", "AU"],
        ),
        (
            "chinese_new_year",
            f"chinese-new-year-{year + 1}",
            f"Chinese New Year {year + 1}",
            cny - dt.timedelta(days=28),
            cny - dt.timedelta(days=10),
            cny + dt.timedelta(days=15),
            cny + dt.timedelta(days=30),
            [],
        ),
        (
            "valentines",
            f"valentines-{year + 1}",
            f"Valentine's Day {year + 1}",
            d(year + 1, 1, 20),
            d(year + 1, 2, 5),
            d(year + 1, 2, 15),
            d(year + 1, 2, 28),
            [],
        ),
        (
            "618",
            f"618-{year + 1}",
            f"618 mid-year sale {year + 1}",
            d(year + 1, 5, 20),
            d(year + 1, 6, 1),
            d(year + 1, 6, 19),
            d(year + 1, 7, 5),
            ["CN", "HK"],
        ),
        (
            "prime_day",
            f"prime-day-{year}",
            f"Prime Day {year}",
            prime - dt.timedelta(days=21),
            prime - dt.timedelta(days=1),
            prime + dt.timedelta(days=3),
            prime + dt.timedelta(days=17),
            ["US", "GB", "DE", "FR", "ES", "IT", "JP", "CA"],
        ),
    ]


PHASE_OVERRIDES = {
    "before": {"auto_reply_template": "holiday-greeting", "staffing_note": "Book overflow agents"},
    "during": {
        "sla_factor": 1.5,
        "priority_weights": {"gift_order": 2.0, "parcel_anomaly": 1.5},
        "self_service_threshold": 0.7,
        "overflow_team": "overflow",
        "delivery_padding_days": 3,
        "proactive_delay_notices": True,
    },
    "after": {"survey_offer": "10% off your next order", "review_report": True},
}


def ensure_rule_sets(now: dt.datetime) -> None:
    utc = dt.UTC
    for year in (now.year - 1, now.year):
        for kind, slug, name, prepare, peak, peak_end, review, markets in season_calendar(year):
            if review < now.date() - dt.timedelta(days=365):
                continue
            overrides = {phase: dict(values) for phase, values in PHASE_OVERRIDES.items()}
            if kind in {"christmas", "black_friday"}:
                overrides["during"]["return_window_extension_until"] = f"{year + 1}-01-31"
            if kind == "chinese_new_year":
                overrides["during"]["delivery_padding_days"] = 10
            rule_set, created = SeasonalRuleSet.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "kind": kind,
                    "markets": markets,
                    "prepare_from": dt.datetime.combine(prepare, dt.time(), utc),
                    "peak_from": dt.datetime.combine(peak, dt.time(), utc),
                    "peak_until": dt.datetime.combine(peak_end, dt.time(), utc),
                    "review_until": dt.datetime.combine(review, dt.time(), utc),
                    "overrides": overrides,
                },
            )
            if created:
                rule_set.phase = rule_set_phase_at(rule_set=rule_set, when=now)
                rule_set.phase_changed_at = timezone.now() if rule_set.phase != "inactive" else None
                rule_set.save(update_fields=["phase", "phase_changed_at"])
