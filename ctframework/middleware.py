"""Project middleware."""

from django.conf import settings
from django.utils import translation

from .api import not_found


class ProjectNotFoundPage:
    """With DEBUG on (the embedded default), Django answers a 404 with its debug page, which
    lists the URL patterns; answer with the project's own 404 page instead, as in
    production. A page outside the user's scope then looks exactly like one that does not
    exist."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return not_found(request)
        return response


class UserLanguage:
    """A signed-in user's saved language wins over the browser's (LocaleMiddleware has chosen
    that one already, from the cookie or Accept-Language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
