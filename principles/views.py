"""The public principle library: no log-in needed, these are public documents."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from . import selectors
from .models import Framework, Principle


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
        },
    )


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
