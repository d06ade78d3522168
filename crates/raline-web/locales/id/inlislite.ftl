# Staff pages of the hand-over to INLISLite: the overview, import files, the admin's
# mapping with the sync switch, and the INLISLite section of a member's page.

## Navigation and overview

inlislite-nav = INLISLite
inlislite-title = INLISLite
inlislite-intro = Anggota yang sudah disetujui diserahkan ke INLISLite, sistem peminjaman buku, lewat berkas impor atau lewat sinkronisasi langsung ke basis data INLISLite.
inlislite-sync-heading = Sinkronisasi langsung
inlislite-sync-on = Sinkronisasi langsung aktif. Anggota yang disetujui, diperpanjang atau diubah datanya dikirim ke INLISLite secara otomatis.
inlislite-sync-off = Basis data INLISLite sudah dikonfigurasi, tetapi sinkronisasi langsung belum diaktifkan.
inlislite-sync-not-configured = Sinkronisasi langsung tidak dikonfigurasi di server ini, jadi anggota diserahkan lewat berkas impor. Pengelola server dapat mengisi RALINE_INLISLITE_DATABASE_URL untuk memakainya.
inlislite-sync-on-unconfigured = Sinkronisasi langsung diaktifkan, tetapi basis data INLISLite tidak dikonfigurasi di server ini. Anggota menunggu dalam antrean sampai server yang terhubung ke INLISLite mengirimnya.
inlislite-mapping-link = Atur pemetaan dan sinkronisasi
inlislite-counts = Jumlah anggota menurut status sinkronisasi
inlislite-count-synced = Tersinkron
inlislite-count-waiting = Menunggu
inlislite-count-retrying = Sedang dicoba ulang
inlislite-count-failed = Gagal
inlislite-count-never = Belum pernah disinkronkan
inlislite-problems-heading = Anggota yang gagal disinkronkan
inlislite-problems-none = Tidak ada anggota yang gagal disinkronkan.
inlislite-problems-limited = Hanya { $count } anggota terbaru yang ditampilkan.
inlislite-column-member = No. anggota
inlislite-column-state = Status
inlislite-column-reason = Alasan
inlislite-column-last-attempt = Percobaan terakhir
inlislite-column-attempts = Percobaan
inlislite-column-action = Tindakan
inlislite-column-name = Nama
inlislite-column-registered = Tanggal daftar
inlislite-resync = Sinkronkan lagi
inlislite-retry-failed = Coba lagi semua yang gagal
inlislite-retry-failed-help = Tekan setelah penyebab kegagalan diperbaiki, misalnya setelah pemetaan dilengkapi atau data di INLISLite dibetulkan.

## Sync states

inlislite-state-synced = Tersinkron
inlislite-state-pending = Menunggu
inlislite-state-retrying = Dicoba ulang
inlislite-state-failed = Gagal
inlislite-state-never = Belum disinkronkan

## Notices after a button

inlislite-notice-requested = Sinkronisasi anggota ini diminta lagi dan akan dicoba dalam beberapa detik.
inlislite-notice-sync-off = Sinkronisasi langsung tidak aktif, jadi tidak ada anggota yang diantrekan.
inlislite-notice-retried = { $count } anggota yang gagal diantrekan lagi.
inlislite-notice-enabled = Sinkronisasi langsung aktif. { $count } anggota diantrekan untuk dikirim ke INLISLite.
inlislite-notice-disabled = Sinkronisasi langsung dimatikan. Perubahan data anggota tidak lagi dikirim ke INLISLite.
inlislite-notice-mapping-saved = Pemetaan disimpan.

## Reasons of a failed sync, by error code, with what to do

inlislite-error-detail = Keterangan
inlislite-error-invalid_url = Alamat basis data INLISLite di pengaturan tidak valid.
inlislite-error-invalid_url-action = Minta pengelola server memperbaiki RALINE_INLISLITE_DATABASE_URL.
inlislite-error-unreachable = Server basis data INLISLite tidak dapat dihubungi.
inlislite-error-unreachable-action = RALINE mencoba lagi dengan sendirinya. Periksa bahwa server INLISLite menyala jika ini berlangsung lama.
inlislite-error-timed_out = Server basis data INLISLite tidak menjawab dalam batas waktu.
inlislite-error-timed_out-action = RALINE mencoba lagi dengan sendirinya. Periksa beban server INLISLite jika ini berlangsung lama.
inlislite-error-access_denied = Akun basis data INLISLite ditolak.
inlislite-error-access_denied-action = Minta pengelola server memeriksa nama pengguna, kata sandi dan hak akses akun sinkronisasi.
inlislite-error-database = Basis data INLISLite menolak atau gagal menjalankan perintah.
inlislite-error-database-action = Jalankan pemeriksaan di halaman pemetaan. Jika terus gagal, periksa log server MariaDB.
inlislite-error-schema_mismatch = Struktur basis data INLISLite tidak sesuai dengan yang diharapkan RALINE.
inlislite-error-schema_mismatch-action = Pastikan alamat basis data menunjuk ke INLISLite v3, lalu jalankan pemeriksaan di halaman pemetaan.
inlislite-error-missing_mapping = Ada nilai data anggota yang belum dipetakan ke data INLISLite.
inlislite-error-missing_mapping-action = Lengkapi pemetaan. Anggota ini dicoba lagi saat pemetaan disimpan.
inlislite-error-missing_lookup_row = Tabel data INLISLite tidak memiliki baris yang diperlukan.
inlislite-error-missing_lookup_row-action = Tambahkan baris itu di INLISLite, lalu tekan Sinkronkan lagi.
inlislite-error-not_latin1 = Kolom INLISLite tidak dapat menyimpan sebagian huruf data anggota ini.
inlislite-error-not_latin1-action = Ubah set karakter kolom itu ke utf8mb4 di INLISLite atau tulis isiannya dengan huruf Latin, lalu tekan Sinkronkan lagi.
inlislite-error-unsupported_characters = Kolom INLISLite tidak dapat menyimpan sebagian huruf data anggota ini.
inlislite-error-unsupported_characters-action = Ubah set karakter kolom itu ke utf8mb4 di INLISLite, lalu tekan Sinkronkan lagi.
inlislite-error-number_collision = Nomor anggota ini sudah dipakai anggota lain di INLISLite.
inlislite-error-number_collision-action = Periksa kedua anggota, perbaiki data di INLISLite, lalu tekan Sinkronkan lagi.
inlislite-error-identity_in_use = Nomor identitas anggota ini sudah tercatat di INLISLite pada anggota lain.
inlislite-error-identity_in_use-action = Periksa apakah keduanya orang yang sama, gabungkan atau hapus salah satunya di INLISLite, lalu tekan Sinkronkan lagi.
inlislite-error-too_long = Sebuah isian lebih panjang daripada yang diterima INLISLite.
inlislite-error-too_long-action = Perpendek isian itu di data anggota, lalu tekan Sinkronkan lagi.
inlislite-error-photo_write = Pas foto tidak dapat ditulis ke folder foto INLISLite.
inlislite-error-photo_write-action = RALINE mencoba lagi dengan sendirinya. Periksa bahwa folder foto ada dan dapat ditulis.
inlislite-error-member_not_found = Anggota ini tidak ditemukan di INLISLite.
inlislite-error-member_not_found-action = Tekan Sinkronkan lagi agar data anggota dikirim ulang seluruhnya.
inlislite-error-portal_login_disabled = Login portal INLISLite tidak diaktifkan di pengaturan RALINE.
inlislite-error-portal_login_disabled-action = Minta pengelola server mengaktifkan RALINE_INLISLITE_PORTAL_LOGIN jika anggota perlu login di portal INLISLite.
inlislite-error-invalid_password_hash = Kata sandi portal anggota ini tidak dapat dikirim.
inlislite-error-invalid_password_hash-action = Minta anggota mengganti kata sandinya di RALINE.
inlislite-error-raline_store = Data anggota tidak dapat dibaca dari basis data RALINE.
inlislite-error-raline_store-action = RALINE mencoba lagi dengan sendirinya. Laporkan ke pengelola server jika ini berlangsung lama.
inlislite-error-member_gone = Anggota ini tidak ada lagi di RALINE.
inlislite-error-member_gone-action = Tidak perlu tindakan untuk anggota ini.
inlislite-error-other = Sinkronisasi gagal.
inlislite-error-other-action = Baca keterangannya, perbaiki penyebabnya, lalu tekan Sinkronkan lagi.

## Import files

inlislite-export-heading = Berkas impor
inlislite-export-intro = Berkas XLSX ini dibaca menu Keanggotaan → Import di INLISLite. Setelah impor, ekstrak ZIP pas foto ke folder uploaded_files/foto_anggota INLISLite.
inlislite-export-choice = Anggota yang diekspor
inlislite-export-new = Anggota baru (belum pernah diekspor): { $count } anggota
inlislite-export-range = Terdaftar dalam rentang tanggal
inlislite-export-from = Tanggal awal
inlislite-export-to = Tanggal akhir
inlislite-export-range-help = Kedua tanggal ikut dihitung. Anggota yang sudah pernah diekspor ikut lagi.
inlislite-export-submit = Buat berkas impor
inlislite-export-error-selection = Pilih anggota baru atau rentang tanggal pendaftaran.
inlislite-export-error-missing = { $field } wajib diisi untuk rentang tanggal.
inlislite-export-error-date = { $field } tidak valid. Isi tanggal yang ada, misalnya 2022-07-29.
inlislite-export-error-order = Tanggal akhir tidak boleh sebelum tanggal awal.
inlislite-export-empty-new = Tidak ada anggota baru: semua anggota sudah pernah diekspor. Pilih rentang tanggal untuk mengekspor ulang.
inlislite-export-empty-range = Tidak ada anggota yang terdaftar dari { $from } sampai { $to }.
inlislite-exports-heading = Berkas sebelumnya
inlislite-exports-none = Belum ada berkas impor.
inlislite-exports-column-file = Berkas
inlislite-exports-column-created = Dibuat
inlislite-exports-column-by = Oleh
inlislite-exports-column-selection = Pilihan
inlislite-exports-column-count = Jumlah anggota
inlislite-selection-new = Anggota baru
inlislite-selection-range = Terdaftar { $from } sampai { $to }
inlislite-export-title = Berkas impor #{ $number }
inlislite-export-back = Kembali ke INLISLite
inlislite-export-created = Dibuat pada { $date } oleh { $name }.
inlislite-export-download-xlsx = Unduh data anggota (XLSX)
inlislite-export-download-zip = Unduh pas foto (ZIP)
inlislite-export-current-data = Kedua berkas dibuat saat diunduh dari data anggota terkini, jadi perubahan data sejak berkas ini dicatat ikut terbawa.
inlislite-export-members = Anggota dalam berkas ini
inlislite-export-file-empty = Berkas ini tidak memuat anggota, jadi tidak ada yang dapat diunduh.
inlislite-export-no-photos = Tidak ada anggota dalam berkas ini yang memiliki pas foto.
inlislite-export-refused-title = Berkas belum dapat diunduh
inlislite-export-missing-intro = Berkas impor belum dapat dibuat karena nilai berikut belum dipetakan ke nama di INLISLite. Nama yang tidak dikenal INLISLite akan menjadi data baru saat impor, jadi RALINE tidak menebaknya.
inlislite-export-missing-fix = Lengkapi pemetaan
inlislite-export-missing-admin = Minta admin melengkapi pemetaan INLISLite.
inlislite-export-duplicate-photo = Anggota { $from } dan { $to } mendapat nama berkas pas foto yang sama ({ $name }), sehingga foto yang satu menimpa yang lain. Ubah salah satu nomor anggota, lalu unduh lagi.
inlislite-export-back-to-file = Kembali ke berkas impor

## Mapping and the switch (admin)

inlislite-mapping-title = Pemetaan INLISLite
inlislite-mapping-intro = Tentukan data INLISLite yang sesuai untuk setiap nilai RALINE. Berkas impor memakai nama data ini dan sinkronisasi langsung memakai nomornya. Nilai yang dipakai anggota wajib dipetakan.
inlislite-mapping-intro-names = Basis data INLISLite tidak dikonfigurasi, jadi tulis nama setiap nilai persis seperti di INLISLite, termasuk huruf besar, spasi dan tanda baca. Kosongkan untuk menghapus pemetaan.
inlislite-mapping-intro-rows = Pilihan dibaca dari basis data INLISLite. Pilihan bertanda saran dicocokkan menurut nama dan baru berlaku setelah disimpan.
inlislite-mapping-unreachable = Basis data INLISLite tidak dapat dihubungi, jadi pemetaan tersimpan hanya ditampilkan dan belum dapat diubah. Coba lagi nanti.
inlislite-category-identity_type = Jenis identitas
inlislite-category-member_type = Jenis anggota
inlislite-category-occupation = Pekerjaan
inlislite-category-education = Pendidikan terakhir
inlislite-category-religion = Agama
inlislite-category-marital_status = Status perkawinan
inlislite-mapping-column-value = Nilai RALINE
inlislite-mapping-column-used = Dipakai anggota
inlislite-mapping-column-row = Data INLISLite
inlislite-mapping-used = dipakai
inlislite-mapping-unused = tidak
inlislite-mapping-gap = belum dipetakan
inlislite-mapping-not-offered = tidak ada lagi di formulir
inlislite-mapping-choose = — belum dipilih —
inlislite-mapping-suggested = Saran menurut nama. Periksa, lalu simpan.
inlislite-mapping-saved-gone = Data INLISLite #{ $number } ({ $name }) yang tersimpan sudah tidak ada. Pilih data lain.
inlislite-mapping-none = —
inlislite-mapping-save = Simpan pemetaan
inlislite-mapping-errors = Pemetaan belum disimpan. Perbaiki baris yang ditandai.
inlislite-mapping-error-unknown-row = Data INLISLite yang dipilih tidak ada. Muat ulang halaman, lalu pilih lagi.
inlislite-mapping-error-too-long = Nama paling panjang { $max } karakter.
inlislite-mapping-error-invalid = Nama tidak boleh memuat baris baru atau karakter kendali.
inlislite-mapping-save-unreachable = Pemetaan tidak disimpan karena basis data INLISLite tidak dapat dihubungi. Coba lagi nanti.
inlislite-switch-heading = Sinkronisasi langsung
inlislite-switch-on-state = Sinkronisasi langsung sedang aktif.
inlislite-switch-off-state = Sinkronisasi langsung tidak aktif.
inlislite-switch-on = Aktifkan sinkronisasi langsung
inlislite-switch-on-help = Saat diaktifkan, semua anggota yang belum pernah disinkronkan diantrekan, lalu setiap persetujuan, perpanjangan dan perubahan data dikirim ke INLISLite. RALINE memeriksa pemetaan dan basis data INLISLite lebih dulu.
inlislite-switch-off = Matikan
inlislite-switch-not-configured-help = Basis data INLISLite tidak dikonfigurasi di server ini, jadi sinkronisasi langsung belum dapat diaktifkan.
inlislite-switch-refused = Sinkronisasi langsung belum diaktifkan karena:
inlislite-switch-not-configured = Basis data INLISLite tidak dikonfigurasi di server ini (RALINE_INLISLITE_DATABASE_URL).
inlislite-switch-unreachable = Basis data INLISLite tidak dapat dihubungi.
inlislite-switch-gaps = Nilai berikut dipakai anggota tetapi belum dipetakan:
inlislite-switch-problems = Pemeriksaan basis data INLISLite menemukan masalah berikut:

## Section on a member's page

inlislite-member-heading = INLISLite
inlislite-member-synced = Tersinkron pada { $date }. ID anggota di INLISLite: { $number }.
inlislite-member-synced-no-id = Tersinkron pada { $date }.
inlislite-member-pending-first = Menunggu sinkronisasi ke INLISLite; percobaan pertama segera dilakukan.
inlislite-member-pending = Menunggu sinkronisasi ke INLISLite: sudah dicoba { $count } kali, percobaan berikutnya { $date }.
inlislite-member-pending-due = Menunggu sinkronisasi ke INLISLite: sudah dicoba { $count } kali, percobaan berikutnya segera dilakukan.
inlislite-member-failed = Sinkronisasi berhenti pada { $date } setelah { $count } kali dicoba dan menunggu tindakan petugas.
inlislite-member-last-error = Percobaan terakhir gagal
inlislite-member-todo = Yang perlu dilakukan
inlislite-member-never-on = Belum disinkronkan. Tekan Sinkronkan lagi untuk mengirim anggota ini ke INLISLite.
inlislite-member-never-off = Belum disinkronkan karena sinkronisasi langsung tidak aktif.
inlislite-member-sync-off = Sinkronisasi langsung tidak aktif, jadi perubahan berikutnya tidak dikirim ke INLISLite.
inlislite-member-exported = Sudah diekspor:
inlislite-member-export-file = berkas #{ $number }
inlislite-member-not-exported = Belum pernah masuk berkas impor.

error-member_numbers_exhausted = Nomor anggota untuk periode ini sudah habis, jadi pendaftaran belum dapat disetujui. Minta admin memeriksa skema penomoran (member_number_scheme dan member_number_prefix) atau nomor tertinggi di INLISLite, lalu setujui lagi.

inlislite-export-outside-latin1 = { $count } anggota memuat huruf di luar Latin-1 (ditandai di bawah). Bila tabel anggota INLISLite memakai set karakter latin1, impor menuliskan huruf itu sebagai "?": ubah tabelnya ke utf8mb4 lebih dulu, atau perbaiki datanya di INLISLite sesudah impor.
inlislite-export-latin1-badge = di luar Latin-1
inlislite-member-renumbered = Sebelumnya anggota ini bernomor { $number } di INLISLite; kartu lama dengan nomor itu tidak terbaca lagi di meja pinjam.
