"""The word lists behind smart casing: acronyms, brands, legal forms, particles and small words.

Every key is lower case; the value is the spelling shown to people. A word found in no list gets the
generic rules of :mod:`jobshift.domain.display.casing` (``Mc``/``O'`` prefixes, Roman numerals, initials,
words without vowels, capitalised otherwise).
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


def _upper(words: str) -> dict[str, str]:
    return {w: w.upper() for w in words.split()}


def _spelled(words: str) -> dict[str, str]:
    return {w.lower(): w for w in words.split()}


ACRONYMS: dict[str, str] = {
    **_upper(
        """
        ceo cto cfo coo cmo cio ciso cpo cro cdo cco chro cso cxo cao cko cbo cido
        vp svp evp avp gm md hr it qa qc ui ux ai ml nlp llm api sdk seo sem ppc crm erp bi etl dba sre
        b2b b2c d2c emea apac latam amer anz dach mena cee us usa uk eu na sdr bdr ae csm tam pm pmo kam
        hrbp ehs hse esg dei rn np cpa cfa mba msc bsc pr ir gtm oem smb ar ap gis cad cnc plc rf vr
        abm cx cs bd it/ot ot iam soc noc edi sap sas aws gcp sql ibm hp ge ups bmw abb axa ing hsbc ubs
        bnp kpmg ey adp dhl bp tui rwe basf sgs lvmh ntt nec tsmc lg sk cvs usaa aig bbva
        tv nyc ny sf dc eth epfl mit ucla nasa nato imf oecd cern rbc td bmo cibc nab anz dbs
        ocbc uob csl bhp jll cbre wpp ipg bcg ntt nhs lse ucl kth dtu ntnu hec esade iese insead
        gsk bt o2 tsb rbs hcl tcs nttdata asml nxp amd hpe nec cgi atos ptc ansys
        """
    ),
    "saas": "SaaS",
    "paas": "PaaS",
    "iaas": "IaaS",
    "iot": "IoT",
    "ios": "iOS",
    "devops": "DevOps",
    "devsecops": "DevSecOps",
    "mlops": "MLOps",
    "finops": "FinOps",
    "revops": "RevOps",
    "salesops": "SalesOps",
    "secops": "SecOps",
    "nosql": "NoSQL",
    ".net": ".NET",
    "phd": "PhD",
    "fp&a": "FP&A",
    "e.on": "E.ON",
    "ikea": "IKEA",
    "lego": "LEGO",
    "byd": "BYD",
    "ufj": "UFJ",
    "icu": "ICU",
}
"""Acronyms and technical words with a fixed spelling (titles and companies, never person names)."""

BRANDS: dict[str, str] = _spelled(
    """
    iPhone iPad iPod iMac iCloud iTunes eBay eBook eCommerce eLearning YouTube LinkedIn GitHub GitLab
    HubSpot PayPal JavaScript TypeScript PostgreSQL MySQL MongoDB OpenAI DeepMind JPMorgan McKinsey PwC
    WeWork DoorDash ServiceNow ZoomInfo UserGems SmartRecruiters ClickUp HelloFresh easyJet FedEx
    ExxonMobil BlackRock JetBlue PepsiCo GlaxoSmithKline AstraZeneca ArcelorMittal BlackBerry PlayStation
    WhatsApp TikTok ByteDance SoundCloud DocuSign MongoDB DataDog CrowdStrike SentinelOne SolarWinds
    NetApp VMware QuickBooks TurboTax SharePoint PowerPoint OneDrive AutoCAD SolidWorks MATLAB GraphQL
    TensorFlow PyTorch WordPress WooCommerce BigCommerce ActiveCampaign SendGrid MailChimp SurveyMonkey
    HelloSign SmartSheet NetSuite SuccessFactors ZipRecruiter GoDaddy BlaBlaCar TripAdvisor LiveRamp
    DraftKings FanDuel SoFi LendingClub eToro iRobot iHeartMedia AppDynamics McAfee McKesson
    BioNTech CureVac StubHub RingCentral FactSet MarketAxess TotalEnergies SoftBank
    PricewaterhouseCoopers STMicroelectronics InBev 23andMe
    """
)
"""Brands and product names whose inner capitals a word-by-word rule cannot guess."""

COMPANY_FORMS: dict[str, str] = {
    "inc": "Inc",
    "ag": "AG",
    "inc.": "Inc.",
    "llc": "LLC",
    "l.l.c.": "L.L.C.",
    "llp": "LLP",
    "ltd": "Ltd",
    "ltd.": "Ltd.",
    "corp": "Corp",
    "corp.": "Corp.",
    "co.": "Co.",
    "plc": "PLC",
    "gmbh": "GmbH",
    "mbh": "mbH",
    "ggmbh": "gGmbH",
    "kgaa": "KGaA",
    "bv": "BV",
    "nv": "NV",
    "sarl": "SARL",
    "s.à r.l.": "S.à r.l.",
    "s.p.a.": "S.p.A.",
    "spa": "SpA",
    "s.r.l.": "S.r.l.",
    "srl": "Srl",
    "s.r.o.": "s.r.o.",
    "sro": "s.r.o.",
    "a/s": "A/S",
    "aps": "ApS",
    "asa": "ASA",
    "oyj": "Oyj",
    "sdn": "Sdn",
    "bhd": "Bhd",
    "pty": "Pty",
    "pte": "Pte",
    "pvt": "Pvt",
    "ltda": "Ltda",
    "ltda.": "Ltda.",
    "sapi": "SAPI",
    "sas": "SAS",
    "sl": "SL",
    "slu": "SLU",
    "kk": "KK",
    "kft": "Kft",
    "zrt": "Zrt",
    "sp.": "Sp.",
    "z.o.o.": "z o.o.",
    "tbk": "Tbk",
    "ulc": "ULC",
    "lp": "LP",
}
"""Legal forms written the way their countries write them (``Inc``, ``GmbH``, ``S.p.A.``, ``ApS``)."""

COMPANY_FORMS_AT_END: dict[str, str] = {
    "co": "Co",
    "sa": "SA",
    "se": "SE",
    "as": "AS",
    "ab": "AB",
    "oy": "Oy",
    "kg": "KG",
    "ug": "UG",
    "nv": "NV",
    "bv": "BV",
    "sl": "SL",
    "cv": "CV",
}
"""Legal forms that are also ordinary words (``as``, ``co``, ``se``): only as the name's last word."""

NAME_SUFFIXES: dict[str, str] = {
    "jr": "Jr",
    "jr.": "Jr.",
    "sr": "Sr",
    "sr.": "Sr.",
    "phd": "PhD",
    "ph.d.": "Ph.D.",
    "md": "MD",
    "m.d.": "M.D.",
    "mba": "MBA",
    "cpa": "CPA",
    "esq": "Esq",
    "esq.": "Esq.",
    "dds": "DDS",
    "rn": "RN",
    "cfa": "CFA",
}
"""Suffixes after a person's name."""

NAME_PARTICLES = frozenset(
    """
    van von der den de del della dela des di da das do dos du la ter ten zu y bin binti bint ibn af av
    """.split()  # noqa: SIM905
)
"""Surname particles written in lower case inside a name (``Pieter van der Berg``, ``de la Cruz``)."""

MAC_NAMES = frozenset(
    """
    macleod macdonald mackenzie macgregor macarthur macmillan macintyre mackay maclean macneil macdougall
    macpherson macaulay macinnes mackinnon maclachlan macrae macfarlane maciver macaskill maclaren
    macdonell maccallum macneill macquarrie maclennan macfadyen mackintosh macnamara macbride
    """.split()  # noqa: SIM905
)
"""Gaelic ``Mac`` surnames (``MacLeod``); other ``mac…`` words (Mack, Macy, Machado) are not split."""

SMALL_WORDS = frozenset(
    """
    a an and the of for in at to on with by from via per or nor vs vs. & de del des du la le les et y e
    und für der die das von van di da do dos em en och og i im zu
    """.split()  # noqa: SIM905
)
"""Words kept lower case inside a title or company name (never as its first word)."""

ROMAN_NUMERALS = frozenset(_words("ii iii iv vi vii viii ix xi xii xiii xiv xv xvi xvii xviii xix xx"))
"""Roman numerals recognised after the first word (``Engineer II``, ``Henry Ford III``)."""

ORDINAL_SUFFIXES = frozenset(["st", "nd", "rd", "th", "er", "e", "eme", "ème", "o", "a", "º", "ª"])
"""What may follow the digits of an ordinal (``21st``, ``2e``, ``1o``): kept lower case."""

NO_VOWEL_WORDS = frozenset(_words("st dr mr mrs ms jr sr ltd pty pvt bhd sdn mgr mgmt dept hwy th nd rd"))
"""Words without a vowel that are not acronyms (``St``, ``Dr``, ``Mgr``): capitalised, not upper-cased."""

ALLCAPS_KEEP_WORDS = frozenset(
    """
    the and of for new one two big red sun oil gas car bay sea air art box bio eco pro top all old bank
    group city lab labs hub net web app way key law tax inc co ltd llc
    """.split()  # noqa: SIM905
)
"""Short words that are ordinary words even when the input is in capitals (``THE`` → ``The``)."""
