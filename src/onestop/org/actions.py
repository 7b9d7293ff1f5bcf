"""State changes of the organisation: applicants register, full ID numbers are read."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction

from onestop.org.models import Applicant, PersonalDataRead


@transaction.atomic
def register_applicant(
    *,
    kind: str,
    name: str,
    username: str,
    password: str,
    phone: str,
    id_number: str = "",
    credit_code: str = "",
    legal_representative: str = "",
) -> Applicant:
    user = get_user_model().objects.create_user(username=username, password=password)
    user.first_name = name[:150]
    user.save(update_fields=["first_name"])
    return Applicant.objects.create(
        user=user,
        kind=kind,
        name=name,
        id_number=id_number,
        credit_code=credit_code,
        legal_representative=legal_representative,
        phone=phone,
    )


@transaction.atomic
def read_full_identity(applicant: Applicant, *, actor: User, purpose: str = "") -> str:
    """Return the applicant's full ID number or credit code and record who read it."""
    field = "id_number" if applicant.kind == Applicant.Kind.PERSON else "credit_code"
    PersonalDataRead.objects.create(
        actor=actor, applicant=applicant, field=field, purpose=purpose[:200]
    )
    return str(getattr(applicant, field))
