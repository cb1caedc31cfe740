"""The state machines of the register and of assessments, each one declared transition table
(after Signalen's ``workflow.py``). History is appended as event rows; ``check`` is the only
judge of a move, and services call it.

Publication of a version (four eyes, after the national register's ``SELF_PUBLISH_TWO`` flow)::

    concept ──release (Redacteur)──► aangeboden ──publish (Goedkeurder)──► gepubliceerd
       ▲                               │  │                                     │
       └────withdraw (Redacteur)───────┘  └─reject (Goedkeurder, reason)──►     │
                                             afgewezen                          │
                                  retract (Goedkeurder, reason) ◄───────────────┘
                                             ──► teruggetrokken

    The Goedkeurder who publishes or rejects is never the person who released the version.

    A newer saved version supersedes open ones (concept, aangeboden → vervangen); publishing a
    version supersedes the version published before it (gepubliceerd → vervangen).

Who may act: the Redacteur holds ``algorithms.edit_algorithm`` (algoritme-eigenaar and
privacy officer); the Goedkeurder holds ``algorithms.approve_publication`` (privacy officer and
beheerder). The Goedkeurder who publishes or rejects may not be the person who released that
version, even when they hold both permissions.

Assessment::

    concept ──submit──► ingediend ──sign (reviewer, not the submitter)──► ondertekend
       ▲                   │
       └──return (reason) / withdraw──┘
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class State(models.TextChoices):
    CONCEPT = "concept", gettext_lazy("Concept")
    RELEASED = "aangeboden", gettext_lazy("Ter publicatie aangeboden")
    PUBLISHED = "gepubliceerd", gettext_lazy("Gepubliceerd")
    REJECTED = "afgewezen", gettext_lazy("Afgewezen")
    RETRACTED = "teruggetrokken", gettext_lazy("Teruggetrokken")
    SUPERSEDED = "vervangen", gettext_lazy("Vervangen door een nieuwere versie")


class WorkflowError(Exception):
    """A refused move, in the user's language. ``field`` names the form field it belongs to;
    ``messages`` lists every reason when there are several (e.g. each missing field)."""

    def __init__(self, message: str, field: str | None = None, messages: list[str] | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        self.messages = messages or [str(message)]


class Refused(WorkflowError):
    """The user lacks the right for this step (answered with 403; an audit entry is written)."""

    def __init__(self, message, field=None, *, permission="", obj=None, user=None, object_type=""):
        super().__init__(message, field=field)
        self.permission = permission
        self.obj = obj
        self.user = user
        self.object_type = object_type


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    permission: str | None  # None: only the system makes this move
    label: str
    needs_reason: bool = False
    needs_complete: bool = False  # the record must be publishable
    four_eyes: bool = False  # actor must differ from the one who released the version


ACTIONS = {
    "release": gettext_lazy("Aanbieden voor publicatie"),
    "withdraw": gettext_lazy("Aanbieding terugnemen"),
    "publish": gettext_lazy("Publiceren"),
    "reject": gettext_lazy("Afwijzen"),
    "retract": gettext_lazy("Terugtrekken uit het register"),
    "supersede": gettext_lazy("Vervangen"),
    "create": gettext_lazy("Opgeslagen"),
}

EDIT = "algorithms.edit_algorithm"
APPROVE = "algorithms.approve_publication"
S = State

PUBLICATION: tuple[Transition, ...] = (
    Transition("release", S.CONCEPT, S.RELEASED, EDIT, ACTIONS["release"], needs_complete=True),
    Transition("withdraw", S.RELEASED, S.CONCEPT, EDIT, ACTIONS["withdraw"]),
    Transition(
        "publish",
        S.RELEASED,
        S.PUBLISHED,
        APPROVE,
        ACTIONS["publish"],
        needs_complete=True,
        four_eyes=True,
    ),
    Transition(
        "reject",
        S.RELEASED,
        S.REJECTED,
        APPROVE,
        ACTIONS["reject"],
        needs_reason=True,
        four_eyes=True,
    ),
    Transition("retract", S.PUBLISHED, S.RETRACTED, APPROVE, ACTIONS["retract"], needs_reason=True),
    Transition("supersede", S.CONCEPT, S.SUPERSEDED, None, ACTIONS["supersede"]),
    Transition("supersede", S.RELEASED, S.SUPERSEDED, None, ACTIONS["supersede"]),
    Transition("supersede", S.PUBLISHED, S.SUPERSEDED, None, ACTIONS["supersede"]),
)

# States in which a newer saved version replaces this one.
OPEN_STATES = frozenset({S.CONCEPT, S.RELEASED})


def find(action: str, source: str) -> Transition:
    for t in PUBLICATION:
        if t.action == action and t.source == source:
            return t
    options = [str(t.label) for t in PUBLICATION if t.source == source and t.permission]
    raise WorkflowError(
        _("‘%(action)s’ kan niet bij een versie met de status ‘%(state)s’. Mogelijk: %(options)s.")
        % {
            "action": ACTIONS.get(action, action),
            "state": State(source).label if source in State.values else source,
            "options": ", ".join(options) or _("geen stap"),
        },
        field="action",
    )


def user_actions(state: str) -> list[Transition]:
    return [t for t in PUBLICATION if t.source == state and t.permission]


class AssessmentStatus(models.TextChoices):
    CONCEPT = "concept", gettext_lazy("Concept")
    SUBMITTED = "ingediend", gettext_lazy("Ingediend voor beoordeling")
    SIGNED = "ondertekend", gettext_lazy("Ondertekend")


A = AssessmentStatus
FILL = "algorithms.edit_assessment"
SIGN = "algorithms.sign_assessment"

ASSESSMENT: tuple[Transition, ...] = (
    Transition(
        "submit",
        A.CONCEPT,
        A.SUBMITTED,
        FILL,
        gettext_lazy("Indienen voor beoordeling"),
        needs_complete=True,
    ),
    Transition(
        "withdraw", A.SUBMITTED, A.CONCEPT, FILL, gettext_lazy("Terugnemen om aan te passen")
    ),
    Transition(
        "return",
        A.SUBMITTED,
        A.CONCEPT,
        SIGN,
        gettext_lazy("Terugsturen met opmerkingen"),
        needs_reason=True,
        four_eyes=True,
    ),
    Transition(
        "sign",
        A.SUBMITTED,
        A.SIGNED,
        SIGN,
        gettext_lazy("Ondertekenen"),
        needs_complete=True,
        four_eyes=True,
    ),
)


def find_assessment(action: str, source: str) -> Transition:
    for t in ASSESSMENT:
        if t.action == action and t.source == source:
            return t
    raise WorkflowError(
        _("Deze stap kan niet bij een toets met de status ‘%(state)s’.")
        % {"state": AssessmentStatus(source).label if source in A.values else source},
        field="action",
    )


def assessment_actions(status: str) -> list[Transition]:
    return [t for t in ASSESSMENT if t.source == status]
