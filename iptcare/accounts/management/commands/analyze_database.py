from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = (
        "Refresh the database's query-planner statistics (ANALYZE). PostgreSQL's autovacuum "
        "does this by itself; on SQLite run it after loading data and daily from cron."
    )

    def handle(self, *args, **options):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"Statistics refreshed ({connection.vendor}).")
