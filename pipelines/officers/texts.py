"""What regional officers read: Indonesian explanations of every check, status and column.

Each check of the pipeline (``rejected_row.check_name``) gets a short Indonesian *problem*
(what was expected) and *fix* (how to correct it); the English message of the pipeline is
always shown next to it. An unknown check gets a generic explanation, never an error.
"""

from dataclasses import dataclass

from pipelines import schemas


@dataclass(frozen=True)
class Help:
    title: str  # short name of the problem
    expected: str  # what the cell or file should hold
    fix: str  # what the officer should do


_YEARS = f"{schemas.YEAR_MIN}-{schemas.YEAR_MAX}"
_RESEND = "lalu kirim ulang berkasnya"

CHECKS: dict[str, Help] = {
    "required": Help(
        "Kolom wajib kosong", "Kolom ini wajib diisi.",
        "Isi sel ini (lihat contoh di lembar Petunjuk template)."),
    "parse_year": Help(
        "Tahun tidak terbaca", "Tahun empat angka, mis. 2024.",
        "Tulis satu tahun empat angka (2024), bukan rentang (2024-2026) atau dua angka (24)."),
    "parse_number": Help(
        "Angka tidak terbaca", "Angka atau nilai rupiah tidak negatif, mis. 1.500.000 atau 1,5 M.",
        "Tulis angkanya saja: 1.500.000, Rp 1.500.000 atau 1,5 M; tanpa kata lain dan tidak "
        "negatif."),
    "parse_percent": Help(
        "Persentase tidak terbaca", "Persentase 0-100, mis. 75%.",
        "Tulis angka persentase (75%), bukan kata seperti 'selesai' atau 'berjalan'."),
    "parse_text": Help(
        "Teks tidak terbaca", "Teks biasa.", "Ketik ulang isi sel sebagai teks biasa."),
    "parse_region_code": Help(
        "Kode wilayah tidak terbaca", "Kode Kemendagri NN.NN, mis. 32.04.",
        "Tulis kode dengan titik, mis. 32.04."),
    "vocabulary": Help(
        "Nilai tidak ada dalam daftar pilihan", "Salah satu pilihan resmi template.",
        "Pilih dari daftar drop-down template. Sub Dimensi harus milik Dimensi di baris yang "
        "sama."),
    "year_range": Help(
        "Tahun di luar rentang atau terbalik",
        f"Tahun {_YEARS}; Tahun Selesai tidak sebelum Tahun Mulai.",
        "Periksa Tahun Mulai dan Tahun Selesai program ini."),
    "progress_range": Help(
        "Progres di luar 0-100%", "Progres antara 0% dan 100%.",
        "Isi progres fisik program antara 0% dan 100%."),
    "score_range": Help(
        "Nilai di luar skala 0-5", "Nilai indeks 0 sampai 5, mis. 3,31.",
        "Periksa nilai: skala penilaian adalah 0-5."),
    "amount_range": Help(
        "Angka negatif", "Angka nol atau lebih.", "Tulis nilai yang tidak negatif."),
    "type": Help(
        "Jenis isian tidak sesuai", "Isian sesuai jenis kolom (angka, tahun, teks).",
        "Periksa isi kolom ini sesuai template."),
    "duplicate_program": Help(
        "Program tercantum dua kali", "Setiap program cukup satu baris.",
        "Hapus baris ganda, atau beri Kode Program lain bila memang program yang berbeda."),
    "duplicate_row": Help(
        "Baris ganda", "Setiap daerah cukup satu baris.", "Hapus baris yang berulang."),
    "program_not_in_plan": Help(
        "Program tidak ada di masterplan",
        "Kode atau nama program sesuai masterplan terakhir yang diterima.",
        "Pakai Kode Program dari masterplan; minta template evaluasi yang sudah berisi daftar "
        "program daerah Anda. Program baru dimasukkan dulu lewat revisi masterplan."),
    "unknown_region": Help(
        "Daerah tidak dikenali",
        "Nama kabupaten/kota resmi dan Kode Wilayah Kemendagri di lembar Identitas.",
        f"Tulis nama resmi (mis. 'Kota Jambi') dan Kode Wilayah (mis. 15.71) di lembar "
        f"Identitas, {_RESEND}."),
    "ambiguous_region": Help(
        "Nama daerah bisa berarti lebih dari satu daerah",
        "Nama yang hanya menunjuk satu kabupaten/kota.",
        f"Tambahkan 'Kabupaten' atau 'Kota', Provinsi dan Kode Wilayah di lembar Identitas, "
        f"{_RESEND}."),
    "suspicious_region": Help(
        "Nama daerah berisi karakter tidak wajar", "Nama daerah dengan huruf biasa.",
        f"Ketik ulang nama daerah (jangan menyalin dari PDF atau web), {_RESEND}."),
    "unreadable": Help(
        "Berkas tidak dapat dibaca", "Berkas Excel (.xlsx) hasil isian template resmi.",
        f"Simpan sebagai Excel Workbook (.xlsx) tanpa kata sandi, memakai template resmi, "
        f"{_RESEND}."),
    "identity_missing": Help(
        "Lembar Identitas tidak ditemukan",
        "Lembar 'Identitas' berisi Provinsi, Kabupaten/Kota dan Kode Wilayah.",
        f"Pakai template resmi dan isi lembar Identitas, {_RESEND}."),
    "evaluation_year_missing": Help(
        "Tahun Evaluasi kosong", "Tahun Evaluasi di lembar Identitas, mis. 2024.",
        f"Isi Tahun Evaluasi di lembar Identitas, {_RESEND}."),
    "reader_crash": Help(
        "Berkas rusak", "Berkas .xlsx yang normal.",
        f"Buka berkas di Excel, simpan ulang sebagai .xlsx, {_RESEND}."),
    "internal_error": Help(
        "Kesalahan sistem saat memproses", "-",
        "Bukan kesalahan Anda: tim data memeriksanya dan akan menghubungi Anda bila perlu."),
}
_UNKNOWN = Help("Pemeriksaan gagal", "Lihat pesan (bahasa Inggris).",
                "Perbaiki sel ini sesuai pesan, lalu kirim ulang.")

#: Checks about the file as a whole (every row of the file carries them).
FILE_CHECKS = frozenset({"unreadable", "identity_missing", "evaluation_year_missing",
                         "reader_crash", "internal_error", "unknown_region",
                         "ambiguous_region", "suspicious_region"})


def help_for(check: str | None) -> Help:
    return CHECKS.get(check or "", _UNKNOWN)


# What was found in an unreadable file (the English reason of reading.py) -> what to send.
_UNREADABLE_ADVICE: tuple[tuple[str, str], ...] = (
    ("password", "Berkas dilindungi kata sandi. Hapus kata sandinya (File > Info > Protect "
                 "Workbook) lalu kirim ulang."),
    ("pdf", "Yang dikirim adalah PDF. Kirim berkas Excel (.xlsx) hasil isian template, "
            "bukan hasil cetak atau pindaian."),
    ("empty", "Berkas kosong (0 byte). Kirim ulang berkas yang sudah diisi."),
    ("web page", "Berkas adalah halaman web (HTML) yang diberi nama .xls. Buka di Excel, "
                 "lalu Simpan Sebagai 'Excel Workbook (.xlsx)'."),
    ("plain text", "Berkas adalah teks/CSV yang diberi nama lembar kerja. Buka di Excel, lalu "
                   "Simpan Sebagai 'Excel Workbook (.xlsx)'."),
    ("zip archive", "Berkas adalah arsip zip. Ekstrak dan kirim berkas .xlsx di dalamnya."),
    ("no table found", "Tabel program atau hasil evaluasi tidak ditemukan. Pakai template "
                       "resmi: baris judul kolom (Kode Program, Dimensi, Nama Program, ...) "
                       "harus tetap ada."),
    ("damaged", "Berkas rusak. Buka di Excel, simpan ulang sebagai .xlsx, lalu kirim ulang."),
    ("could not be opened", "Berkas tidak bisa dibuka. Simpan ulang dari Excel sebagai .xlsx."),
)


def unreadable_advice(reason: str | None) -> str:
    """What to send instead, in Indonesian, for the English reason of an unreadable file."""
    text = (reason or "").casefold()
    for key, advice in _UNREADABLE_ADVICE:
        if key in text:
            return advice
    return CHECKS["unreadable"].fix[0].upper() + CHECKS["unreadable"].fix[1:]


STATUS_LABELS = {"loaded": "Diterima", "rejected": "Ditolak",
                 "superseded": "Digantikan versi lebih baru"}
KIND_LABELS = {"masterplan": "Masterplan", "evaluation": "Evaluasi", "reference": "Referensi",
               None: "Tidak diketahui"}


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or "", status or "-")


def kind_label(kind: str | None) -> str:
    return KIND_LABELS.get(kind, kind or "-")


#: Labels of ``program_alignment`` columns and values (reconciliation against RPJMD/RPD).
ALIGNMENT_COLUMNS = {
    "program_code": "Kode Program", "program_name": "Nama Program", "start_year": "Tahun Mulai",
    "end_year": "Tahun Selesai", "plan_documents": "Dokumen Perencanaan",
    "status": "Keselarasan dengan RPJMD/RPD", "delivery": "Pelaksanaan",
    "last_progress_pct": "Progres Terakhir (%)", "severity": "Tingkat",
    "message": "Keterangan (EN)",
}
ALIGNMENT_VALUES = {
    "within": "Dalam satu periode RPJMD/RPD",
    "crosses_boundary": "Melewati batas periode: bawa ke dokumen perencanaan berikutnya",
    "beyond_last_period": "Melewati periode RPJMD/RPD terakhir",
    "no_plan_for_years": "Ada tahun tanpa dokumen perencanaan",
    "not_due": "Belum jatuh tempo", "in_progress": "Berjalan", "completed": "Selesai",
    "overdue": "Terlambat (belum 100% setelah tahun selesai)",
    "unreported": "Tidak pernah dilaporkan",
    "error": "Perlu tindakan", "warning": "Perhatian", "ok": "Baik",
}


def alignment_value(value: object) -> object:
    """``crosses_boundary`` -> ``Melewati batas periode ... (crosses_boundary)``."""
    if isinstance(value, str) and value in ALIGNMENT_VALUES:
        return f"{ALIGNMENT_VALUES[value]} ({value})"
    return value
