"""The canonical submission template and the programme's vocabulary.

One place that says what a master plan, an evaluation and the reference workbooks look like
when filled in as published: sheet names, identity labels, column headers (Indonesian, as in
the template) and the controlled vocabularies (dimensions, sub-dimensions, horizons, stages,
funding sources). The reader maps what people actually send onto these names; the sample
generator and the templates write them.

Canonical values are the labels stored in the warehouse. Aliases (abbreviations, English, older
wordings) are matched after :func:`fold`, so case, spacing and punctuation never matter.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

# --------------------------------------------------------------------------- folding


def fold(text: object) -> str:
    """Lower-case ASCII words separated by single spaces; punctuation becomes a space.

    ``"  Kode_Program (No.)"`` -> ``"kode program no"``. Used to compare labels whatever their
    case, spacing, accents or punctuation.
    """
    if type(text) is str and len(text) <= 64:  # labels and codes repeat a lot: cached
        return _fold_short(text)
    return _fold(text)


_NOT_WORD = re.compile(r"[^a-z0-9%]+")


def _fold(text: object) -> str:
    s = str(text)
    if not s.isascii():  # ASCII text has nothing to decompose or drop
        s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")
    return _NOT_WORD.sub(" ", s.lower()).strip()


_fold_short = functools.lru_cache(maxsize=50_000)(_fold)


# --------------------------------------------------------------------------- vocabulary

DIMENSIONS: dict[str, tuple[str, str, str]] = {
    "Smart Governance": ("Pelayanan Publik", "Birokrasi", "Kebijakan Publik"),
    "Smart Branding": ("Branding Pariwisata", "Branding Bisnis", "Wajah Kota"),
    "Smart Economy": ("Industri", "Kesejahteraan Rakyat", "Transaksi Keuangan"),
    "Smart Living": ("Harmonisasi Lingkungan", "Kesehatan", "Mobilitas"),
    "Smart Society": ("Komunitas", "Ekosistem Belajar", "Keamanan"),
    "Smart Environment": (
        "Proteksi Lingkungan",
        "Tata Kelola Sampah dan Limbah",
        "Tata Kelola Energi",
    ),
}

DIMENSION_ALIASES: dict[str, tuple[str, ...]] = {
    "Smart Governance": ("sg", "governance", "tata kelola", "tata kelola pemerintahan",
                         "pemerintahan cerdas", "smart gov"),
    "Smart Branding": ("sb", "branding", "branding daerah", "pencitraan daerah"),
    "Smart Economy": ("se", "economy", "ekonomi", "ekonomi cerdas"),
    "Smart Living": ("sl", "living", "lingkungan hidup", "kehidupan", "kehidupan cerdas"),
    "Smart Society": ("ss", "society", "masyarakat", "masyarakat cerdas", "sosial"),
    "Smart Environment": ("sen", "env", "environment", "lingkungan", "lingkungan cerdas"),
}

SUB_DIMENSION_ALIASES: dict[str, tuple[str, ...]] = {
    "Pelayanan Publik": ("public service", "public services", "layanan publik"),
    "Birokrasi": ("bureaucracy", "reformasi birokrasi"),
    "Kebijakan Publik": ("public policy",),
    "Branding Pariwisata": ("tourism branding", "pariwisata"),
    "Branding Bisnis": ("business branding", "bisnis"),
    "Wajah Kota": ("city appearance", "wajah kota dan daerah", "penataan wajah kota"),
    "Industri": ("industry",),
    "Kesejahteraan Rakyat": ("welfare", "kesejahteraan"),
    "Transaksi Keuangan": ("financial transactions", "transaksi"),
    "Harmonisasi Lingkungan": ("tata ruang", "harmonisasi lingkungan tata ruang",
                               "spatial harmony", "harmonisasi tata ruang"),
    "Kesehatan": ("health",),
    "Mobilitas": ("mobility", "transportasi"),
    "Komunitas": ("community",),
    "Ekosistem Belajar": ("learning ecosystem", "pendidikan"),
    "Keamanan": ("security", "safety"),
    "Proteksi Lingkungan": ("environmental protection", "perlindungan lingkungan"),
    "Tata Kelola Sampah dan Limbah": ("tata kelola sampah limbah", "sampah dan limbah",
                                      "waste management", "pengelolaan sampah"),
    "Tata Kelola Energi": ("energy management", "energi"),
}

HORIZONS: tuple[str, ...] = ("Quick Win", "Jangka Pendek", "Jangka Menengah", "Jangka Panjang")
HORIZON_ALIASES: dict[str, tuple[str, ...]] = {
    "Quick Win": ("qw", "quick wins", "quickwin", "program cepat"),
    "Jangka Pendek": ("jp", "pendek", "short term", "short", "jangka pendek 1 3 tahun"),
    "Jangka Menengah": ("jm", "menengah", "medium term", "medium", "mid term"),
    "Jangka Panjang": ("jpj", "panjang", "long term", "long"),
}
#: Maximum span in years a horizon allows (start..end inclusive), as the guide describes.
HORIZON_MAX_YEARS: dict[str, int] = {
    "Quick Win": 2, "Jangka Pendek": 3, "Jangka Menengah": 5, "Jangka Panjang": 10,
}

STAGES: tuple[str, ...] = (
    "Belum Dimulai", "Perencanaan", "Pengadaan", "Implementasi", "Uji Coba", "Operasional",
    "Selesai",
)
STAGE_ALIASES: dict[str, tuple[str, ...]] = {
    "Belum Dimulai": ("not started", "belum", "belum mulai", "belum berjalan"),
    "Perencanaan": ("planning", "perancangan", "desain", "design"),
    "Pengadaan": ("procurement", "lelang", "tender"),
    "Implementasi": ("implementation", "pelaksanaan", "pembangunan", "berjalan",
                     "dalam pelaksanaan", "in progress"),
    "Uji Coba": ("pilot", "ujicoba", "trial", "piloting"),
    "Operasional": ("operational", "beroperasi", "running", "live"),
    "Selesai": ("done", "completed", "complete", "finished", "tuntas"),
}

FUNDING_SOURCES: tuple[str, ...] = (
    "APBD Kabupaten/Kota", "APBD Provinsi", "APBN", "DAK", "KPBU", "CSR", "Swasta", "Hibah",
    "Lainnya",
)
FUNDING_ALIASES: dict[str, tuple[str, ...]] = {
    "APBD Kabupaten/Kota": ("apbd", "apbd kab", "apbd kota", "apbd kabupaten", "apbd ii",
                            "regional budget"),
    "APBD Provinsi": ("apbd prov", "apbd i", "provincial budget"),
    "APBN": ("national budget", "apbn kementerian"),
    "DAK": ("dana alokasi khusus",),
    "KPBU": ("ppp", "public private partnership", "kerja sama pemerintah dan badan usaha"),
    "CSR": ("corporate social responsibility",),
    "Swasta": ("private", "private sector", "investasi swasta"),
    "Hibah": ("grant", "grants", "donor"),
    "Lainnya": ("other", "others", "lain lain"),
}

#: The five parts of the evaluation index, as labelled in the score sheet.
INDEX_COMPONENTS: tuple[str, ...] = ("Baseline", "Output", "Outcome", "Impact", "Quick Win")
INDEX_TOTAL = "Indeks"
SCORE_MIN, SCORE_MAX = 0.0, 5.0

# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    """A canonical column: its warehouse name, template header, and accepted header aliases."""

    name: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False


MASTERPLAN_COLUMNS: tuple[Column, ...] = (
    Column("program_code", "Kode Program", ("kode", "no program", "program code", "code",
                                            "id program", "kode kegiatan")),
    Column("dimension", "Dimensi", ("dimension", "dimensi smart city", "pilar"), True),
    Column("sub_dimension", "Sub Dimensi", ("subdimensi", "sub dimension", "subdimension",
                                            "elemen")),
    Column("program_name", "Nama Program", ("program", "program name", "nama kegiatan",
                                            "program inisiatif", "nama program inisiatif"), True),
    Column("description", "Deskripsi", ("uraian", "description", "keterangan program",
                                        "deskripsi program")),
    Column("horizon", "Horizon", ("jangka waktu", "term", "time horizon", "kategori waktu",
                                  "horizon waktu"), True),
    Column("start_year", "Tahun Mulai", ("mulai", "start year", "start", "tahun awal"), True),
    Column("end_year", "Tahun Selesai", ("selesai", "end year", "end", "tahun akhir"), True),
    Column("agency", "OPD Penanggung Jawab", ("opd", "perangkat daerah", "responsible agency",
                                              "agency", "penanggung jawab", "leading sector",
                                              "opd pelaksana")),
    Column("funding_source", "Sumber Dana", ("sumber pendanaan", "funding source", "funding",
                                             "sumber anggaran")),
    Column("indicative_budget", "Anggaran Indikatif (Rp)", ("anggaran indikatif", "anggaran",
                                                             "indicative budget",
                                                             "budget", "pagu indikatif",
                                                             "indicative budget idr")),
    Column("indicator", "Indikator", ("indicator", "indikator kinerja", "kpi")),
    Column("target", "Target", ("target kinerja",)),
    Column("unit", "Satuan", ("unit", "satuan target")),
)

EVALUATION_COLUMNS: tuple[Column, ...] = (
    Column("program_code", "Kode Program", ("kode", "program code", "code", "id program")),
    Column("program_name", "Nama Program", ("program", "program name", "nama kegiatan")),
    Column("stage", "Tahapan Implementasi", ("tahapan", "stage", "implementation stage",
                                             "status implementasi", "tahap")),
    Column("progress_pct", "Progres (%)", ("progres", "progress", "capaian", "progress %",
                                           "persentase capaian", "realisasi fisik"), True),
    Column("budget_realised", "Realisasi Anggaran (Rp)", ("realisasi anggaran",
                                                           "budget realised",
                                                           "budget realized",
                                                           "realisasi keuangan",
                                                           "realisasi")),
    Column("benefits", "Manfaat bagi Masyarakat", ("manfaat", "benefits",
                                                    "benefits to the public", "dampak")),
    Column("challenges", "Kendala", ("challenges", "hambatan", "permasalahan", "obstacles")),
    Column("follow_up", "Tindak Lanjut", ("follow up", "rencana tindak lanjut", "rtl",
                                          "next steps")),
)

SCORE_COLUMNS: tuple[Column, ...] = (
    Column("component", "Komponen", ("component", "aspek", "komponen penilaian", "dimensi",
                                      "dimension"), True),
    Column("score", "Nilai", ("score", "skor", "nilai akhir"), True),
)

COHORT_COLUMNS: tuple[Column, ...] = (
    Column("cohort_year", "Tahun Angkatan", ("angkatan", "cohort", "cohort year", "tahun"),
           True),
    Column("region_code", "Kode Wilayah", ("kode", "region code", "kode kemendagri")),
    Column("region_name", "Kabupaten/Kota", ("nama daerah", "region", "daerah",
                                             "kabupaten kota", "nama wilayah"), True),
    Column("province", "Provinsi", ("province",)),
    Column("source", "Sumber", ("source", "keterangan sumber")),
)

PERIOD_COLUMNS: tuple[Column, ...] = (
    Column("region_code", "Kode Wilayah", ("kode", "region code", "kode kemendagri")),
    Column("region_name", "Kabupaten/Kota", ("nama daerah", "region", "daerah",
                                             "kabupaten kota", "nama wilayah"), True),
    Column("province", "Provinsi", ("province",)),
    Column("document_type", "Jenis Dokumen", ("dokumen", "document type", "jenis"), True),
    Column("start_year", "Tahun Mulai", ("mulai", "start year", "awal"), True),
    Column("end_year", "Tahun Selesai", ("selesai", "end year", "akhir"), True),
    Column("legal_basis", "Dasar Hukum", ("legal basis", "perda", "perkada", "regulasi")),
    Column("source", "Sumber", ("source", "keterangan sumber")),
)

# --------------------------------------------------------------------------- sheets

IDENTITY_SHEET = "Identitas"
MASTERPLAN_SHEET = "Program"
EVALUATION_SHEET = "Hasil Evaluasi"
SCORE_SHEET = "Nilai Indeks"
COHORT_SHEET = "Angkatan"
PERIOD_SHEET = "Periode RPJMD"

#: Identity fields: key -> (template label, aliases). The identity sheet is two columns,
#: label then value, in any order, possibly under a title block.
IDENTITY_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "document_kind": ("Jenis Dokumen", ("dokumen", "document type", "jenis")),
    "province": ("Provinsi", ("province", "nama provinsi")),
    "region_name": ("Kabupaten/Kota", ("kabupaten kota", "nama daerah", "region",
                                       "pemerintah daerah", "kab kota", "daerah",
                                       "nama kabupaten kota")),
    "region_code": ("Kode Wilayah", ("kode daerah", "region code", "kode kemendagri",
                                     "kode wilayah kemendagri")),
    "cohort_year": ("Tahun Angkatan", ("angkatan", "cohort", "cohort year")),
    "plan_period": ("Periode Masterplan", ("periode", "plan period", "periode rencana induk",
                                           "masa berlaku")),
    "evaluation_year": ("Tahun Evaluasi", ("evaluation year", "tahun penilaian",
                                           "tahun pelaporan")),
    "document_date": ("Tanggal Dokumen", ("tanggal", "document date", "date",
                                          "tanggal penyusunan")),
    "version": ("Versi", ("version", "revisi", "versi dokumen")),
    "contact_name": ("Narahubung", ("contact person", "nama narahubung", "contact",
                                    "penanggung jawab data")),
    "contact_email": ("Email", ("e mail", "surel", "email narahubung")),
    "contact_phone": ("Telepon", ("telp", "no hp", "phone", "nomor telepon", "hp", "no telp")),
}

#: Values of the identity field ``document_kind`` as written in the template.
KIND_LABELS = {"masterplan": "Masterplan Smart City", "evaluation": "Evaluasi Smart City"}


def _alias_index(canon: dict[str, tuple[str, ...]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for value, aliases in canon.items():
        for label in (value, *aliases):
            index[fold(label)] = value
    return index


_VOCAB: dict[str, dict[str, str]] = {
    "dimension": _alias_index(DIMENSION_ALIASES),
    "sub_dimension": _alias_index(SUB_DIMENSION_ALIASES),
    "horizon": _alias_index(HORIZON_ALIASES),
    "stage": _alias_index(STAGE_ALIASES),
    "funding_source": _alias_index(FUNDING_ALIASES),
}
# "Smart Governance" is also written "Governance", "Smart-Governance", "SMART GOVERNANCE".
for _dim in DIMENSIONS:
    _VOCAB["dimension"][fold(_dim.replace("Smart ", ""))] = _dim


def canonical(vocabulary: str, value: object) -> str | None:
    """The canonical label of ``value`` in ``vocabulary``, or None when it is not recognised."""
    if value is None:
        return None
    return _VOCAB[vocabulary].get(fold(value))


def sub_dimension_of(dimension: str) -> tuple[str, ...]:
    """The three sub-dimensions of a canonical dimension."""
    return DIMENSIONS[dimension]


_HEADERS = {c.name: c.header for cols in (MASTERPLAN_COLUMNS, EVALUATION_COLUMNS, SCORE_COLUMNS,
                                          COHORT_COLUMNS, PERIOD_COLUMNS) for c in cols}


def header_of(column: str) -> str:
    """The template header of a canonical column (``progress_pct`` -> ``Progres (%)``)."""
    return _HEADERS.get(column, column)
