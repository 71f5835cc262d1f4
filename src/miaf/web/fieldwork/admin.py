from django.contrib import admin

from miaf.web.fieldwork import models as m


class MeasurementInline(admin.TabularInline):
    model = m.TreeMeasurement
    extra = 0


@admin.register(m.Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["family", "plot", "promoter", "visited_on", "step", "tree_survival_pct"]
    list_filter = ["step"]
    inlines = [MeasurementInline]


@admin.register(m.TreeMeasurement)
class TreeMeasurementAdmin(admin.ModelAdmin):
    list_display = ["visit", "species", "row_number", "tree_number", "diameter_cm", "height_m", "alive"]


class AttendanceInline(admin.TabularInline):
    model = m.Attendance
    extra = 0


@admin.register(m.TrainingEvent)
class TrainingEventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "organisation", "group", "held_on", "step"]
    list_filter = ["kind", "step"]
    inlines = [AttendanceInline]


@admin.register(m.Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["event", "family", "member"]
