"""Strategies of the jurisdictions a user may see."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assessments import permissions

from .forms import StrategyForm


@require_GET
def strategy_list(request):
    strategies = permissions.visible_strategies(request.user).order_by(
        "jurisdiction__name", "-year_adopted", "title"
    )
    return render(
        request,
        "strategies/strategy_list.html",
        {
            "strategies": strategies,
            "can_create": permissions.can_create_strategy(request.user),
        },
    )


@require_GET
def strategy_detail(request, pk: int):
    strategy = permissions.get_strategy_for_user(request.user, pk)
    assessments = permissions.visible_assessments(request.user).filter(strategy=strategy)
    return render(
        request,
        "strategies/strategy_detail.html",
        {
            "strategy": strategy,
            "assessments": assessments.order_by("-updated_at"),
            "can_edit": permissions.can_edit_strategy(request.user, strategy),
            "can_assess": permissions.can_create_assessment(request.user, strategy),
        },
    )


@require_http_methods(["GET", "POST"])
def strategy_edit(request, pk: int | None = None):
    strategy = permissions.get_strategy_for_user(request.user, pk) if pk else None
    allowed = (
        permissions.can_edit_strategy(request.user, strategy)
        if strategy
        else permissions.can_create_strategy(request.user)
    )
    if not allowed:
        raise PermissionDenied
    form = StrategyForm(
        request.POST or None, request.FILES or None, instance=strategy, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if strategy is None:
            saved.created_by = request.user
        saved.save()
        messages.success(request, _("Strategy saved."))
        return redirect("strategies:detail", saved.pk)
    return render(request, "strategies/strategy_form.html", {"form": form, "strategy": strategy})
