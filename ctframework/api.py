"""API plumbing shared by the apps: JSON errors for everything, the v1 router."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django_filters import NumberFilter
from django_filters.rest_framework import DjangoFilterBackend, FilterSet
from django_filters.rest_framework.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .task_queue import TaskQueueUnavailable

logger = logging.getLogger(__name__)


def exception_handler(exc, context):
    """DRF's handler, plus Django's own exceptions turned into JSON with a useful message."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        message = str(exc) or _("You do not have permission to perform this action.")
        return Response({"detail": message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, Http404):
        return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, TaskQueueUnavailable):
        return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    response = drf_exception_handler(exc, context)
    if response is None:
        # Anything else is our bug: log it, and still answer JSON rather than an HTML page.
        logger.exception("unhandled API error", exc_info=exc)
        return Response(
            {"detail": _("Internal error; it has been logged.")},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(response.data, list):  # e.g. a filter's error: always an object
        response.data = {"detail": " ".join(str(item) for item in response.data)}
    return response


def not_found(request, exception=None):
    """404: JSON under /api/, like the rest of the API; the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """500: JSON under /api/; the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Internal error; it has been logged.")}, status=500)
    return defaults.server_error(request)


ERROR_RESPONSES = {
    "400": "The request is malformed or invalid; the body says which field and why.",
    "401": "No valid credentials: log in, or send `Authorization: Token <key>`.",
    "403": "Your role does not allow this action.",
    "404": "Not found, or outside the jurisdictions you may see.",
    "405": "This method is not allowed here.",
    "406": "The requested representation is not available.",
    "415": "Unsupported content type.",
    "429": "Too many requests; retry later.",
}


def document_error_responses(result, generator, request, public):
    """drf-spectacular hook: every operation may answer the JSON errors every view can give."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = {
        "type": "object",
        "description": "A JSON error: `detail`, or field names with their messages.",
        "properties": {"detail": {"type": "string"}},
        "additionalProperties": True,
    }
    reference = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's SlugRelatedField, refusing NUL characters before they reach a query
    (PostgreSQL cannot compare text with NUL and would fail with a server error)."""

    default_error_messages = {"null_characters": "Null characters are not allowed."}

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_characters")
        return super().to_internal_value(data)


class IdFilterSet(FilterSet):
    """Filters a related object by its id, never by a list of choices.

    django-filter's default for a foreign key is a choice of every row of the related
    table, which the browsable API renders as a <select>: it would list other
    jurisdictions' strategies, passages and scores, and answer an unknown id differently
    from a known one. A number filter only narrows the caller's own scoped queryset.
    """

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.ForeignKey: {"filter_class": NumberFilter},
        models.OneToOneField: {"filter_class": NumberFilter},
    }


class IdFilterBackend(DjangoFilterBackend):
    """The filter backend of every API view: `filterset_fields` built on IdFilterSet."""

    filterset_base = IdFilterSet
