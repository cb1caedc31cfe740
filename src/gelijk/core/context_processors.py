from django.conf import settings

from gelijk.core import navigation


def shell(request):
    user = getattr(request, "user", None)
    verified = bool(user and user.is_authenticated and user.is_verified())
    return {
        "theme": settings.GELIJK_THEME,
        "organisation_name": settings.GELIJK_ORGANISATION_NAME,
        "demo_mode": settings.GELIJK_DEMO,
        "public_nav": navigation.visible(navigation.PUBLIC, user, request.path),
        "office_nav": navigation.visible(navigation.OFFICE, user, request.path) if verified else [],
        "staff_verified": verified,
    }
