"""The knowledge base: search, read, and a department's editor of its own articles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from onestop.core.errors import DomainError
from onestop.hotline import actions, permissions, queries
from onestop.hotline.forms import ArticleForm
from onestop.hotline.models import Article
from onestop.hotline.views.common import (
    only,
    user_of,
)
from onestop.org.models import Department
from onestop.workdays.calendar import local_date

# --- knowledge base ----------------------------------------------------------------------------


@login_required
@require_GET
def kb_search(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    only(permissions.reads_knowledge(user))
    q = request.GET.get("q", "").strip()[:200]
    today = local_date(timezone.now())
    hits = queries.search_knowledge(q, today) if q else []
    template = "hotline/_kb_hits.html" if request.headers.get("HX-Request") else "hotline/kb.html"
    return render(
        request, template, {"q": q, "hits": hits, "operator": permissions.is_operator(user)}
    )


@login_required
@require_GET
def kb_article(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    only(permissions.reads_knowledge(user))
    article = get_object_or_404(Article.objects.select_related("department"), pk=pk)
    today = local_date(timezone.now())
    return render(
        request,
        "hotline/kb_article.html",
        {
            "article": article,
            "stale": article.review_on < today,
            "expired": article.expires_on is not None and article.expires_on < today,
            "can_edit": article.department_id in permissions.handler_departments(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def kb_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A department keeps its own articles (new, or edit one of its own). A refused entry is
    shown again as typed, each problem at its field."""
    user = user_of(request)
    mine = permissions.handler_departments(user)
    only(bool(mine) or user.is_superuser)
    article = None
    if pk is not None:
        article = get_object_or_404(Article, pk=pk)
        only(permissions.may_edit_articles_of(user, article.department_id))
    departments = Department.objects.filter(pk__in=mine).order_by("pk")
    initial = {}
    if article is not None:
        initial = {"title": article.title, "body": article.body, "keywords": article.keywords}
        initial["expires_on"] = article.expires_on.isoformat() if article.expires_on else ""
    form = ArticleForm(
        request.POST or None,
        initial=initial,
        departments=departments,
        fixed=article is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_article(
                article,
                department=article.department if article else form.cleaned_data["department"],
                data=form.article_data(),
                actor=user,
                now=timezone.now(),
            )
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, "知识库条目已保存")
            return redirect("hotline:kb_article", pk=saved.pk)
    return render(request, "hotline/kb_edit.html", {"article": article, "form": form})
