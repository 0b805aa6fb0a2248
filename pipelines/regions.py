"""The region registry: Indonesia's 514 kabupaten/kota and how to recognise their names.

Pure module (pandas + rapidfuzz). Reference data ships in ``pipelines/reference_data/``:
``regencies.csv`` and ``provinces.csv`` (Kemendagri 2025 codes) and
``region_codes_crosswalk.csv`` (pre-2022 Papua codes, the 2021 and 2022 official spellings,
BPS 2020 codes and names).

``registry().resolve(name, province=None, kind=None, code=None)`` turns what a regional
officer typed into a Kemendagri code, and never guesses: a bare name that exists as both a
kabupaten and a kota, a code that contradicts the name, or a name with invisible or
non-Latin characters is reported (``ambiguous`` / ``suspicious``) with a reason the officer
can act on, never silently matched.

Matching works on *keys*: the name with its kind prefix (``Kab.``, ``Kota Adm.``, ...)
removed, NFKC-normalised, case-folded, accents dropped, ``Kep.`` spelled out as
``Kepulauan``, and every space, hyphen, dot or other punctuation removed (so
``Pematang Siantar`` = ``Pematangsiantar``, ``Bau-Bau`` = ``Baubau``, ``S I A K`` = ``Siak``).
Fuzzy matching (rapidfuzz) runs only when no key matched exactly.
"""

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from rapidfuzz import fuzz, process

REFERENCE_DIR = Path(__file__).resolve().parent / "reference_data"

#: A fuzzy match is accepted only at or above this rapidfuzz ``fuzz.ratio`` score (0-100) ...
FUZZY_THRESHOLD = 90.0
#: ... and only when the best region is at least this many points ahead of the next one.
FUZZY_MARGIN = 5.0
#: Regions scoring at least this are offered as suggestions in ``unknown``/``ambiguous``.
SUGGEST_THRESHOLD = 75.0
#: Keys shorter than this are never fuzzy-matched (too little to go on).
FUZZY_MIN_LENGTH = 5

STATUSES = ("exact", "fuzzy", "ambiguous", "unknown", "suspicious")
KINDS = ("kabupaten", "kota")

# --------------------------------------------------------------------------------------
# Extra names. Each maps to the official 2025 name (checked at load time, so a typo here
# fails loudly rather than matching nothing).

#: Former names of renamed regions that documents still use. (The crosswalk adds more:
#: Toba Samosir, Pahuwato, Padang Sidempuan, Mahakam Hulu, ...)
RENAMED: dict[str, str] = {
    "Kabupaten Toba Samosir": "Kabupaten Toba",
    "Kabupaten Mamuju Utara": "Kabupaten Pasangkayu",
    "Kabupaten Maluku Tenggara Barat": "Kabupaten Kepulauan Tanimbar",
    "Kabupaten Pontianak": "Kabupaten Mempawah",
    "Kabupaten Selayar": "Kabupaten Kepulauan Selayar",
    "Kota Padang Sidempuan": "Kota Padangsidimpuan",
    "Kabupaten Pahuwato": "Kabupaten Pohuwato",
    "Kabupaten Pasir": "Kabupaten Paser",
    "Kabupaten Yapen Waropen": "Kabupaten Kepulauan Yapen",
    "Kabupaten Polewali Mamasa": "Kabupaten Polewali Mandar",
    "Kabupaten 50 Kota": "Kabupaten Lima Puluh Kota",
    "Kabupaten Limapuluh Koto": "Kabupaten Lima Puluh Kota",
    "Kabupaten Pangkajene Kepulauan": "Kabupaten Pangkajene dan Kepulauan",
}

#: Widely used abbreviations. Exact matches only (never used for fuzzy matching).
ABBREVIATIONS: dict[str, str] = {
    "Kota Jakpus": "Kota Administrasi Jakarta Pusat",
    "Kota Jakut": "Kota Administrasi Jakarta Utara",
    "Kota Jakbar": "Kota Administrasi Jakarta Barat",
    "Kota Jaksel": "Kota Administrasi Jakarta Selatan",
    "Kota Jaktim": "Kota Administrasi Jakarta Timur",
    "Kabupaten Madina": "Kabupaten Mandailing Natal",
    "Kabupaten Tapteng": "Kabupaten Tapanuli Tengah",
    "Kabupaten Taput": "Kabupaten Tapanuli Utara",
    "Kabupaten Tapsel": "Kabupaten Tapanuli Selatan",
    "Kabupaten Tobasa": "Kabupaten Toba",
    "Kabupaten Humbahas": "Kabupaten Humbang Hasundutan",
    "Kabupaten Sergai": "Kabupaten Serdang Bedagai",
    "Kabupaten Labusel": "Kabupaten Labuhanbatu Selatan",
    "Kabupaten Labura": "Kabupaten Labuhanbatu Utara",
    "Kabupaten Paluta": "Kabupaten Padang Lawas Utara",
    "Kabupaten Palas": "Kabupaten Padang Lawas",
    "Kabupaten Pessel": "Kabupaten Pesisir Selatan",
    "Kabupaten Pasbar": "Kabupaten Pasaman Barat",
    "Kabupaten Inhu": "Kabupaten Indragiri Hulu",
    "Kabupaten Inhil": "Kabupaten Indragiri Hilir",
    "Kabupaten Rohul": "Kabupaten Rokan Hulu",
    "Kabupaten Rohil": "Kabupaten Rokan Hilir",
    "Kabupaten Kuansing": "Kabupaten Kuantan Singingi",
    "Kabupaten OKU": "Kabupaten Ogan Komering Ulu",
    "Kabupaten OKI": "Kabupaten Ogan Komering Ilir",
    "Kabupaten OKU Timur": "Kabupaten Ogan Komering Ulu Timur",
    "Kabupaten OKU Selatan": "Kabupaten Ogan Komering Ulu Selatan",
    "Kabupaten PALI": "Kabupaten Penukal Abab Lematang Ilir",
    "Kabupaten Muba": "Kabupaten Musi Banyuasin",
    "Kabupaten Muratara": "Kabupaten Musi Rawas Utara",
    "Kabupaten Tubaba": "Kabupaten Tulang Bawang Barat",
    "Kabupaten Pesibar": "Kabupaten Pesisir Barat",
    "Kabupaten TTS": "Kabupaten Timor Tengah Selatan",
    "Kabupaten TTU": "Kabupaten Timor Tengah Utara",
    "Kabupaten SBD": "Kabupaten Sumba Barat Daya",
    "Kabupaten Kobar": "Kabupaten Kotawaringin Barat",
    "Kabupaten Kotim": "Kabupaten Kotawaringin Timur",
    "Kabupaten HSS": "Kabupaten Hulu Sungai Selatan",
    "Kabupaten HST": "Kabupaten Hulu Sungai Tengah",
    "Kabupaten HSU": "Kabupaten Hulu Sungai Utara",
    "Kabupaten Tanbu": "Kabupaten Tanah Bumbu",
    "Kabupaten Kukar": "Kabupaten Kutai Kartanegara",
    "Kabupaten Kubar": "Kabupaten Kutai Barat",
    "Kabupaten Kutim": "Kabupaten Kutai Timur",
    "Kabupaten PPU": "Kabupaten Penajam Paser Utara",
    "Kabupaten Bolmong": "Kabupaten Bolaang Mongondow",
    "Kabupaten Bolmut": "Kabupaten Bolaang Mongondow Utara",
    "Kabupaten Boltim": "Kabupaten Bolaang Mongondow Timur",
    "Kabupaten Bolsel": "Kabupaten Bolaang Mongondow Selatan",
    "Kabupaten Sitaro": "Kabupaten Kep. Siau Tagulandang Biaro",
    "Kabupaten Bonebol": "Kabupaten Bone Bolango",
    "Kabupaten Pangkep": "Kabupaten Pangkajene dan Kepulauan",
    "Kabupaten Polman": "Kabupaten Polewali Mandar",
    "Kabupaten Halbar": "Kabupaten Halmahera Barat",
    "Kabupaten Halteng": "Kabupaten Halmahera Tengah",
    "Kabupaten Halut": "Kabupaten Halmahera Utara",
    "Kabupaten Halsel": "Kabupaten Halmahera Selatan",
    "Kabupaten Haltim": "Kabupaten Halmahera Timur",
}

#: Province names in common forms, by province code. The official name, the name without
#: ``Kepulauan``/``Daerah Khusus``... and the two-digit code are added automatically.
PROVINCE_ALIASES: dict[str, tuple[str, ...]] = {
    "11": ("NAD", "Nanggroe Aceh Darussalam", "DI Aceh", "Daerah Istimewa Aceh"),
    "12": ("Sumut", "Sumatra Utara"),
    "13": ("Sumbar",),
    "16": ("Sumsel",),
    "19": ("Bangka Belitung", "Babel", "Kep. Babel"),
    "21": ("Kepri", "Kep. Riau"),
    "31": (
        "DKI",
        "DKI Jakarta",
        "Jakarta",
        "DKJ",
        "Daerah Khusus Jakarta",
        "Provinsi DKI Jakarta",
    ),
    "32": ("Jabar",),
    "33": ("Jateng",),
    "34": (
        "DIY",
        "DI Yogyakarta",
        "D.I. Yogyakarta",
        "Yogyakarta",
        "Jogja",
        "Jogjakarta",
        "Yogya",
        "DI Jogjakarta",
        "D.I.Y.",
    ),
    "35": ("Jatim",),
    "52": ("NTB",),
    "53": ("NTT",),
    "61": ("Kalbar",),
    "62": ("Kalteng",),
    "63": ("Kalsel",),
    "64": ("Kaltim",),
    "65": ("Kaltara",),
    "71": ("Sulut",),
    "72": ("Sulteng",),
    "73": ("Sulsel",),
    "74": ("Sultra",),
    "75": ("Gorontalo",),
    "76": ("Sulbar",),
    "82": ("Malut",),
    "92": ("Pabar", "Irian Jaya Barat"),
    "96": ("PBD",),
}

# --------------------------------------------------------------------------------------
# Normalisation.

#: Kind prefixes, as token sequences after normalisation (``Kab.`` -> ``kab``); longest
#: first. A prefix only counts when a whole token, so ``Kotabaru`` is not ``Kota Baru``.
_PREFIXES: tuple[tuple[tuple[str, ...], str], ...] = tuple(
    sorted(
        [
            (("pemerintah", "kabupaten", "administrasi"), "kabupaten"),
            (("pemerintah", "kabupaten"), "kabupaten"),
            (("pemerintah", "kab"), "kabupaten"),
            (("pemerintah", "kota", "administrasi"), "kota"),
            (("pemerintah", "kota"), "kota"),
            (("pemerintah", "kotamadya"), "kota"),
            (("pemkab",), "kabupaten"),
            (("pemkot",), "kota"),
            (("pemkota",), "kota"),
            (("kabupaten", "administrasi"), "kabupaten"),
            (("kabupaten", "adm"), "kabupaten"),
            (("kab", "administrasi"), "kabupaten"),
            (("kab", "adm"), "kabupaten"),
            (("kota", "administrasi"), "kota"),
            (("kota", "administratif"), "kota"),
            (("kota", "adm"), "kota"),
            (("kotamadya",), "kota"),
            (("kodya",), "kota"),
            (("kabupaten",), "kabupaten"),
            (("kab",), "kabupaten"),
            (("kota",), "kota"),
            (("city", "of"), "kota"),
            (("regency", "of"), "kabupaten"),
        ],
        key=lambda p: -len(p[0]),
    )
)
#: Kind given as a trailing word: ``Bandung Regency``, ``Bandung (Kota)``.
_SUFFIXES = {"regency": "kabupaten", "city": "kota"}
_PAREN_SUFFIX = re.compile(r"\(\s*(kabupaten|kab|kota|kotamadya|kodya)\s*\.?\s*\)\s*$")
#: Token replacements: abbreviations and spelling variants.
_TOKEN_MAP = {"kep": "kepulauan", "kepl": "kepulauan", "sumatra": "sumatera"}
_KIND_WORDS = {
    "kabupaten": "kabupaten",
    "kab": "kabupaten",
    "regency": "kabupaten",
    "kabupatenadministrasi": "kabupaten",
    "kabadm": "kabupaten",
    "pemkab": "kabupaten",
    "kota": "kota",
    "kotamadya": "kota",
    "kodya": "kota",
    "city": "kota",
    "kotaadministrasi": "kota",
    "kotaadm": "kota",
    "pemkot": "kota",
}
_EMPTY_MARKERS = {"", "-", "--", "nan", "none", "null", "n/a", "na", "#n/a"}
_ALLOWED_CONTROL = {"\t", "\n", "\r"}


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN
        return True
    try:
        if pd.isna(value):
            return True
    except (TypeError, ValueError):
        pass
    return str(value).strip().casefold() in _EMPTY_MARKERS


def find_suspicious(text: str) -> str | None:
    """Describe the first invisible or non-Latin character in ``text`` (None if clean).

    Zero-width and bidirectional marks (U+200B, U+200E, U+202E, U+FEFF, soft hyphen, ...),
    other control/private/unassigned code points, and letters from scripts other than
    Latin (a Cyrillic ``а`` looks exactly like a Latin ``a``) are all suspicious.
    """
    for ch in unicodedata.normalize("NFKC", text):
        if ch in _ALLOWED_CONTROL:
            continue
        cat = unicodedata.category(ch)
        uname = unicodedata.name(ch, "")
        if cat in ("Cf", "Cc", "Co", "Cs", "Cn", "Zl", "Zp"):
            what = uname.lower() if uname else "invisible or control character"
            return f"U+{ord(ch):04X} ({what})"
        if cat.startswith("L") and "LATIN" not in uname:
            script = uname.split(" ")[0].capitalize() if uname else "non-Latin"
            return f"U+{ord(ch):04X} ({script} letter '{ch}', {uname.lower() or 'unnamed'})"
    return None


def _tokens(text: str) -> list[str]:
    """NFKC, case-fold, drop accents, punctuation to spaces; returns the words."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(
        c for c in unicodedata.normalize("NFKD", text) if unicodedata.category(c) != "Mn"
    )
    text = re.sub(r"[^0-9a-z]+", " ", text)
    return [_TOKEN_MAP.get(t, t) for t in text.split()]


def _key_of(tokens: Iterable[str]) -> str:
    return "".join(tokens)


def parse_name(text: str) -> tuple[str | None, str, str]:
    """Split a region name into (kind from its prefix or None, key, key with prefix kept).

    >>> parse_name("KAB. Kep. Seribu")
    ('kabupaten', 'kepulauanseribu', 'kabkepulauanseribu')
    >>> parse_name("Kota Kotamobagu")
    ('kota', 'kotamobagu', 'kotakotamobagu')
    >>> parse_name("Kotabaru")
    (None, 'kotabaru', 'kotabaru')
    """
    kind: str | None = None
    folded = unicodedata.normalize("NFKC", text).casefold().strip()
    m = _PAREN_SUFFIX.search(folded)
    if m:
        kind = _KIND_WORDS.get(m.group(1), "kota" if m.group(1).startswith("ko") else None)
        folded = folded[: m.start()]
    toks = _tokens(folded)
    full_key = _key_of(toks)
    for prefix, prefix_kind in _PREFIXES:
        n = len(prefix)
        if len(toks) > n and tuple(toks[:n]) == prefix:
            kind = kind or prefix_kind
            toks = toks[n:]
            break
    else:
        if len(toks) > 1 and toks[-1] in _SUFFIXES:
            kind = kind or _SUFFIXES[toks[-1]]
            toks = toks[:-1]
    return kind, _key_of(toks), full_key


def parse_kind(value: Any) -> str | None:
    """``kabupaten``/``kota`` from any common spelling; None if blank; ValueError if neither."""
    if _is_blank(value):
        return None
    key = _key_of(_tokens(str(value)))
    if key in _KIND_WORDS:
        return _KIND_WORDS[key]
    raise ValueError(f"kind {str(value).strip()!r} is neither kabupaten nor kota")


_CODE_DOTTED = re.compile(r"^(\d{2})\.(\d{1,2})$")
_CODE_PLAIN = re.compile(r"^(\d{2})(\d{2})$")


# --------------------------------------------------------------------------------------
# Results.


@dataclass(frozen=True)
class Match:
    """The outcome of resolving one region name (and optional province/kind/code).

    ``status`` is one of ``exact``, ``fuzzy`` (a close spelling, accepted), ``ambiguous``
    (several regions fit, or name and code disagree), ``unknown`` or ``suspicious``
    (invisible or non-Latin characters). ``code``/``official_name`` are set only for
    ``exact`` and ``fuzzy``. ``score`` is the rapidfuzz score when fuzzy matching was used.
    ``candidates`` lists ``(code, official name)`` alternatives for the officer to choose from.
    """

    input: str
    status: str
    code: str | None = None
    official_name: str | None = None
    score: float | None = None
    candidates: tuple[tuple[str, str], ...] = ()
    detail: str = field(default="", compare=False, repr=False)

    @property
    def ok(self) -> bool:
        """True when the region is identified (``exact`` or ``fuzzy``)."""
        return self.status in ("exact", "fuzzy")

    @property
    def reason(self) -> str:
        """One sentence explaining the result, phrased so a regional officer can act on it."""
        if self.detail:
            return self.detail
        if self.status == "exact":
            return f"region {self.input!r} is {self.code} {self.official_name}"
        if self.status == "fuzzy":
            return (
                f"region {self.input!r} read as {self.code} {self.official_name} "
                f"(spelling similarity {self.score:.0f}/100); check it"
            )
        if self.status == "ambiguous":
            return (
                f"region name {self.input!r} is ambiguous: {_fmt_candidates(self.candidates)}; "
                "give the kind (Kabupaten/Kota) or the province"
            )
        if self.status == "suspicious":
            return f"region name {self.input!r} contains invisible or non-Latin characters"
        return f"region name {self.input!r} is not a known kabupaten/kota"

    def as_row(self) -> dict[str, str]:
        """The CSV/report row: input, code, official_name, status, score, candidates."""
        return {
            "input": self.input,
            "code": self.code or "",
            "official_name": self.official_name or "",
            "status": self.status,
            "score": "" if self.score is None else f"{self.score:.1f}",
            "candidates": "; ".join(f"{c} {n}" for c, n in self.candidates),
        }


def _code_is(said: str, code: str, official: str) -> str:
    """'code 32.73 is Kota Bandung', 'pre-2022 code 91.16 (now 93.02) is 93.02 Kabupaten ...'."""
    if said == f"code {code}":
        return f"code {code} is {official}"
    return f"{said} is {code} {official}"


def _fmt_candidates(cands: Iterable[tuple[str, str]]) -> str:
    return ", ".join(f"{c} {n}" for c, n in cands)


# --------------------------------------------------------------------------------------
# The registry.


@dataclass(frozen=True)
class _Region:
    code: str
    province_code: str
    province_name: str
    name: str
    kind: str
    bps_code: str
    code_pre2022: str


class Registry:
    """All kab/kota with every known spelling; use :func:`registry` for the cached instance."""

    def __init__(
        self,
        regencies: pd.DataFrame,
        provinces: pd.DataFrame,
        crosswalk: pd.DataFrame,
    ) -> None:
        prov_names = dict(zip(provinces["code"], provinces["name"], strict=True))
        self._prov_names = prov_names
        xw = {x["kemendagri_code"]: x for x in crosswalk.to_dict("records")}
        rows = []
        for r in regencies.to_dict("records"):
            x = xw[r["code"]]
            rows.append(
                {
                    "region_code": r["code"],
                    "province_code": r["province_code"],
                    "province_name": prov_names[r["province_code"]],
                    "name": r["name"],
                    "kind": r["kind"],
                    "bps_code": x["bps_code_2020"],
                    "code_pre2022": x["kemendagri_code_pre2022split"],
                }
            )
        #: One row per kab/kota (the warehouse ``region`` table).
        self.regions: pd.DataFrame = pd.DataFrame(
            rows,
            columns=[
                "region_code",
                "province_code",
                "province_name",
                "name",
                "kind",
                "bps_code",
                "code_pre2022",
            ],
        ).astype(str)
        self.provinces: pd.DataFrame = provinces.rename(columns={"code": "province_code"})[
            ["province_code", "name"]
        ].astype(str)
        self._by_code: dict[str, _Region] = {
            row["region_code"]: _Region(
                row["region_code"],
                row["province_code"],
                row["province_name"],
                row["name"],
                row["kind"],
                row["bps_code"],
                row["code_pre2022"],
            )
            for row in self.regions.to_dict("records")
        }
        self._by_name = {r.name: r.code for r in self._by_code.values()}
        self._pre2022 = {
            r.code_pre2022: r.code for r in self._by_code.values() if r.code_pre2022 != r.code
        }
        self._by_bps = {r.bps_code: r.code for r in self._by_code.values()}
        self._build_province_index(prov_names)
        self._build_name_index(crosswalk)
        self._pools: dict[
            tuple[str | None, str | None], tuple[list[str], list[frozenset[str]]]
        ] = {}
        self._cache: dict[tuple, Match] = {}

    # ---- construction ----------------------------------------------------------------

    @classmethod
    def load(cls, directory: Path | str | None = None) -> "Registry":
        """Read the reference CSVs (every column as text: ``20.10`` must stay ``20.10``)."""
        d = Path(directory) if directory is not None else REFERENCE_DIR

        def read(name: str) -> pd.DataFrame:
            return pd.read_csv(d / name, dtype=str, keep_default_na=False, na_values=[""])

        return cls(read("regencies.csv"), read("provinces.csv"), read("region_codes_crosswalk.csv"))

    def _build_province_index(self, prov_names: Mapping[str, str]) -> None:
        keys: dict[str, str] = {}
        for code, name in prov_names.items():
            keys[self._province_key(name)] = code
            keys[code] = code
        for code, aliases in PROVINCE_ALIASES.items():
            for form in aliases:
                other = keys.setdefault(self._province_key(form), code)
                if other != code:
                    raise ValueError(f"province alias {form!r} is used for {other} and {code}")
        # "Bangka Belitung", "Yogyakarta", "Ibukota Jakarta" - unless that is another
        # province ("Riau" is Riau, not Kepulauan Riau).
        for code, name in prov_names.items():
            for prefix in ("Kepulauan ", "Daerah Khusus Ibukota ", "Daerah Istimewa "):
                if name.startswith(prefix):
                    keys.setdefault(self._province_key(name[len(prefix) :]), code)
        self._province_keys = keys

    @staticmethod
    def _province_key(text: str) -> str:
        toks = _tokens(text)
        while toks and toks[0] in ("provinsi", "propinsi", "prov", "province", "of"):
            toks = toks[1:]
        if len(toks) > 1 and toks[-1] in ("province", "provinsi"):
            toks = toks[:-1]
        return _key_of(toks)

    def _build_name_index(self, crosswalk: pd.DataFrame) -> None:
        # primary: 2025 official names and the 2021/2022 official spellings.
        # secondary: BPS names, renamed regions, names without a leading "Kepulauan";
        #   dropped where they collide with another region's primary name of the same kind
        #   (the BPS bridging file truncates "Bolaang Mongondow Utara" to "Bolaang Mongondow").
        # abbreviations: exact only, never fuzzy.
        primary: dict[str, set[str]] = {}
        secondary: dict[str, set[str]] = {}
        abbrev: dict[str, set[str]] = {}

        def add(table: dict[str, set[str]], text: Any, code: str) -> None:
            if _is_blank(text):
                return
            _, key, _ = parse_name(str(text))
            if key:
                table.setdefault(key, set()).add(code)

        for r in self._by_code.values():
            add(primary, r.name, r.code)
        for x in crosswalk.to_dict("records"):
            code = x["kemendagri_code"]
            add(primary, x["name_permendagri_2021"], code)
            add(primary, x["name_kepmendagri_2022_6117"], code)
            add(secondary, x["bps_name_2020"], code)
            add(secondary, x["dagri_name_in_bps_bridging_2020"], code)
        for r in self._by_code.values():
            _, key, _ = parse_name(r.name)
            if key.startswith("kepulauan") and len(key) > len("kepulauan") + 2:
                secondary.setdefault(key[len("kepulauan") :], set()).add(r.code)
        for table, extra in ((secondary, RENAMED), (abbrev, ABBREVIATIONS)):
            for alias, official in extra.items():
                if official not in self._by_name:
                    raise ValueError(f"alias {alias!r} points at unknown region {official!r}")
                code = self._by_name[official]
                if self._by_code[code].kind != parse_name(alias)[0]:
                    raise ValueError(f"alias {alias!r} has the wrong kind for {official!r}")
                add(table, alias, code)

        index: dict[str, set[str]] = {k: set(v) for k, v in primary.items()}
        for table in (secondary, abbrev):
            for key, codes in table.items():
                for code in codes:
                    kind = self._by_code[code].kind
                    clash = {c for c in primary.get(key, ()) if self._by_code[c].kind == kind}
                    if clash and code not in clash:
                        continue
                    index.setdefault(key, set()).add(code)
        self._index: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in index.items()}
        #: keys used for fuzzy matching: everything except abbreviations-only keys.
        self._fuzzy_keys = {k: v for k, v in self._index.items() if k in primary or k in secondary}

    # ---- lookups ------------------------------------------------------------------------

    def official_name(self, code: str) -> str | None:
        """The 2025 official name of a current ``NN.NN`` code (None if unknown)."""
        r = self._by_code.get(code)
        return r.name if r else None

    def codes(self) -> list[str]:
        """Every current kab/kota code."""
        return list(self._by_code)

    def province_code(self, province: str) -> str | None:
        """The two-digit code of a province given in any common form (None if unknown)."""
        if _is_blank(province):
            return None
        return self._province_keys.get(self._province_key(str(province)))

    def _label(self, code: str) -> tuple[str, str]:
        return (code, self._by_code[code].name)

    def _labels(self, codes: Iterable[str]) -> tuple[tuple[str, str], ...]:
        return tuple(self._label(c) for c in sorted(set(codes)))

    def _passes(self, code: str, kind: str | None, province: str | None) -> bool:
        r = self._by_code[code]
        if kind is not None and r.kind != kind:
            return False
        if province is not None and province not in (r.province_code, r.code_pre2022[:2]):
            return False
        return True

    # ---- resolution ---------------------------------------------------------------------

    def resolve(
        self,
        name: Any,
        province: Any = None,
        kind: Any = None,
        code: Any = None,
    ) -> Match:
        """Identify a kab/kota from its name (any common spelling), optionally narrowed by
        province, kind (``kabupaten``/``kota``) and a Kemendagri code. Never guesses."""
        key = tuple(None if _is_blank(v) else str(v) for v in (name, province, kind, code))
        hit = self._cache.get(key)
        if hit is None:
            hit = self._resolve(*key)
            if len(self._cache) > 200_000:
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def resolve_many(self, rows: Iterable[Mapping[str, Any]]) -> list[Match]:
        """Resolve rows with keys ``name`` and optional ``province``, ``kind``, ``code``."""
        return [
            self.resolve(row.get("name"), row.get("province"), row.get("kind"), row.get("code"))
            for row in rows
        ]

    def _resolve(
        self, name: str | None, province: str | None, kind: str | None, code: str | None
    ) -> Match:
        shown = name.strip() if name is not None else (code.strip() if code else "")

        for label, value in (("region name", name), ("province", province), ("kind", kind)):
            if value is not None and (bad := find_suspicious(value)):
                return Match(
                    shown,
                    "suspicious",
                    detail=(
                        f"{label} {value!r} contains {bad}, which looks like ordinary text "
                        "but is not; retype it"
                    ),
                )

        prov_code = None
        if province is not None:
            prov_code = self.province_code(province)
            if prov_code is None:
                return Match(
                    shown,
                    "unknown",
                    detail=(
                        f"province {province.strip()!r} is not a known province; write it as "
                        "in the Kemendagri list (e.g. 'Jawa Barat', 'DKI Jakarta')"
                    ),
                )
        try:
            kind_arg = parse_kind(kind)
        except ValueError as exc:
            return Match(shown, "unknown", detail=f"{exc}; write 'Kabupaten' or 'Kota'")

        by_name = None
        if name is not None:
            by_name = self._resolve_name(name.strip(), shown, prov_code, kind_arg)
        if code is None:
            if by_name is None:
                return Match(shown, "unknown", detail="no region name or code was given")
            return by_name
        return self._combine_code(shown, code.strip(), by_name, prov_code, kind_arg)

    def _where(self, kind: str | None, prov_code: str | None) -> str:
        """'kota', 'kabupaten in Jawa Barat', 'region in Papua' ..."""
        where = kind or "region"
        if prov_code:
            where += f" in {self._prov_names[prov_code]}"
        return where

    def _resolve_name(
        self, name: str, shown: str, prov_code: str | None, kind_arg: str | None
    ) -> Match:
        prefix_kind, key, full_key = parse_name(name)
        if not key:
            return Match(shown, "unknown", detail=f"region name {shown!r} is empty")

        if prefix_kind and kind_arg and prefix_kind != kind_arg:
            codes = self._index.get(key, frozenset())
            return Match(
                shown,
                "ambiguous" if codes else "unknown",
                candidates=self._labels(codes),
                detail=(
                    f"region name {shown!r} says {prefix_kind} but the kind given is "
                    f"{kind_arg}"
                    + (f" (matches: {_fmt_candidates(self._labels(codes))})" if codes else "")
                    + "; correct one of them"
                ),
            )
        kind_eff = kind_arg or prefix_kind

        codes = self._index.get(key, frozenset())
        fitting = [c for c in codes if self._passes(c, kind_eff, prov_code)]
        if len(fitting) == 1:
            c = fitting[0]
            return Match(shown, "exact", c, self._by_code[c].name)
        if len(fitting) > 1:
            cands = self._labels(fitting)
            kinds = {self._by_code[c].kind for c in fitting}
            provs = {self._by_code[c].province_code for c in fitting}
            hint = []
            if len(kinds) > 1:
                hint.append("the kind (Kabupaten/Kota)")
            if len(provs) > 1:
                hint.append("the province")
            return Match(
                shown,
                "ambiguous",
                candidates=cands,
                detail=(
                    f"region name {shown!r} is ambiguous: {_fmt_candidates(cands)}; give "
                    + (" or ".join(hint) if hint else "the region code")
                ),
            )
        if codes:
            cands = self._labels(codes)
            return Match(
                shown,
                "unknown",
                candidates=cands,
                detail=(
                    f"there is no {self._where(kind_eff, prov_code)} named {shown!r}; "
                    f"the name matches {_fmt_candidates(cands)}; check the kind and province"
                ),
            )

        # "Kota Baru", "Kota Waringin Timur": the word Kota belongs to the name.
        if full_key != key:
            whole = [
                c for c in self._index.get(full_key, ()) if self._passes(c, kind_arg, prov_code)
            ]
            if len(whole) == 1:
                c = whole[0]
                return Match(
                    shown,
                    "fuzzy",
                    c,
                    self._by_code[c].name,
                    score=100.0,
                    candidates=(self._label(c),),
                    detail=(
                        f"region {shown!r} read as {c} {self._by_code[c].name} (the first word "
                        "is part of the name, not the kind); check it"
                    ),
                )
        return self._fuzzy(shown, key, kind_eff, prov_code)

    def _pool(
        self, kind: str | None, prov_code: str | None
    ) -> tuple[list[str], list[frozenset[str]]]:
        pk = (kind, prov_code)
        pool = self._pools.get(pk)
        if pool is None:
            keys, codes = [], []
            for k, cs in self._fuzzy_keys.items():
                ok = frozenset(c for c in cs if self._passes(c, kind, prov_code))
                if ok:
                    keys.append(k)
                    codes.append(ok)
            pool = (keys, codes)
            self._pools[pk] = pool
        return pool

    def _fuzzy(self, shown: str, key: str, kind: str | None, prov_code: str | None) -> Match:
        where = self._where(kind, prov_code).replace("region", "kab/kota")
        unknown = f"region name {shown!r} is not a known {where}"
        if prov := self.province_code(shown):
            unknown += f" (it is the province {self._prov_names[prov]})"
        if len(key) < FUZZY_MIN_LENGTH:
            return Match(shown, "unknown", detail=unknown + "; check the spelling")
        keys, codes = self._pool(kind, prov_code)
        best: dict[str, float] = {}
        for _, score, i in process.extract(
            key, keys, scorer=fuzz.ratio, limit=12, score_cutoff=SUGGEST_THRESHOLD
        ):
            for c in codes[i]:
                if score > best.get(c, -1.0):
                    best[c] = float(score)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
        if not ranked:
            return Match(shown, "unknown", detail=unknown + "; check the spelling")
        top_code, top = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        if top >= FUZZY_THRESHOLD and top - second >= FUZZY_MARGIN:
            return Match(
                shown,
                "fuzzy",
                top_code,
                self._by_code[top_code].name,
                score=round(top, 1),
                candidates=self._labels(c for c, s in ranked[1:4]),
            )
        if top >= FUZZY_THRESHOLD:
            close = [c for c, s in ranked if top - s < FUZZY_MARGIN]
            cands = self._labels(close)
            return Match(
                shown,
                "ambiguous",
                score=round(top, 1),
                candidates=cands,
                detail=(
                    f"region name {shown!r} is close to several regions: "
                    f"{_fmt_candidates(cands)}; correct the spelling or give the kind/province"
                ),
            )
        cands = self._labels(c for c, _ in ranked[:3])
        return Match(
            shown,
            "unknown",
            score=round(top, 1),
            candidates=cands,
            detail=f"{unknown}; did you mean {_fmt_candidates(cands)}?",
        )

    def _code_lookup(self, raw: str) -> tuple[list[tuple[str, str]], str]:
        """Interpretations of a code as [(current code, how it was read)], or a note why none.

        ``NN.NN`` is a current or a pre-2022 (Papua) code; ``NN.N`` is a float-mangled
        ``NN.N0``; four digits without a dot count only as a Kemendagri code, and when they
        are also the BPS code of a different region the code is ambiguous (BPS 1273 is Kota
        Pematangsiantar, Kemendagri 12.73 is Kota Sibolga).
        """
        m = _CODE_DOTTED.match(raw)
        if m:
            minor = m.group(2)
            dotted = f"{m.group(1)}.{minor if len(minor) == 2 else minor + '0'}"
            said = f"code {raw}" if len(minor) == 2 else f"code {raw} (read as {dotted})"
            if dotted in self._by_code:
                return [(dotted, said)], ""
            if dotted in self._pre2022:
                new = self._pre2022[dotted]
                return [(new, f"pre-2022 {said} (now {new})")], ""
            return [], f"code {raw!r} is not a Kemendagri kab/kota code"
        m = _CODE_PLAIN.match(raw)
        if m:
            dotted = f"{m.group(1)}.{m.group(2)}"
            found: list[tuple[str, str]] = []
            if dotted in self._by_code:
                found.append((dotted, f"code {raw} (read as {dotted})"))
            elif dotted in self._pre2022:
                new = self._pre2022[dotted]
                found.append((new, f"pre-2022 code {raw} (read as {dotted}, now {new})"))
            bps = self._by_bps.get(raw)
            if bps is not None and all(c != bps for c, _ in found):
                if found:
                    found.append((bps, f"BPS code {raw}"))
                    return found, ""
                return [], (
                    f"code {raw!r} is a BPS code ({bps} {self._by_code[bps].name}), "
                    "not a Kemendagri code"
                )
            if found:
                return found, ""
            return [], f"code {raw!r} is not a Kemendagri kab/kota code"
        return [], f"code {raw!r} is not a Kemendagri kab/kota code (expected NN.NN)"

    def _combine_code(
        self,
        shown: str,
        raw: str,
        by_name: Match | None,
        prov_code: str | None,
        kind_arg: str | None,
    ) -> Match:
        found, note = self._code_lookup(raw)
        name_codes: set[str] = set()
        if by_name is not None:
            if by_name.status in ("exact", "fuzzy") and by_name.code:
                name_codes = {by_name.code}
            elif by_name.status == "ambiguous":
                name_codes = {c for c, _ in by_name.candidates}
        if not found:
            cands = self._labels(name_codes)
            return Match(
                shown,
                "unknown",
                candidates=cands,
                detail=note
                + (f"; the name matches {_fmt_candidates(cands)}" if cands else "")
                + "; correct or remove the code (format NN.NN, e.g. 32.73)",
            )
        said = dict(found)
        prefix_kind = parse_name(by_name.input)[0] if by_name is not None else None

        def fits(c: str) -> bool:
            return self._passes(c, kind_arg, prov_code) and self._passes(c, prefix_kind, None)

        if len(said) > 1:
            pick = set(said) & name_codes
            if len(pick) == 1 and fits(c := pick.pop()):
                official = self._by_code[c].name
                return Match(
                    shown,
                    "exact",
                    c,
                    official,
                    detail=f"region {shown!r} is {c} {official} ({said[c]}, name agrees)",
                )
            cands = self._labels(set(said) | name_codes)
            readings = " or ".join(f"{c} {self._by_code[c].name} ({said[c]})" for c in sorted(said))
            return Match(
                shown,
                "ambiguous",
                candidates=cands,
                detail=f"code {raw!r} could mean {readings}; write the Kemendagri code as NN.NN",
            )

        c = found[0][0]
        official = self._by_code[c].name
        if not fits(c):
            where = self._where(kind_arg or prefix_kind, prov_code)
            cands = self._labels({c} | name_codes)
            return Match(
                shown,
                "ambiguous",
                candidates=cands,
                detail=(
                    f"{_code_is(said[c], c, official)}, which is not a {where}; "
                    "correct the code, the name, the kind or the province"
                ),
            )
        if by_name is None or (by_name.status == "unknown" and not by_name.candidates):
            extra = "" if by_name is None else f"; the name {shown!r} was not recognised"
            return Match(
                shown, "exact", c, official, detail=f"{_code_is(said[c], c, official)}{extra}"
            )
        if c in name_codes:
            return Match(
                shown,
                "exact",
                c,
                official,
                detail=f"region {shown!r} is {c} {official} (name and {said[c]} agree)",
            )
        others = name_codes or {x for x, _ in by_name.candidates}
        cands = self._labels({c} | others)
        named = (
            f"the name {shown!r} matches {_fmt_candidates(self._labels(others))}"
            if others
            else f"the name {shown!r} does not fit it"
        )
        return Match(
            shown,
            "ambiguous",
            candidates=cands,
            detail=f"{_code_is(said[c], c, official)} but {named}; correct the code or the name",
        )


@functools.lru_cache(maxsize=1)
def registry() -> Registry:
    """The region registry, loaded once per process."""
    return Registry.load()


def resolve(name: Any, province: Any = None, kind: Any = None, code: Any = None) -> Match:
    """Shortcut for ``registry().resolve(...)``."""
    return registry().resolve(name, province, kind, code)


def resolve_many(rows: Iterable[Mapping[str, Any]]) -> list[Match]:
    """Resolve dict rows (keys ``name`` and optional ``province``, ``kind``, ``code``)."""
    return registry().resolve_many(rows)
