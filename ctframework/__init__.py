"""CT Framework: counter-terrorism strategies mapped against international principle sets."""

from .celery import app as celery_app

__all__ = ["celery_app"]
