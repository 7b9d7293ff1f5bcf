from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from onestop.api.main import api

admin.site.site_header = "OneStop 政务服务中心管理后台"
admin.site.site_title = "OneStop 管理后台"
admin.site.index_title = "中心管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("onestop.org.urls")),
    path("staff/workdays/", include("onestop.workdays.urls")),
    path("staff/cases/", include("onestop.cases.urls")),
    path("staff/fees/", include("onestop.fees.urls")),
    path("documents/", include("onestop.documents.urls")),
    path("files/", include("onestop.cases.file_urls")),
    path("staff/supervision/", include("onestop.supervision.urls")),
    path("staff/dashboard/", include("onestop.supervision.dashboard_urls")),
    path("evaluation/", include("onestop.evaluation.urls")),
    path("notify/", include("onestop.notify.urls")),
    path("staff/hall/", include("onestop.hall.urls")),
    path("hall/", include("onestop.hall.public_urls")),
    path("staff/hotline/", include("onestop.hotline.urls")),
    path("hotline/", include("onestop.hotline.public_urls")),
    path("open311/", include("onestop.hotline.open311_urls")),
    path("draws/", include("onestop.draws.urls")),
    path("trading/", include("onestop.trading.urls")),
    path("staff/trading/", include("onestop.trading.staff_urls")),
    path("intermediaries/", include("onestop.intermediaries.urls")),
    path("staff/parallel/", include("onestop.parallel.urls")),
    path("my/parallel/", include("onestop.parallel.public_urls")),
    path("staff/", include("onestop.staff.urls")),
    path("", include("onestop.portal.urls")),
]

handler404 = "onestop.portal.views.not_found"
handler500 = "onestop.portal.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
