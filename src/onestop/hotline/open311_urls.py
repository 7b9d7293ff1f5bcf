"""Open311 GeoReport v2, mounted at /open311/: discovery, and the endpoint at /open311/v2/."""

from django.urls import re_path

from onestop.hotline import open311

FMT = r"\.(?P<fmt>json|xml)$"
app_name = "open311"
urlpatterns = [
    re_path(r"^discovery" + FMT, open311.discovery, name="discovery"),
    re_path(r"^v2/services" + FMT, open311.services, name="services"),
    re_path(r"^v2/services/(?P<code>[\w-]+)" + FMT, open311.service_definition, name="service"),
    re_path(r"^v2/requests" + FMT, open311.requests_, name="requests"),
    # a ticket's public id is its number, a dot and a signature: RX20260310-0001.Xy3…
    re_path(r"^v2/requests?/(?P<number>[\w.-]+?)" + FMT, open311.request_detail, name="request"),
    re_path(r"^v2/tokens/(?P<token>[\w:.-]+?)" + FMT, open311.token, name="token"),
]
