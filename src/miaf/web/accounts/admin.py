from django.contrib import admin

from miaf.web.accounts.forms import ThrottledAdminAuthenticationForm
from miaf.web.accounts.models import ApiToken, Profile

# The admin's login page counts failed attempts like the site's (miaf.web.accounts.throttle).
admin.site.login_form = ThrottledAdminAuthenticationForm


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation"]
    list_filter = ["role"]
    filter_horizontal = ["groups"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "created_at", "last_used_at"]
