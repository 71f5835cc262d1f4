from django.contrib import admin

from miaf.web.market.models import Buyer, BuyerSharingConsent, Demand, ProducerCertification

admin.site.register(Buyer)
admin.site.register(Demand)
admin.site.register(ProducerCertification)
admin.site.register(BuyerSharingConsent)
