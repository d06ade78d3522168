## RALINE message catalogue, Indonesian (the primary and fallback locale).

app-name = RALINE
app-tagline = Pendaftaran dan Perpanjangan Anggota Perpustakaan Secara Online
language-switch = English
skip-to-content = Langsung ke isi

## Landing page

landing-title = Daftar Anggota Perpustakaan Secara Online
landing-intro = Isi formulir dari ponsel Anda, unggah pas foto dan kartu identitas, lalu terima kartu anggota dalam bentuk PDF lewat e-mail setelah petugas memeriksa data Anda.
landing-start = Mulai Mendaftar
landing-check-status = Sudah mendaftar? Buka tautan status yang Anda terima setelah mengirim formulir.
landing-steps-title = Langkah pendaftaran
landing-step-1 = Siapkan pas foto formal dan kartu identitas (KTP atau KIA).
landing-step-2 = Isi formulir dan unggah berkasnya.
landing-step-3 = Petugas memeriksa data Anda, biasanya pada hari kerja yang sama.
landing-step-4 = Kartu anggota dikirim ke e-mail Anda dan dapat diambil dalam bentuk cetak di perpustakaan.
landing-residents-title = Warga Kota Mojokerto
landing-residents-1 = KTP (atau KIA untuk anak di bawah 17 tahun).
landing-residents-2 = Anak di bawah 17 tahun yang belum memiliki KIA boleh memakai KTP orang tua atau wali.
landing-residents-3 = Pas foto formal (foto wajah tampak depan, latar polos).
landing-outside-title = Warga di luar Kota Mojokerto
landing-outside-1 = Semua persyaratan untuk warga Kota Mojokerto.
landing-outside-2 = Surat pernyataan yang ditandatangani di atas meterai Rp10.000, difoto atau dipindai.
landing-files-title = Berkas yang diterima
landing-files = Foto: JPEG, PNG atau WebP. Dokumen: JPEG, PNG atau PDF. Paling besar { $max } MB per berkas.
landing-privacy-title = Data pribadi Anda
landing-privacy = Data Anda dipakai hanya untuk keanggotaan perpustakaan, disimpan oleh { $library }, dan tidak dibagikan kepada pihak lain kecuali diwajibkan undang-undang (UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi).

## Registration form

form-title = Formulir Pendaftaran Anggota
form-intro = Kolom bertanda * wajib diisi. Isi data sesuai kartu identitas.
form-section-identity = Identitas
form-section-account = Akun
form-section-personal = Data diri
form-section-address = Alamat sesuai identitas
form-section-current-address = Alamat tempat tinggal sekarang
form-section-contact = Kontak dan keanggotaan
form-section-guardian = Memakai KTP orang tua/wali (untuk anak di bawah 17 tahun)
form-section-files = Berkas
form-section-consent = Persetujuan
form-errors-summary = Ada { $count } isian yang perlu diperbaiki. Lihat pesan di bawah setiap kolom yang ditandai.
form-submit = Kirim Pendaftaran
form-choose = — Pilih —
form-yes = Ya
form-no = Tidak
form-current-address-same = Alamat tempat tinggal sekarang sama dengan alamat di kartu identitas
form-guardian-help = Centang jika pemohon berusia di bawah 17 tahun, belum memiliki KIA, dan mendaftar dengan KTP orang tua atau wali. Isi nomor identitas dengan NIK orang tua/wali.
form-regency-other = Kabupaten/kota lain (ketik namanya)
form-regency-other-help = Jika kabupaten/kota Anda tidak ada di daftar, pilih "Kabupaten/kota lain" lalu ketik nama dan provinsinya.
form-password-help = Minimal 6 karakter. Dipakai nanti untuk masuk dan memperpanjang keanggotaan.
form-phone-help = Contoh: 0812 3456 7890. Nomor ini dipakai untuk WhatsApp.
form-birth-date-help = Pilih dari kalender, atau ketik tahun-bulan-tanggal, misalnya 1990-08-17.
form-photo-help = Pas foto formal, wajah tampak depan, minimal 300 × 400 piksel.
form-document-help = JPEG, PNG atau PDF, paling besar { $max } MB.
form-identity-document-help = Wajib, kecuali memakai KTP orang tua/wali. JPEG, PNG atau PDF, paling besar { $max } MB.
form-statement-help = Wajib bagi yang tinggal di luar Kota Mojokerto: surat pernyataan bertanda tangan di atas meterai Rp10.000.
form-file-kept = Berkas sudah diterima ({ $size }). Pilih berkas lain hanya jika ingin menggantinya.
form-consent-text = Saya menyatakan data yang saya isi benar dan menyetujui pengolahan data pribadi saya oleh { $library } untuk keperluan keanggotaan perpustakaan.
form-correction-title = Perbaiki Pendaftaran { $number }
form-correction-intro = Petugas meminta perbaikan: { $reason }
form-correction-files = Berkas yang sudah diunggah tetap dipakai. Unggah berkas baru hanya untuk yang perlu diganti.
form-correction-submit = Kirim Perbaikan

## Fields

field-identity_type = Jenis identitas
field-identity_number = Nomor identitas
field-password = Kata sandi
field-password_confirmation = Ulangi kata sandi
field-email = Alamat e-mail
field-full_name = Nama lengkap sesuai identitas
field-mother_maiden_name = Nama gadis ibu kandung
field-birth_place = Tempat lahir
field-birth_date = Tanggal lahir
field-birth_place_date = Tempat, tanggal lahir
field-sex = Jenis kelamin
field-religion = Agama
field-marital_status = Status perkawinan
field-occupation = Pekerjaan
field-education = Pendidikan terakhir
field-phone = Nomor HP/WhatsApp
field-address = Alamat (jalan, nomor rumah)
field-rt = RT
field-rw = RW
field-village = Kelurahan/desa
field-district = Kecamatan
field-regency_code = Kabupaten/kota
field-regency = Nama kabupaten/kota
field-province = Provinsi
field-current_address = Alamat sekarang (jalan, nomor rumah)
field-current_rt = RT (alamat sekarang)
field-current_rw = RW (alamat sekarang)
field-current_village = Kelurahan/desa (alamat sekarang)
field-current_district = Kecamatan (alamat sekarang)
field-current_regency_code = Kabupaten/kota (alamat sekarang)
field-current_regency = Nama kabupaten/kota (alamat sekarang)
field-current_province = Provinsi (alamat sekarang)
field-member_type = Jenis anggota
field-consent = Persetujuan privasi
field-uses_guardian_identity = Memakai KTP orang tua/wali
field-guardian_name = Nama orang tua/wali
field-guardian_relationship = Hubungan dengan pemohon
field-guardian_identity_number = NIK orang tua/wali
field-photo = Pas foto
field-identity_document = Foto/scan kartu identitas
field-guardian_identity_document = Foto/scan KTP orang tua/wali
field-statement_letter = Surat pernyataan bermeterai
field-reason = Alasan

## Choices

identity-type-ktp = KTP
identity-type-kia = KIA (Kartu Identitas Anak)
identity-type-sim = SIM
identity-type-paspor = Paspor
identity-type-kartu_pelajar = Kartu pelajar (NISN)
identity-type-kitas = KITAS
identity-type-kitap = KITAP
identity-type-lainnya = Lainnya
sex-male = Laki-laki
sex-female = Perempuan
marital-belum_kawin = Belum kawin
marital-kawin = Kawin
marital-cerai_hidup = Cerai hidup
marital-cerai_mati = Cerai mati
relationship-ibu = Ibu
relationship-ayah = Ayah
relationship-wali = Wali
domicile-kota_mojokerto = Kota Mojokerto
domicile-outside = Luar Kota Mojokerto

## Validation errors ($field is the field's label)

error-required = { $field } wajib diisi.
error-too_long = { $field } terlalu panjang. Persingkat isinya.
error-invalid_characters = { $field } memuat karakter yang tidak diizinkan. Hapus karakter khusus lalu ketik ulang.
error-unknown_choice = { $field } belum dipilih atau tidak ada di daftar. Pilih salah satu dari daftar.
error-name_characters = { $field } harus memuat huruf dan hanya boleh berisi huruf, spasi, titik, koma, tanda hubung dan apostrof, tanpa angka.
error-rt_rw_format = { $field } diisi angka, paling banyak 3 digit, misalnya 003.
error-date_format = { $field } tidak valid. Tulis dengan format tahun-bulan-tanggal, misalnya 1990-08-17.
error-date_in_future = { $field } tidak boleh tanggal yang akan datang.
error-date_too_old = { $field } lebih dari 120 tahun yang lalu. Periksa kembali tahunnya.
error-password_too_short = Kata sandi terlalu pendek: minimal 6 karakter.
error-password_mismatch = Ulangan kata sandi tidak sama dengan kata sandi. Ketik ulang keduanya.
error-email_format = Alamat e-mail tidak valid. Contoh yang benar: nama@gmail.com.
error-phone_not_indonesian = Nomor HP harus nomor Indonesia, misalnya 0812 3456 7890 atau +62 812 3456 7890.
error-phone_length = Jumlah digit nomor HP tidak sesuai. Periksa kembali nomornya, misalnya 0812 3456 7890.
error-phone_characters = Nomor HP hanya boleh berisi angka, spasi, tanda hubung dan tanda +.
error-consent_required = Centang persetujuan pengolahan data pribadi untuk melanjutkan.
error-kia_adult = KIA hanya untuk anak di bawah 17 tahun. Pemohon berusia 17 tahun ke atas mendaftar dengan KTP.
error-guardian_needs_ktp = Jika memakai identitas orang tua/wali, pilih jenis identitas KTP dan isi NIK orang tua/wali.
error-guardian_adult = Pemohon berusia 17 tahun ke atas mendaftar dengan identitasnya sendiri, bukan KTP orang tua/wali.
error-guardian_nik_differs = NIK orang tua/wali berbeda dengan nomor identitas yang diisi. Isi keduanya dengan NIK yang sama.
error-nik_length = NIK harus terdiri dari 16 digit angka.
error-nik_not_digits = NIK hanya berisi angka 0–9. Periksa huruf O yang mungkin tertulis sebagai angka 0.
error-nik_unknown_province = Dua digit pertama NIK bukan kode provinsi. Periksa kembali NIK sesuai kartu identitas.
error-nik_invalid_date = Digit ke-7 sampai ke-12 NIK bukan tanggal lahir yang ada. Periksa kembali NIK sesuai kartu identitas.
error-nik_zero_serial = Empat digit terakhir NIK tidak boleh 0000. Periksa kembali NIK sesuai kartu identitas.
error-identity_number_format = { $field } hanya boleh berisi huruf, angka, spasi, titik, garis miring dan tanda hubung, paling banyak 40 karakter.
error-file_missing = { $field } wajib diunggah.
error-file_empty = { $field }: berkas kosong. Pilih berkas lain.
error-file_too_large = { $field } lebih besar dari { $max } MB. Perkecil ukurannya atau foto ulang dengan resolusi lebih rendah.
error-file_type = { $field } bukan berkas yang diterima. Unggah JPEG, PNG atau WebP untuk foto, atau JPEG, PNG atau PDF untuk dokumen.
error-file_corrupt = { $field } rusak atau tidak lengkap. Unggah ulang berkasnya.
error-image_too_many_pixels = { $field }: resolusi gambar terlalu besar. Perkecil gambarnya lalu unggah ulang.
error-photo_too_small = Pas foto terlalu kecil untuk dicetak: minimal 300 × 400 piksel. Unggah foto dengan resolusi lebih tinggi.
error-pdf_encrypted = { $field }: PDF terkunci kata sandi. Unggah PDF tanpa kata sandi.
error-pdf_invalid = { $field }: PDF tidak dapat dibaca. Unggah ulang atau kirim sebagai foto JPEG.
error-pdf_active_content = { $field }: PDF memuat skrip atau konten aktif. Unggah hasil pindaian biasa atau foto JPEG.
error-pdf_embedded_file = { $field }: PDF memuat berkas lain di dalamnya. Unggah hasil pindaian biasa atau foto JPEG.
error-pdf_too_complex = { $field }: PDF terlalu rumit untuk diperiksa. Unggah hasil pindaian biasa atau foto JPEG.
error-image_encode_failed = { $field } tidak dapat diproses oleh server. Coba lagi beberapa saat lagi.
error-reason_required = Tulis alasan agar pemohon tahu apa yang harus dilakukan.
error-upload_kept_missing = { $field }: berkas yang diunggah sebelumnya sudah kedaluwarsa. Unggah ulang berkasnya.

## Findings shown to staff and applicants

finding-nik_birth_date_mismatch = Tanggal lahir pada NIK berbeda dengan tanggal lahir yang diisi. Petugas akan mencocokkan dengan kartu identitas.
finding-nik_sex_mismatch = Jenis kelamin pada NIK berbeda dengan jenis kelamin yang diisi. Petugas akan mencocokkan dengan kartu identitas.
finding-duplicate_identity_number = Nomor identitas yang sama ada di pendaftaran lain.
finding-duplicate_email = Alamat e-mail yang sama ada di pendaftaran lain atau milik anggota.
finding-duplicate_phone = Nomor HP yang sama ada di pendaftaran lain atau milik anggota.
finding-duplicate_name_birth_date = Nama dan tanggal lahir yang sama ada di pendaftaran lain atau milik anggota.
finding-existing_member = Nomor identitas ini sudah terdaftar sebagai anggota. Arahkan pemohon untuk memperpanjang keanggotaan.
finding-emeterai_serial_reused = Nomor seri e-Meterai pada surat pernyataan sudah dipakai di pendaftaran lain.
finding-nik_checked = NIK 16 digit, kode provinsi dan tanggalnya valid.

## Statuses

status-submitted = Diajukan
status-needs_correction = Perlu perbaikan
status-approved = Disetujui
status-rejected = Ditolak
status-title = Status Pendaftaran
status-registration-number = Nomor pendaftaran
status-submitted-on = Dikirim
status-new-notice = Pendaftaran Anda sudah kami terima. Simpan tautan halaman ini: hanya dengan tautan ini Anda dapat melihat status pendaftaran.
status-link-label = Tautan status pribadi
status-submitted-text = Pendaftaran Anda sedang menunggu pemeriksaan petugas.
status-needs_correction-text = Petugas meminta Anda memperbaiki pendaftaran.
status-approved-text = Selamat, Anda sudah menjadi anggota perpustakaan.
status-rejected-text = Mohon maaf, pendaftaran Anda ditolak.
status-reason = Alasan
status-correct-button = Perbaiki Pendaftaran
status-member-number = Nomor anggota
status-valid-until = Berlaku hingga
status-card-download = Unduh Kartu Anggota (PDF)
status-warnings = Catatan untuk pendaftaran Anda

## Staff pages

staff-title = Petugas
staff-login-title = Masuk Petugas
staff-username = Nama pengguna
staff-password = Kata sandi
staff-login-button = Masuk
staff-login-locked = Terlalu banyak percobaan masuk yang gagal untuk nama pengguna ini. Tunggu 15 menit lalu coba lagi, atau minta admin mengatur ulang kata sandi.
staff-login-failed = Nama pengguna atau kata sandi salah.
staff-logout = Keluar
staff-queue-title = Antrean Verifikasi
staff-queue-empty = Tidak ada pendaftaran pada daftar ini.
staff-queue-waiting = Menunggu
staff-queue-name = Nama
staff-queue-number = No. pendaftaran
staff-queue-type = Jenis anggota
staff-queue-domicile = Domisili
staff-queue-findings = Temuan
staff-detail-title = Pendaftaran { $number }
staff-detail-back = Kembali ke antrean
staff-detail-checks = Pemeriksaan otomatis
staff-detail-data = Data pemohon
staff-detail-files = Berkas
staff-detail-history = Riwayat keputusan
staff-detail-messages = Pesan kepada pemohon
staff-detail-other-record = Lihat pendaftaran { $number }
staff-detail-no-findings = Tidak ada temuan.
staff-approve = Setujui dan Terbitkan Kartu
staff-reject = Tolak
staff-request-correction = Minta Perbaikan
staff-reason-help = Alasan dikirim kepada pemohon lewat e-mail.
staff-decided = Keputusan disimpan.
staff-already-decided = Pendaftaran ini sudah diputuskan oleh petugas lain.
staff-member-issued = Anggota { $number } diterbitkan, berlaku hingga { $date }.
staff-card-download = Unduh kartu (PDF)
staff-file-open = Buka berkas
staff-decision-approve = Disetujui
staff-decision-reject = Ditolak
staff-decision-request_correction = Diminta perbaikan
staff-delivery-queued = Menunggu dikirim
staff-delivery-sending = Sedang dikirim
staff-delivery-sent = Terkirim
staff-delivery-failed = Gagal
staff-delivery-interrupted = Pengiriman terputus saat pesan diserahkan ke penyedia; pesan mungkin sudah atau belum sampai, jadi tidak dikirim ulang otomatis. Tanyakan kepada penerima, lalu pakai "Kirim ulang" bila pesan belum sampai.
staff-delivery-attempts = { $count } kali percobaan
staff-outbox-card_issued = E-mail kartu anggota
staff-outbox-correction_requested = E-mail permintaan perbaikan
staff-outbox-rejected = E-mail penolakan
staff-guardian = Orang tua/wali

duration-days = { $count } hari
duration-hours = { $count } jam
duration-minutes = { $count } menit
duration-now = baru saja

## Errors shown as pages or API messages

http-not-found = Halaman tidak ditemukan. Periksa kembali alamatnya.
http-unauthorized = Silakan masuk terlebih dahulu.
http-forbidden = Anda tidak berhak membuka halaman ini.
http-csrf = Formulir kedaluwarsa atau dikirim dari situs lain. Muat ulang halaman lalu coba lagi.
http-conflict = Data sudah berubah. Muat ulang halaman untuk melihat keadaan terbaru.
http-too-large = Kiriman terlalu besar. Setiap berkas paling besar { $max } MB.
http-bad-request = Permintaan tidak dapat dibaca. Muat ulang formulir lalu kirim lagi.
http-internal = Terjadi kesalahan di server. Data Anda yang sudah tersimpan tidak hilang. Coba lagi beberapa saat lagi dan sebutkan kode { $reference } jika menghubungi petugas.
http-unavailable = Layanan sedang sibuk. Coba lagi beberapa saat lagi.
http-back-home = Kembali ke halaman utama

## E-mails

email-greeting = Yth. { $name },
email-signature = Salam,
email-footer = E-mail ini dikirim otomatis oleh { $library }. Mohon tidak membalas e-mail ini.
email-card-subject = Kartu Anggota { $library } — { $number }
email-card-body = Pendaftaran Anda telah disetujui. Kartu anggota Anda terlampir dalam bentuk PDF.
email-card-number = Nomor anggota: { $number }
email-card-valid = Berlaku hingga: { $date }
email-card-pickup = Kartu cetak dapat diambil di perpustakaan dengan menunjukkan kartu identitas asli.
email-card-status = Status pendaftaran dan unduhan kartu: { $url }
email-status-link = Tautan status pendaftaran Anda: { $url }
email-correction-subject = Pendaftaran { $number } perlu diperbaiki
email-correction-body = Petugas meminta Anda memperbaiki pendaftaran dengan alasan berikut:
email-correction-action = Buka tautan status pendaftaran Anda untuk memperbaiki data atau mengunggah ulang berkas.
email-rejected-subject = Pendaftaran { $number } ditolak
email-rejected-body = Mohon maaf, pendaftaran Anda ditolak dengan alasan berikut:
email-rejected-action = Jika ada pertanyaan, hubungi perpustakaan.

## Card

card-title = KARTU ANGGOTA
card-member-number = No. Anggota
card-member-type = Jenis
card-valid-until = Berlaku hingga
card-filename = kartu-anggota-{ $number }.pdf

## Dates

weekday-1 = Senin
weekday-2 = Selasa
weekday-3 = Rabu
weekday-4 = Kamis
weekday-5 = Jumat
weekday-6 = Sabtu
weekday-7 = Minggu
month-1 = Januari
month-2 = Februari
month-3 = Maret
month-4 = April
month-5 = Mei
month-6 = Juni
month-7 = Juli
month-8 = Agustus
month-9 = September
month-10 = Oktober
month-11 = November
month-12 = Desember
time-zone = WIB

## Identity, region and duplicate rules

field-province_code = Provinsi
field-district_code = Kecamatan
field-village_code = Kelurahan/desa
field-current_province_code = Provinsi (alamat sekarang)
field-current_district_code = Kecamatan (alamat sekarang)
field-current_village_code = Kelurahan/desa (alamat sekarang)

error-region_code_format = { $field } tidak dikenal. Pilih dari daftar.
error-region_unknown = { $field } tidak ada di daftar wilayah Kemendagri. Pilih dari daftar.
error-region_mismatch = { $field } tidak berada di wilayah yang dipilih di atasnya. Pilih ulang dari atas: provinsi, kabupaten/kota, kecamatan, lalu kelurahan/desa.
error-nik_unknown_district = Enam digit pertama NIK bukan kode kecamatan yang pernah ada. Periksa kembali NIK sesuai kartu identitas.
error-ktp_underage = Menurut tanggal lahir, pemohon belum 16 tahun dan belum menikah, jadi belum memiliki KTP. Pilih KIA, atau centang "Memakai KTP orang tua/wali".
error-sim_underage = SIM baru dapat dimiliki sejak usia 17 tahun. Pilih KIA, atau centang "Memakai KTP orang tua/wali".
error-sim_format = Nomor SIM terdiri dari 12 atau 14 angka, seperti tertulis di kartu SIM.
error-passport_format = Nomor paspor terdiri dari 6 sampai 9 huruf dan angka, misalnya C1234567.
error-nisn_format = Untuk kartu pelajar, isi NISN: 10 angka, seperti tertulis di kartu atau di nisn.data.kemdikbud.go.id.
error-kitas_format = Nomor KITAS/KITAP terdiri dari 6 sampai 20 huruf dan angka, seperti tertulis di kartu izin tinggal.
error-guardian_nik_minor = Menurut NIK ini, pemiliknya belum 17 tahun. Isi NIK dari KTP ayah, ibu atau wali yang sudah dewasa.
error-existing_member = NIK ini sudah terdaftar sebagai anggota perpustakaan. Tidak perlu mendaftar lagi: masuk ke akun anggota di /akun/masuk untuk memperpanjang keanggotaan, atau pakai "Lupa kata sandi" jika lupa kata sandi.
error-identity_already_member = Nomor identitas ini sudah dimiliki anggota lain, jadi pendaftaran ini tidak dapat disetujui. Tolak pendaftaran ini dan arahkan pemohon untuk memperpanjang keanggotaan.
error-findings_changed = Ada temuan baru sejak halaman ini dibuka. Periksa daftar temuan, lalu setujui lagi jika tetap sesuai.

finding-nik_birth_date_mismatch-check = Cocokkan tanggal lahir dengan kartu identitas. Jika kartu sama dengan yang diisi, NIK lama memang tidak diganti Dukcapil: boleh disetujui.
finding-nik_sex_mismatch-check = Cocokkan jenis kelamin dengan kartu identitas dan pas foto. Minta perbaikan jika salah pilih.
finding-duplicate_identity_number-check = Buka pendaftaran lain itu. Jika orangnya sama, proses satu saja dan tolak yang lain.
finding-duplicate_email-check = Bisa jadi anggota keluarga memakai e-mail yang sama. Pastikan nama dan NIK berbeda sebelum menyetujui.
finding-duplicate_phone-check = Bisa jadi anggota keluarga memakai nomor yang sama. Pastikan nama dan NIK berbeda sebelum menyetujui.
finding-duplicate_name_birth_date-check = Bandingkan NIK dan foto. Orang yang sama dengan NIK berbeda perlu dikonfirmasi ke pemohon.
finding-existing_member-check = Jangan setujui: tolak dan arahkan pemohon memperpanjang keanggotaan atau mengatur ulang kata sandi.
finding-emeterai_serial_reused-check = Satu e-Meterai hanya sah untuk satu dokumen. Minta surat pernyataan baru dengan meterai sendiri.

staff-detail-emeterai = Surat pernyataan memuat { $count } tanda tangan elektronik. Nomor seri e-Meterai: { $serials }. RALINE tidak memeriksa keabsahannya: cek nomor seri di layanan verifikasi e-Meterai Peruri.
staff-detail-emeterai-none = Surat pernyataan memuat { $count } tanda tangan elektronik tanpa nomor seri e-Meterai yang terbaca. RALINE tidak memeriksa keabsahannya.
staff-detail-domicile = Domisili

form-region-refresh = Tampilkan pilihan
form-region-refresh-help = Pilih dari atas ke bawah. Setelah memilih, tekan "Tampilkan pilihan" untuk membuka daftar berikutnya.
form-region-choose = Pilih…
form-statement-letter-download = Unduh surat pernyataan yang sudah terisi (PDF)
form-statement-letter-help = Cetak, tempel meterai Rp10.000, tanda tangani di atas meterai, lalu foto atau pindai dan unggah di sini. Surat dengan e-Meterai (PDF) juga diterima.
status-statement-letter-download = Unduh surat pernyataan (PDF)

letter-title = SURAT PERNYATAAN
letter-opening = Yang bertanda tangan di bawah ini:
letter-field-name = Nama
letter-field-nik = NIK
letter-field-birth = Tempat, tanggal lahir
letter-field-address = Alamat
letter-field-phone = Nomor HP
letter-signer = Yang membuat pernyataan,
letter-stamp = Meterai Rp10.000
letter-default-body =
    dengan ini menyatakan bahwa:
    1. Saya berdomisili di luar Kota Mojokerto dan mendaftar sebagai anggota { $library }.
    2. Saya akan menjaga dan mengembalikan bahan pustaka yang saya pinjam tepat waktu dalam keadaan baik.
    3. Saya bersedia mengganti bahan pustaka yang hilang atau rusak sesuai ketentuan perpustakaan.
    4. Data yang saya isi dalam pendaftaran adalah benar.
    Demikian surat pernyataan ini saya buat dengan sebenarnya dan tanpa paksaan dari pihak mana pun.
