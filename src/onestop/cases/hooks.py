"""What higher apps hang on a case's life, without the cases app knowing them (`core.hooks`).

Each hook is filled in the higher app's `AppConfig.ready` and called inside the move's
transaction (a function that raises rolls the move back):

- `case_closed(case=…, outcome=…, now=…)`: a case was decided (granted or refused, on the spot
  for 即办件), not accepted or withdrawn (parallel approval fans in).
- `halving_rules.any(applicant)`: whether a new case runs on halved limits (green channel,
  big-enterprise express).
- `fees_settled(case)`: each answers whether the case owes nothing to it (fees); a case owes
  nothing when every answer is true (and when no app asks for money).
- `certificate_issued.any(case)`: whether a valid certificate was issued for the case
  (documents); a grant is completed only then.
- `rating_link.first(case)`: the path of the signed page where the applicant rates the finished
  case (evaluation); no invitation is sent without one.
- `applicant_page.first(case)`: the path of the case's page for its applicant and agent
  (portal); the messages of the case link to it (`cases.actions.notices`).
- `case_page(request, case, user, allowed)`: the panels of the staff case page, each rendered by
  its app as HTML (None: nothing to show); `allowed` is the case moves the user may make now.
  Documents show the notices and the certificate (and its issue button), fees the fee page.
- `window_ticket.first(user, pk)` and `accept_from_ticket.first(ticket, walk_in, actor=…, now=…,
  key=…)`: the hall's queue ticket called to a clerk's window, and the acceptance that starts
  from it (the hall links the case to the ticket).
"""

from __future__ import annotations

from onestop.core.hooks import Hook
from onestop.org.models import Applicant

case_closed = Hook("case_closed", "A case was decided, not accepted or withdrawn.")
halving_rules = Hook("halving_rules", "Whether an applicant's new cases run on halved limits.")
fees_settled = Hook("fees_settled", "Whether a case owes nothing (all answers true).")
certificate_issued = Hook("certificate_issued", "Whether a valid certificate was issued.")
rating_link = Hook("rating_link", "The path of the page where the applicant rates a case.")
applicant_page = Hook("applicant_page", "The path of the applicant's page of a case.")
case_page = Hook("case_page", "Panels of the staff case page, rendered by their apps.")
window_ticket = Hook("window_ticket", "The queue ticket called to the clerk's window.")
accept_from_ticket = Hook("accept_from_ticket", "Accept a walk-in from a hall ticket.")


def halved_for(applicant: Applicant) -> bool:
    return halving_rules.any(applicant)
