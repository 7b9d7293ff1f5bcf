from django.db import migrations, models


class Migration(migrations.Migration):
    """Record beside each event what made its hash. The events already written were chained
    with plain SHA-256, so they are marked "sha256" (legacy, no key); new ones are keyed."""

    dependencies = [
        ("cases", "0003_daily_statistics"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="alg",
            field=models.CharField(default="sha256", max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="caseevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=32),
            preserve_default=False,
        ),
    ]
