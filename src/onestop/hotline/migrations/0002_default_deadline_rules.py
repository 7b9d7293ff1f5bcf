"""The default deadline table (urgent 2 hours, help 3 working days, complaint 5 …); an
administrator changes it in the admin."""

from django.db import migrations

DEFAULTS = [
    ("", "urgent", 2, "hours", 1),
    ("consult", "", 3, "workdays", 24),
    ("help", "", 3, "workdays", 24),
    ("complaint", "", 5, "workdays", 24),
    ("suggestion", "", 10, "workdays", 24),
    ("report", "", 10, "workdays", 24),
    ("praise", "", 5, "workdays", 24),
]


def add_defaults(apps, schema_editor):
    Rule = apps.get_model("hotline", "DeadlineRule")
    for kind, urgency, amount, unit, sign_hours in DEFAULTS:
        Rule.objects.get_or_create(
            kind=kind,
            urgency=urgency,
            defaults={"amount": amount, "unit": unit, "sign_hours": sign_hours},
        )


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
