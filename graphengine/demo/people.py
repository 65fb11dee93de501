"""Names, street addresses, postcodes and birth dates of the demo customers, and misspelt copies of them.

Drawn from a random stream of their own (seeded from the demo seed), so adding them leaves every other planted
structure of the demo exactly as it was. Households share a surname, an address and a postcode but not a
given name or a birth date; a misspelt copy of a person changes what real sources change — a nickname or a
typo in a name, "Street" written "St", a digit of the birth date swapped, a blank city.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

GIVEN = (  # noqa: SIM905
    "John Katarina Mohammed Anna Erik Lisa Tom Maria Lars Sofia Peter Emma Johan Ingrid Ali Noah Sara Oskar "
    "Eva Karin Nils Fatima Jan Elin Henrik Maja Olof Ida Mikael Linnea Anders Freja Jonas Greta Daniel Hanna "
    "Thomas Astrid Magnus Klara Sebastian Alva Fredrik Wilma Patrik Saga Stefan Ebba Andreas Julia Mattias "
    "Amira Viktor Leila Gustav Nora Axel Selma Isak Agnes"
).split()
SURNAMES = (  # noqa: SIM905
    "Smith Lindqvist Sayed Berg Jansen Nilsson Olsen Vries Meyer Hansen Karlsson Bakker Schmidt Larsen "
    "Persson Johansson Andersson Eriksson Gustafsson Pettersson Jonsson Svensson Olsson Lindberg Lindstrom "
    "Axelsson Bergstrom Lundberg Lundgren Mattsson Jakobsson Fransson Forsberg Sandberg Henriksson Sjoberg "
    "Wallin Engstrom Eklund Danielsson Lundin Hakansson Bjork Bergman Gunnarsson Holm Samuelsson Fredriksson "
    "Sundberg Nyberg Holmberg Isaksson Jensen Nielsen Pedersen Christensen Rasmussen Jorgensen Madsen "
    "Kristensen Visser Smit Mulder Bos Vos Peters Hendriks Dekker Brouwer Dijkstra Muller Schneider Fischer "
    "Weber Wagner Becker Hoffmann Koch Richter Klein Wolf Schroder Neumann Schwarz Zimmermann Braun Hofmann "
    "Hartmann Lange Krause"
).split()
STREETS = (  # noqa: SIM905
    "Main Oak Park Mill Lake Church Station Harbour Elm Birch King Queen Forest Garden River Hill School "
    "Market Bridge Castle Meadow Spring Willow Cedar Maple Pine Chestnut Orchard Rose Linden"
).split()
STREET_TYPES = (("Street", "St"), ("Road", "Rd"), ("Lane", "Ln"), ("Avenue", "Ave"), ("Drive", "Dr"))
NICKNAMES = {
    "John": "Jon",
    "Katarina": "Catarina",
    "Mohammed": "Mohamed",
    "Erik": "Eric",
    "Sofia": "Sophia",
    "Johan": "Johann",
    "Mikael": "Michael",
    "Fredrik": "Frederik",
    "Thomas": "Tomas",
    "Andreas": "Andres",
}


@dataclass(frozen=True)
class Person:
    name: str
    address: str
    postcode: str
    birth_date: str


class People:
    """One person per customer index; ``city_of(i)`` gives the city the demo already assigns."""

    def __init__(self, n: int, seed: int, n_cities: int) -> None:
        self.rng = np.random.default_rng([seed, 14])
        rng = self.rng
        given = rng.integers(0, len(GIVEN), size=n)
        surname = rng.integers(0, len(SURNAMES), size=n)
        street = rng.integers(0, len(STREETS), size=n)
        kind = rng.integers(0, len(STREET_TYPES), size=n)
        number = rng.integers(1, 200, size=n)
        area = rng.integers(0, 25, size=n)
        days = rng.integers(0, 60 * 365, size=n)
        self.people = [
            Person(
                f"{GIVEN[given[i]]} {SURNAMES[surname[i]]}",
                f"{number[i]} {STREETS[street[i]]} {STREET_TYPES[kind[i]][0]}",
                f"{10_000 + (i % n_cities) * 100 + int(area[i]):05d}",
                (dt.date(1945, 1, 1) + dt.timedelta(days=int(days[i]))).isoformat(),
            )
            for i in range(n)
        ]

    def __getitem__(self, i: int) -> Person:
        return self.people[i]

    def household(self, a: int, b: int) -> None:
        """``b`` moves in with ``a``: same surname, address and postcode; own given name and birth date."""
        pa, pb = self.people[a], self.people[b]
        given = pb.name.split()[0]
        if given == pa.name.split()[0]:
            given = GIVEN[(GIVEN.index(given) + 1) % len(GIVEN)]
        self.people[b] = Person(f"{given} {pa.name.split()[-1]}", pa.address, pa.postcode, pb.birth_date)

    def misspelt(self, i: int, city: str) -> dict[str, Any]:
        """A copy of person ``i`` as another source spells it (name, address, postcode, city, birthDate)."""
        rng, person = self.rng, self.people[i]
        given, surname = person.name.split()
        if given in NICKNAMES and rng.random() < 0.7:
            given = NICKNAMES[given]
        elif rng.random() < 0.5:
            given = _typo(given, rng)
        else:
            surname = _typo(surname, rng)
        number, street, kind = person.address.split()
        short = dict(STREET_TYPES)[kind]
        address = f"{number} {street} {short}" if rng.random() < 0.7 else f"{number} {_typo(street, rng)} {kind}"
        birth: str | None = person.birth_date
        roll = rng.random()
        if roll < 0.15:
            birth = None
        elif roll < 0.3:
            y, m, d = person.birth_date.split("-")
            birth = f"{y}-{m}-{d[::-1]}" if d[::-1] <= "28" and d[::-1] >= "01" and d[0] != d[1] else person.birth_date
        return {
            "name": f"{given} {surname}",
            "address": address,
            "postcode": person.postcode if rng.random() > 0.1 else "",
            "city": city if rng.random() > 0.2 else "",
            "birthDate": birth or "",
        }


def _typo(word: str, rng: np.random.Generator) -> str:
    """One keyboard slip inside a word: two neighbouring letters swapped, or one dropped or doubled."""
    if len(word) < 4:
        return word + word[-1]
    k = int(rng.integers(1, len(word) - 2))
    roll = rng.random()
    if roll < 0.4 and word[k] != word[k + 1]:
        return word[:k] + word[k + 1] + word[k] + word[k + 2 :]
    if roll < 0.7:
        return word[:k] + word[k + 1 :]
    return word[:k] + word[k] + word[k:]


__all__ = ["People", "Person"]
