"""Writing workbooks: the empty template and the filled export of a
department's activities, which is the same template with one row per
activity and its uid, ready to be edited and imported back.

Values are written exactly as the importer reads them (labels, Italian
dates and amounts), so an exported file imported unchanged changes nothing.
Text that a spreadsheet would take for a formula (starting with = + - @, a
tab or a carriage return) is written as text.
"""

from __future__ import annotations

import io

from django.db.models import Prefetch, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from relint.activities.models import (
    Activity,
    ActivityKind,
    ActivityPartnerCity,
    ActivityPartnerOrganisation,
    ActivityStatus,
    FundingLine,
    FundingProgramme,
    FundingSource,
    PartnerRole,
    SustainableDevelopmentGoal,
)
from relint.departments import permissions
from relint.departments.models import Department
from relint.exchange import agreements as agreement_sheet
from relint.exchange.columns import ACTIVITY_COLUMNS, AGREEMENT_COLUMNS, ORGANISATION_COLUMNS, RELATION_COLUMNS
from relint.exchange.organisations import export_rows as organisations_export_rows
from relint.exchange.planning import Planner, _state_of
from relint.exchange.reading import column_letter
from relint.exchange.relations import export_rows as relations_export_rows
from relint.partners.models import (
    AgreementKind,
    CityRelation,
    CommitteeMembership,
    Organisation,
    OrganisationKind,
    ProfitKind,
    RatifyingBody,
    RelationKind,
    RelationState,
)

VALIDATED_ROWS = 5000
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def sheet_names() -> dict[str, str]:
    return {
        "activities": _("Activities"),
        "cities": _("Partner cities"),
        "organisations": _("Organisations"),
        "agreements": _("Agreements"),
        "instructions": _("Instructions"),
        "lists": _("Lists"),
    }


def _cell(sheet, value, *, bold: bool = False):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        # openpyxl would write a live formula; people's text stays text.
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="0066CC")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def export_queryset(queryset: QuerySet[Activity]) -> QuerySet[Activity]:
    return (
        queryset.select_related("lead_department", "programme")
        .prefetch_related(
            "departments",
            "countries",
            "sdgs",
            Prefetch("city_links", queryset=ActivityPartnerCity.objects.order_by()),
            Prefetch("organisation_links", queryset=ActivityPartnerOrganisation.objects.order_by()),
            Prefetch("funding_lines", queryset=FundingLine.objects.order_by()),
        )
        .order_by("year", "lead_department__table_order", "title_it", "pk")
    )


def write_workbook(*, user, activities: QuerySet[Activity] | None, language: str = "it") -> bytes:
    """The template (no activities) or the export of `activities`, headers
    and labels in `language`."""
    with translation.override(language):
        return _write(user=user, activities=activities, language=language)


def _write(*, user, activities, language: str) -> bytes:
    names = sheet_names()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(names["activities"])
    sheet.freeze_panes = "B2"
    for index, column in enumerate(ACTIVITY_COLUMNS):
        sheet.column_dimensions[column_letter(index)].width = column.width
    lists = _lists()
    _validations(sheet, lists, names["lists"])
    headers = [column.header_it if language == "it" else column.header_en for column in ACTIVITY_COLUMNS]
    sheet.append([_cell(sheet, header, bold=True) for header in headers])
    if activities is not None:
        planner = Planner(user=user)
        for activity in export_queryset(activities).iterator(chunk_size=500):
            state = _state_of(activity)
            row = []
            for column in ACTIVITY_COLUMNS:
                if column.key == "uid":
                    value = str(activity.uid)
                elif column.key == "year":
                    value = activity.year
                else:
                    value = planner.display(column.key, state[column.key])
                row.append(_cell(sheet, value))
            sheet.append(row)

    with_partners = permissions.can_manage_partners(user)
    if with_partners:
        _relations_sheet(
            workbook, names, lists, filled=activities is not None, planner=Planner(user=user), language=language
        )
        _organisations_sheet(
            workbook, names, lists, filled=activities is not None, planner=Planner(user=user), language=language
        )
        _agreements_sheet(
            workbook, names, lists, filled=activities is not None, planner=Planner(user=user), language=language
        )

    instructions = workbook.create_sheet(names["instructions"])
    instructions.column_dimensions["A"].width = 28
    instructions.column_dimensions["B"].width = 12
    instructions.column_dimensions["C"].width = 90
    for line in (
        _("How to fill in this workbook"),
        _("One row per activity. Leave the uid empty for a new activity; do not change the uid of an exported one."),
        _("Upload the file in relint: a dry run shows what would change, row by row, before anything is imported."),
        _("Empty cells in a column empty that field; a column you delete is left as it is in relint."),
        _(
            "Cities must already be in the registry, and organisations too unless the organisations sheet adds "
            "them; the dry run suggests names it does not know."
        ),
        "",
    ):
        instructions.append([_cell(instructions, line)])
    instructions.append([_cell(instructions, t, bold=True) for t in (_("Column"), _("Required"), _("What to write"))])
    _column_rows(instructions, ACTIVITY_COLUMNS, language)
    if with_partners:
        for name, intro, columns in (
            (
                "cities",
                _(
                    "One row per relation with a partner city (a city with a friendship pact and a "
                    "twinning has two rows). The city must already be in the registry."
                ),
                RELATION_COLUMNS,
            ),
            (
                "organisations",
                _(
                    "One row per organisation. Leave the uid empty for a new one; a row without uid updates "
                    "the organisation of the same name. A committee named in “Member of” may be a row of "
                    "this sheet."
                ),
                ORGANISATION_COLUMNS,
            ),
            (
                "agreements",
                _(
                    "One row per agreement. The parties are the partner cities and organisations that signed "
                    "besides the City; a party column lists all the parties of its kind."
                ),
                AGREEMENT_COLUMNS,
            ),
        ):
            instructions.append([_cell(instructions, "")])
            instructions.append([_cell(instructions, names[name], bold=True)])
            instructions.append([_cell(instructions, intro)])
            _column_rows(instructions, columns, language)

    list_sheet = workbook.create_sheet(names["lists"])
    titles = list(lists)
    list_sheet.append([_cell(list_sheet, title, bold=True) for title in titles])
    for index in range(max(len(v) for v in lists.values())):
        list_sheet.append([_cell(list_sheet, lists[t][index] if index < len(lists[t]) else None) for t in titles])
    for index in range(len(titles)):
        list_sheet.column_dimensions[column_letter(index)].width = 34

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _column_rows(instructions, columns, language: str) -> None:
    """One row of the instructions sheet per column: header, required, help."""
    for column in columns:
        header = column.header_it if language == "it" else column.header_en
        instructions.append(
            [
                _cell(instructions, header),
                _cell(instructions, _("yes") if column.required else ""),
                _cell(instructions, str(column.help)),
            ]
        )


def _lists() -> dict[str, list]:
    return {
        _("Kinds"): [str(label) for _value, label in ActivityKind.choices],
        _("Statuses"): [str(label) for _value, label in ActivityStatus.choices],
        _("Departments"): list(Department.objects.order_by("table_order", "code").values_list("code", flat=True)),
        _("SDGs"): list(SustainableDevelopmentGoal.objects.values_list("number", flat=True)),
        _("Roles"): [str(label) for _value, label in PartnerRole.choices],
        _("Funding sources"): [str(label) for _value, label in FundingSource.choices],
        _("Programmes"): list(FundingProgramme.objects.order_by("code").values_list("code", flat=True)),
        _("Yes or no"): [_("yes"), _("no")],
        _("Relation kinds"): [str(label) for _value, label in RelationKind.choices],
        _("Relation states"): [str(label) for _value, label in RelationState.choices],
        _("Ratifying bodies"): [str(label) for value, label in RatifyingBody.choices if value],
        _("Organisation kinds"): [str(label) for _value, label in OrganisationKind.choices],
        _("Profit kinds"): [str(label) for value, label in ProfitKind.choices if value],
        _("Agreement kinds"): [str(label) for _value, label in AgreementKind.choices],
    }


def _relations_sheet(workbook, names: dict, lists: dict, *, filled: bool, planner: Planner, language: str) -> None:
    """The partner cities sheet (the coordinator's template and export only):
    headers, drop-down lists and, in the export, every relation with its id."""
    sheet = workbook.create_sheet(names["cities"])
    sheet.freeze_panes = "C2"
    for index, column in enumerate(RELATION_COLUMNS):
        sheet.column_dimensions[column_letter(index)].width = column.width
    _validations(
        sheet,
        lists,
        names["lists"],
        columns=RELATION_COLUMNS,
        targets={"kind": _("Relation kinds"), "state": _("Relation states"), "ratified_by": _("Ratifying bodies")},
    )
    headers = [column.header_it if language == "it" else column.header_en for column in RELATION_COLUMNS]
    sheet.append([_cell(sheet, header, bold=True) for header in headers])
    if filled:
        relations = CityRelation.objects.select_related("city").order_by("city__name_it", "city__country_id", "pk")
        for row in relations_export_rows(planner, relations.iterator(chunk_size=500)):
            sheet.append([_cell(sheet, value) for value in row])


def _organisations_sheet(workbook, names: dict, lists: dict, *, filled: bool, planner: Planner, language: str) -> None:
    """The organisations sheet (the coordinator's template and export only):
    headers, drop-down lists and, in the export, every organisation with its
    uid and memberships."""
    sheet = workbook.create_sheet(names["organisations"])
    sheet.freeze_panes = "C2"
    for index, column in enumerate(ORGANISATION_COLUMNS):
        sheet.column_dimensions[column_letter(index)].width = column.width
    _validations(
        sheet,
        lists,
        names["lists"],
        columns=ORGANISATION_COLUMNS,
        targets={"kind": _("Organisation kinds"), "profit_kind": _("Profit kinds")},
    )
    headers = [column.header_it if language == "it" else column.header_en for column in ORGANISATION_COLUMNS]
    sheet.append([_cell(sheet, header, bold=True) for header in headers])
    if filled:
        organisations = Organisation.objects.prefetch_related(
            Prefetch("committee_memberships", queryset=CommitteeMembership.objects.select_related("committee"))
        ).order_by("name", "pk")
        for row in organisations_export_rows(planner, organisations.iterator(chunk_size=500)):
            sheet.append([_cell(sheet, value) for value in row])


def _agreements_sheet(workbook, names: dict, lists: dict, *, filled: bool, planner: Planner, language: str) -> None:
    """The agreements sheet (the coordinator's template and export only):
    headers, drop-down lists and, in the export, every agreement with its
    uid and parties."""
    sheet = workbook.create_sheet(names["agreements"])
    sheet.freeze_panes = "C2"
    for index, column in enumerate(AGREEMENT_COLUMNS):
        sheet.column_dimensions[column_letter(index)].width = column.width
    _validations(
        sheet,
        lists,
        names["lists"],
        columns=AGREEMENT_COLUMNS,
        targets={"kind": _("Agreement kinds"), "lead_department": _("Departments")},
    )
    headers = [column.header_it if language == "it" else column.header_en for column in AGREEMENT_COLUMNS]
    sheet.append([_cell(sheet, header, bold=True) for header in headers])
    if filled:
        rows = agreement_sheet.export_rows(planner, agreement_sheet.export_queryset().iterator(chunk_size=500))
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])


def _validations(
    sheet, lists: dict[str, list], list_sheet_name: str, *, columns=ACTIVITY_COLUMNS, targets: dict | None = None
) -> None:
    """Drop-down lists on the activity columns that take one coded value.

    A warning rather than a stop: the importer also accepts the other
    language's labels and codes, and SDGs or departments may be several.
    """
    targets = targets or {
        "kind": _("Kinds"),
        "status": _("Statuses"),
        "lead_department": _("Departments"),
        "departments": _("Departments"),
        "sdgs": _("SDGs"),
        "programme": _("Programmes"),
        "is_public": _("Yes or no"),
    }
    titles = list(lists)
    for index, column in enumerate(columns):
        if column.key not in targets:
            continue
        position = titles.index(targets[column.key])
        letter = column_letter(position)
        count = len(lists[targets[column.key]])
        quoted = list_sheet_name.replace("'", "''")
        validation = DataValidation(
            type="list",
            formula1=f"='{quoted}'!${letter}$2:${letter}${count + 1}",
            allow_blank=True,
            errorStyle="warning",
            showErrorMessage=column.key not in ("departments", "sdgs"),
            error=_("Choose a value of the list."),
            errorTitle=str(column.header_it),
        )
        column_cell = column_letter(index)
        validation.add(f"{column_cell}2:{column_cell}{VALIDATED_ROWS}")
        sheet.data_validations.append(validation)
