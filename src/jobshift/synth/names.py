"""Person names of several countries, and the nicknames people use in place of their given name."""

from __future__ import annotations

import random
from dataclasses import dataclass


def words(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of ``text``."""
    return tuple(text.split())


FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "US": (
        words(
            "James Robert Michael William David Richard Joseph Thomas Christopher Daniel Matthew Anthony "
            "Mark Steven Andrew Joshua Kenneth Kevin Brian Timothy Jennifer Elizabeth Patricia Linda Barbara "
            "Susan Jessica Sarah Karen Nancy Margaret Sandra Ashley Emily Michelle Amanda Rebecca Katherine "
            "Samantha Stephanie Nicole Rachel Megan Lauren Olivia Jacob Ethan Tyler Brandon Alexander "
            "Benjamin Nathan Zachary Samuel Gregory Patrick Raymond Dorothy Deborah Victoria "
        )
    ),
    "GB": (
        words(
            "Oliver Harry George Jack Charlie Thomas Alfie Oscar Henry Edward Amelia Isla Ava Grace Sophie "
            "Charlotte Eleanor Harriet Imogen Lucy Alistair Rupert Nigel Fiona Gemma "
        )
    ),
    "DE": (
        words(
            "Lukas Jonas Felix Maximilian Leon Paul Niklas Tobias Sebastian Florian Stefan Andreas Jürgen "
            "Wolfgang Matthias Katharina Julia Anna Lena Laura Sabine Claudia Petra Ursula Johanna Annika "
            "Franziska Birgit Jörg Dieter "
        )
    ),
    "FR": (
        words(
            "Jean Pierre Louis Nicolas Antoine Julien Mathieu Guillaume François Olivier Thierry Étienne "
            "Camille Manon Chloé Léa Céline Aurélie Sophie Isabelle Nathalie Élodie Margaux Hélène "
        )
    ),
    "ES": (
        words(
            "Alejandro Javier Carlos Miguel Pablo Sergio Diego Álvaro Jorge Raúl Lucía María Carmen Laura "
            "Paula Elena Marta Cristina Sofía Alba Nuria Pilar "
        )
    ),
    "NL": (words("Daan Sem Bram Lars Thijs Joost Ruben Sanne Femke Lotte Anouk Eva Maartje Noor ")),
    "IT": (words("Luca Marco Giuseppe Alessandro Matteo Francesco Giulia Chiara Francesca Valentina ")),
    "JP": (words("Hiroshi Takashi Kenji Yuki Haruto Sota Daiki Yui Aoi Sakura Yuko Akiko Emi Naoki ")),
    "IN": (words("Rahul Amit Priya Ananya Vikram Arjun Rohan Sanjay Deepa Kavya Neha Aditya Sunita Rajesh ")),
    "BR": (words("João Gabriel Lucas Mateus Rafael Ana Beatriz Juliana Fernanda Camila Thiago Larissa ")),
}

LAST_NAMES: dict[str, tuple[str, ...]] = {
    "US": (
        words(
            "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson "
            "Martin Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Green "
            "Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Parker Collins "
            "Edwards Stewart Morris Murphy Cook Rogers Morgan Peterson Cooper Reed Bailey Bell Kelly Howard "
            "Ward Cox Richardson Wood Watson Brooks Bennett Gray Hughes Price Sanders Myers Long Ross Foster "
            "Nguyen Kim Chen Patel Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Shapiro Goldberg "
        )
    ),
    "GB": (
        words(
            "Hughes Davies Evans Thomas Roberts Walker Wright Robinson Thompson Wood Hall Green Clarke "
            "Jackson Wilkinson Pritchard Cartwright Fairweather Ashworth Pemberton "
        )
    ),
    "DE": (
        words(
            "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer "
            "Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange "
        )
    ),
    "FR": (
        words(
            "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre "
            "Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier "
        )
    ),
    "ES": (
        words(
            "García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz "
            "Hernández Díaz Moreno Muñoz Álvarez Romero Navarro Torres "
        )
    ),
    "NL": (words("de Jong Jansen de Vries van den Berg Bakker Visser Smit Meijer de Boer Mulder ")),
    "IT": (words("Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo ")),
    "JP": (words("Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida ")),
    "IN": (words("Sharma Verma Gupta Singh Kumar Patel Reddy Iyer Nair Mehta Joshi Rao Desai Banerjee ")),
    "BR": (words("Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro ")),
}
# "de Jong" and "van den Berg" were split on spaces above; rebuild the Dutch list with particles.
LAST_NAMES["NL"] = (
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "van Dijk",
    "Dekker",
)

NICKNAMES: dict[str, tuple[str, ...]] = {
    "Robert": ("Bob", "Rob", "Bobby"),
    "William": ("Bill", "Will", "Liam"),
    "Michael": ("Mike", "Mick"),
    "James": ("Jim", "Jimmy", "Jamie"),
    "Richard": ("Rick", "Dick", "Rich"),
    "Joseph": ("Joe", "Joey"),
    "Thomas": ("Tom", "Tommy"),
    "Christopher": ("Chris",),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Anthony": ("Tony",),
    "Steven": ("Steve",),
    "Andrew": ("Andy", "Drew"),
    "Joshua": ("Josh",),
    "Kenneth": ("Ken", "Kenny"),
    "Timothy": ("Tim",),
    "Jennifer": ("Jen", "Jenny"),
    "Elizabeth": ("Liz", "Beth", "Betsy"),
    "Patricia": ("Pat", "Patty", "Trish"),
    "Susan": ("Sue",),
    "Jessica": ("Jess",),
    "Margaret": ("Maggie", "Peggy", "Meg"),
    "Katherine": ("Kate", "Kathy", "Katie"),
    "Samantha": ("Sam",),
    "Rebecca": ("Becky",),
    "Alexander": ("Alex",),
    "Benjamin": ("Ben",),
    "Nathan": ("Nate",),
    "Zachary": ("Zach",),
    "Samuel": ("Sam",),
    "Gregory": ("Greg",),
    "Patrick": ("Pat",),
    "Victoria": ("Vicky", "Tori"),
    "Edward": ("Ed", "Eddie", "Ted"),
    "Maximilian": ("Max",),
    "Alejandro": ("Alex",),
    "Francesco": ("Franco",),
    "Giuseppe": ("Beppe",),
}


@dataclass(frozen=True)
class PersonName:
    """A generated person's name and the country it comes from."""

    first: str
    last: str
    country: str

    @property
    def full(self) -> str:
        """``first last``."""
        return f"{self.first} {self.last}"


def pick_name(rng: random.Random, country: str) -> PersonName:
    """A name typical for ``country`` (ISO-2), with a 25% chance of another country's name."""
    src = country if country in FIRST_NAMES and rng.random() < 0.75 else rng.choice(sorted(FIRST_NAMES))
    return PersonName(rng.choice(FIRST_NAMES[src]), rng.choice(LAST_NAMES[src]), src)


def nickname(rng: random.Random, first: str) -> str | None:
    """A nickname of ``first``, or ``None`` when it has none."""
    options = NICKNAMES.get(first)
    return rng.choice(options) if options else None


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits joined by ``-`` (for e-mail local parts and URLs)."""
    import unicodedata

    norm = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    out: list[str] = []
    for ch in norm.lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif ch in " -_.'" and out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")
