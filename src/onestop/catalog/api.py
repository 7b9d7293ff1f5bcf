"""The public guide's search as an API: what residents type, ranked as the guide ranks it."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from onestop.catalog.queries import live_items, search_items
from onestop.catalog.schema import CATEGORY_LABELS, KIND_LABELS, split_words

router = Router(tags=["catalog"])


class GuideSearchIn(Schema):
    q: str = Field("", max_length=50, description="居民输入的词或句子，如“低保”“我想开个饭店”")
    limit: int = Field(20, ge=1, le=100, description="最多返回的事项数")


class GuideItemOut(Schema):
    code: str
    name: str
    aliases: list[str] = Field(description="别名")
    keywords: list[str] = Field(description="俗称/关键词")
    department: str = Field(description="实施部门简称")
    category: str
    kind: str
    promised_limit: int = Field(description="承诺办结时限（工作日）")


@router.get(
    "/items",
    response=list[GuideItemOut],
    url_name="catalog_items",
    summary="搜索办事指南：按名称、别名、俗称、人生事件与材料的匹配程度排序",
)
def items(request: HttpRequest, params: Query[GuideSearchIn]) -> list[GuideItemOut]:
    qs = live_items().select_related("department")
    q = params.q.strip()
    qs = search_items(qs, q) if q else qs.order_by("department_id", "name")
    return [
        GuideItemOut(
            code=i.code,
            name=i.name,
            aliases=split_words(i.aliases),
            keywords=split_words(i.keywords),
            department=i.department.short_name,
            category=CATEGORY_LABELS[i.category],
            kind=KIND_LABELS[i.kind],
            promised_limit=i.promised_limit,
        )
        for i in qs[: params.limit]
    ]
