"""OneStop: a one-stop government service centre platform."""

# The Celery app is loaded with Django so that @shared_task uses its broker settings.
from onestop.celery import app as celery_app

__all__ = ["celery_app"]
