from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "iptcare.care"
    label = "care"
    verbose_name = "Clients and care"
