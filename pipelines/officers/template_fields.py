"""What each cell of the canonical templates accepts: format, drop-down or rule, and help.

One :class:`Field` per template column and identity field: the number format officers see
(rupiah ``#,##0``, percent, years), the data validation Excel and LibreOffice enforce (a
drop-down from the hidden list sheet, a whole-number or date range) and the Indonesian input
message shown when the cell is selected. Lists are named ranges of :data:`LIST_SHEET`;
sub-dimension and kabupaten/kota lists depend on the row's dimension or province through
``INDIRECT`` (the classic dependent drop-down).
"""

from dataclasses import dataclass

from pipelines import schemas, spec

LIST_SHEET = "Daftar"
INSTRUCTION_SHEET = "Petunjuk"
TEXT, INTEGER, YEAR, RUPIAH, PERCENT, SCORE, DATE = "@", "0", "0", "#,##0", "0%", "0.00", \
    "DD/MM/YYYY"


def name_of(label: str, prefix: str = "") -> str:
    """The defined name of a list: spaces become ``_`` (``Smart Governance`` ->
    ``Smart_Governance``), as ``SUBSTITUTE(cell," ","_")`` computes it in the sheet."""
    return prefix + label.replace(" ", "_")


@dataclass(frozen=True)
class Field:
    prompt: str  # input message, at most 255 characters
    fmt: str = TEXT
    choices: str | None = None  # list formula; {row}, {dimension_col}, {prov_row} filled in
    strict: bool = True  # refuse values outside the list (else only warn)
    rule: tuple[str, str, str, str | None] | None = None  # (type, operator, formula1, formula2)
    width: float = 18
    wrap: bool = False


_Y0, _Y1 = str(schemas.YEAR_MIN), str(schemas.YEAR_MAX)
_YEAR_RULE = ("whole", "between", _Y0, _Y1)

COLUMNS: dict[str, Field] = {
    "program_code": Field("Kode unik program, mis. SG-01. Dipakai lagi di template evaluasi "
                          "setiap tahun, jadi jangan diubah.", width=13),
    "dimension": Field("Pilih salah satu dari enam dimensi smart city.", choices="Dimensi",
                       width=20),
    "sub_dimension": Field("Pilih sub dimensi. Pilihan muncul setelah Dimensi di baris yang "
                           "sama diisi.",
                           choices='INDIRECT(SUBSTITUTE(${dimension_col}{row}," ","_"))',
                           width=24),
    "program_name": Field("Nama program atau inisiatif (wajib).", width=34, wrap=True),
    "description": Field("Uraian singkat program.", width=40, wrap=True),
    "horizon": Field("Quick Win (1-2 tahun), Jangka Pendek (<=3), Jangka Menengah (<=5) atau "
                     "Jangka Panjang (<=10).", choices="Horizon", width=17),
    "start_year": Field(f"Tahun mulai, empat angka ({_Y0}-{_Y1}).", fmt=YEAR, rule=_YEAR_RULE,
                        width=11),
    "end_year": Field(f"Tahun selesai, empat angka ({_Y0}-{_Y1}); tidak sebelum Tahun Mulai.",
                      fmt=YEAR, rule=_YEAR_RULE, width=11),
    "agency": Field("Perangkat daerah (OPD) penanggung jawab, mis. Diskominfo.", width=20),
    "funding_source": Field("Pilih sumber dana; boleh ditulis lain bila tidak ada di daftar.",
                            choices="SumberDana", strict=False, width=20),
    "indicative_budget": Field("Anggaran indikatif dalam rupiah, angka saja: 1500000000 "
                               "tampil sebagai 1.500.000.000.", fmt=RUPIAH,
                               rule=("decimal", "greaterThanOrEqual", "0", None), width=19),
    "indicator": Field("Indikator kinerja program.", width=28, wrap=True),
    "target": Field("Target indikator, mis. 20.", width=10),
    "unit": Field("Satuan target, mis. layanan, %, unit.", width=12),
    # evaluation
    "stage": Field("Pilih tahapan implementasi program pada tahun evaluasi.",
                   choices="Tahapan", width=20),
    "progress_pct": Field("Progres fisik 0%-100%, ketik dengan tanda persen, mis. 75%.",
                          fmt=PERCENT, rule=("decimal", "between", "0", "1"), width=12),
    "budget_realised": Field("Realisasi anggaran dalam rupiah, angka saja.", fmt=RUPIAH,
                             rule=("decimal", "greaterThanOrEqual", "0", None), width=19),
    "benefits": Field("Manfaat nyata yang dirasakan masyarakat.", width=34, wrap=True),
    "challenges": Field("Kendala di lapangan.", width=30, wrap=True),
    "follow_up": Field("Rencana tindak lanjut.", width=30, wrap=True),
    # scores
    "component": Field("Pilih komponen indeks (Baseline, Output, Outcome, Impact, Quick Win, "
                       "Indeks) atau dimensi.", choices="Komponen", width=24),
    "score": Field(f"Nilai {spec.SCORE_MIN:g}-{spec.SCORE_MAX:g}, mis. 3,31.", fmt=SCORE,
                   rule=("decimal", "between", str(spec.SCORE_MIN), str(spec.SCORE_MAX)),
                   width=10),
}

IDENTITY: dict[str, Field] = {
    "document_kind": Field("Jenis dokumen: jangan diubah."),
    "province": Field("Pilih provinsi.", choices="Provinsi"),
    "region_name": Field("Pilih nama resmi kabupaten/kota (muncul setelah Provinsi diisi).",
                         choices='INDIRECT("Prov_"&SUBSTITUTE($B{prov_row}," ","_"))'),
    "region_code": Field("Kode Wilayah Kemendagri, mis. 15.71 (dengan titik)."),
    "cohort_year": Field("Tahun angkatan daerah Anda dalam Gerakan Menuju Smart City.",
                         fmt=INTEGER, rule=("whole", "between", str(schemas.COHORT_MIN),
                                            str(schemas.COHORT_MAX))),
    "plan_period": Field("Periode masterplan, mis. 2022-2031."),
    "evaluation_year": Field("Tahun yang dievaluasi, mis. 2024 (wajib).", fmt=INTEGER,
                             rule=_YEAR_RULE),
    "document_date": Field("Tanggal dokumen, mis. 15/07/2024.", fmt=DATE,
                           rule=("date", "greaterThan", "DATE(2015,1,1)", None)),
    "version": Field("Versi dokumen: 1, lalu 2, 3 ... untuk revisi. Versi terbaru "
                     "menggantikan yang lama.", fmt=INTEGER,
                     rule=("whole", "greaterThanOrEqual", "1", None)),
    "contact_name": Field("Nama petugas yang dapat dihubungi."),
    "contact_email": Field("Email petugas."),
    "contact_phone": Field("Nomor telepon/HP petugas, mis. 081234567890."),
}

IDENTITY_ORDER = {
    "masterplan": ("document_kind", "province", "region_name", "region_code", "cohort_year",
                   "plan_period", "document_date", "version", "contact_name", "contact_email",
                   "contact_phone"),
    "evaluation": ("document_kind", "province", "region_name", "region_code", "cohort_year",
                   "evaluation_year", "document_date", "contact_name", "contact_email",
                   "contact_phone"),
}

_COMMON = [
    "Template ini adalah format resmi pengiriman data Gerakan Menuju Smart City.",
    "Isi hanya sel berwarna krem. Judul kolom dan label terkunci agar tidak berubah "
    "(Review > Unprotect Sheet bila benar-benar perlu, tanpa kata sandi).",
    "Arahkan kursor ke sel untuk melihat petunjuk pengisian; gunakan daftar drop-down "
    "bila tersedia.",
    "Jangan mengubah nama lembar, urutan atau judul kolom, dan jangan menyisipkan rumus.",
    "Satu berkas untuk satu daerah. Simpan sebagai .xlsx (Excel Workbook), tanpa kata sandi.",
]

INSTRUCTIONS = {
    "masterplan": [
        "PETUNJUK PENGISIAN MASTERPLAN SMART CITY",
        *_COMMON,
        f"1. Lembar '{spec.IDENTITY_SHEET}': pilih Provinsi, lalu Kabupaten/Kota; tulis Kode "
        "Wilayah, periode masterplan, tanggal dan versi dokumen.",
        f"2. Lembar '{spec.MASTERPLAN_SHEET}': satu baris per program. Wajib: Dimensi, Nama "
        "Program, Horizon, Tahun Mulai dan Tahun Selesai.",
        "3. Sub Dimensi harus milik Dimensi di baris yang sama; pilihannya menyesuaikan.",
        "4. Anggaran ditulis sebagai angka rupiah (tanpa 'Rp' atau 'juta').",
        "5. Revisi masterplan: kirim berkas lengkap dengan Versi lebih besar.",
    ],
    "evaluation": [
        "PETUNJUK PENGISIAN EVALUASI SMART CITY",
        *_COMMON,
        f"1. Lembar '{spec.IDENTITY_SHEET}': wajib mengisi Tahun Evaluasi.",
        f"2. Lembar '{spec.EVALUATION_SHEET}': satu baris per program masterplan. Kode "
        "Program harus sama dengan masterplan; bila sudah tercantum, cukup isi tahapan, "
        "progres dan seterusnya.",
        "3. Progres wajib diisi untuk setiap program yang tercantum (0% bila belum dimulai).",
        f"4. Lembar '{spec.SCORE_SHEET}' (boleh dikosongkan): nilai hasil penilaian mandiri, "
        f"skala {spec.SCORE_MIN:g}-{spec.SCORE_MAX:g}.",
        "5. Program baru yang belum ada di masterplan dimasukkan lewat revisi masterplan.",
    ],
}
