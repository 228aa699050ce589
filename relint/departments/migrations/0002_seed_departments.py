from django.db import migrations


def load(apps, schema_editor):
    from relint.departments.reference import sync_departments

    sync_departments(
        apps.get_model("departments", "Delegation"),
        apps.get_model("departments", "Department"),
        apps.get_model("departments", "TableMembership"),
    )


class Migration(migrations.Migration):
    dependencies = [("departments", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
