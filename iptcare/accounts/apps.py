from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "iptcare.accounts"
    label = "accounts"
    verbose_name = "Accounts and audit"

    def ready(self) -> None:
        from iptcare.accounts import checks, signals  # noqa: F401
