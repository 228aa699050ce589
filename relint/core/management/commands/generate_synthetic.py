"""Generate large synthetic data sets for benchmarks."""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from relint.activities.models import (
    MAX_YEAR,
    MIN_YEAR,
    Activity,
    ActivityKind,
    ActivityPartnerCity,
    ActivityPartnerOrganisation,
    ActivityStatus,
    FundingLine,
    FundingProgramme,
    FundingSource,
    PartnerRole,
    ReviewState,
    SustainableDevelopmentGoal,
)
from relint.core.models import Country, DatePrecision
from relint.departments.models import Department
from relint.partners.models import Organisation, OrganisationKind, PartnerCity, ProfitKind
from relint.portal.publication import publication_bump

CITY_PREFIX = "Città sintetica "
ORGANISATION_PREFIX = "Organizzazione sintetica "

TOPICS = [
    "mobilità sostenibile",
    "qualità dell'aria",
    "verde urbano",
    "inclusione sociale",
    "scambi scolastici",
    "economia circolare",
    "innovazione digitale",
    "dati aperti",
    "sicurezza urbana",
    "parità di genere",
    "politiche giovanili",
    "rigenerazione dei quartieri",
    "acqua e servizi igienici",
    "gestione dei rifiuti",
    "turismo sostenibile",
    "patrimonio culturale",
    "biblioteche",
    "sport di base",
    "formazione professionale",
    "accoglienza dei migranti",
    "energia rinnovabile",
    "agricoltura urbana",
    "tempi della città",
    "partecipazione dei cittadini",
]
PLACES = ["in Europa", "nel Mediterraneo", "in Africa occidentale", "in America Latina", "in Asia", "nelle Alpi"]
DAC_CODES = ["15150", "14030", "11220", "43030", "14050", "12220", "16020", "31120", "15170", "23210"]
RETURN_COMMENT = "Dati sintetici: completare i risultati e le fonti di finanziamento."
# Review states of the last (open) year: mostly accepted.
OPEN_YEAR_STATES = [
    (ReviewState.ACCEPTED, 70),
    (ReviewState.SUBMITTED, 12),
    (ReviewState.RETURNED, 6),
    (ReviewState.DRAFT, 12),
]
VERSION_OF_STATE = {
    ReviewState.DRAFT: 1,
    ReviewState.SUBMITTED: 2,
    ReviewState.RETURNED: 3,
    ReviewState.ACCEPTED: 3,
}
# The scalar fields of relint.activities.serializers.activity_record.
RECORD_SCALARS = (
    "year",
    "kind",
    "title_it",
    "title_en",
    "description_it",
    "description_en",
    "results_it",
    "results_en",
    "status",
    "start_precision",
    "end_precision",
    "dac_sector",
    "iati_publish",
    "is_public",
    "review_state",
)
CENT = Decimal("0.01")
ROLES = [PartnerRole.PARTNER, PartnerRole.PARTNER, PartnerRole.LEAD, PartnerRole.IMPLEMENTER, PartnerRole.FUNDER]


class Command(BaseCommand):
    help = (
        "Generate N synthetic activities (with departments, countries, SDGs, partner cities, organisations and "
        "funding lines) for benchmarks, inserted with bulk_create in batches. Deterministic for a given --seed. "
        "Creates a pool of synthetic partner cities and organisations when missing. Note: bulk_create sends no "
        "signals, so django-simple-history records no history for these rows, and no review events are written."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--activities", type=int, required=True, help="How many activities to create.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1): same seed, same data.")
        parser.add_argument("--year", type=int, default=2025, help="The last reporting year (default 2025).")
        parser.add_argument("--years", type=int, default=3, help="How many years, ending at --year (default 3).")
        parser.add_argument("--batch-size", type=int, default=2000, help="Rows per bulk insert (default 2000).")
        parser.add_argument("--cities", type=int, default=200, help="Synthetic partner cities in the pool.")
        parser.add_argument("--organisations", type=int, default=500, help="Synthetic organisations in the pool.")

    def handle(self, *args, **options) -> None:
        total = options["activities"]
        batch_size = options["batch_size"]
        last_year, span = options["year"], options["years"]
        if total < 0 or total > 10_000_000:
            raise CommandError("--activities must be between 0 and 10,000,000.")
        if not 1 <= batch_size <= 10_000:
            raise CommandError("--batch-size must be between 1 and 10,000.")
        if not 1 <= span <= 50 or last_year - span + 1 < MIN_YEAR or last_year > MAX_YEAR:
            raise CommandError(f"The years must lie between {MIN_YEAR} and {MAX_YEAR}.")
        if not 1 <= options["cities"] <= 9999 or not 1 <= options["organisations"] <= 9999:
            raise CommandError("--cities and --organisations must be between 1 and 9999.")
        self.years = list(range(last_year - span + 1, last_year + 1))
        self.batch_size = batch_size
        self.rng = random.Random(options["seed"])

        started = time.monotonic()
        with transaction.atomic():
            self._load_reference(options["cities"], options["organisations"])
            done = links = 0
            while done < total:
                count = min(batch_size, total - done)
                links += self._batch(done, count)
                done += count
                elapsed = time.monotonic() - started
                self.stdout.write(
                    f"  {done:>9,}/{total:,} attività / activities, {links:,} righe collegate / linked rows "
                    f"({done / max(elapsed, 1e-9):,.0f}/s)"
                )
                self.stdout.flush()
            # Bulk inserts bypass the services: announce the new public rows.
            publication_bump()
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Create {total:,} attività sintetiche e {links:,} righe collegate in {elapsed:.1f} s "
                f"/ Created {total:,} activities and {links:,} linked rows."
            )
        )

    # --- Reference data and the synthetic pools -------------------------------------------------
    def _load_reference(self, n_cities: int, n_organisations: int) -> None:
        self.departments = list(Department.objects.order_by("code"))
        if not self.departments:
            raise CommandError("No departments: run migrate first.")
        countries = list(Country.objects.exclude(continent="AN").order_by("iso2"))
        self.countries = countries
        self.sdgs = list(SustainableDevelopmentGoal.objects.order_by("number"))
        self.eu_programmes = list(FundingProgramme.objects.filter(level="eu").order_by("code"))
        self.cities = self._city_pool(n_cities, countries)
        self.organisations = self._organisation_pool(n_organisations, countries)
        self.kinds = [value for value, _label in ActivityKind.choices]

    def _city_pool(self, size: int, countries: list[Country]) -> list[PartnerCity]:
        names = [f"{CITY_PREFIX}{i:04d}" for i in range(1, size + 1)]
        existing = set(PartnerCity.objects.filter(name_it__in=names).values_list("name_it", flat=True))
        new = []
        for i, name in enumerate(names, 1):
            if name in existing:
                continue
            # Each city depends on its number only, so pools agree whatever the seed.
            rng = random.Random(f"synthetic-city-{i}")
            new.append(
                PartnerCity(
                    name_it=name,
                    name_en=f"Synthetic city {i:04d}",
                    country=rng.choice(countries),
                    latitude=Decimal(f"{rng.uniform(-60, 70):.6f}"),
                    longitude=Decimal(f"{rng.uniform(-180, 180):.6f}"),
                    population=rng.randint(10_000, 5_000_000),
                    notes="Dato sintetico per i test di carico.",
                )
            )
        PartnerCity.objects.bulk_create(new, batch_size=self.batch_size)
        if new:
            self.stdout.write(f"  città sintetiche create / synthetic cities created: {len(new)}")
        return list(PartnerCity.objects.filter(name_it__in=names).order_by("name_it"))

    def _organisation_pool(self, size: int, countries: list[Country]) -> list[Organisation]:
        names = [f"{ORGANISATION_PREFIX}{i:04d}" for i in range(1, size + 1)]
        existing = set(Organisation.objects.filter(name__in=names).values_list("name", flat=True))
        kinds = [value for value, _label in OrganisationKind.choices]
        new = []
        for i, name in enumerate(names, 1):
            if name in existing:
                continue
            kind = kinds[i % len(kinds)]
            profit = ""
            if kind == OrganisationKind.CITY_OWNED:
                profit = ProfitKind.PROFIT if i % 2 else ProfitKind.NON_PROFIT
            rng = random.Random(f"synthetic-organisation-{i}")
            new.append(
                Organisation(
                    name=name,
                    name_en=f"Synthetic organisation {i:04d}",
                    kind=kind,
                    profit_kind=profit,
                    country=rng.choice(countries),
                    description_it="Dato sintetico per i test di carico.",
                )
            )
        Organisation.objects.bulk_create(new, batch_size=self.batch_size)
        if new:
            self.stdout.write(f"  organizzazioni sintetiche create / synthetic organisations created: {len(new)}")
        return list(Organisation.objects.filter(name__in=names).order_by("name"))

    # --- Activities ------------------------------------------------------------------------------
    def _batch(self, offset: int, count: int) -> int:
        """Create `count` activities and their linked rows; returns how many linked rows."""
        rng = self.rng
        activities = []
        plans = []
        last_year = self.years[-1]
        states = [state for state, _weight in OPEN_YEAR_STATES]
        weights = [weight for _state, weight in OPEN_YEAR_STATES]
        for number in range(offset + 1, offset + count + 1):
            year = rng.choice(self.years)
            kind = rng.choice(self.kinds)
            lead = rng.choice(self.departments)
            topic = rng.choice(TOPICS)
            place = rng.choice(PLACES)
            start = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(0, 330))
            end = start + datetime.timedelta(days=rng.randint(0, 120)) if rng.random() < 0.8 else None
            if end is not None and end.year > year and rng.random() < 0.5:
                end = datetime.date(year, 12, 31)
            state = rng.choices(states, weights)[0] if year == last_year else ReviewState.ACCEPTED
            if year < last_year:
                status = ActivityStatus.COMPLETED if rng.random() < 0.9 else ActivityStatus.CANCELLED
            else:
                status = rng.choice([ActivityStatus.PLANNED, ActivityStatus.ONGOING, ActivityStatus.COMPLETED])
            precision = DatePrecision.DAY if rng.random() < 0.8 else DatePrecision.MONTH
            if precision == DatePrecision.MONTH:
                start = start.replace(day=1)
                end = end.replace(day=1) if end else None
            title = f"Attività sintetica {number:06d}: {topic} {place}"
            description = (
                f"Attività sintetica generata per i test di carico sul tema «{topic}» {place}. "
                f"Coinvolge la {lead.name_it} nell'anno {year}."
            )
            activity = Activity(
                year=year,
                kind=kind,
                title_it=title,
                title_en=f"Synthetic activity {number:06d}" if rng.random() < 0.3 else "",
                description_it=description,
                results_it=""
                if status == ActivityStatus.PLANNED
                else f"Risultati sintetici: {rng.randint(1, 500)} partecipanti.",
                lead_department=lead,
                status=status,
                start_date=start,
                start_precision=precision,
                end_date=end,
                end_precision=precision,
                programme=rng.choice(self.eu_programmes) if kind == ActivityKind.EU_PROJECT else None,
                dac_sector=rng.choice(DAC_CODES) if kind == ActivityKind.COOPERATION else "",
                iati_publish=kind == ActivityKind.COOPERATION and rng.random() < 0.5,
                is_public=rng.random() < 0.95,
                review_state=state,
                review_comment=RETURN_COMMENT if state == ReviewState.RETURNED else "",
                # What relint.activities.services would have reached: every transition raises it.
                version=VERSION_OF_STATE[state],
            )
            plan = self._plan(lead, kind)
            if state == ReviewState.ACCEPTED:
                activity.accepted_snapshot = self._record(activity, plan)
            activities.append(activity)
            plans.append(plan)
        Activity.objects.bulk_create(activities, batch_size=self.batch_size)
        return self._links(activities, plans)

    def _plan(self, lead: Department, kind: str) -> dict:
        """Which rows to link to one activity, drawn now so the data depends on the seed only."""
        rng = self.rng
        others = [d for d in rng.sample(self.departments, k=rng.randint(0, 2)) if d.pk != lead.pk]
        amount = Decimal(rng.randint(1, 400) * 500).quantize(CENT)
        funding = [(FundingSource.CITY, None, amount)]
        if kind == ActivityKind.EU_PROJECT:
            funding.append((FundingSource.EU, rng.choice(self.eu_programmes), (amount * 4).quantize(CENT)))
        elif rng.random() < 0.3:
            funding.append(
                (rng.choice([FundingSource.REGION, FundingSource.PRIVATE]), None, (amount / 2).quantize(CENT))
            )
        return {
            "departments": others,
            "countries": rng.sample(self.countries, k=rng.randint(1, 3)),
            "sdgs": rng.sample(self.sdgs, k=rng.randint(1, 3)),
            "cities": [(c, rng.choice(ROLES)) for c in rng.sample(self.cities, k=rng.randint(0, 2))],
            "organisations": [(o, rng.choice(ROLES)) for o in rng.sample(self.organisations, k=rng.randint(0, 3))],
            "funding": funding,
        }

    @staticmethod
    def _record(activity: Activity, plan: dict) -> dict:
        """The accepted snapshot, shaped as relint.activities.serializers.activity_record
        shapes it, composed from the plan: reading it back would cost a query per row."""
        record: dict = {"uid": str(activity.uid)}
        for name in RECORD_SCALARS:
            record[name] = getattr(activity, name)
        record["start_date"] = activity.start_date.isoformat() if activity.start_date else None
        record["end_date"] = activity.end_date.isoformat() if activity.end_date else None
        record["lead_department"] = activity.lead_department.code
        record["departments"] = sorted(d.code for d in plan["departments"])
        record["countries"] = sorted(c.iso2 for c in plan["countries"])
        record["sdgs"] = sorted(g.number for g in plan["sdgs"])
        record["programme"] = activity.programme.code if activity.programme else None
        record["partner_cities"] = sorted(f"{c.name_it} ({c.country_id}): {r}" for c, r in plan["cities"])
        record["partner_organisations"] = sorted(f"{o.name}: {r}" for o, r in plan["organisations"])
        # Funding lines are ordered by amount, largest first (FundingLine.Meta.ordering).
        lines = sorted(plan["funding"], key=lambda line: -line[2])
        record["funding"] = [f"{source}|{p.code if p else ''}|{amount}" for source, p, amount in lines]
        record["funding_total"] = str(sum((line[2] for line in lines), Decimal("0")))
        record["links"] = []
        return record

    def _links(self, activities: list[Activity], plans: list[dict]) -> int:
        departments, countries, sdgs, cities, organisations, funding = [], [], [], [], [], []
        DepartmentLink = Activity.departments.through  # noqa: N806 - model classes
        CountryLink = Activity.countries.through  # noqa: N806
        GoalLink = Activity.sdgs.through  # noqa: N806
        for activity, plan in zip(activities, plans, strict=True):
            pk = activity.pk
            departments += [DepartmentLink(activity_id=pk, department_id=d.pk) for d in plan["departments"]]
            countries += [CountryLink(activity_id=pk, country_id=c.pk) for c in plan["countries"]]
            sdgs += [GoalLink(activity_id=pk, sustainabledevelopmentgoal_id=g.pk) for g in plan["sdgs"]]
            cities += [ActivityPartnerCity(activity_id=pk, city_id=c.pk, role=r) for c, r in plan["cities"]]
            organisations += [
                ActivityPartnerOrganisation(activity_id=pk, organisation_id=o.pk, role=r)
                for o, r in plan["organisations"]
            ]
            funding += [FundingLine(activity_id=pk, source=s, programme=p, amount=a) for s, p, a in plan["funding"]]
        total = 0
        for model, rows in (
            (DepartmentLink, departments),
            (CountryLink, countries),
            (GoalLink, sdgs),
            (ActivityPartnerCity, cities),
            (ActivityPartnerOrganisation, organisations),
            (FundingLine, funding),
        ):
            model.objects.bulk_create(rows, batch_size=self.batch_size)
            total += len(rows)
        return total
