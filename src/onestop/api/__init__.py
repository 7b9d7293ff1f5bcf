"""The JSON API (django-ninja): one router module per app, mounted under /api/v1/."""
