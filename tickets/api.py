"""REST API v1 for tickets, their messages (with translations), reply templates and survey results.

Reads go through the store-scoped selectors (a ticket of another team's store is a 404, like a
missing one); writes go through the same services as the inbox, with the same permission checks.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from customers.models import Store, Tag
from customers.selectors import store_list_for_user
from helpdesk.api.base import ApiViewSet
from helpdesk.api.fields import (
    BooleanFilter,
    DateTimeFilter,
    IdFilter,
    ReadModelSerializer,
    SlugReference,
    id_field,
    related_id,
)
from helpdesk.api.permissions import HasRolePermission
from helpdesk.exceptions import ApplicationError
from tickets.ingest.inbound import InboundMessage
from tickets.models import Channel, Intent, Message, Priority, ReplyTemplate, SurveyResponse, Ticket
from tickets.selectors import (
    assignee_get,
    reply_templates_visible_to,
    survey_responses_visible_to,
    ticket_get_for_agent,
    ticket_messages_for_api,
    ticket_visible_to,
)
from tickets.services import message_ingest, message_reply
from tickets.services.bulk import ticket_change_status, ticket_reassign
from tickets.services.permissions import check_actor
from tickets.services.replies import StaleTicket
from tickets.services.templates import (
    KEEP,
    VariantText,
    reply_template_create,
    reply_template_deactivate,
    reply_template_update,
)
from tickets.services.translation import message_reply_translated

ADD_MESSAGE = "tickets.add_message"
# The channels a message created through the API may say it came through.
API_CHANNELS = [(Channel.API.value, Channel.API.label), (Channel.WEB_FORM.value, Channel.WEB_FORM.label)]
# The statuses a reply (or a template's reply) may leave the ticket in: never back to "new".
REPLY_STATUSES = [choice for choice in Ticket.Status.choices if choice[0] != Ticket.Status.NEW]


# --- serializers --------------------------------------------------------------------------------


class CustomerBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)


class TicketSerializer(ReadModelSerializer):
    customer = CustomerBriefSerializer(read_only=True)
    tags = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Ticket
        fields = (
            "id",
            "reference",
            "store",
            "customer",
            "channel",
            "subject",
            "status",
            "priority",
            "team",
            "assignee",
            "language",
            "intent",
            "sentiment",
            "angry",
            "order",
            "shipment",
            "tags",
            "version",
            "sla_due_at",
            "sla_breached",
            "first_responded_at",
            "last_customer_message_at",
            "last_agent_message_at",
            "solved_at",
            "closed_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class TranslationSerializer(serializers.Serializer):
    source_language = serializers.CharField()
    target_language = serializers.CharField()
    text = serializers.CharField(source="translated_text")
    engine = serializers.CharField()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class MessageSerializer(ReadModelSerializer):
    translation = TranslationSerializer(read_only=True, allow_null=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = (
            "id",
            "ticket",
            "direction",
            "kind",
            "channel",
            "author",
            "sender_name",
            "sender_address",
            "subject",
            "body_text",
            "body_display",
            "language",
            "translation",
            "intent",
            "sentiment",
            "delivery_status",
            "delivery_error",
            "attachments",
            "sent_at",
            "created_at",
        )
        read_only_fields = fields

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, message: Message) -> list[dict[str, Any]]:
        return [
            {"id": a.pk, "filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in message.attachments.all()
        ]


class TicketCreateSerializer(serializers.Serializer):
    store = related_id(Store.objects.none())
    customer_email = serializers.EmailField(max_length=254)
    customer_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    subject = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=100_000)
    order_number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    channel = serializers.ChoiceField(choices=API_CHANNELS, required=False, default=Channel.API)
    external_id = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Your id for this message: sending it again is a no-op that returns the same ticket.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = request.user if request is not None else None
        self.fields["store"].queryset = store_list_for_user(user=user) if user else Store.objects.none()


class TicketCreatedSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text="False: the message joined an existing conversation.")
    duplicate = serializers.BooleanField(help_text="True: this external id was received before.")
    message = serializers.IntegerField()
    ticket = TicketSerializer()


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=100_000)
    internal = serializers.BooleanField(required=False, default=False, help_text="An internal note.")
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text="The ticket version you read; a newer ticket answers 409 and nothing is sent.",
    )
    status_after = serializers.ChoiceField(
        choices=[("", ""), *REPLY_STATUSES],
        required=False,
        default="",
    )
    original = serializers.CharField(
        max_length=100_000,
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "Your own text when body is its translation into the customer's language (as the "
            "inbox's translate button sends it): kept beside the reply. Ignored for notes."
        ),
    )


class AssignSerializer(serializers.Serializer):
    assignee = id_field(allow_null=True, help_text="A user id; null takes the ticket back from its assignee.")
    version = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Ticket.Status.choices)
    version = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


class TemplateVariantSerializer(serializers.Serializer):
    language = serializers.CharField()
    subject = serializers.CharField()
    body = serializers.CharField()


class ReplyTemplateSerializer(ReadModelSerializer):
    variants = TemplateVariantSerializer(many=True, read_only=True)
    add_tags = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = ReplyTemplate
        fields = (
            "id",
            "name",
            "slug",
            "intent",
            "store",
            "set_status",
            "add_tags",
            "is_active",
            "usage_count",
            "variants",
        )
        read_only_fields = fields


class TemplateVariantInputSerializer(serializers.Serializer):
    language = serializers.CharField(max_length=10, help_text="A language code, e.g. en, de, zh-hans.")
    subject = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    body = serializers.CharField(
        max_length=20_000,
        help_text="Placeholders: {name}, {order}, {tracking}, {tracking_url}, {return_url}, {agent}.",
    )


class ReplyTemplateUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    intent = serializers.ChoiceField(choices=Intent.choices, required=False, allow_blank=True, default="")
    store = related_id(
        Store.objects.none(), allow_null=True, required=False, default=None, help_text="null: every store."
    )
    set_status = serializers.ChoiceField(
        choices=REPLY_STATUSES,
        required=False,
        allow_blank=True,
        default="",
        help_text="The status a reply with this template sets.",
    )
    add_tags = SlugReference(slug_field="slug", queryset=Tag.objects.all(), many=True, required=False)
    is_active = serializers.BooleanField(required=False, default=True)
    variants = TemplateVariantInputSerializer(many=True, allow_empty=False, max_length=50)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = request.user if request is not None else None
        self.fields["store"].queryset = store_list_for_user(user=user) if user else Store.objects.none()


class ReplyTemplateCreateSerializer(ReplyTemplateUpdateSerializer):
    slug = serializers.SlugField(max_length=80, help_text="Fixed once created: macros and rules use it.")


class SurveyResultSerializer(ReadModelSerializer):
    kind = serializers.CharField(source="survey.kind")
    ticket = serializers.IntegerField(source="survey.ticket_id")
    store = serializers.IntegerField(source="survey.ticket.store_id")

    class Meta:
        model = SurveyResponse
        fields = ("id", "kind", "ticket", "store", "score", "comment", "agent", "team", "responded_at")
        read_only_fields = fields


# --- filters ------------------------------------------------------------------------------------


class TicketFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Ticket.Status.choices)
    priority = filters.TypedChoiceFilter(choices=Priority.choices, coerce=int)
    store = IdFilter(field_name="store_id")
    channel = filters.ChoiceFilter(choices=Channel.choices)
    team = IdFilter(field_name="team_id")
    assignee = IdFilter(field_name="assignee_id")
    intent = filters.ChoiceFilter(choices=Intent.choices)
    language = filters.CharFilter(field_name="language", lookup_expr="iexact")
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Ticket
        fields: list[str] = []


class ReplyTemplateFilter(filters.FilterSet):
    intent = filters.ChoiceFilter(choices=Intent.choices)
    is_active = BooleanFilter()

    class Meta:
        model = ReplyTemplate
        fields: list[str] = []


class SurveyResultFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(field_name="survey__kind", choices=[("csat", "csat"), ("nps", "nps")])
    store = IdFilter(field_name="survey__ticket__store_id")
    responded_after = DateTimeFilter(field_name="responded_at", lookup_expr="gte")
    responded_before = DateTimeFilter(field_name="responded_at", lookup_expr="lt")

    class Meta:
        model = SurveyResponse
        fields: list[str] = []


# --- views --------------------------------------------------------------------------------------


def _post_message(request: Request, ticket: Ticket) -> Response:
    """A reply to the customer or an internal note, through the inbox's services: the same
    permission, and the same collision rule (a ``version`` older than the ticket's is a 409)."""
    if not request.user.has_perm(ADD_MESSAGE):
        raise exceptions.PermissionDenied(_("Your role may not add messages."))
    data = ReplySerializer(data=request.data)
    data.is_valid(raise_exception=True)
    values = data.validated_data
    user = check_actor(request.user)
    original = "" if values["internal"] else values["original"].strip()
    if original:
        message = message_reply_translated(
            ticket=ticket,
            author=user,
            draft=original,
            body=values["body"],
            seen_version=values["version"],
            status_after=values["status_after"],
        )
    else:
        message = message_reply(
            ticket=ticket,
            author=user,
            body=values["body"],
            internal=values["internal"],
            seen_version=values["version"],
            status_after=values["status_after"],
        )
    message = ticket_messages_for_api(ticket=ticket).get(pk=message.pk)
    return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


def _check_version(ticket: Ticket, version: int | None) -> None:
    if version is not None and version != ticket.version:
        raise StaleTicket(
            _("The ticket changed since you read it (version %(version)s now). Read it, then try again.")
            % {"version": ticket.version},
            extra={"version": ticket.version},
        )


@extend_schema_view(
    list=extend_schema(summary="List tickets", description="The tickets of the stores you may see."),
    retrieve=extend_schema(summary="Get a ticket"),
)
class TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    api_area = "tickets"
    serializer_class = TicketSerializer
    filterset_class = TicketFilter
    ordering_fields = ("id", "created_at", "updated_at", "priority")

    def get_queryset(self) -> QuerySet[Ticket]:
        return (
            ticket_visible_to(user=self.request.user)
            .select_related("customer")
            .prefetch_related("tags")
            .order_by("-id")
        )

    def get_object(self) -> Ticket:
        return ticket_get_for_agent(user=self.request.user, ticket_id=int(self.kwargs["pk"]))

    @extend_schema(
        summary="Create a ticket with its first message",
        request=TicketCreateSerializer,
        responses={201: TicketCreatedSerializer, 200: TicketCreatedSerializer},
    )
    def create(self, request: Request) -> Response:
        if not request.user.has_perm(ADD_MESSAGE):
            raise exceptions.PermissionDenied(_("Your role may not add messages."))
        data = TicketCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        external_id = values["external_id"].strip() or f"api:{secrets.token_hex(16)}"
        body = values["body"].strip()
        if not body:
            raise serializers.ValidationError({"body": [_("The message is empty.")]})
        result = message_ingest(
            inbound=InboundMessage(
                store_id=values["store"].pk,
                channel=values["channel"],
                external_id=f"api:{external_id}" if not external_id.startswith("api:") else external_id,
                sender_address=values["customer_email"].strip().lower(),
                sender_name=values["customer_name"],
                subject=values["subject"],
                text=body,
                display_text=body,
                order_number=values["order_number"],
                raw_payload={key: str(value) for key, value in request.data.items()}
                if isinstance(request.data, dict)
                else None,
            )
        )
        if result.ticket is None:
            raise ApplicationError(_("The message was stored but opened no ticket."))
        ticket = ticket_get_for_agent(user=request.user, ticket_id=result.ticket.pk)
        body_out = {
            "created": result.created_ticket,
            "duplicate": result.duplicate,
            "message": result.message.pk,
            "ticket": TicketSerializer(ticket).data,
        }
        return Response(
            body_out, status=status.HTTP_201_CREATED if result.created_ticket else status.HTTP_200_OK
        )

    @extend_schema(
        summary="Reply to the customer, or add an internal note (alias of POST /tickets/{id}/messages/)",
        request=ReplySerializer,
        responses={201: MessageSerializer},
    )
    @action(detail=True, methods=["post"], serializer_class=MessageSerializer)
    def reply(self, request: Request, pk: str) -> Response:
        return _post_message(request, self.get_object())

    @extend_schema(summary="Assign the ticket (or unassign it)", request=AssignSerializer)
    @action(detail=True, methods=["post"], serializer_class=TicketSerializer)
    def assign(self, request: Request, pk: str) -> Response:
        ticket = self.get_object()
        data = AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignee: User | None = None
        if data.validated_data["assignee"] is not None:
            assignee = assignee_get(user_id=data.validated_data["assignee"])
            if assignee is None:
                raise serializers.ValidationError({"assignee": [_("No such user.")]})
        _check_version(ticket, data.validated_data["version"])
        ticket_reassign(actor=request.user, ticket=ticket, assignee=assignee)
        return Response(TicketSerializer(self.get_object()).data)

    @extend_schema(summary="Change the ticket's status", request=StatusSerializer)
    @action(detail=True, methods=["post"], serializer_class=TicketSerializer)
    def status(self, request: Request, pk: str) -> Response:
        ticket = self.get_object()
        data = StatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _check_version(ticket, data.validated_data["version"])
        ticket_change_status(actor=request.user, ticket=ticket, status=data.validated_data["status"])
        return Response(TicketSerializer(self.get_object()).data)


TICKET_ID = OpenApiParameter("ticket_id", int, OpenApiParameter.PATH, description="The ticket's id.")


@extend_schema_view(
    list=extend_schema(summary="List a ticket's messages", parameters=[TICKET_ID]),
    retrieve=extend_schema(summary="Get one message of a ticket", parameters=[TICKET_ID]),
)
class TicketMessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """The conversation, oldest first, each message with its translation when it has one."""

    api_area = "tickets"
    serializer_class = MessageSerializer
    queryset = Message.objects.none()  # the schema's model; requests use get_queryset
    ordering = ("id",)
    ordering_fields = ("id", "created_at")

    def get_queryset(self) -> QuerySet[Message]:
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        ticket = ticket_get_for_agent(user=self.request.user, ticket_id=int(self.kwargs["ticket_id"]))
        return ticket_messages_for_api(ticket=ticket)

    @extend_schema(
        summary="Reply to the customer, or add an internal note (internal: true)",
        description=(
            "The same as the inbox's composer: sent after commit (a note never leaves), the ticket "
            "opens on the first reply, and a version older than the ticket's is a 409 with nothing "
            "written."
        ),
        request=ReplySerializer,
        responses={201: MessageSerializer},
        parameters=[TICKET_ID],
    )
    def create(self, request: Request, ticket_id: str) -> Response:
        ticket = ticket_get_for_agent(user=request.user, ticket_id=int(ticket_id))
        return _post_message(request, ticket)


def _variant_texts(values: list[dict[str, str]]) -> list[VariantText]:
    # A PATCH makes nested fields optional too: what is missing is checked by the service.
    return [
        VariantText(language=v.get("language", ""), subject=v.get("subject", ""), body=v.get("body", ""))
        for v in values
    ]


@extend_schema_view(
    list=extend_schema(summary="List reply templates"), retrieve=extend_schema(summary="Get a reply template")
)
class ReplyTemplateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    api_area = "templates"
    serializer_class = ReplyTemplateSerializer
    filterset_class = ReplyTemplateFilter
    ordering_fields = ("id", "name")
    permission_classes = [*ApiViewSet.permission_classes, HasRolePermission]
    # As in admin: team leads and managers write templates, agents use them.
    action_permissions = {
        "create": "tickets.add_replytemplate",
        "update": "tickets.change_replytemplate",
        "partial_update": "tickets.change_replytemplate",
        "deactivate": "tickets.change_replytemplate",
    }
    role_message = gettext_lazy("Only team leads and managers may write reply templates.")

    def get_queryset(self) -> QuerySet[ReplyTemplate]:
        return reply_templates_visible_to(user=self.request.user)

    @extend_schema(
        summary="Create a reply template with its text per language",
        request=ReplyTemplateCreateSerializer,
        responses={201: ReplyTemplateSerializer},
    )
    def create(self, request: Request) -> Response:
        data = ReplyTemplateCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        template = reply_template_create(
            actor=request.user,
            name=values["name"],
            slug=values["slug"],
            variants=_variant_texts(values["variants"]),
            intent=values["intent"],
            store=values["store"],
            set_status=values["set_status"],
            add_tags=values.get("add_tags", []),
            is_active=values["is_active"],
        )
        return Response(
            ReplyTemplateSerializer(self.get_queryset().get(pk=template.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def _update(self, request: Request, *, partial: bool) -> Response:
        template = self.get_object()
        data = ReplyTemplateUpdateSerializer(data=request.data, partial=partial, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        reply_template_update(
            actor=request.user,
            template=template,
            name=values.get("name"),
            intent=values.get("intent"),
            store=values.get("store", KEEP),
            set_status=values.get("set_status"),
            add_tags=values.get("add_tags", None if partial else []),
            is_active=values.get("is_active"),
            variants=_variant_texts(values["variants"]) if "variants" in values else None,
        )
        return Response(ReplyTemplateSerializer(self.get_queryset().get(pk=template.pk)).data)

    @extend_schema(
        summary="Replace a reply template (its slug stays; languages left out are removed)",
        request=ReplyTemplateUpdateSerializer,
        responses=ReplyTemplateSerializer,
    )
    def update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=False)

    @extend_schema(
        summary="Change some of a reply template's fields (variants, if given, replace the texts)",
        request=ReplyTemplateUpdateSerializer(partial=True),
        responses=ReplyTemplateSerializer,
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=True)

    @extend_schema(
        summary="Deactivate a reply template (no longer offered; it can be activated again)",
        request=None,
        responses=ReplyTemplateSerializer,
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str) -> Response:
        template = self.get_object()
        reply_template_deactivate(actor=request.user, template=template)
        return Response(ReplyTemplateSerializer(self.get_queryset().get(pk=template.pk)).data)


@extend_schema_view(
    list=extend_schema(summary="List survey results"), retrieve=extend_schema(summary="Get a survey result")
)
class SurveyResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    api_area = "surveys"
    serializer_class = SurveyResultSerializer
    filterset_class = SurveyResultFilter
    ordering_fields = ("id", "responded_at", "score")

    def get_queryset(self) -> QuerySet[SurveyResponse]:
        return survey_responses_visible_to(user=self.request.user)
