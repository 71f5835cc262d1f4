from django.contrib import admin

from miaf.web.plots import models as m


class PhaseInline(admin.TabularInline):
    model = m.PlotPhase
    extra = 0


@admin.register(m.Plot)
class PlotAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "system", "area_ha", "mean_slope_pct", "established_on"]
    list_filter = ["system", "soil_depth_class", "origin"]
    search_fields = ["name", "family__code"]
    readonly_fields = ["area_ha", "centroid_lat", "centroid_lon"]
    inlines = [PhaseInline]


@admin.register(m.PlotPhase)
class PlotPhaseAdmin(admin.ModelAdmin):
    list_display = ["plot", "system", "started_on", "ended_on"]
    list_filter = ["system"]


@admin.register(m.PlotDesign)
class PlotDesignAdmin(admin.ModelAdmin):
    list_display = ["plot", "version", "created_at", "created_by"]
