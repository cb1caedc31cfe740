"""Who may see and change what in the language app.

Letters are not personal data: every user with ``language.use_scanner`` sees the whole
library, the batches and the custom rules. Changing a letter needs ``language.edit_letters``
and the letter must belong to the user's team (or have no team, or be the user's own), unless
the user holds ``language.manage_library``.
"""

from __future__ import annotations

from gelijk.core import access

USE = "language.use_scanner"
EDIT = "language.edit_letters"
MANAGE_LIBRARY = "language.manage_library"
RUN_BATCH = "language.run_batch"
MANAGE_RULES = "language.manage_rules"


def team_id(user) -> int | None:
    from gelijk.core.models import StaffProfile

    return StaffProfile.objects.filter(user_id=user.pk).values_list("team_id", flat=True).first()


class LetterPolicy(access.Policy):
    """Read: everyone with use_scanner. Edit: own team's letters (see the module docstring)."""

    def __init__(self, letter_of=lambda obj: obj):
        self.letter_of = letter_of

    def scope(self, user, queryset):
        return queryset if access.has_permission(user, USE) else queryset.none()

    def can(self, user, permission, obj):
        if not access.has_permission(user, USE):
            return False
        if permission != EDIT:
            return True
        if access.has_permission(user, MANAGE_LIBRARY):
            return True
        letter = self.letter_of(obj)
        if letter.owner_id == user.pk or letter.team_id is None:
            return True
        return letter.team_id == team_id(user)


def register() -> None:
    from gelijk.language.models import Letter, LetterScan, LetterVersion, RuleFile, ScanBatch

    access.register(Letter, LetterPolicy())
    access.register(LetterVersion, LetterPolicy(lambda v: v.letter))
    access.register(LetterScan, LetterPolicy(lambda s: s.version.letter))
    access.register(ScanBatch, access.ScopeByPermission(USE))
    access.register(RuleFile, access.ScopeByPermission(USE))
