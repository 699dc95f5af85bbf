from django.apps import AppConfig


class CourseConfig(AppConfig):
    name = "iptcare.course"
    label = "course"
    verbose_name = "IPT courses"

    def ready(self):
        # What the course adds to care's caseload and client record (care/signals.py).
        from iptcare.course import receivers  # noqa: F401
