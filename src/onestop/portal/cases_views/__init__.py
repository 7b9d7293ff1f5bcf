"""The applicant's side of cases: apply online, my applications, a case's page, progress lookup,
and the community agent applying for a villager (代办).

Views are thin: parse, fetch through the scoped helpers, call the actions in
onestop.cases.actions and onestop.cases.materials, and show a domain error's Chinese message.
"""

from onestop.portal.cases_views.agents import agent_apply, agent_home, agent_items
from onestop.portal.cases_views.applying import apply
from onestop.portal.cases_views.consents import consent_list, consent_revoke
from onestop.portal.cases_views.following import (
    case_detail,
    case_material,
    case_submit,
    case_supply,
    case_withdraw,
    my_cases,
)
from onestop.portal.cases_views.lookup import progress

__all__ = [
    "agent_apply",
    "agent_home",
    "agent_items",
    "apply",
    "case_detail",
    "case_material",
    "case_submit",
    "case_supply",
    "case_withdraw",
    "consent_list",
    "consent_revoke",
    "my_cases",
    "progress",
]
