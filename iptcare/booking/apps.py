from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "iptcare.booking"
    label = "booking"
    verbose_name = "Free consultation calls"
