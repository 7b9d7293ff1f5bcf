"""The project's URLs with the inbox mounted at /notify/ (until the root URLconf mounts it)."""

from django.urls import include, path

from onestop.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("notify/", include("onestop.notify.urls")), *project_urlpatterns]
