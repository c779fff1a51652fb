"""The public principle library: no log-in needed, these are public documents."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from . import selectors
from .exporting import EXPORT_FORMATS, export_download
from .models import CrossReference, Framework, Principle


@login_not_required
@require_safe
def framework_list(request):
    return render(
        request,
        "principles/framework_list.html",
        {"frameworks": selectors.frameworks_with_counts()},
    )


@login_not_required
@require_safe
def framework_detail(request, slug: str, version: str):
    framework = get_object_or_404(Framework, slug=slug, version=version)
    return render(
        request,
        "principles/framework_detail.html",
        {
            "framework": framework,
            "sections": selectors.framework_sections(framework),
            "other_versions": framework.__class__.objects.filter(slug=slug).exclude(
                pk=framework.pk
            ),
            "has_crosswalk": CrossReference.objects.filter(source__framework=framework).exists(),
        },
    )


@login_not_required
@require_safe
def framework_export(request, slug: str, version: str, fmt: str):
    """The framework version (or, with ?crosswalk=1, the crosswalk from its items) as a file:
    an OSCAL catalog or mapping collection in JSON or YAML, or the import format."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    framework = get_object_or_404(Framework, slug=slug, version=version)
    return export_download(framework, crosswalk=request.GET.get("crosswalk") == "1", fmt=fmt)


@login_not_required
@require_safe
def principle_detail(request, slug: str, version: str, code: str):
    principle = get_object_or_404(
        Principle.objects.select_related("framework", "section__parent").prefetch_related("tags"),
        framework__slug=slug,
        framework__version=version,
        code=code,
    )
    outgoing, incoming = selectors.principle_cross_references(principle)
    return render(
        request,
        "principles/principle_detail.html",
        {"principle": principle, "outgoing": outgoing, "incoming": incoming},
    )


@login_not_required
@require_safe
def search(request):
    query = request.GET.get("q", "")
    results = selectors.search_principles(query)
    template = "principles/search.html#results" if request.htmx else "principles/search.html"
    return render(request, template, {"query": query, "results": results})
