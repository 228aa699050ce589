"""The 17 Sustainable Development Goals (UN Agenda 2030), in Italian and
English. Loaded by a data migration; the source texts speak of the Millennium
Goals, today's convention is the SDGs."""

SDGS = [
    (1, "Sconfiggere la povertà", "No poverty"),
    (2, "Sconfiggere la fame", "Zero hunger"),
    (3, "Salute e benessere", "Good health and well-being"),
    (4, "Istruzione di qualità", "Quality education"),
    (5, "Parità di genere", "Gender equality"),
    (6, "Acqua pulita e servizi igienico-sanitari", "Clean water and sanitation"),
    (7, "Energia pulita e accessibile", "Affordable and clean energy"),
    (8, "Lavoro dignitoso e crescita economica", "Decent work and economic growth"),
    (9, "Imprese, innovazione e infrastrutture", "Industry, innovation and infrastructure"),
    (10, "Ridurre le disuguaglianze", "Reduced inequalities"),
    (11, "Città e comunità sostenibili", "Sustainable cities and communities"),
    (12, "Consumo e produzione responsabili", "Responsible consumption and production"),
    (13, "Lotta contro il cambiamento climatico", "Climate action"),
    (14, "La vita sott'acqua", "Life below water"),
    (15, "La vita sulla terra", "Life on land"),
    (16, "Pace, giustizia e istituzioni solide", "Peace, justice and strong institutions"),
    (17, "Partnership per gli obiettivi", "Partnerships for the goals"),
]

# Funding programmes named in the sources (FSE, FESR, URBAN II) and the usual
# EU programmes of a city's international work.
PROGRAMMES = [
    ("fse", "Fondo Sociale Europeo (FSE)", "European Social Fund (ESF)", "eu", ""),
    ("fesr", "Fondo Europeo di Sviluppo Regionale (FESR)", "European Regional Development Fund (ERDF)", "eu", ""),
    ("urban-ii", "Iniziativa comunitaria URBAN II", "URBAN II Community Initiative", "eu", "2000-2006"),
    ("interreg", "Interreg", "Interreg", "eu", "2021-2027"),
    ("horizon-europe", "Horizon Europe", "Horizon Europe", "eu", "2021-2027"),
    ("erasmus-plus", "Erasmus+", "Erasmus+", "eu", "2021-2027"),
    ("life", "Programma LIFE", "LIFE Programme", "eu", "2021-2027"),
    (
        "cerv",
        "Cittadini, uguaglianza, diritti e valori (CERV)",
        "Citizens, Equality, Rights and Values (CERV)",
        "eu",
        "2021-2027",
    ),
    ("urbact", "URBACT", "URBACT", "eu", "2021-2027"),
    ("creative-europe", "Europa Creativa", "Creative Europe", "eu", "2021-2027"),
    (
        "aics",
        "Agenzia Italiana per la Cooperazione allo Sviluppo (AICS)",
        "Italian Agency for Development Cooperation (AICS)",
        "national",
        "",
    ),
    (
        "regione-piemonte-coop",
        "Regione Piemonte – cooperazione decentrata",
        "Piedmont Region – decentralized cooperation",
        "regional",
        "",
    ),
]


def sync_sdgs(Goal) -> None:  # noqa: N803 - a model class
    for number, name_it, name_en in SDGS:
        Goal.objects.update_or_create(number=number, defaults={"name_it": name_it, "name_en": name_en})


def sync_programmes(Programme) -> None:  # noqa: N803 - a model class
    for code, name_it, name_en, level, period in PROGRAMMES:
        Programme.objects.get_or_create(
            code=code, defaults={"name_it": name_it, "name_en": name_en, "level": level, "period": period}
        )
