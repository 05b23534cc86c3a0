"""The small, fixed part of the demo: stores, carriers, teams, users, templates, policies,
SLA, tags and seasonal rule sets. Every function is idempotent (get_or_create on natural keys).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from customers.models import Platform, Store, Tag
from helpdesk.demo import corpus
from helpdesk.models import SeasonalRuleSet
from helpdesk.season_calendar import ALL_MARKETS, SEASONS, Kind, Season, SeasonDates
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


# The seasons the demo shows for a year: its own peaks, and the spring ones of the year after
# (Chinese New Year, Valentine's Day, 618) that a seller is already preparing for in autumn.
NEXT_SPRING_SEASONS = frozenset({Kind.CHINESE_NEW_YEAR, Kind.VALENTINES, Kind.SIX_EIGHTEEN})


@dataclass(frozen=True)
class DemoRuleSet:
    season: Season
    year: int  # the year of the peak
    slug: str
    name: str
    markets: list[str]
    time_zone: str
    dates: SeasonDates


def season_calendar(year: int) -> list[DemoRuleSet]:
    """The demo's rule sets for one year: one per season of the production calendar
    (``helpdesk.season_calendar``: its dates, names, markets and slugs), for all the season's
    markets at once. Chinese New Year keeps the calendar's China time; a rule set for many
    markets has no one local midnight, so the others turn at midnight UTC."""
    rule_sets = []
    for season in SEASONS:
        season_year = year + 1 if season.kind in NEXT_SPRING_SEASONS else year
        every_market = ALL_MARKETS in season.markets
        rule_sets.append(
            DemoRuleSet(
                season=season,
                year=season_year,
                slug=f"{season.kind.replace('_', '-')}-{season_year}",
                name=season.name.format(year=season_year),
                markets=[] if every_market else list(season.markets),
                time_zone="Asia/Shanghai" if every_market else "UTC",
                dates=season.dates(season_year),
            )
        )
    return rule_sets


PHASE_OVERRIDES: dict[str, dict[str, object]] = {
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
    for year in (now.year - 1, now.year):
        for plan in season_calendar(year):
            if plan.dates.review_end < now.date() - dt.timedelta(days=365):
                continue
            zone = ZoneInfo(plan.time_zone)
            calendar_overrides = plan.season.overrides(plan.year)
            # The calendar's values for the season (SLA factor, return window, padding) over the
            # demo's own templates and overflow team.
            overrides = {
                phase: {**values, **calendar_overrides.get(phase, {})}
                for phase, values in PHASE_OVERRIDES.items()
            }

            def midnight(day: dt.date, zone: ZoneInfo = zone) -> dt.datetime:
                return dt.datetime.combine(day, dt.time(), zone)

            rule_set, created = SeasonalRuleSet.objects.get_or_create(
                slug=plan.slug,
                defaults={
                    "name": plan.name,
                    "kind": plan.season.kind,
                    "markets": plan.markets,
                    "timezone": plan.time_zone,
                    "prepare_from": midnight(plan.dates.prepare),
                    "peak_from": midnight(plan.dates.peak),
                    "peak_until": midnight(plan.dates.peak_end),
                    "review_until": midnight(plan.dates.review_end),
                    "overrides": overrides,
                },
            )
            if created:
                rule_set.phase = rule_set_phase_at(rule_set=rule_set, when=now)
                rule_set.phase_changed_at = timezone.now() if rule_set.phase != "inactive" else None
                rule_set.save(update_fields=["phase", "phase_changed_at"])
