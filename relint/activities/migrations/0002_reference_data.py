from django.db import migrations


def load(apps, schema_editor):
    from relint.activities.reference import sync_programmes, sync_sdgs

    sync_sdgs(apps.get_model("activities", "SustainableDevelopmentGoal"))
    sync_programmes(apps.get_model("activities", "FundingProgramme"))


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
