"""The forms of the staff case pages: one per move, each calling its one action (STYLE §6).

A move's form parses what the page posts; `apply` makes the move. The domain rules (a reason is
required, a material must be tolerable, …) stay in the actions, so a page and the API refuse
with the same message.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth.models import User

from onestop.cases import actions
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, Task
from onestop.catalog.models import ServiceItem


class NamesField(forms.Field):
    """Every value posted under the name (checked boxes of materials), as a list."""

    widget = forms.SelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> list[str]:
        return [str(v) for v in value or []]


class Pressed(forms.Field):
    """Whether the button that sent the form carries `value` (同意 / 不同意, …)."""

    def __init__(self, value: str, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        self.pressed = value

    def to_python(self, value: Any) -> bool:
        return value == self.pressed


def text() -> forms.CharField:
    """Free text; whether it may be empty is the action's rule."""
    return forms.CharField(required=False)


class MoveForm(forms.Form):
    """A move with nothing more to say than its request key."""

    key = text()

    @property
    def key_value(self) -> str:
        return str(self.cleaned_data["key"])


# --- moves on the case ---------------------------------------------------------------------------


class CaseMoveForm(MoveForm):
    def apply(self, case: Case, *, actor: User, now: datetime) -> object:
        raise NotImplementedError


class AcceptForm(CaseMoveForm):
    tolerated = NamesField()

    def apply(self, case: Case, *, actor: User, now: datetime) -> object:
        tolerated = self.cleaned_data["tolerated"]
        return actions.accept_case(
            case, actor=actor, now=now, tolerated=tolerated, key=self.key_value
        )


class HandleInstantForm(CaseMoveForm):
    def apply(self, case: Case, *, actor: User, now: datetime) -> object:
        return actions.handle_instant(case, actor=actor, now=now, key=self.key_value)


class SupplementForm(CaseMoveForm):
    missing = NamesField()
    note = text()

    def apply(self, case: Case, *, actor: User, now: datetime) -> object:
        data = self.cleaned_data
        return actions.request_supplement(
            case, actor=actor, now=now, missing=data["missing"], note=data["note"], key=data["key"]
        )


class NotAcceptForm(CaseMoveForm):
    reasons = text()

    def apply(self, case: Case, *, actor: User, now: datetime) -> object:
        reasons = self.cleaned_data["reasons"]
        return actions.not_accept(case, actor=actor, now=now, reasons=reasons, key=self.key_value)


class ExtensionRequestForm(CaseMoveForm):
    reason = text()

    def apply(self, case: Case, *, actor: User, now: datetime) -> object:
        reason = self.cleaned_data["reason"]
        return actions.request_extension(
            case, actor=actor, now=now, reason=reason, key=self.key_value
        )


class SuspendForm(CaseMoveForm):
    reason = text()
    note = text()

    def apply(self, case: Case, *, actor: User, now: datetime) -> object:
        data = self.cleaned_data
        return actions.suspend_case(
            case, actor=actor, now=now, reason=data["reason"], note=data["note"], key=data["key"]
        )


class ResumeForm(CaseMoveForm):
    def apply(self, case: Case, *, actor: User, now: datetime) -> object:
        return actions.resume_case(case, actor=actor, now=now, key=self.key_value)


class CompleteForm(CaseMoveForm):
    def apply(self, case: Case, *, actor: User, now: datetime) -> object:
        return actions.complete_case(case, actor=actor, now=now, key=self.key_value)


class DeliverForm(CaseMoveForm):
    method = text()

    def apply(self, case: Case, *, actor: User, now: datetime) -> object:
        method = self.cleaned_data["method"] or "窗口领取"
        return actions.deliver_case(case, actor=actor, now=now, method=method, key=self.key_value)


class WithdrawForm(CaseMoveForm):
    reason = text()

    def apply(self, case: Case, *, actor: User, now: datetime) -> object:
        reason = self.cleaned_data["reason"]
        return actions.withdraw_case(case, actor=actor, now=now, reason=reason, key=self.key_value)


class MaterialsCheckedForm(CaseMoveForm):
    provided = NamesField()

    def apply(self, case: Case, *, actor: User, now: datetime) -> object:
        provided = self.cleaned_data["provided"]
        return actions.record_materials_checked(case, provided, actor=actor, now=now)


# The move's name in the URL → its form and the label of its done message.
# The move's name in the URL → its form (the done message names the workflow's move).
CASE_MOVES: dict[str, type[CaseMoveForm]] = {
    "accept": AcceptForm,
    "handle_instant": HandleInstantForm,
    "request_supplement": SupplementForm,
    "not_accept": NotAcceptForm,
    "request_extension": ExtensionRequestForm,
    "suspend": SuspendForm,
    "resume": ResumeForm,
    "complete": CompleteForm,
    "deliver": DeliverForm,
    "withdraw": WithdrawForm,
    "mark_provided": MaterialsCheckedForm,
}


# --- moves on a task -----------------------------------------------------------------------------


class TaskMoveForm(MoveForm):
    def apply(self, task: Task, *, actor: User, now: datetime) -> object:
        raise NotImplementedError


class ClaimForm(TaskMoveForm):
    def apply(self, task: Task, *, actor: User, now: datetime) -> object:
        return actions.claim_task(task, actor=actor, now=now, key=self.key_value)


class ReleaseForm(TaskMoveForm):
    def apply(self, task: Task, *, actor: User, now: datetime) -> object:
        return actions.release_task(task, actor=actor, now=now, key=self.key_value)


class OpinionForm(TaskMoveForm):
    agree = Pressed("yes")
    opinion = text()

    def apply(self, task: Task, *, actor: User, now: datetime) -> object:
        data = self.cleaned_data
        return actions.give_opinion(
            task,
            actor=actor,
            now=now,
            agree=data["agree"],
            opinion=data["opinion"],
            key=data["key"],
        )


class ReviewForm(TaskMoveForm):
    recommend = Pressed("grant")
    opinion = text()

    def apply(self, task: Task, *, actor: User, now: datetime) -> object:
        data = self.cleaned_data
        return actions.submit_review(
            task,
            actor=actor,
            now=now,
            recommend_grant=data["recommend"],
            opinion=data["opinion"],
            key=data["key"],
        )


class DecideForm(TaskMoveForm):
    decision = Pressed("grant")
    reasons = text()

    def apply(self, task: Task, *, actor: User, now: datetime) -> object:
        data = self.cleaned_data
        return actions.decide_case(
            task,
            actor=actor,
            now=now,
            grant=data["decision"],
            reasons=data["reasons"],
            key=data["key"],
        )


class ExtensionDecisionForm(TaskMoveForm):
    approve = Pressed("yes")

    def apply(self, task: Task, *, actor: User, now: datetime) -> object:
        approve = self.cleaned_data["approve"]
        return actions.decide_extension(
            task, actor=actor, now=now, approve=approve, key=self.key_value
        )


NO_COLLEAGUE = "请选择改派对象"


class ReassignForm(TaskMoveForm):
    # reassign_task checks that the colleague holds the task's role in its department.
    to = forms.ModelChoiceField(
        User.objects.all(),
        required=False,
        label="",
        error_messages={"invalid_choice": NO_COLLEAGUE},
    )

    def apply(self, task: Task, *, actor: User, now: datetime) -> object:
        to = self.cleaned_data["to"]
        if to is None:
            raise CaseError(NO_COLLEAGUE, field="to")
        return actions.reassign_task(task, to=to, actor=actor, now=now, key=self.key_value)


TASK_MOVES: dict[str, tuple[type[TaskMoveForm], str]] = {
    "claim": (ClaimForm, "认领"),
    "release": (ReleaseForm, "退回"),
    "opinion": (OpinionForm, "提交会签意见"),
    "review": (ReviewForm, "提交审核意见"),
    "decide": (DecideForm, "作出决定"),
    "extension": (ExtensionDecisionForm, "审批延期"),
    "reassign": (ReassignForm, "改派"),
}


# --- the case page and the window --------------------------------------------------------------


class RevealForm(forms.Form):
    reason = text()


class WindowTargetForm(forms.Form):
    """What the window's acceptance screen is about: an item, and the hall ticket it serves."""

    q = forms.CharField(required=False)
    item = forms.CharField(required=False)
    ticket = forms.CharField(required=False)


class WalkInForm(MoveForm):
    """A walk-in applicant at the window, with the item's form (一事一表) as `form_<name>`."""

    name = text()
    id_number = text()
    phone = text()
    provided = NamesField()
    tolerated = NamesField()
    unlink_account = forms.BooleanField(required=False)

    def __init__(self, *args: Any, item: ServiceItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        self.schema = list(item.form_schema or [])
        for field in self.schema:
            self.fields[f"form_{field['name']}"] = text()

    def form_data(self) -> dict[str, str]:
        return {f["name"]: self.cleaned_data[f"form_{f['name']}"] for f in self.schema}
