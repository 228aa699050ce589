"""What bench/load.py relies on, and the rendering fix it led to.

- The select template of relint/core writes the options in Python; its
  markup must be Django's own, character for character.
- The load generator reads a page's form as a browser without JavaScript
  would: posting the activity form back as read saves it, so the edits the
  benchmark counts are real edits through the version guard.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.utils import CaptureQueriesContext

from relint.activities.models import Activity
from tests.activity_helpers import make_activity

ROOT = Path(__file__).resolve().parent.parent


def load_module():
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Any"), ("a", "A & <b>"), ("b", 'Say "b"')], initial="b")
    grouped = forms.ChoiceField(choices=[("Europe", [("fr", "France"), ("it", "Italia")]), ("x", "Elsewhere")])
    several = forms.MultipleChoiceField(choices=[(1, "one"), (2, "two"), (3, "three")], initial=[1, 3])
    model = forms.ModelChoiceField(queryset=Activity.objects.order_by("pk"), required=False)


@pytest.mark.django_db
def test_the_select_template_writes_djangos_markup(personas):
    make_activity(personas, title_it="Scambio <con> Lione & Lyon")
    make_activity(personas, title_it='Rete "europea"')
    form = Everything()
    form.fields["plain"].widget.attrs.update({"class": "form-select", "disabled": False, "required": True})
    ours = {name: form[name].as_widget() for name in form.fields}
    stock = Everything(renderer=DjangoTemplates())
    stock.fields["plain"].widget.attrs.update({"class": "form-select", "disabled": False, "required": True})
    theirs = {name: stock[name].as_widget() for name in stock.fields}
    assert ours == theirs
    # The comparison is real: the project's renderer reads relint's template.
    from django.template.loader import get_template

    assert "select_options" in get_template("django/forms/widgets/select.html").template.source
    assert '<option value="b" selected>Say &quot;b&quot;</option>' in ours["plain"]
    assert "A &amp; &lt;b&gt;" in ours["plain"]
    assert '<optgroup label="Europe">' in ours["grouped"]


@pytest.mark.django_db
def test_formset_rows_sharing_their_options_render_as_unshared_rows_do(personas):
    """The activity form's funding rows share their programme list
    (relint/core/widgets.py): each row's markup, a selected row's included,
    is the plain select's."""
    from relint.activities.forms import FundingLineFormSet
    from relint.activities.models import FundingProgramme
    from relint.core.widgets import SharedChoices

    first = FundingProgramme.objects.order_by("pk").first()

    def rows(shared: bool) -> list[str]:
        formset = FundingLineFormSet(prefix="funding", initial=[{"programme": first.pk}])
        forms_ = [*formset.forms, formset.empty_form]
        if shared:
            choices = SharedChoices(list(forms_[0].fields["programme"].choices))
            for row in forms_:
                row.fields["programme"].choices = choices
        else:
            for row in forms_:
                row.fields["programme"].widget = forms.Select(attrs=row.fields["programme"].widget.attrs)
                row.fields["programme"].choices = row.fields["programme"].choices
        return [row["programme"].as_widget() for row in forms_]

    shared, plain = rows(shared=True), rows(shared=False)
    assert shared == plain and len(shared) == 4
    assert f'<option value="{first.pk}" selected>' in shared[0]
    assert f'value="{first.pk}" selected' not in shared[1]
    assert shared[1].replace("funding-1-", "funding-2-") == shared[2]


def test_the_form_reader_submits_what_a_browser_would():
    bench = load_module()
    html = """
    <form method="get"><input name="q" value="nope"></form>
    <form method="post" action="">
      <input type="hidden" name="version" value="3">
      <input name="title_it" value="Scambio &amp; rete">
      <input type="checkbox" name="is_public" checked><input type="checkbox" name="other">
      <input type="submit" name="_merge" value="Merge">
      <input name="off" value="x" disabled>
      <select name="kind"><option value="a">A</option><option value="b">B</option></select>
      <select name="year"><option value="1">1</option><option value="2" selected>2</option></select>
      <select name="countries" multiple><option value="7" selected>7</option><option value="8">8</option>
        <option value="9" selected>9</option></select>
      <textarea name="description_it">
Riga uno</textarea>
    </form>"""
    fields = bench.form_with(html, "version")
    assert fields == [
        ("version", "3"),
        ("title_it", "Scambio & rete"),
        ("is_public", "on"),
        ("kind", "a"),
        ("year", "2"),
        ("countries", "7"),
        ("countries", "9"),
        ("description_it", "Riga uno"),
    ]
    with pytest.raises(LookupError):
        bench.form_with(html, "absent")


@pytest.mark.django_db
def test_the_activity_form_posted_back_as_read_saves(client, personas):
    """The benchmark's edit: read the form, change the title, post it."""
    bench = load_module()
    activity = make_activity(personas, title_it="Prima")
    client.force_login(personas.editor_a)
    url = f"/it/workspace/activities/{activity.pk}/edit/"
    page = client.get(url).content.decode()
    fields = bench.replace(bench.form_with(page, "version"), title_it="Dopo il carico")
    response = client.post(url, {name: [v for n, v in fields if n == name] for name, _ in fields})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title_it, activity.version) == ("Dopo il carico", 2)
    # The same form again is from an old version: the conflict page, nothing saved.
    response = client.post(url, {name: [v for n, v in fields if n == name] for name, _ in fields})
    assert response.status_code == 409
    assert Activity.objects.get(pk=activity.pk).version == 2


@pytest.mark.django_db
def test_the_activity_form_costs_the_same_queries_with_more_options(client, personas):
    """The registry grows; the form's queries and its size must not (its
    organisation fields suggest names as one types, instead of listing
    every organisation in every row)."""
    from relint.partners.models import Organisation, OrganisationKind

    activity = make_activity(personas)
    client.force_login(personas.editor_a)
    url = f"/it/workspace/activities/{activity.pk}/edit/"
    client.get(url)
    from django.db import connection

    with CaptureQueriesContext(connection) as few:
        before = client.get(url)
    assert before.status_code == 200
    Organisation.objects.bulk_create([Organisation(name=f"Ente {n}", kind=OrganisationKind.NGO) for n in range(300)])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert b"Ente 2" not in response.content and len(response.content) == len(before.content)
    assert len(many.captured_queries) == len(few.captured_queries)
