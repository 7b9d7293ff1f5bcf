"""What other apps may hang on a case's life, without the cases app knowing them.

- `case_closed` is sent inside the move's transaction when a case is decided (granted or
  refused, on the spot for 即办件) or withdrawn: `sender=Case, case=…, outcome=…, now=…`.
  A receiver that raises rolls the move back.
- `halving_rules` are asked at creation whether a case runs on halved limits (green channel,
  big-enterprise express); each takes the applicant and returns a bool.
"""

from __future__ import annotations

from collections.abc import Callable

from django.dispatch import Signal

from onestop.org.models import Applicant

case_closed = Signal()

halving_rules: list[Callable[[Applicant], bool]] = []


def halved_for(applicant: Applicant) -> bool:
    return any(rule(applicant) for rule in halving_rules)
