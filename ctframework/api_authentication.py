"""How API callers sign in: a token or the browser's session (settings.REST_FRAMEWORK)."""

from django.utils import translation
from rest_framework.authentication import TokenAuthentication


class TokenAuthenticationInUserLanguage(TokenAuthentication):
    """Token authentication that then speaks the user's saved language, as the session does
    (the middleware cannot: a token's user is known only inside the API view)."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None and found[0].language:
            translation.activate(found[0].language)
            request.LANGUAGE_CODE = translation.get_language()
        return found
