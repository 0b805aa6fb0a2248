"""Realistic programme names, indicators and agencies per sub-dimension (Indonesian).

Each line of :data:`_TABLE` is ``name|indicator|unit|low|high``: a programme as regions
write it in their master plans, the indicator they report against, and a plausible target range.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines import spec

_TABLE = """
# Pelayanan Publik
Aplikasi Layanan Perizinan Terpadu|Jumlah jenis izin yang dilayani secara daring|jenis izin|20|150
Mal Pelayanan Publik Digital|Jumlah layanan yang terintegrasi di MPP|layanan|10|120
Portal Pengaduan Masyarakat Terintegrasi|Persentase pengaduan yang ditindaklanjuti|%|70|100
Layanan Administrasi Kependudukan Daring|Jumlah dokumen adminduk terbit daring|dokumen|1000|50000
Command Center|Jumlah OPD yang terhubung ke Command Center|OPD|5|40
Aplikasi Super App Pelayanan Warga|Jumlah pengguna aktif aplikasi|pengguna|5000|200000
Anjungan Dukcapil Mandiri|Jumlah unit anjungan terpasang|unit|2|30
Layanan Darurat Call Center 112|Persentase panggilan darurat tertangani|%|80|100
# Birokrasi
Sistem Pemerintahan Berbasis Elektronik Terpadu|Jumlah aplikasi layanan terintegrasi|aplikasi|10|80
Naskah Dinas Elektronik dan Tanda Tangan Elektronik|Persentase OPD memakai TTE|%|50|100
E-Kinerja ASN|Jumlah ASN yang menggunakan e-kinerja|orang|500|8000
Sistem Informasi Kepegawaian Daerah|Persentase data ASN termutakhirkan|%|80|100
E-Planning dan E-Budgeting Terintegrasi|Jumlah OPD yang menggunakan e-budgeting|OPD|10|45
Pusat Data Daerah|Kapasitas penyimpanan pusat data|TB|10|200
Jaringan Intra Pemerintah Antar-OPD|Jumlah kantor OPD terhubung jaringan intra|kantor|10|60
E-Office Kecamatan|Jumlah kecamatan menggunakan e-office|kecamatan|5|30
# Kebijakan Publik
Satu Data Daerah|Jumlah dataset terbuka yang dipublikasikan|dataset|50|800
Portal Open Data|Jumlah kunjungan portal data|kunjungan|1000|100000
JDIH Online|Persentase produk hukum daerah terunggah|%|80|100
Dashboard Eksekutif Kepala Daerah|Jumlah indikator yang dipantau pada dashboard|indikator|20|200
E-Musrenbang|Jumlah usulan musrenbang yang diinput daring|usulan|500|10000
Regulasi Smart City Daerah|Jumlah regulasi smart city yang ditetapkan|regulasi|1|5
Sistem Informasi Pembangunan Daerah Terintegrasi|Persentase OPD melapor melalui SIPD|%|80|100
Survei Kepuasan Masyarakat Daring|Jumlah responden survei daring|responden|500|20000
# Branding Pariwisata
Aplikasi Informasi Destinasi Wisata|Jumlah destinasi wisata dalam aplikasi|destinasi|20|300
Virtual Tour 360 Objek Wisata|Jumlah objek wisata dengan tur virtual|objek|5|50
Festival Budaya Berbasis Digital|Jumlah pengunjung festival|orang|2000|100000
Desa Wisata Digital|Jumlah desa wisata yang memiliki profil digital|desa|5|60
E-Ticketing Objek Wisata|Persentase objek wisata menggunakan e-ticketing|%|30|100
Kalender Event Pariwisata Online|Jumlah event yang dipublikasikan|event|12|120
Wi-Fi Publik di Destinasi Wisata|Jumlah titik Wi-Fi di kawasan wisata|titik|5|100
Promosi Wisata melalui Media Sosial|Jumlah kunjungan wisatawan|orang|50000|2000000
# Branding Bisnis
Katalog Produk UMKM Digital|Jumlah UMKM yang terdaftar di katalog|UMKM|100|5000
Pameran Virtual Produk Unggulan Daerah|Jumlah transaksi pameran|transaksi|100|5000
Sistem Informasi Potensi Investasi|Jumlah peluang investasi yang dipublikasikan|proyek|5|60
Logo dan Tagline City Branding|Tingkat pengenalan merek daerah|%|30|80
Rumah Kreatif UMKM|Jumlah pelaku UMKM terlatih|orang|100|3000
Pendampingan Perizinan Usaha OSS|Jumlah NIB yang diterbitkan|NIB|500|20000
Galeri Produk Lokal di Marketplace|Jumlah produk lokal di marketplace|produk|200|10000
Business Matching Online|Jumlah kesepakatan kerja sama usaha|kesepakatan|10|300
# Wajah Kota
Ruang Terbuka Hijau dengan Wi-Fi Publik|Jumlah taman dengan Wi-Fi publik|taman|3|40
Penerangan Jalan Umum Cerdas|Jumlah titik PJU cerdas terpasang|titik|100|5000
Revitalisasi Alun-Alun dan Pedestrian|Panjang pedestrian yang direvitalisasi|km|1|20
Videotron Informasi Publik|Jumlah videotron terpasang|unit|1|15
Penataan Reklame Digital|Persentase reklame berizin|%|60|100
Gerbang Kota Ikonik|Jumlah gerbang kota yang dibangun|unit|1|4
Penamaan Jalan Berbasis Peta Digital|Persentase ruas jalan bernama|%|50|100
Kampung Tematik|Jumlah kampung tematik|kampung|3|40
# Industri
Sistem Informasi Industri Kecil dan Menengah|Jumlah IKM terdata|IKM|200|5000
Inkubator Bisnis Digital|Jumlah startup yang dibina|startup|5|100
Layanan Sertifikasi Halal dan PIRT Daring|Jumlah sertifikat yang diterbitkan|sertifikat|100|3000
Sentra IKM Berbasis Teknologi|Jumlah sentra IKM yang dikembangkan|sentra|1|15
Pelatihan Digital Marketing bagi IKM|Jumlah peserta pelatihan|orang|100|3000
Smart Farming|Luas lahan yang menerapkan smart farming|ha|10|1000
Sistem Informasi Perikanan Tangkap|Jumlah nelayan terdata|orang|200|8000
Kawasan Industri Berbasis Data|Jumlah tenant kawasan industri|tenant|5|80
# Kesejahteraan Rakyat
Pemutakhiran DTKS Online|Persentase data DTKS yang diverifikasi|%|70|100
Bursa Kerja Online|Jumlah pencari kerja yang tersalurkan|orang|200|10000
Sistem Informasi Harga Pangan|Jumlah komoditas yang dipantau harganya|komoditas|10|60
Penyaluran Bansos Non-Tunai|Jumlah keluarga penerima manfaat non-tunai|KPM|1000|50000
Pasar Rakyat Digital|Jumlah pasar rakyat dengan pembayaran digital|pasar|2|30
Aplikasi Koperasi dan UMKM|Jumlah koperasi aktif yang terdata|koperasi|50|1500
Balai Latihan Kerja Virtual|Jumlah peserta pelatihan kerja|orang|100|5000
Sistem Informasi Desa|Jumlah desa yang menggunakan SID|desa|10|300
# Transaksi Keuangan
Elektronifikasi Transaksi Pemerintah Daerah|Indeks ETPD|%|70|100
Pembayaran Pajak Daerah Non-Tunai (QRIS)|Persentase penerimaan pajak non-tunai|%|40|100
E-Retribusi Pasar|Jumlah pedagang membayar retribusi elektronik|pedagang|200|8000
Sistem Informasi Pengelolaan Keuangan Daerah|Persentase OPD terintegrasi SIPKD|%|80|100
E-PBB dan E-BPHTB|Jumlah transaksi PBB elektronik|transaksi|1000|200000
Cash Management System Bank Daerah|Persentase belanja melalui CMS|%|50|100
Kartu Kredit Pemerintah Daerah|Jumlah OPD menggunakan KKPD|OPD|5|45
Pengadaan Barang dan Jasa Elektronik|Persentase paket melalui e-katalog|%|40|100
# Harmonisasi Lingkungan
Sistem Informasi Tata Ruang|Jumlah layanan KKPR daring|layanan|100|3000
Geoportal Daerah|Jumlah layer peta tematik|layer|20|300
Rencana Detail Tata Ruang Digital|Jumlah RDTR yang terdigitalisasi|dokumen|1|10
Sistem Informasi Bangunan Gedung|Jumlah PBG diterbitkan secara daring|PBG|100|5000
Pemetaan Aset Daerah Berbasis GIS|Persentase aset tanah terpetakan|%|50|100
Sistem Peringatan Dini Banjir|Jumlah sensor tinggi muka air terpasang|unit|3|50
Pemantauan Kawasan Kumuh Berbasis Data|Luas kawasan kumuh tertangani|ha|5|300
Sistem Informasi Perumahan dan Permukiman|Jumlah rumah tidak layak huni terdata|unit|500|20000
# Kesehatan
Telemedicine Puskesmas|Jumlah puskesmas yang melayani telemedicine|puskesmas|3|40
Rekam Medis Elektronik|Persentase fasilitas kesehatan dengan RME|%|40|100
Antrean Online Puskesmas dan RSUD|Jumlah pasien menggunakan antrean daring|pasien|5000|300000
Public Safety Center 119|Jumlah panggilan gawat darurat tertangani|panggilan|200|10000
Sistem Informasi Gizi dan Stunting|Persentase balita terpantau status gizinya|%|70|100
Posyandu Digital|Jumlah posyandu yang melapor secara daring|posyandu|20|800
Sistem Rujukan Terintegrasi|Jumlah rujukan yang tercatat elektronik|rujukan|500|30000
Aplikasi Kesehatan Ibu dan Anak|Jumlah ibu hamil terpantau|orang|500|15000
# Mobilitas
Smart Parking|Jumlah titik parkir elektronik|titik|5|150
Area Traffic Control System|Jumlah simpang terpasang ATCS|simpang|3|60
Angkutan Massal dengan Pembayaran Non-Tunai|Jumlah penumpang per tahun|penumpang|10000|2000000
Aplikasi Informasi Angkutan Umum|Jumlah rute angkutan yang terpantau GPS|rute|3|40
CCTV Lalu Lintas Terintegrasi|Jumlah CCTV lalu lintas terpasang|unit|10|300
Uji KIR Elektronik|Jumlah kendaraan diuji secara elektronik|kendaraan|500|20000
Halte Pintar|Jumlah halte pintar|halte|3|50
Electronic Traffic Law Enforcement|Jumlah titik kamera ETLE|titik|2|40
# Komunitas
Relawan TIK dan Komunitas Digital|Jumlah anggota komunitas digital aktif|orang|50|2000
Kampung Digital|Jumlah kampung digital|kampung|3|80
Ruang Kreatif Anak Muda|Jumlah kegiatan komunitas per tahun|kegiatan|12|200
Hackathon dan Kompetisi Inovasi Daerah|Jumlah inovasi yang dihasilkan|inovasi|5|100
Forum Smart City Daerah|Jumlah pertemuan forum per tahun|pertemuan|2|12
Gerakan Literasi Digital Masyarakat|Jumlah peserta literasi digital|orang|500|30000
Aplikasi Gotong Royong dan Donasi Warga|Jumlah kegiatan sosial terfasilitasi|kegiatan|20|1000
Karang Taruna Digital|Jumlah karang taruna terlatih|kelompok|10|300
# Ekosistem Belajar
Sekolah Digital dan E-Learning|Jumlah sekolah menggunakan e-learning|sekolah|10|500
Perpustakaan Digital|Jumlah koleksi buku digital|judul|500|50000
PPDB Online|Persentase sekolah menggunakan PPDB daring|%|70|100
Beasiswa Daerah Berbasis Data|Jumlah penerima beasiswa|siswa|100|5000
Pelatihan Guru Berbasis TIK|Jumlah guru terlatih|guru|100|5000
Internet Sekolah dan Wi-Fi Desa|Jumlah sekolah terhubung internet|sekolah|20|600
Sistem Informasi Manajemen Pendidikan|Persentase data peserta didik termutakhirkan|%|80|100
Beasiswa Talenta Digital Daerah|Jumlah talenta digital tersertifikasi|orang|50|2000
# Keamanan
CCTV Kota Terintegrasi Command Center|Jumlah CCTV terintegrasi|unit|20|1000
Panic Button Warga|Jumlah pengguna tombol darurat|pengguna|500|50000
Sistem Peringatan Dini Bencana|Jumlah sirine peringatan dini terpasang|unit|2|40
CSIRT Daerah|Jumlah insiden siber tertangani|insiden|5|200
Siskamling Digital|Jumlah pos ronda terhubung aplikasi|pos|20|500
Layanan Pemadam Kebakaran Berbasis Aplikasi|Waktu tanggap kebakaran|menit|10|20
Sistem Informasi Kebencanaan|Jumlah desa tangguh bencana terdata|desa|10|200
Sertifikat Elektronik ASN|Jumlah ASN memiliki sertifikat elektronik|orang|100|5000
# Proteksi Lingkungan
Sensor Kualitas Udara|Jumlah stasiun pemantau kualitas udara|unit|1|20
Pemantauan Kualitas Air Sungai Online|Jumlah titik pantau kualitas air|titik|3|50
Gerakan Menanam Pohon Berbasis Aplikasi|Jumlah pohon tertanam dan terpetakan|pohon|1000|100000
Sistem Informasi Lingkungan Hidup Daerah|Indeks kualitas lingkungan hidup|indeks|60|85
Pemantauan Titik Panas Hutan dan Lahan|Jumlah hotspot terpantau|titik|10|500
Persetujuan Lingkungan Daring|Jumlah dokumen lingkungan diproses daring|dokumen|20|800
Konservasi Mangrove Berbasis Komunitas|Luas mangrove direhabilitasi|ha|5|300
Taman Kota Cerdas|Jumlah taman kota cerdas|taman|1|20
# Tata Kelola Sampah dan Limbah
Bank Sampah Digital|Jumlah nasabah bank sampah digital|nasabah|200|20000
Aplikasi Pelaporan Sampah Liar|Jumlah laporan sampah liar tertangani|laporan|100|5000
Monitoring Armada Sampah Berbasis GPS|Jumlah armada sampah terpantau GPS|armada|5|150
TPS 3R Berbasis Masyarakat|Jumlah TPS 3R beroperasi|unit|2|60
Pengolahan Sampah Menjadi RDF|Kapasitas pengolahan sampah|ton/hari|10|300
Retribusi Sampah Non-Tunai|Persentase retribusi sampah non-tunai|%|30|100
Layanan Lumpur Tinja Terjadwal|Jumlah rumah tangga terlayani|rumah tangga|500|20000
Tempat Sampah Pintar|Jumlah tempat sampah pintar|unit|10|300
# Tata Kelola Energi
PJU Tenaga Surya|Jumlah PJU tenaga surya terpasang|titik|50|3000
PLTS Atap Gedung Pemerintah|Kapasitas PLTS atap terpasang|kWp|20|2000
Manajemen Energi Gedung Pemerintah|Persentase penghematan energi|%|5|30
Kendaraan Listrik Operasional Pemda|Jumlah kendaraan listrik operasional|unit|2|100
Stasiun Pengisian Kendaraan Listrik Umum|Jumlah SPKLU|unit|1|30
Desa Mandiri Energi|Jumlah desa mandiri energi|desa|1|30
Pemantauan Konsumsi Listrik Berbasis IoT|Jumlah gedung terpantau|gedung|3|60
Biogas Komunal|Jumlah unit biogas|unit|5|200
"""

#: Per sub-dimension: (purpose used in descriptions, benefit felt by the public, agencies).
_CONTEXT: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "Pelayanan Publik": ("mempercepat dan mempermudah pelayanan publik",
                         "waktu pengurusan izin dan dokumen lebih singkat dan transparan",
                         ("DPMPTSP", "Diskominfo", "Disdukcapil", "Bagian Organisasi Setda")),
    "Birokrasi": ("mewujudkan birokrasi yang efisien dan paperless",
                  "proses administrasi antar-OPD lebih cepat dan hemat kertas",
                  ("Diskominfo", "BKPSDM", "Bagian Organisasi Setda", "Bappeda")),
    "Kebijakan Publik": ("mendukung kebijakan berbasis data",
                         "data pembangunan mudah diakses dan kebijakan lebih tepat sasaran",
                         ("Bappeda", "Diskominfo", "Bagian Hukum Setda")),
    "Branding Pariwisata": ("meningkatkan daya tarik dan kunjungan wisata",
                            "informasi wisata mudah diperoleh dan kunjungan wisatawan naik",
                            ("Dinas Pariwisata", "Disbudpar", "Diskominfo")),
    "Branding Bisnis": ("memperkuat citra dan daya saing produk daerah",
                        "produk UMKM lokal lebih dikenal dan pasarnya lebih luas",
                        ("Disperindag", "Dinas Koperasi dan UKM", "DPMPTSP")),
    "Wajah Kota": ("menata wajah kota yang tertib, indah dan informatif",
                   "ruang publik lebih tertata, terang dan nyaman",
                   ("Dinas PUPR", "Dinas Perkim", "DLH", "Bappeda")),
    "Industri": ("mendorong industri lokal berbasis teknologi",
                 "pelaku usaha lebih mudah mengakses pelatihan, perizinan dan pasar",
                 ("Disperindag", "Dinas Pertanian", "Dinas Perikanan")),
    "Kesejahteraan Rakyat": ("meningkatkan kesejahteraan masyarakat secara tepat sasaran",
                             "bantuan sosial dan informasi lowongan kerja lebih tepat sasaran",
                             ("Dinas Sosial", "Disnaker", "Dinas Koperasi dan UKM", "DPMD")),
    "Transaksi Keuangan": ("mewujudkan transaksi keuangan daerah yang non-tunai dan akuntabel",
                           "pembayaran pajak dan retribusi lebih mudah tanpa antre",
                           ("BPKAD", "Bapenda", "Bagian Perekonomian Setda")),
    "Harmonisasi Lingkungan": ("menyelaraskan pemanfaatan ruang dengan rencana tata ruang",
                               "informasi tata ruang dan perizinan bangunan lebih transparan",
                               ("Dinas PUPR", "Bappeda", "Dinas Perkim", "BPBD")),
    "Kesehatan": ("meningkatkan akses dan mutu layanan kesehatan",
                  "antrean layanan kesehatan lebih singkat dan konsultasi bisa jarak jauh",
                  ("Dinkes", "RSUD")),
    "Mobilitas": ("mewujudkan transportasi yang lancar, aman dan terintegrasi",
                  "kemacetan berkurang dan informasi angkutan umum mudah diakses",
                  ("Dishub",)),
    "Komunitas": ("menumbuhkan partisipasi komunitas dalam pembangunan digital",
                  "partisipasi warga dan komunitas dalam inovasi daerah meningkat",
                  ("Diskominfo", "Dispora", "DPMD")),
    "Ekosistem Belajar": ("memperluas akses pendidikan dan literasi digital",
                          "akses bahan belajar dan layanan pendidikan lebih merata",
                          ("Disdik", "Dinas Perpustakaan dan Kearsipan", "Diskominfo")),
    "Keamanan": ("meningkatkan rasa aman dan kesiapsiagaan warga",
                 "respons terhadap kejadian darurat dan bencana lebih cepat",
                 ("Satpol PP", "BPBD", "Diskominfo", "Dinas Pemadam Kebakaran")),
    "Proteksi Lingkungan": ("melindungi kualitas lingkungan hidup",
                            "kualitas lingkungan terpantau dan informasinya terbuka bagi warga",
                            ("DLH", "Bappeda")),
    "Tata Kelola Sampah dan Limbah": ("mengelola sampah dan limbah dari hulu ke hilir",
                                      "sampah lebih tertib terkelola dan warga memperoleh nilai "
                                      "ekonomi dari sampah", ("DLH", "Dinas Perkim")),
    "Tata Kelola Energi": ("mewujudkan penggunaan energi yang efisien dan terbarukan",
                           "biaya energi berkurang dan penerangan jalan lebih andal",
                           ("Dinas PUPR", "Bagian Umum Setda", "DLH", "Dishub")),
}


@dataclass(frozen=True)
class Template:
    dimension: str
    sub_dimension: str
    name: str
    indicator: str
    unit: str
    low: int
    high: int

    @property
    def purpose(self) -> str:
        return _CONTEXT[self.sub_dimension][0]

    @property
    def benefit(self) -> str:
        return _CONTEXT[self.sub_dimension][1]

    @property
    def agencies(self) -> tuple[str, ...]:
        return _CONTEXT[self.sub_dimension][2]


def _parse() -> dict[str, list[Template]]:
    dimension_of = {s: d for d, subs in spec.DIMENSIONS.items() for s in subs}
    out: dict[str, list[Template]] = {}
    sub = ""
    for line in _TABLE.strip().splitlines():
        if line.startswith("#"):
            sub = line[1:].strip()
            out[sub] = []
            continue
        name, indicator, unit, low, high = (part.strip() for part in line.split("|"))
        out[sub].append(Template(dimension_of[sub], sub, name, indicator, unit, int(low),
                                 int(high)))
    return out


#: Sub-dimension -> programme templates.
TEMPLATES: dict[str, list[Template]] = _parse()
assert set(TEMPLATES) == {s for subs in spec.DIMENSIONS.values() for s in subs}
