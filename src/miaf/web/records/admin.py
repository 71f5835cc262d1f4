from django.contrib import admin

from miaf.web.records import models as m


class DestinationInline(admin.TabularInline):
    model = m.HarvestDestination
    extra = 0


@admin.register(m.Harvest)
class HarvestAdmin(admin.ModelAdmin):
    list_display = ["plot", "species", "harvested_on", "quantity_kg", "origin"]
    list_filter = ["species", "origin"]
    date_hierarchy = "harvested_on"
    inlines = [DestinationInline]


@admin.register(m.HarvestDestination)
class HarvestDestinationAdmin(admin.ModelAdmin):
    list_display = ["harvest", "destination", "kg", "price_mxn_per_kg", "buyer", "paid_on"]
    list_filter = ["destination"]


@admin.register(m.Planting)
class PlantingAdmin(admin.ModelAdmin):
    list_display = ["plot", "species", "planted_on", "quantity", "unit"]
    list_filter = ["species"]


@admin.register(m.InputPurchase)
class InputPurchaseAdmin(admin.ModelAdmin):
    list_display = ["family", "item", "purchased_on", "quantity", "unit", "cost_mxn", "collective"]
    list_filter = ["collective"]


@admin.register(m.LabourLog)
class LabourLogAdmin(admin.ModelAdmin):
    list_display = ["family", "plot", "year", "month", "activity", "kind", "person_days"]
    list_filter = ["kind", "activity", "year"]


@admin.register(m.LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ["family", "year", "month", "kind", "category", "amount_mxn"]
    list_filter = ["kind", "category", "year"]
