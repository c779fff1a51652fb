"""Project-wide pages."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views import i18n
from django.views.decorators.http import require_POST

from . import languages


def home(request):
    """The signed-in user's start page."""
    return render(request, "home.html")


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; the icon is the static SVG (its
    hashed name is looked up per request: at import, collectstatic may not have run yet)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@login_not_required
@require_POST
def set_language(request):
    """Django's language switch, which also saves the choice of a signed-in user (their pages,
    reports and e-mails then use it, whatever the browser says)."""
    response = i18n.set_language(request)
    chosen = languages.normalize(request.POST.get("language"))
    if request.user.is_authenticated and chosen in languages.CODES:
        request.user.language = chosen
        request.user.save(update_fields=["language"])
    return response
