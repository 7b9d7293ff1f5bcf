"""The knowledge base: each department keeps its own answers (答复口径) for the operators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction

from onestop.core.errors import NotAllowed
from onestop.hotline.errors import required_text
from onestop.hotline.models import Article
from onestop.hotline.permissions import may_edit_articles_of
from onestop.hotline.text import index_words
from onestop.org.models import Department
from onestop.workdays.calendar import local_date


@dataclass
class ArticleData:
    title: str
    body: str
    keywords: str = ""
    review_days: int = 180
    expires_on: object = None


def save_article(
    article: Article | None,
    *,
    department: Department,
    data: ArticleData,
    actor: User | None,
    now: datetime,
) -> Article:
    """Create or update a department's article; its search words are rebuilt."""
    if actor is not None and not may_edit_articles_of(actor, department.pk):
        raise NotAllowed("只能维护本部门的知识库")
    title = required_text(data.title, "title", "标题", limit=120)
    body = required_text(data.body, "body", "答复口径", limit=8000)
    with transaction.atomic():
        if article is None:
            article = Article(department=department)
        else:
            article = Article.objects.select_for_update().get(pk=article.pk)
        article.title = title
        article.body = body
        article.keywords = data.keywords.strip()[:200]
        article.review_on = local_date(now) + timedelta(days=data.review_days)
        article.expires_on = data.expires_on  # type: ignore[assignment]
        article.updated_at = now
        article.search_words = index_words(title, article.keywords, body)
        article.save()
    return article


def refresh_search_words(article: Article) -> None:
    """Rebuild one article's search words (the admin's save calls it)."""
    Article.objects.filter(pk=article.pk).update(
        search_words=index_words(article.title, article.keywords, article.body)
    )
