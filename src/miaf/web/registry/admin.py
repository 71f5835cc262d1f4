from django.contrib import admin

from miaf.web.registry import models as m


@admin.register(m.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "accompanied_by"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


@admin.register(m.Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "state_code", "code", "rainfall_normal_mm"]
    search_fields = ["name", "code"]
    exclude = ["boundary"]


@admin.register(m.Locality)
class LocalityAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "locality_code", "latitude", "longitude", "altitude_m"]
    list_filter = ["municipality"]
    search_fields = ["name", "locality_code"]


@admin.register(m.Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "producer_organisation", "locality", "formed_on"]
    list_filter = ["producer_organisation"]
    search_fields = ["name"]


class MemberInline(admin.TabularInline):
    model = m.Member
    extra = 0


class MembershipInline(admin.TabularInline):
    model = m.Membership
    extra = 0


@admin.register(m.Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "locality", "anyone_migrated", "origin"]
    list_filter = ["origin", "anyone_migrated", "locality__municipality"]
    search_fields = ["code", "name"]
    inlines = [MemberInline, MembershipInline]


@admin.register(m.Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "sex", "birth_year", "role", "migrated"]
    list_filter = ["sex", "role", "migrated"]
    search_fields = ["name", "family__code"]


@admin.register(m.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["family", "group", "joined_on", "left_on"]
    list_filter = ["group__producer_organisation"]


@admin.register(m.ReferenceLayer)
class ReferenceLayerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "illustrative"]
    exclude = ["geometry"]
