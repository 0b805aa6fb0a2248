"""Quirks: the ways a messy file departs from the canonical template, and how cells change.

Every quirk keeps the file readable by a good reader: labels come from the spec's aliases,
numbers written as text parse back to the same value, a region name variant always comes with
the province and a bare name only when no other kab/kota has it.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

from pipelines import spec

from .refdata import Region, name_key, regions, unique_bare_names
from .writers import Pct

QUIRKS: tuple[str, ...] = (
    "xls", "ods", "xlsm", "title_block", "merged_cells", "blank_rows", "notes_below",
    "hidden_sheet", "stale_hidden_sheet", "english_headers", "renamed_headers",
    "reordered_columns", "extra_columns", "region_name_variant", "old_papua_code",
    "float_region_code", "number_text", "percent_text", "year_as_text", "year_as_date",
    "abbreviated_labels",
)
FORMAT_QUIRKS = ("xls", "ods", "xlsm")
_EXCLUSIVE = ({"xls", "ods", "xlsm"}, {"english_headers", "renamed_headers"},
              {"year_as_text", "year_as_date"}, {"old_papua_code", "float_region_code"},
              {"merged_cells", "xls"}, {"merged_cells", "ods"})
_WEIGHT = {"xls": 1.0, "ods": 0.6, "xlsm": 0.5, "old_papua_code": 3.0, "float_region_code": 1.5}


def fmt_of(quirks: tuple[str, ...] | list[str]) -> str:
    """The file format a set of quirks implies."""
    return next((q for q in quirks if q in FORMAT_QUIRKS), "xlsx")


def float_differs(code: str) -> bool:
    """True when a code written as a number loses a digit (``20.10`` -> 20.1)."""
    return str(float(code)) != code


def applicable(quirk: str, kind: str, region: Region) -> bool:
    if quirk == "percent_text":
        return kind == "evaluation"
    if quirk == "year_as_date":
        return kind == "masterplan"
    if quirk in ("region_name_variant", "old_papua_code", "float_region_code") and region.fake:
        return False
    if quirk == "old_papua_code":
        return region.code_changed
    if quirk == "float_region_code":
        return float_differs(region.code)
    return True


def compatible(quirk: str, quirks: list[str] | tuple[str, ...]) -> bool:
    have = set(quirks)
    return quirk not in have and not any(quirk in g and have & (g - {quirk}) for g in _EXCLUSIVE)


def draw_quirks(r: random.Random, kind: str, region: Region) -> list[str]:
    """One to four compatible quirks for a messy file."""
    count = r.choices((1, 2, 3, 4), weights=(35, 35, 20, 10))[0]
    chosen: list[str] = []
    for _ in range(count):
        pool = [q for q in QUIRKS if applicable(q, kind, region) and compatible(q, chosen)]
        chosen.append(r.choices(pool, weights=[_WEIGHT.get(q, 1.0) for q in pool])[0])
    return sorted(chosen, key=QUIRKS.index)


# --------------------------------------------------------------------------- labels

ENGLISH_HEADERS = {
    "program_code": "Program Code", "dimension": "Dimension", "sub_dimension": "Sub Dimension",
    "program_name": "Program Name", "description": "Description", "horizon": "Time Horizon",
    "start_year": "Start Year", "end_year": "End Year", "agency": "Responsible Agency",
    "funding_source": "Funding Source", "indicative_budget": "Indicative Budget (IDR)",
    "indicator": "Indicator", "target": "Target", "unit": "Unit",
    "stage": "Implementation Stage", "progress_pct": "Progress (%)",
    "budget_realised": "Budget Realised", "benefits": "Benefits to the Public",
    "challenges": "Challenges", "follow_up": "Follow-up", "component": "Component",
    "score": "Score",
    # identity labels
    "document_kind": "Document Type", "province": "Province", "region_name": "Region",
    "region_code": "Region Code", "cohort_year": "Cohort Year", "plan_period": "Plan Period",
    "evaluation_year": "Evaluation Year", "document_date": "Document Date",
    "version": "Version", "contact_name": "Contact Person", "contact_email": "E-mail",
    "contact_phone": "Phone",
}
_EN_WORDS = set("code dimension subdimension sub name description term time start end year "
                "responsible agency leading sector funding source budget indicative idr "
                "indicator kpi unit stage implementation progress realised realized benefits "
                "public challenges obstacles follow next steps component score type document "
                "province region cohort plan period evaluation date version contact person "
                "phone e mail id".split())

_SUBS = [s for subs in spec.DIMENSIONS.values() for s in subs]
LABELS: dict[str, dict[str, dict[str, str]]] = {
    "dimension": {
        "abbr": dict(zip(spec.DIMENSIONS, ("SG", "SB", "SE", "SL", "SS", "SEN"), strict=True)),
        "indo": dict(zip(spec.DIMENSIONS, ("Tata Kelola", "Branding Daerah", "Ekonomi",
                                           "Kehidupan", "Masyarakat", "Lingkungan"),
                         strict=True)),
        "english": {d: d.replace("Smart ", "") for d in spec.DIMENSIONS},
    },
    "horizon": {
        "abbr": dict(zip(spec.HORIZONS, ("QW", "JP", "JM", "JPJ"), strict=True)),
        "indo": dict(zip(spec.HORIZONS, ("Quick Wins", "Pendek", "Menengah", "Panjang"),
                         strict=True)),
        "english": dict(zip(spec.HORIZONS, ("Quick Wins", "Short term", "Medium term",
                                            "Long term"), strict=True)),
    },
    "stage": {
        "abbr": dict(zip(spec.STAGES, ("Not started", "Planning", "Procurement",
                                       "Implementation", "Pilot", "Operational", "Completed"),
                         strict=True)),
        "indo": dict(zip(spec.STAGES, ("Belum Mulai", "Perencanaan", "Lelang", "Pelaksanaan",
                                       "Ujicoba", "Beroperasi", "Tuntas"), strict=True)),
    },
    "sub_dimension": {
        "english": dict(zip(_SUBS, (
            "Public Services", "Bureaucracy", "Public Policy", "Tourism Branding",
            "Business Branding", "City Appearance", "Industry", "Welfare",
            "Financial Transactions", "Spatial Harmony", "Health", "Mobility", "Community",
            "Learning Ecosystem", "Security", "Environmental Protection", "Waste Management",
            "Energy Management"), strict=True)),
        "indo": dict(zip(_SUBS, (
            "Layanan Publik", "Reformasi Birokrasi", "Kebijakan Publik", "Pariwisata", "Bisnis",
            "Penataan Wajah Kota", "Industri", "Kesejahteraan", "Transaksi", "Tata Ruang",
            "Kesehatan", "Transportasi", "Komunitas", "Pendidikan", "Keamanan",
            "Perlindungan Lingkungan", "Pengelolaan Sampah", "Energi"), strict=True)),
    },
    "funding_source": {
        "abbr": {"APBD Kabupaten/Kota": "APBD", "APBD Provinsi": "APBD Prov",
                 "KPBU": "KPBU", "Lainnya": "Lain-lain"},
        "indo": {"APBD Kabupaten/Kota": "APBD II", "APBD Provinsi": "APBD I",
                 "DAK": "Dana Alokasi Khusus", "Swasta": "Investasi Swasta"},
        "english": {"APBD Kabupaten/Kota": "Regional Budget", "APBD Provinsi":
                    "Provincial Budget", "APBN": "National Budget", "KPBU": "PPP",
                    "Swasta": "Private", "Hibah": "Grant", "Lainnya": "Other"},
    },
}
LABELS["stage"]["english"] = LABELS["stage"]["abbr"]
LABELS["sub_dimension"]["abbr"] = LABELS["sub_dimension"]["indo"]


def renamed(header: str, aliases: tuple[str, ...], r: random.Random) -> str:
    """A case/spacing/punctuation variant of a header, or of one of its Indonesian aliases."""
    indo = [a for a in aliases if not set(spec.fold(a).split()) & _EN_WORDS]
    base = r.choice(indo).title() if indo and r.random() < 0.35 else header
    style = r.randrange(5)
    if style == 0:
        return base.upper().replace(" ", "  ")
    if style == 1:
        return base.lower().replace(" ", "_")
    if style == 2:
        return base.title().replace(" ", "-")
    if style == 3:
        return f" {base.lower()} "
    return base.upper() + ":"


def _decimal(value: int, unit: int) -> str:
    text = format((Decimal(value) / Decimal(unit)).normalize(), "f")
    return text.replace(".", ",")


def rupiah_text(value: int, r: random.Random) -> str:
    """An amount as officers type it: ``Rp 1.500.000.000,00``, ``1,5 M``, ``750 juta``."""
    dotted = f"{value:,}".replace(",", ".")
    forms = [f"Rp {dotted},00", f"Rp. {dotted}", dotted, f"Rp{dotted}"]
    if value >= 10**9 and value % 10**7 == 0:
        forms += [f"{_decimal(value, 10**9)} M"] * 2 + [f"{_decimal(value, 10**9)} miliar"]
    elif 10**6 <= value < 10**9 and value % 10**6 == 0:
        forms += [f"{value // 10**6} juta"] * 3
    return r.choice(forms)


def region_variants(region: Region) -> list[str]:
    """Other ways to write a region's name that still name it alone (given the province)."""
    bare, kind = region.bare, region.kind
    if region.administrative:
        short = "Kab. Adm." if kind == "kabupaten" else "Kota Adm."
        out = [f"{short} {bare}", region.name.upper()]
    elif kind == "kabupaten":
        out = [f"Kab. {bare}", f"KABUPATEN {bare.upper()}", f"Kab {bare}", f"KAB. {bare.upper()}"]
    else:
        out = [f"KOTA {bare.upper()}", f"Kota  {bare}", f"kota {bare.lower()}"]
    special = list(region.spellings)
    if region.bps_name and name_key(region.bps_name, " ") != name_key(bare, " "):
        prefix = "Kab." if kind == "kabupaten" else "Kota"
        special.append(f"{prefix} {region.bps_name.title()}")
    if name_key(bare) in unique_bare_names():
        out.append(bare)
        if region.bps_name and name_key(region.bps_name, " ") != name_key(bare, " "):
            special.append(region.bps_name.title())
    owners = _name_owners()
    special = [s for s in special if owners.get(name_key(s), region.code) == region.code]
    return special * 3 + out if special else out


_OWNERS: dict[str, str] = {}


def _name_owners() -> dict[str, str]:
    """Official name key -> code, to keep variants from naming a different region."""
    if not _OWNERS:
        _OWNERS.update({name_key(r.name): r.code for r in regions().values()})
    return _OWNERS


class Styler:
    """Applies a file's quirks to labels and cell values, deterministically from ``r``."""

    def __init__(self, quirks: tuple[str, ...] | list[str], r: random.Random):
        self.quirks = set(quirks)
        self.r = r
        self.labels = r.choice(("abbr", "indo", "english"))
        self.percent = r.choice(("text", "fraction"))

    def has(self, quirk: str) -> bool:
        return quirk in self.quirks

    def header(self, key: str, header: str, aliases: tuple[str, ...]) -> str:
        if self.has("english_headers"):
            return ENGLISH_HEADERS.get(key, header)
        if self.has("renamed_headers") and self.r.random() < 0.8:
            return renamed(header, aliases, self.r)
        return header

    def column_header(self, column: spec.Column) -> str:
        return self.header(column.name, column.header, column.aliases)

    def identity_label(self, key: str) -> str:
        label, aliases = spec.IDENTITY_FIELDS[key]
        return self.header(key, label, aliases)

    def cell(self, key: str, value: Any) -> object:
        if value is None:
            return None
        if key in ("indicative_budget", "budget_realised") and self.has("number_text"):
            return rupiah_text(int(value), self.r)
        if key == "progress_pct" and self.has("percent_text"):
            return f"{value}%" if self.percent == "text" else Pct(int(value) / 100)
        if key in ("start_year", "end_year", "cohort_year", "evaluation_year"):
            if self.has("year_as_text"):
                return str(value)
            if self.has("year_as_date") and key in ("start_year", "end_year"):
                return date(int(value), 1, 1)
        if key in LABELS and self.has("abbreviated_labels"):
            return LABELS[key].get(self.labels, {}).get(str(value), value)
        return value

    def region_name(self, region: Region) -> str:
        if self.has("region_name_variant"):
            return self.r.choice(region_variants(region))
        return region.name

    def region_code(self, region: Region) -> object:
        if region.fake:
            return None
        if self.has("old_papua_code"):
            return region.old_code
        if self.has("float_region_code"):
            return float(region.code)
        return region.code
