from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "iptcare.measures"
    label = "measures"
    verbose_name = "Measurement-based care"

    def ready(self):
        # Scores for the course's session screen and timeline (course/signals.py).
        from iptcare.measures import receivers  # noqa: F401
