# Staff pages for renewals, members at the desk and identity corrections.

## Navigation

staff-nav-renewals = Perpanjangan
staff-nav-members = Anggota
staff-nav-corrections = Koreksi data

## Renewal queue and detail page

staff-renewals-title = Antrean Perpanjangan
staff-renewals-empty = Tidak ada perpanjangan pada daftar ini.
staff-renewals-member-number = No. anggota
staff-renewals-current-end = Berlaku hingga
staff-renewals-channel = Cara pengajuan
staff-renewals-channel-online = Online
staff-renewals-channel-desk = Loket
staff-renewals-files = Berkas
staff-renewals-detail-title = Perpanjangan { $number }
staff-renewals-back = Kembali ke antrean perpanjangan
staff-renewals-member = Data anggota
staff-renewals-renewal = Perpanjangan
staff-renewals-term = Masa perpanjangan
staff-renewals-term-days = { $count } hari
staff-renewals-term-months = { $count } bulan
staff-renewals-term-years = { $count } tahun
staff-renewals-new-end-today = Berlaku hingga jika disetujui hari ini
staff-renewals-fee = Biaya
staff-renewals-fee-none = Tanpa biaya
staff-renewals-paid = sudah dibayar
staff-renewals-unpaid = belum dibayar
staff-renewals-paid-label = Biaya { $number } sudah dibayar
staff-renewals-current-photo = Pas foto saat ini
staff-renewals-no-photo = tidak ada
staff-renewals-no-files = Tidak ada berkas yang dikirim dengan perpanjangan ini.
staff-renewals-correction-open = Anggota ini mengajukan koreksi data identitas yang belum diputuskan. Putuskan koreksi itu lebih dulu agar kartu baru memuat data yang benar.
staff-renewals-correction-link = Buka permintaan koreksi data
staff-renewals-decided = Diputuskan oleh { $name } pada { $date }.
staff-renewals-decided-automatic = Disetujui otomatis pada { $date }.
staff-renewals-automatic = otomatis
staff-renewals-end-moved = Masa berlaku
staff-renewals-reason-help = Alasan dikirim kepada anggota lewat e-mail. Wajib untuk penolakan dan permintaan perbaikan.
staff-renewals-approve = Setujui Perpanjangan
staff-renewals-already-decided = Perpanjangan ini sudah diputuskan sebelumnya, jadi keputusan Anda tidak disimpan dan masa berlaku tidak diubah lagi.
staff-renewals-history = Riwayat perpanjangan
staff-renewals-messages = Pesan kepada anggota
staff-renewals-submitted = Diajukan
staff-renewals-status = Status
staff-renewals-decided-by = Diputuskan oleh

## Renewal refusals at the desk

staff-renewals-already-open = Anggota ini sudah mengajukan perpanjangan yang belum selesai. Putuskan perpanjangan itu, jangan membuat yang baru.
staff-renewals-too-late = Masa perpanjangan kartu ini sudah berakhir pada { $date }. Anggota perlu mendaftar ulang sebagai anggota baru lewat formulir pendaftaran.

## Members at the desk

staff-members-title = Cari Anggota
staff-members-search-label = Nomor anggota atau alamat e-mail
staff-members-search-help = Ketik nomor anggota lengkap atau alamat e-mail lengkap anggota.
staff-members-search-button = Cari
staff-members-several = { $count } anggota memakai alamat e-mail ini. Pilih salah satu.
staff-members-not-found = Tidak ada anggota dengan nomor atau alamat e-mail itu. Periksa ketikannya, atau minta kartu anggota.
staff-members-member-title = Anggota { $number }
staff-members-back = Kembali ke pencarian anggota
staff-members-registered-on = Terdaftar sejak
staff-members-active = aktif
staff-members-expired = sudah berakhir
staff-members-window = Perpanjangan
staff-members-window-opens = Dapat diperpanjang mulai
staff-members-window-closes = Dapat diperpanjang sampai
staff-members-type-missing = Jenis anggota ini tidak lagi ada di pengaturan perpustakaan, jadi keanggotaannya tidak dapat diperpanjang. Hubungi admin.
staff-members-open-renewal = Anggota ini punya perpanjangan yang belum diputuskan.
staff-members-open-renewal-link = Buka perpanjangan yang belum diputuskan
staff-members-desk-help = Perpanjangan di loket langsung disetujui atas nama Anda. Periksa kartu identitas anggota lebih dulu.
staff-members-desk-renew = Perpanjang Sekarang
staff-members-renewed = Keanggotaan diperpanjang hingga { $date }.
staff-members-print-card = Cetak kartu baru (PDF)
staff-members-already-renewed = Formulir ini sudah dikirim sebelumnya dan perpanjangannya sudah tercatat. Lihat riwayat perpanjangan di bawah.
staff-members-no-history = Belum pernah diperpanjang.

## Identity corrections

staff-corrections-title = Koreksi Data Identitas
staff-corrections-empty = Tidak ada permintaan koreksi data yang menunggu keputusan.
staff-corrections-new-name = Nama baru
staff-corrections-new-nik = NIK baru
staff-corrections-new-birth-date = Tanggal lahir baru
staff-corrections-unchanged = tidak diubah
staff-corrections-now = sekarang { $number }
staff-corrections-member-reason = Alasan anggota
staff-corrections-reason-help = Wajib jika menolak. Cocokkan data baru dengan kartu identitas asli sebelum menyetujui.
staff-corrections-approve = Setujui Koreksi
staff-corrections-approved = Koreksi disetujui. Data anggota sudah diperbarui; cetak kartu baru jika nama berubah.
staff-corrections-rejected = Permintaan koreksi ditolak.
staff-corrections-member-link = Buka anggota { $number }
staff-corrections-already-decided = Permintaan koreksi ini sudah diputuskan atau tidak ada lagi.
staff-corrections-identity-taken = NIK baru itu sudah dimiliki anggota lain, jadi koreksi ini tidak dapat disetujui. Tolak permintaan ini dan minta anggota menghubungi perpustakaan.
