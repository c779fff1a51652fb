"""Project-wide pages."""

from django.shortcuts import render


def home(request):
    """The signed-in user's start page."""
    return render(request, "home.html")
