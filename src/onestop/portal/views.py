from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def guide(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "portal/home.html")


def departments(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def centres(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
