"""Free text of the sample corpus: people, contacts, evaluation narratives, notes (Indonesian)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

_FIRST = ("Agus Budi Dewi Siti Rina Andi Hendra Yusuf Fitri Ahmad Made Komang Dedi Eko Sri "
          "Wahyu Rahmat Nurul Fajar Putu Yohanes Maria Irwan Lestari Teguh Ratna Hasan "
          "Muhammad Indah Bambang Ayu Rizky Dian Arif Novi Yuliana Heru Taufik Wayan Rudi").split()
_LAST = ("Santoso Wijaya Hidayat Saputra Pratama Siregar Nasution Simanjuntak Lubis Harahap "
         "Kurniawan Setiawan Rahman Susanto Wibowo Purnomo Hutapea Sitompul Tanjung Nugroho "
         "Hakim Rahayu Utami Lestari Gunawan Manurung Pangaribuan Suryadi Firmansyah Syahputra "
         "Wulandari Kusuma Mahendra Sinaga Lumbantobing Pardede Tambunan Kaunang").split()
_DEGREES = ("S.Kom.", "S.T.", "S.Kom., M.T.", "S.E., M.Si.", "S.Sos.", "S.T., M.Eng.", "A.Md.",
            "S.IP., M.AP.", "", "", "")
_PREFIXES = ("0812", "0813", "0821", "0822", "0852", "0853", "0811", "0857", "0877", "0878",
             "0881", "0895", "0896")


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str


def person(r: random.Random) -> tuple[str, str, str]:
    """(first name, last name, degree) of a plausible Indonesian civil servant."""
    return r.choice(_FIRST), r.choice(_LAST), r.choice(_DEGREES)


def contact(r: random.Random) -> Contact:
    first, last, degree = person(r)
    name = f"{first} {last}" + (f", {degree}" if degree else "")
    email = f"{first}.{last}".lower() + ("" if r.random() < 0.6 else str(r.randint(1, 99)))
    digits = "".join(str(r.randint(0, 9)) for _ in range(r.choice((7, 8))))
    prefix = r.choice(_PREFIXES)
    phone = r.choice((f"{prefix}{digits}", f"{prefix}-{digits[:4]}-{digits[4:]}",
                      f"{prefix} {digits[:4]} {digits[4:]}"))
    return Contact(name, f"{email}@example.go.id", phone)


def nip(r: random.Random, birth_year: int) -> str:
    """An 18-digit civil-servant number (NIP): birth date, appointment month, sex, serial."""
    born = f"{birth_year}{r.randint(1, 12):02d}{r.randint(1, 28):02d}"
    hired = f"{birth_year + r.randint(22, 30)}{r.randint(1, 12):02d}"
    return f"{born} {hired} {r.randint(1, 2)} {r.randint(1, 15):03d}"


CHALLENGES = (
    "Keterbatasan anggaran daerah",
    "Keterbatasan SDM bidang TIK di OPD",
    "Jaringan internet belum merata, terutama di wilayah perdesaan",
    "Integrasi data antar-OPD belum optimal",
    "Proses pengadaan barang/jasa mengalami keterlambatan",
    "Rendahnya literasi digital masyarakat",
    "Regulasi pendukung belum ditetapkan",
    "Pergantian pimpinan OPD sehingga koordinasi tertunda",
    "Biaya pemeliharaan perangkat belum dianggarkan",
    "Koordinasi lintas sektor belum optimal",
    "Keterbatasan server dan ruang pusat data",
)
PANDEMIC = "Refocusing anggaran untuk penanganan COVID-19"
FOLLOW_UPS = (
    "Mengusulkan tambahan anggaran pada APBD Perubahan",
    "Pelatihan operator dan admin di setiap OPD",
    "Koordinasi dengan Diskominfo untuk integrasi sistem",
    "Menyusun Peraturan {head} sebagai payung hukum",
    "Kerja sama dengan penyedia jaringan telekomunikasi",
    "Sosialisasi kepada masyarakat melalui media sosial dan kecamatan",
    "Replikasi ke kecamatan lain",
    "Evaluasi dan pemeliharaan berkala",
    "Mengusulkan pendanaan melalui DAK dan CSR",
    "Pendampingan teknis dari Kementerian Komunikasi dan Digital",
)
EARLY_BENEFITS = (
    "Belum dirasakan langsung; kajian dan dokumen perencanaan telah disusun",
    "Belum dirasakan; program masih dalam tahap persiapan",
    "Manfaat belum terukur, spesifikasi teknis sedang disusun",
)
PARTIAL_BENEFITS = (
    "Sebagian masyarakat di wilayah percontohan mulai merasakan manfaat: {benefit}",
    "Uji coba di beberapa kecamatan: {benefit}",
)
NOTES = {
    "masterplan": (
        "Catatan: Anggaran bersifat indikatif dan menyesuaikan kemampuan keuangan daerah.",
        "Catatan: Program dapat diperbarui setiap tahun sesuai hasil evaluasi.",
        "Catatan: Tahun pelaksanaan mengacu pada RPJMD/RPD yang berlaku.",
    ),
    "evaluation": (
        "Catatan: Data capaian per 31 Desember {year}.",
        "Catatan: Kode program mengikuti dokumen masterplan yang telah disepakati.",
        "Catatan: Realisasi anggaran berdasarkan laporan BPKAD.",
    ),
}
#: Names of regions that exist nowhere, for the ``unknown_region`` wrong files.
FAKE_REGIONS = ("Sukamaju Raya", "Tanah Harapan", "Lembah Permai", "Tirta Kencana",
                "Bukit Cendana", "Nusa Arum", "Sumber Rejeki Jaya", "Pulau Mutiara Selatan")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
