"""Vocabulary for believable sandbox data: people's names, places, school and delivery
partner names, and the lead providers a sandbox is seeded with.

Plain data only, so the generator stays deterministic: the same seed picks the same words."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProviderIdentity:
    """A seeded provider: its display name and the slug its memorable sandbox token uses."""

    name: str
    slug: str


# Organisations that have delivered ECF or NPQ training in England. Every seeded provider
# delivers both programmes so that each one can try every endpoint.
PROVIDERS: tuple[ProviderIdentity, ...] = (
    ProviderIdentity("Ambition Institute", "ambition"),
    ProviderIdentity("Best Practice Network", "best-practice"),
    ProviderIdentity("Capita", "capita"),
    ProviderIdentity("Education Development Trust", "edt"),
    ProviderIdentity("Teach First", "teach-first"),
    ProviderIdentity("UCL Institute of Education", "ucl"),
    ProviderIdentity("National Institute of Teaching", "niot"),
    ProviderIdentity("Church of England", "church-of-england"),
    ProviderIdentity("Leadership Learning South East", "llse"),
    ProviderIdentity("School-Led Network", "school-led"),
    ProviderIdentity("Teacher Development Trust", "tdt"),
    ProviderIdentity("Harris Federation", "harris"),
)

FIRST_NAMES: tuple[str, ...] = (
    "Aisha", "Alfie", "Amelia", "Amir", "Ava", "Ben", "Bethany", "Callum", "Charlotte", "Chloe",
    "Daniel", "Deborah", "Dylan", "Eleanor", "Ella", "Emily", "Ethan", "Fatima", "Finley",
    "Freya", "George", "Grace", "Hannah", "Harry", "Imran", "Isabel", "Isla", "Jack", "Jacob",
    "James", "Jasmine", "Joshua", "Kai", "Katie", "Laura", "Leo", "Lily", "Logan", "Lucy",
    "Maryam", "Matthew", "Megan", "Mia", "Mohammed", "Nathan", "Niamh", "Noah", "Oliver",
    "Olivia", "Oscar", "Patrick", "Poppy", "Priya", "Rachel", "Rebecca", "Reuben", "Rhys",
    "Rosie", "Ruby", "Ryan", "Samuel", "Sarah", "Sophie", "Tariq", "Theo", "Thomas", "Tom",
    "Victoria", "William", "Yusuf", "Zara", "Zoe", "Aaron", "Bella", "Connor", "Erin", "Gemma",
    "Hamza", "Jade", "Kieran",
)  # fmt: skip

SURNAMES: tuple[str, ...] = (
    "Adams", "Ahmed", "Ali", "Allen", "Anderson", "Bailey", "Baker", "Barnes", "Bell", "Bennett",
    "Brown", "Campbell", "Carter", "Chapman", "Clarke", "Cole", "Collins", "Cook", "Cooper",
    "Davies", "Dixon", "Edwards", "Ellis", "Evans", "Fisher", "Fletcher", "Foster", "Gray",
    "Green", "Griffiths", "Hall", "Harris", "Harrison", "Hill", "Holmes", "Hughes", "Hussain",
    "Jackson", "James", "Johnson", "Jones", "Kaur", "Kelly", "Khan", "King", "Knight", "Lee",
    "Lewis", "Marshall", "Martin", "Mason", "Mills", "Mitchell", "Moore", "Morgan", "Morris",
    "Murphy", "Owen", "Palmer", "Parker", "Patel", "Phillips", "Price", "Roberts", "Robinson",
    "Rogers", "Shaw", "Singh", "Smith", "Stevens", "Taylor", "Thomas", "Thompson", "Turner",
    "Walker", "Ward", "Watson", "White", "Williams", "Wilson", "Wood", "Wright", "Young",
)  # fmt: skip

TOWNS: tuple[str, ...] = (
    "Ashford", "Barnsley", "Bedford", "Blackburn", "Bolton", "Bournemouth", "Bradford",
    "Brighton", "Bristol", "Burnley", "Cambridge", "Carlisle", "Chelmsford", "Chester",
    "Colchester", "Coventry", "Crawley", "Darlington", "Derby", "Doncaster", "Durham", "Exeter",
    "Gateshead", "Gloucester", "Grimsby", "Halifax", "Harrogate", "Hastings", "Huddersfield",
    "Ipswich", "Kendal", "Lancaster", "Leeds", "Leicester", "Lincoln", "Luton", "Maidstone",
    "Norwich", "Nottingham", "Oldham", "Oxford", "Plymouth", "Portsmouth", "Preston", "Reading",
    "Rochdale", "Salisbury", "Sheffield", "Shrewsbury", "Southampton", "Stockport", "Sunderland",
    "Swindon", "Taunton", "Telford", "Wakefield", "Warrington", "Wigan", "Worcester", "York",
)  # fmt: skip

SCHOOL_FEATURES: tuple[str, ...] = (
    "Oak", "Meadow", "Park", "Hill", "Valley", "Green", "Brook", "Castle", "Abbey", "Riverside",
    "Church", "Manor", "Orchard", "Willow", "Beech", "Heath", "Moor", "Bridge", "Cross", "Field",
)  # fmt: skip

SCHOOL_KINDS: tuple[tuple[str, str], ...] = (
    # (name ending, establishment type code)
    ("Primary School", "1"),
    ("Infant School", "1"),
    ("Junior School", "1"),
    ("Church of England Primary School", "3"),
    ("Catholic Primary School", "2"),
    ("Academy", "28"),
    ("High School", "28"),
    ("Secondary School", "1"),
    ("Community College", "1"),
    ("Free School", "35"),
)

DELIVERY_PARTNER_NAMES: tuple[str, ...] = (
    "{town} Teaching School Hub",
    "{town} Research School",
    "{town} Learning Partnership",
    "{town} Schools Alliance",
    "{town} Education Trust",
    "Inspire {town}",
    "{town} Teaching Partnership",
    "Bright Futures {town}",
)

ITT_PROVIDERS: tuple[str, ...] = (
    "University of Leeds",
    "University of Birmingham",
    "Sheffield Hallam University",
    "University of Exeter",
    "Manchester Metropolitan University",
    "Oxford Brookes University",
)

EMPLOYERS: tuple[tuple[str, str], ...] = (
    ("Local authority school improvement service", "Education adviser"),
    ("Hospital school service", "Teacher"),
    ("Young offender institution", "Head of education"),
    ("Independent training consultancy", "Trainer"),
)
