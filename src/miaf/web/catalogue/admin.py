from django.contrib import admin

from miaf.web.catalogue.models import Species


@admin.register(Species)
class SpeciesAdmin(admin.ModelAdmin):
    list_display = ["code", "name_es", "scientific_name", "stratum", "native", "default_price_mxn_kg", "tag"]
    list_filter = ["stratum", "native", "tag"]
    search_fields = ["code", "name_es", "name_en", "scientific_name", "name_local"]
