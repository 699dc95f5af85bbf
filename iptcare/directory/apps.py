from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "iptcare.directory"
    label = "directory"
    verbose_name = "Therapist directory"
