from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from onestop.core.admin import ReadOnlyAdmin
from onestop.lib.identity import mask_credit_code, mask_id_number, mask_phone
from onestop.org.models import (
    Applicant,
    Centre,
    Department,
    IdentityClaim,
    IdentityEvent,
    PersonalDataRead,
    Region,
    StaffRole,
    Window,
    Zone,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


class ZoneInline(admin.TabularInline):
    model = Zone
    extra = 0


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "region", "phone", "hours"]
    list_filter = ["level"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["region"]
    inlines = [ZoneInline]


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "centre", "floor"]
    list_filter = ["kind", "centre__level"]
    search_fields = ["name", "centre__name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "region", "phone"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "key"]
    autocomplete_fields = ["region"]


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "kind", "zone"]
    list_filter = ["kind", "zone__kind", "zone__centre__level"]
    search_fields = ["number", "name", "zone__centre__name"]
    filter_horizontal = ["departments"]


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["department", "region"]


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "department", "region", "window"]
    list_filter = ["role", "department__kind"]
    search_fields = ["user__username", "user__first_name", "department__name"]
    autocomplete_fields = ["user", "department", "region"]


@admin.register(Applicant)
class ApplicantAdmin(admin.ModelAdmin):
    """ID numbers and phones are masked here; reading a full one goes through an audited action."""

    list_display = ["name", "kind", "masked_identity", "masked_phone", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    exclude = ["id_number", "credit_code", "phone"]
    readonly_fields = ["masked_identity", "masked_phone"]

    @admin.display(description="证件号码")
    def masked_identity(self, obj: Applicant) -> str:
        return mask_id_number(obj.id_number) or mask_credit_code(obj.credit_code)

    @admin.display(description="手机号码")
    def masked_phone(self, obj: Applicant) -> str:
        return mask_phone(obj.phone)


@admin.register(PersonalDataRead)
class PersonalDataReadAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "applicant", "field", "purpose"]
    list_filter = ["field"]
    readonly_fields = ["at", "actor", "applicant", "field", "purpose"]


CLAIM_FIELDS = (
    "user",
    "kind",
    "name",
    "masked_identity",
    "status",
    "method",
    "proven_at",
    "proven_by",
    "centre",
)


@admin.register(IdentityClaim)
class IdentityClaimAdmin(ReadOnlyAdmin):
    """Claims with the number and phone masked; the code's hash is not shown at all."""

    list_display = ["created_at", "user", "name", "masked_identity", "status", "method", "centre"]
    list_filter = ["status", "method"]
    search_fields = ["name", "user__username"]
    fields = CLAIM_FIELDS
    readonly_fields = CLAIM_FIELDS

    @admin.display(description="证件号码")
    def masked_identity(self, obj: IdentityClaim) -> str:
        return mask_id_number(obj.id_number) or mask_credit_code(obj.credit_code)


@admin.register(IdentityEvent)
class IdentityEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "claim", "applicant", "actor", "centre"]
    list_filter = ["kind"]
    readonly_fields = ["at", "kind", "claim", "applicant", "actor", "centre", "data"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffRoleInline]
    list_display = ["username", "first_name", "is_staff", "is_active", "last_login"]
