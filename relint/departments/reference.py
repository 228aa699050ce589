"""The departments at the coordination table, as the source text lists them
(coordination table since 2004), with their international scopes."""

import datetime

TABLE_SINCE = datetime.date(2004, 1, 1)

DELEGATIONS = [
    ("mayor", "Sindaco", "Mayor"),
    ("deputy_mayor", "Vicesindaco", "Deputy Mayor"),
]

# code, kind, Italian name, English name, delegation (Italian name or ""),
# scope in Italian, scope in English.
DEPARTMENTS = [
    (
        "REL-INT",
        "settore",
        "Settore Relazioni Internazionali",
        "International Relations Sector",
        "Sindaco",
        "relazioni internazionali",
        "international relations",
    ),
    (
        "COOP-PACE",
        "settore",
        "Settore Cooperazione Internazionale e Pace",
        "International Cooperation and Peace Sector",
        "Vicesindaco",
        "cooperazione decentrata e pace",
        "decentralized cooperation and peace",
    ),
    (
        "AMBIENTE",
        "divisione",
        "Divisione Ambiente e Verde",
        "Environment and Green Spaces Division",
        "",
        "reti tematiche, progetti europei in ambito ambientale, premi internazionali",
        "thematic networks, environmental European projects, international awards",
    ),
    (
        "COMUNICAZIONE",
        "servizio",
        "Servizio Centrale Comunicazione, Olimpiadi, Promozione",
        "Central Service for Communication, Olympics and Promotion",
        "",
        "ufficio stampa internazionale, promozione turistica, eventi internazionali, Olimpiadi",
        "international press office, tourism promotion, international events, Olympics",
    ),
    (
        "CULTURA",
        "divisione",
        "Divisione Servizi Culturali",
        "Cultural Services Division",
        "",
        "reti culturali, musei, festival ed eventi internazionali, biblioteche, progetti europei",
        "cultural networks, museums, festivals and international events, libraries, European projects",
    ),
    (
        "EDUCAZIONE",
        "divisione",
        "Divisione Servizi Educativi",
        "Educational Services Division",
        "",
        "reti tematiche e scambi internazionali",
        "thematic networks and international exchanges",
    ),
    (
        "GIOVENTU",
        "settore",
        "Settore Gioventù",
        "Youth Sector",
        "",
        "reti tematiche, scambi e progetti internazionali",
        "thematic networks, international exchanges and projects",
    ),
    (
        "SIST-INFO",
        "divisione",
        "Divisione Sistemi Informativi",
        "Information Systems Division",
        "",
        "reti tematiche, progetti e premi internazionali in ambito e-government",
        "thematic networks, projects and international awards in e-government",
    ),
    (
        "LAVORO",
        "divisione",
        "Divisione Lavoro, Orientamento e Formazione",
        "Labour, Guidance and Training Division",
        "",
        "FSE, FESR, progetti europei",
        "ESF, ERDF, European projects",
    ),
    (
        "PARI-OPP",
        "settore",
        "Settore Pari Opportunità e Politiche di Genere",
        "Equal Opportunities and Gender Policies Sector",
        "",
        "progetti internazionali, scambi di best practice",
        "international projects, best-practice exchanges",
    ),
    (
        "POLIZIA",
        "corpo",
        "Corpo di Polizia Municipale",
        "Municipal Police Corps",
        "",
        "scambi e progetti internazionali in ambito di formazione della polizia urbana",
        "international exchanges and projects in training urban police",
    ),
    (
        "ERP-PERIFERIE",
        "settore",
        "Settore Edilizia Residenziale Pubblica e Periferie",
        "Public Housing and Suburbs Sector",
        "",
        "coordinamento URBAN II, reti e progetti europei in tema di rigenerazione urbana",
        "coordination of URBAN II, European networks and projects on urban regeneration",
    ),
    (
        "SOCIALE",
        "divisione",
        "Divisione Servizi Sociali",
        "Social Services Division",
        "",
        "progetti europei, settore stranieri",
        "European projects, foreigners' office",
    ),
    (
        "SPORT",
        "settore",
        "Settore Sport",
        "Sport Sector",
        "",
        "eventi sportivi internazionali, scambi",
        "international sport events, exchanges",
    ),
    (
        "TEMPI-ORARI",
        "settore",
        "Settore Tempi e Orari",
        "Times and Schedules Sector",
        "",
        "scambi di best practices",
        "best-practice exchanges",
    ),
    (
        "URBAN-CENTER",
        "settore",
        "Settore Urban Center",
        "Urban Center Sector",
        "",
        "scambi di best practices, presentazioni all'estero",
        "best-practice exchanges, presentations abroad",
    ),
]


def sync_departments(Delegation, Department, TableMembership) -> None:  # noqa: N803 - model classes
    """Create the seed's departments and their table seats; never overwrite
    what staff have since edited."""
    delegations = {}
    for kind, name_it, name_en in DELEGATIONS:
        delegations[name_it], _ = Delegation.objects.get_or_create(
            name_it=name_it, defaults={"kind": kind, "name_en": name_en}
        )
    for order, (code, kind, name_it, name_en, delegation, scope_it, scope_en) in enumerate(DEPARTMENTS, 1):
        department, created = Department.objects.get_or_create(
            code=code,
            defaults={
                "kind": kind,
                "name_it": name_it,
                "name_en": name_en,
                "delegation": delegations.get(delegation),
                "competences_it": scope_it,
                "competences_en": scope_en,
                "table_order": order * 10,
            },
        )
        if created:
            TableMembership.objects.create(
                department=department, joined_on=TABLE_SINCE, scopes_it=scope_it, scopes_en=scope_en
            )
