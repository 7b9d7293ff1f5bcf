# The standard life events and business stages every catalog is browsed by.
# The list is copied here (not imported) so that this migration never changes.

from django.db import migrations

STANDARD_LIFE_EVENTS = [
    ("birth", "生育收养", "person"),
    ("school", "教育入学", "person"),
    ("work", "就业创业", "person"),
    ("marriage", "婚姻登记", "person"),
    ("housing", "住房保障", "person"),
    ("social_security", "社会保障", "person"),
    ("medical", "医疗卫生", "person"),
    ("elderly", "养老服务", "person"),
    ("disability", "残疾人服务", "person"),
    ("veterans", "退役军人", "person"),
    ("farming", "农业农村", "person"),
    ("death", "身后事", "person"),
    ("transport", "交通出行", "person"),
    ("culture", "文化旅游", "person"),
    ("business_start", "企业开办", "enterprise"),
    ("construction", "工程建设", "enterprise"),
    ("operation", "经营许可", "enterprise"),
    ("tax", "纳税缴费", "enterprise"),
]


def create_life_events(apps, schema_editor):
    LifeEvent = apps.get_model("catalog", "LifeEvent")
    existing = set(LifeEvent.objects.values_list("key", flat=True))
    LifeEvent.objects.bulk_create(
        LifeEvent(key=key, name=name, theme=theme, order=i)
        for i, (key, name, theme) in enumerate(STANDARD_LIFE_EVENTS)
        if key not in existing
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_item_change"),
    ]

    operations = [
        migrations.RunPython(create_life_events, migrations.RunPython.noop),
    ]
