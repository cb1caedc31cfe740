"""Optional single sign-on with OpenID Connect (configured by GELIJK_OIDC_* settings).

Only existing, active staff accounts may log in this way; the identity provider does not
create accounts or grant roles. After SSO the user still passes Gelijk's own second factor.
"""

from __future__ import annotations

from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class OIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        username = claims.get("preferred_username") or ""
        email = claims.get("email") or ""
        users = self.UserModel.objects.filter(is_active=True)
        if username:
            return users.filter(username__iexact=username)
        if email:
            return users.filter(email__iexact=email)
        return users.none()

    def create_user(self, claims):
        return None  # accounts and roles are managed in Gelijk, not by the identity provider
