from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Nobody signs themselves up: practice admins add therapists and therapists invite
        # their clients; operators create practices.
        return False
