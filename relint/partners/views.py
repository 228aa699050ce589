"""The partner registry in the staff workspace: partner cities with their
relations, organisations with their committee memberships, agreements with
their parties and documents, and contact persons.

Every department's staff read it; only the coordinator changes it (the rules
are in `relint.departments.permissions`). Writes go through
`relint.partners.services`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from relint.core import conflicts
from relint.core.history import history_entries
from relint.departments import permissions
from relint.ops.idempotency import create_from_form
from relint.partners import forms, selectors, services
from relint.partners.models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    CityRelation,
    CommitteeMembership,
    ContactPerson,
    Organisation,
    OrganisationKind,
    PartnerCity,
)

PAGE_SIZE = 25
HISTORY_SHOWN = 5


# --- Guards -------------------------------------------------------------------------
def _guarded(rule: Callable[[object], bool]) -> Callable:
    """Sign-in first (anonymous visitors go to the sign-in page), then the
    permission rule (403 for a signed-in user it does not allow)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not rule(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


reader = _guarded(permissions.can_view_partners)
manager = _guarded(permissions.can_manage_partners)
contact_reader = _guarded(permissions.can_view_contacts)
contact_manager = _guarded(permissions.can_manage_contacts)
document_reader = _guarded(permissions.can_download_agreement_documents)


# --- Helpers ------------------------------------------------------------------------
def _add_errors(form, error: ValidationError) -> None:
    """Show a service's errors on the form: on their field when the form has
    it, at the top otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields and name != NON_FIELD_ERRORS else None, errors)


def _posted(request: HttpRequest):
    # Not `request.POST or None`: an empty POST is a submission too, and must
    # get its errors rather than a blank form.
    return request.POST if request.method == "POST" else None


def _page(request: HttpRequest, qs: QuerySet):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _history(instance) -> list:
    return list(instance.history.select_related("history_user").order_by("-history_date")[:HISTORY_SHOWN])


def _form_page(request: HttpRequest, form, *, title: str, cancel_url: str, multipart: bool = False) -> HttpResponse:
    # Edit forms carry their version instead of a request key.
    # A form sent back with errors answers 400, so that scripts and tests can
    # tell a refusal from a page shown for the first time.
    status = 400 if form.is_bound and form.errors else 200
    context = {
        "form": form,
        "title": title,
        "cancel_url": cancel_url,
        "multipart": multipart,
        "creating": "version" not in form.fields,
    }
    return render(request, "partners/form.html", context, status=status)


def _save_form(request: HttpRequest, form, save: Callable[[dict], object]):
    """Validate the form and call the service, once per request key (a
    double submission gets the record the first one made); the saved object,
    or None when there are errors (then on the form)."""
    return create_from_form(request, form, save, report=_add_errors)


def _fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in form._meta.fields}


def _edit_record(
    request: HttpRequest,
    record,
    *,
    form_class,
    update: Callable[..., object],
    title: str,
    saved_message: str,
    done_url: Callable[[object], str],
) -> HttpResponse:
    """The edit page of a registry record, guarded against lost updates: a
    form built from an old version leads to the conflict page, and a merge
    posted from there is saved against the version it was shown."""
    names = list(form_class._meta.fields)
    data = _posted(request)
    if data is not None and "_merge" in data:
        data = conflicts.merged(data, conflicts.posted_data(form_class(instance=record), names), names)
    back = done_url(record)
    form = form_class(data, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            saved = update(fields=_fields(form), expected_version=form.cleaned_data["version"])
        except conflicts.EditConflictError as error:
            return _conflict(request, form, error, back_url=back)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, saved_message)
            return redirect(done_url(saved))
    return _form_page(request, form, title=title, cancel_url=back)


def _conflict(request: HttpRequest, form, error: conflicts.EditConflictError, *, back_url: str) -> HttpResponse:
    """The conflict page (`partners/conflict.html`): the user's version and
    the saved one side by side, with a choice per differing field; by
    default the user's value where they changed it, the saved one otherwise."""
    form_class, current = type(form), error.current
    names = list(form_class._meta.fields)
    current_form = form_class(conflicts.posted_data(form_class(instance=current), names), instance=current)
    current_form.is_valid()
    base_record = current.history.filter(version=error.expected_version).order_by("-history_id").first()
    base = form_class(instance=base_record.instance) if base_record is not None else None
    rows = []
    for name in names:
        mine, theirs = conflicts.readable(form, name), conflicts.readable(current_form, name)
        if mine == theirs:
            continue
        changed = base is None or str(base[name].value() or "") != str(form[name].value() or "")
        rows.append(
            {
                "name": name,
                "label": form.fields[name].label,
                "mine": mine,
                "current": theirs,
                "default": "mine" if changed else "current",
            }
        )
    context = {
        "record": error.current,
        "rows": rows,
        "hidden": conflicts.carried(request.POST),
        "current_version": error.current.version,
        "back_url": back_url,
    }
    return render(request, "partners/conflict.html", context, status=409)


# --- Partner cities -------------------------------------------------------------------
@reader
@require_safe
def city_list(request: HttpRequest) -> HttpResponse:
    """Partner cities, filtered and paginated (`partners/city_list.html`)."""
    form = forms.CityFilterForm(request.GET)
    qs = selectors.cities(**form.filters()) if form.is_valid() else PartnerCity.objects.none()
    context = {"form": form, "page": _page(request, qs), "can_manage": permissions.can_manage_partners(request.user)}
    return render(request, "partners/city_list.html", context)


@reader
@require_safe
def city_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A partner city: its relations as a timeline, its activities by year,
    organisations, agreements and contacts (`partners/city_detail.html`)."""
    city = get_object_or_404(PartnerCity.objects.with_country(), pk=pk)
    context = {
        "city": city,
        "timeline": selectors.city_timeline(city),
        "activities": list(selectors.city_activities(request.user, city)),
        "organisations": list(city.organisations.order_by("name")),
        "parties": list(city.agreement_parties.select_related("agreement").order_by("-agreement__signed_on")),
        "contacts": list(city.contacts.order_by("last_name", "first_name")),
        "history": _history(city),
        "history_url": reverse("partners:record_history", args=["city", city.pk]),
        "can_manage": permissions.can_manage_partners(request.user),
    }
    return render(request, "partners/city_detail.html", context)


@manager
@require_http_methods(["GET", "POST"])
def city_create(request: HttpRequest) -> HttpResponse:
    form = forms.CityForm(_posted(request))
    city = _save_form(request, form, lambda data: services.partner_city_create(user=request.user, fields=_fields(form)))
    if city:
        messages.success(request, _("The partner city has been created."))
        return redirect("partners:city_detail", pk=city.pk)
    return _form_page(request, form, title=_("New partner city"), cancel_url=reverse("partners:city_list"))


@manager
@require_http_methods(["GET", "POST"])
def city_edit(request: HttpRequest, pk: int) -> HttpResponse:
    city = get_object_or_404(PartnerCity, pk=pk)
    return _edit_record(
        request,
        city,
        form_class=forms.CityForm,
        update=lambda **kw: services.partner_city_update(user=request.user, city=city, **kw),
        title=_("Edit %(name)s") % {"name": city.name},
        saved_message=_("The partner city has been saved."),
        done_url=lambda record: reverse("partners:city_detail", args=[record.pk]),
    )


@manager
@require_http_methods(["GET", "POST"])
def relation_create(request: HttpRequest, pk: int) -> HttpResponse:
    city = get_object_or_404(PartnerCity, pk=pk)
    form = forms.RelationForm(_posted(request), instance=CityRelation(city=city))
    relation = _save_form(
        request, form, lambda data: services.city_relation_create(user=request.user, city=city, fields=_fields(form))
    )
    if relation:
        messages.success(request, _("The relation has been added."))
        return redirect("partners:city_detail", pk=city.pk)
    return _form_page(
        request,
        form,
        title=_("New relation with %(name)s") % {"name": city.name},
        cancel_url=reverse("partners:city_detail", args=[city.pk]),
    )


@manager
@require_http_methods(["GET", "POST"])
def relation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    relation = get_object_or_404(CityRelation.objects.select_related("city"), pk=pk)
    return _edit_record(
        request,
        relation,
        form_class=forms.RelationForm,
        update=lambda **kw: services.city_relation_update(user=request.user, relation=relation, **kw),
        title=_("Edit the relation with %(name)s") % {"name": relation.city.name},
        saved_message=_("The relation has been saved."),
        done_url=lambda record: reverse("partners:city_detail", args=[record.city_id]),
    )


# --- Organisations ----------------------------------------------------------------------
@reader
@require_safe
def organisation_list(request: HttpRequest) -> HttpResponse:
    """Organisations by kind, city-owned bodies split PROFIT / NO PROFIT, NGOs
    with their committees (`partners/organisation_list.html`)."""
    form = forms.OrganisationFilterForm(request.GET)
    qs = selectors.organisations(**form.filters()) if form.is_valid() else Organisation.objects.none()
    page = _page(request, qs)
    for organisation in page.object_list:
        organisation.section = selectors.section_of(organisation)
    context = {"form": form, "page": page, "can_manage": permissions.can_manage_partners(request.user)}
    return render(request, "partners/organisation_list.html", context)


@reader
@require_safe
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An organisation with its committee memberships; for a committee, its
    members too (`partners/organisation_detail.html`)."""
    organisation = get_object_or_404(Organisation.objects.select_related("country", "city__country"), pk=pk)
    context = {
        "organisation": organisation,
        "detail": selectors.organisation_detail(organisation),
        "is_committee": organisation.kind == OrganisationKind.COMMITTEE,
        "activities": list(selectors.organisation_activities(request.user, organisation)),
        "history": _history(organisation),
        "history_url": reverse("partners:record_history", args=["organisation", organisation.pk]),
        "can_manage": permissions.can_manage_partners(request.user),
    }
    return render(request, "partners/organisation_detail.html", context)


@manager
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = forms.OrganisationForm(_posted(request))
    organisation = _save_form(
        request, form, lambda data: services.organisation_create(user=request.user, fields=_fields(form))
    )
    if organisation:
        messages.success(request, _("The organisation has been created."))
        return redirect("partners:organisation_detail", pk=organisation.pk)
    return _form_page(request, form, title=_("New organisation"), cancel_url=reverse("partners:organisation_list"))


@manager
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    return _edit_record(
        request,
        organisation,
        form_class=forms.OrganisationForm,
        update=lambda **kw: services.organisation_update(user=request.user, organisation=organisation, **kw),
        title=_("Edit %(name)s") % {"name": organisation.name},
        saved_message=_("The organisation has been saved."),
        done_url=lambda record: reverse("partners:organisation_detail", args=[record.pk]),
    )


@manager
@require_http_methods(["GET", "POST"])
def membership_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a membership from an organisation's page: to a committee it joins,
    or, on a committee's page, of a new member."""
    organisation = get_object_or_404(Organisation, pk=pk)
    side = "committee" if organisation.kind == OrganisationKind.COMMITTEE else "member"
    form = forms.MembershipForm(_posted(request), initial={side: organisation})
    membership = _save_form(
        request, form, lambda data: services.membership_create(user=request.user, fields=_fields(form))
    )
    if membership:
        messages.success(request, _("The membership has been added."))
        return redirect("partners:organisation_detail", pk=organisation.pk)
    return _form_page(
        request,
        form,
        title=_("New committee membership"),
        cancel_url=reverse("partners:organisation_detail", args=[organisation.pk]),
    )


@manager
@require_http_methods(["GET", "POST"])
def membership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(CommitteeMembership.objects.select_related("committee", "member"), pk=pk)
    return _edit_record(
        request,
        membership,
        form_class=forms.MembershipForm,
        update=lambda **kw: services.membership_update(user=request.user, membership=membership, **kw),
        title=_("Edit a committee membership"),
        saved_message=_("The membership has been saved."),
        done_url=lambda record: reverse("partners:organisation_detail", args=[record.committee_id]),
    )


@manager
@require_POST
def membership_delete(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(CommitteeMembership, pk=pk)
    committee_id = membership.committee_id
    services.membership_delete(user=request.user, membership=membership)
    messages.success(request, _("The membership has been removed."))
    return redirect("partners:organisation_detail", pk=committee_id)


# --- Agreements ------------------------------------------------------------------------
@reader
@require_safe
def agreement_list(request: HttpRequest) -> HttpResponse:
    """Agreements, in force or expired, by kind (`partners/agreement_list.html`)."""
    form = forms.AgreementFilterForm(request.GET)
    qs = selectors.agreements(**form.filters()) if form.is_valid() else Agreement.objects.none()
    page = _page(request, qs)
    for agreement in page.object_list:
        agreement.in_force = selectors.is_in_force(agreement)
    context = {"form": form, "page": page, "can_manage": permissions.can_manage_partners(request.user)}
    return render(request, "partners/agreement_list.html", context)


@reader
@require_safe
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An agreement with its parties (the City first) and its documents
    (`partners/agreement_detail.html`)."""
    agreement = get_object_or_404(Agreement.objects.select_related("lead_department"), pk=pk)
    context = {
        "agreement": agreement,
        "in_force": selectors.is_in_force(agreement),
        "parties": list(agreement.parties.select_related("organisation", "city__country").order_by("pk")),
        "documents": list(agreement.documents.order_by("title")),
        "relations": list(agreement.city_relations.select_related("city").order_by("signed_on")),
        "history": _history(agreement),
        "history_url": reverse("partners:record_history", args=["agreement", agreement.pk]),
        "can_manage": permissions.can_manage_partners(request.user),
        "can_download": permissions.can_download_agreement_documents(request.user),
    }
    return render(request, "partners/agreement_detail.html", context)


@manager
@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest) -> HttpResponse:
    form = forms.AgreementForm(_posted(request))
    agreement = _save_form(
        request, form, lambda data: services.agreement_create(user=request.user, fields=_fields(form))
    )
    if agreement:
        messages.success(request, _("The agreement has been created."))
        return redirect("partners:agreement_detail", pk=agreement.pk)
    return _form_page(request, form, title=_("New agreement"), cancel_url=reverse("partners:agreement_list"))


@manager
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(Agreement, pk=pk)
    return _edit_record(
        request,
        agreement,
        form_class=forms.AgreementForm,
        update=lambda **kw: services.agreement_update(user=request.user, agreement=agreement, **kw),
        title=_("Edit the agreement"),
        saved_message=_("The agreement has been saved."),
        done_url=lambda record: reverse("partners:agreement_detail", args=[record.pk]),
    )


@manager
@require_http_methods(["GET", "POST"])
def party_create(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(Agreement, pk=pk)
    form = forms.PartyForm(_posted(request), instance=AgreementParty(agreement=agreement))
    party = _save_form(
        request,
        form,
        lambda data: services.agreement_party_add(user=request.user, agreement=agreement, fields=_fields(form)),
    )
    if party:
        messages.success(request, _("The party has been added."))
        return redirect("partners:agreement_detail", pk=agreement.pk)
    return _form_page(
        request,
        form,
        title=_("New party to the agreement"),
        cancel_url=reverse("partners:agreement_detail", args=[agreement.pk]),
    )


@manager
@require_POST
def party_delete(request: HttpRequest, pk: int) -> HttpResponse:
    party = get_object_or_404(AgreementParty, pk=pk)
    agreement_id = party.agreement_id
    services.agreement_party_remove(user=request.user, party=party)
    messages.success(request, _("The party has been removed."))
    return redirect("partners:agreement_detail", pk=agreement_id)


@manager
@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(Agreement, pk=pk)
    form = forms.DocumentForm(_posted(request), request.FILES if request.method == "POST" else None)
    document = _save_form(
        request,
        form,
        lambda data: services.agreement_document_add(
            user=request.user, agreement=agreement, title=data["title"], file=data["file"], language=data["language"]
        ),
    )
    if document:
        messages.success(request, _("The document has been uploaded."))
        return redirect("partners:agreement_detail", pk=agreement.pk)
    return _form_page(
        request,
        form,
        title=_("New document"),
        cancel_url=reverse("partners:agreement_detail", args=[agreement.pk]),
        multipart=True,
    )


@document_reader
@require_safe
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """The document as a download (never shown inline, so that a file cannot
    run in the workspace's origin)."""
    document = get_object_or_404(AgreementDocument, pk=pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("The file of this document is missing.")) from None
    return FileResponse(handle, as_attachment=True, filename=PurePath(document.file.name).name)


# --- Contact persons --------------------------------------------------------------------
@contact_reader
@require_safe
def contact_list(request: HttpRequest) -> HttpResponse:
    """Contact persons, staff only (`partners/contact_list.html`)."""
    form = forms.ContactFilterForm(request.GET)
    qs = selectors.contacts(**form.filters()) if form.is_valid() else ContactPerson.objects.none()
    context = {"form": form, "page": _page(request, qs), "can_manage": permissions.can_manage_contacts(request.user)}
    return render(request, "partners/contact_list.html", context)


@contact_reader
@require_safe
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(ContactPerson.objects.select_related("organisation", "city__country"), pk=pk)
    context = {
        "contact": contact,
        "history": _history(contact),
        "history_url": reverse("partners:record_history", args=["contact", contact.pk]),
        "can_manage": permissions.can_manage_contacts(request.user),
    }
    return render(request, "partners/contact_detail.html", context)


@contact_manager
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest) -> HttpResponse:
    form = forms.ContactForm(_posted(request))
    contact = _save_form(
        request, form, lambda data: services.contact_person_create(user=request.user, fields=_fields(form))
    )
    if contact:
        messages.success(request, _("The contact person has been created."))
        return redirect("partners:contact_detail", pk=contact.pk)
    return _form_page(request, form, title=_("New contact person"), cancel_url=reverse("partners:contact_list"))


@contact_manager
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(ContactPerson, pk=pk)
    return _edit_record(
        request,
        contact,
        form_class=forms.ContactForm,
        update=lambda **kw: services.contact_person_update(user=request.user, contact=contact, **kw),
        title=_("Edit %(name)s") % {"name": str(contact)},
        saved_message=_("The contact person has been saved."),
        done_url=lambda record: reverse("partners:contact_detail", args=[record.pk]),
    )


# --- History of a registry record ------------------------------------------------------
# The records with a history page, by the name in their URL; contact persons
# keep the stricter rules of their own pages.
HISTORY_MODELS = {
    "city": PartnerCity,
    "relation": CityRelation,
    "organisation": Organisation,
    "membership": CommitteeMembership,
    "agreement": Agreement,
    "contact": ContactPerson,
}


def _allowed(user, kind: str, *, write: bool) -> bool:
    if kind == "contact":
        return permissions.can_manage_contacts(user) if write else permissions.can_view_contacts(user)
    return permissions.can_manage_partners(user) if write else permissions.can_view_partners(user)


def _history_guard(*, write: bool) -> Callable:
    """Like the guards above, for a record named by its kind: sign-in, then
    the rule of that kind of record (403), before the verb (405)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, kind: str, *args, **kwargs) -> HttpResponse:
            if kind not in HISTORY_MODELS:
                raise Http404
            if not _allowed(request.user, kind, write=write):
                raise PermissionDenied
            return view(request, kind, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def _page_of(record) -> str:
    if isinstance(record, CityRelation):
        return reverse("partners:city_detail", args=[record.city_id])
    if isinstance(record, CommitteeMembership):
        return reverse("partners:organisation_detail", args=[record.committee_id])
    return record.get_absolute_url()


@_history_guard(write=False)
@require_safe
def record_history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Every version of a registry record with what changed and who changed
    it, and for the coordinator a revert button (`partners/history.html`)."""
    record = get_object_or_404(HISTORY_MODELS[kind], pk=pk)
    entries = [entry for entry in history_entries(record) if entry.changes or entry.kind != "~"]
    may_revert = (permissions.can_manage_contacts if kind == "contact" else permissions.can_manage_partners)(
        request.user
    )
    if may_revert:
        for entry in entries:
            entry.revert_url = reverse("partners:record_revert", args=[kind, pk, entry.history_id])
    context = {"record": record, "entries": entries, "back_url": _page_of(record)}
    return render(request, "partners/history.html", context)


@_history_guard(write=True)
@require_POST
def record_revert(request: HttpRequest, kind: str, pk: int, history_id: int) -> HttpResponse:
    record = get_object_or_404(HISTORY_MODELS[kind], pk=pk)
    history_url = reverse("partners:record_history", args=[kind, pk])
    try:
        expected = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, _("This form is incomplete: reload the page and try again."))
        return redirect(history_url)
    try:
        services.partner_record_revert(
            user=request.user, record=record, history_id=history_id, expected_version=expected
        )
    except conflicts.EditConflictError:
        messages.error(request, _("Someone changed this record in the meantime: check its history and try again."))
        return redirect(history_url)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(history_url)
    messages.success(request, _("The record has been put back as it was in that version."))
    return redirect(_page_of(record))
