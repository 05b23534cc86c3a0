"""The OpenAPI description: the one error shape, listed on every operation with the codes it can
answer, so a generated client (or Schemathesis) knows every response it may get."""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable, e.g. not_found, invalid, throttled.")
    message = serializers.CharField(help_text="What went wrong, for a person.")
    fields = serializers.DictField(
        child=serializers.JSONField(), required=False, help_text="Per-field messages (validation errors)."
    )
    details = serializers.DictField(
        child=serializers.JSONField(), required=False, help_text="Extra facts, e.g. the current version."
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


# Printable ASCII without spaces at either end (servers strip those), 1 to 255 characters.
IDEMPOTENCY_KEY_SCHEMA = {
    "type": "string",
    "minLength": 1,
    "maxLength": 255,
    "pattern": "^[!-~]([ -~]*[!-~])?$",
}
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    IDEMPOTENCY_KEY_SCHEMA,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Makes a retried POST safe: the first response is stored and replayed; the same key "
        "with another body is a 409."
    ),
)


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        method = self.method.upper()
        codes = ["401", "403", "405", "406", "429"]
        if method not in ("GET", "HEAD", "OPTIONS") or self._is_list_view():
            codes.append("400")
        if method in ("POST", "PUT", "PATCH"):
            codes += ["409", "413", "415"]
        if "{" in self.path or self._is_list_view():  # an unknown id, or a stale cursor
            codes.append("404")
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
        return responses

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self.method.upper() == "POST":
            parameters.append(IDEMPOTENCY_KEY)
        return parameters
