"""The shipped reference tables the sample generator draws from, and its seeded randomness.

Everything random in the corpus comes from :func:`rng`, keyed by the seed and a description of
what is being drawn (``rng(seed, "plan", code, cohort)``), so any file can be regenerated on
its own, in any process, in any order, with the same content.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from pipelines import spec

DATA_DIR = Path(__file__).resolve().parent.parent / "reference_data"

#: Cohort years with new members (none in 2020).
COHORT_YEARS: tuple[int, ...] = (2017, 2018, 2019, 2021, 2022, 2023, 2024)

_PREFIX = re.compile(r"^(Kabupaten Administrasi|Kota Administrasi|Kabupaten|Kota) ")


def rng(seed: int, *parts: object) -> random.Random:
    """A generator seeded by ``seed`` and ``parts`` only (string seeding is stable across runs)."""
    return random.Random("|".join(str(p) for p in (seed, *parts)))


@dataclass(frozen=True)
class Region:
    """One kabupaten/kota as the generator needs it (picklable, sent to worker processes)."""

    code: str
    name: str
    kind: str
    province_code: str
    province: str
    old_code: str = ""
    spellings: tuple[str, ...] = ()
    bps_name: str = ""
    fake: bool = False

    @property
    def bare(self) -> str:
        """The name without its kind prefix: ``Kabupaten Bandung`` -> ``Bandung``."""
        return _PREFIX.sub("", self.name)

    @property
    def administrative(self) -> bool:
        return self.name.startswith(("Kabupaten Administrasi", "Kota Administrasi"))

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")

    @property
    def head_title(self) -> str:
        """Title of the regional head: Bupati or Wali Kota."""
        return "Bupati" if self.kind == "kabupaten" else "Wali Kota"

    @property
    def code_changed(self) -> bool:
        """True for the Papua-area regions that got a new code in the 2022 split."""
        return bool(self.old_code) and self.old_code != self.code


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / name, dtype=str, keep_default_na=False)


def name_key(name: str, sep: str = "") -> str:
    """A name folded for comparison: case, punctuation, ``Kab.``/``Adm.`` (and spaces) ignored."""
    words = spec.fold(name).split()
    long = {"kab": "kabupaten", "adm": "administrasi", "kep": "kepulauan"}
    return sep.join(long.get(w, w) for w in words)


@lru_cache(maxsize=1)
def regions() -> dict[str, Region]:
    """All 514 kab/kota by code, with province names and crosswalk spellings.

    A crosswalk spelling is kept only when it names this region alone: the BPS bridging table
    has a few rows matched to a neighbour (``KAB. OGAN KOMERING ULU`` for OKU Timur).
    """
    provinces = dict(zip(*(_csv("provinces.csv")[c] for c in ("code", "name")), strict=True))
    rows = _csv("regencies.csv").to_dict("records")
    cross = {r["kemendagri_code"]: r for r in _csv("region_codes_crosswalk.csv").to_dict(
        "records")}
    columns = ("name_permendagri_2021", "name_kepmendagri_2022_6117",
               "dagri_name_in_bps_bridging_2020")
    owners: dict[str, set[str]] = {}
    for row in rows:
        for n in (row["name"], *(cross.get(row["code"], {}).get(c, "") for c in columns)):
            if n:
                owners.setdefault(name_key(n), set()).add(row["code"])
    out: dict[str, Region] = {}
    for row in rows:
        x = cross.get(row["code"], {})
        spellings: list[str] = []
        for n in (x.get(c, "") for c in columns):
            key = name_key(n) if n else ""
            if key and name_key(n, " ") != name_key(row["name"], " ") \
                    and owners[key] == {row["code"]} and n not in spellings:
                spellings.append(n)
        out[row["code"]] = Region(
            code=row["code"], name=row["name"], kind=row["kind"],
            province_code=row["province_code"], province=provinces[row["province_code"]],
            old_code=x.get("kemendagri_code_pre2022split", "") or row["code"],
            spellings=tuple(spellings), bps_name=x.get("bps_name_2020", ""))
    return out


@lru_cache(maxsize=1)
def unique_bare_names() -> frozenset[str]:
    """Bare names (folded, spaces removed) that belong to one region only."""
    seen: dict[str, int] = {}
    for r in regions().values():
        key = spec.fold(r.bare).replace(" ", "")
        seen[key] = seen.get(key, 0) + 1
    return frozenset(k for k, n in seen.items() if n == 1)


@lru_cache(maxsize=1)
def cohort_rows() -> tuple[dict[str, str], ...]:
    """The real memberships found in public sources (cohorts.csv)."""
    return tuple(_csv("cohorts.csv").to_dict("records"))


@lru_cache(maxsize=1)
def cohort_sizes() -> dict[int, tuple[int, int]]:
    """Cohort year -> (number of members, how many of them repeat an earlier cohort)."""
    out: dict[int, tuple[int, int]] = {}
    previous = 0
    for row in sorted(_csv("cohort_counts.csv").to_dict("records"),
                      key=lambda r: int(r["cohort_year"])):
        size, cumulative = int(row["new_regions"]), int(row["cumulative_reported"])
        if size:
            out[int(row["cohort_year"])] = (size, size - (cumulative - previous))
        previous = cumulative
    return out


@lru_cache(maxsize=1)
def wave_rows() -> dict[str, tuple[int, str]]:
    """Region code -> (latest election year found, source) from pilkada_waves.csv."""
    out: dict[str, tuple[int, str]] = {}
    for row in _csv("pilkada_waves.csv").to_dict("records"):
        year = int(row["pilkada_year"])
        if row["kemendagri_code"] and year >= out.get(row["kemendagri_code"], (0, ""))[0]:
            out[row["kemendagri_code"]] = (year, row["source"])
    return out
