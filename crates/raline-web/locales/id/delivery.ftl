## Default WhatsApp texts. Variables in braces ({ $name } and so on) become {nama} and the
## like in the admin's editor.

whatsapp-card-issued =
    Yth. { $name },
    pendaftaran anggota { $library } telah disetujui.
    Nomor anggota: { $number }
    Berlaku hingga: { $date }
    Kartu anggota terlampir dalam bentuk PDF; unduh juga di { $card_url }.
    Kartu cetak dapat diambil di perpustakaan dengan menunjukkan kartu identitas asli.
whatsapp-renewal-approved =
    Yth. { $name },
    perpanjangan keanggotaan { $library } telah disetujui.
    Nomor anggota: { $number }
    Berlaku hingga: { $date }
    Kartu dengan masa berlaku baru terlampir; unduh juga di { $card_url }.
whatsapp-correction-requested =
    Yth. { $name },
    pendaftaran { $registration } di { $library } perlu diperbaiki: { $reason }
    Perbaiki di { $status_url }
whatsapp-rejected =
    Yth. { $name },
    mohon maaf, pendaftaran { $registration } di { $library } ditolak: { $reason }
    Jika ada pertanyaan, hubungi perpustakaan.
whatsapp-email-verification =
    Yth. { $name }, buka tautan verifikasi e-mail yang kami kirim ke alamat e-mail Anda.
whatsapp-password-reset =
    Yth. { $name }, tautan kata sandi baru telah dikirim ke alamat e-mail Anda.
whatsapp-renewal-reminder =
    Yth. { $name },
    kartu anggota { $library } nomor { $number } berlaku hingga { $date }.
    Perpanjang secara daring di { $url }
whatsapp-renewal-rejected =
    Yth. { $name },
    mohon maaf, perpanjangan kartu anggota { $number } ditolak: { $reason }
    Jika ada pertanyaan, hubungi perpustakaan.
whatsapp-renewal-correction-requested =
    Yth. { $name },
    perpanjangan kartu anggota { $number } perlu diperbaiki: { $reason }
    Kirim perbaikannya di { $url }

## Variables of message texts, as the editor lists them.

template-variable-nama = nama penerima (anggota atau pemohon)
template-variable-nomor_anggota = nomor anggota
template-variable-nomor_pendaftaran = nomor pendaftaran
template-variable-jenis_anggota = jenis keanggotaan
template-variable-berlaku_sampai = tanggal akhir masa berlaku kartu
template-variable-tautan_kartu = tautan unduh kartu PDF (ditandatangani, berlaku terbatas)
template-variable-tautan_status = tautan status pendaftaran
template-variable-tautan = tautan tindakan: verifikasi e-mail, kata sandi baru, atau perpanjangan
template-variable-alasan = alasan dari petugas (penolakan atau perbaikan)
template-variable-perpustakaan = nama perpustakaan
template-sample-type = Umum
template-sample-reason = Foto KTP kurang jelas, mohon unggah ulang.

## Message kinds and channels.

outbox-kind-card_issued = Kartu anggota terbit
outbox-kind-correction_requested = Permintaan perbaikan pendaftaran
outbox-kind-rejected = Pendaftaran ditolak
outbox-kind-email_verification = Verifikasi e-mail
outbox-kind-password_reset = Atur ulang kata sandi
outbox-kind-renewal_reminder = Pengingat perpanjangan
outbox-kind-renewal_approved = Perpanjangan disetujui
outbox-kind-renewal_rejected = Perpanjangan ditolak
outbox-kind-renewal_correction_requested = Permintaan perbaikan perpanjangan
outbox-channel-email = E-mail
outbox-channel-whatsapp = WhatsApp
outbox-state-queued = Dalam antrean
outbox-state-sending = Sedang dikirim
outbox-state-sent = Terkirim
outbox-state-delivered = Diterima
outbox-state-read = Dibaca
outbox-state-failed = Gagal

## Delivery on staff pages.

delivery-heading = Pesan terkirim
delivery-none = Belum ada pesan.
delivery-column-message = Pesan
delivery-column-channel = Saluran
delivery-column-created = Dibuat
delivery-column-state = Status
delivery-column-detail = Keterangan
delivery-attempts = { $count } kali dicoba
delivery-resend = Kirim ulang
delivery-resent = Pesan dimasukkan lagi ke antrean pengiriman.
delivery-resend-of = kiriman ulang pesan #{ $number }
delivery-not-resendable = Pesan ini berisi tautan sekali pakai dan tidak dapat dikirim ulang. Minta anggota meminta tautan baru dari halaman masuk.
delivery-still-queued = Pesan ini masih menunggu dikirim; tidak perlu dikirim ulang.
delivery-failures-24h = { $count ->
    [0] Tidak ada pesan gagal dalam 24 jam terakhir.
    *[other] { $count } pesan gagal dalam 24 jam terakhir.
}
delivery-failures-link = Lihat pesan gagal
delivery-failures-heading = Pesan gagal dalam 24 jam terakhir
delivery-opted-out = Anggota memilih tidak menerima WhatsApp; pesan hanya dikirim lewat e-mail.
delivery-whatsapp-button = Kirim lewat WhatsApp
delivery-whatsapp-button-help = Membuka WhatsApp dengan pesan dan tautan kartu yang berlaku { $hours } jam, untuk dikirim sendiri oleh petugas.
delivery-whatsapp-no-phone = Nomor WhatsApp tidak tersedia.
delivery-whatsapp-manual =
    Yth. { $name },
    kartu anggota { $library } nomor { $number } berlaku hingga { $date }.
    Unduh kartu: { $card_url }

## Opt-out on forms.

field-whatsapp_opt_out = Jangan kirim pemberitahuan lewat WhatsApp, cukup e-mail
field-whatsapp_opt_out-help = Tanpa centang, kartu dan pemberitahuan dikirim ke WhatsApp dan e-mail.

## Signed card links.

card-link-invalid-title = Tautan kartu tidak berlaku
card-link-invalid = Tautan kartu ini tidak dikenal atau sudah kedaluwarsa. Masuk ke akun anggota untuk mengunduh kartu, atau minta petugas mengirim ulang.

## Message text editor (admin).

templates-title = Teks pesan
templates-intro = Ubah teks e-mail dan WhatsApp yang dikirim kepada pemohon dan anggota. Tulis variabel di antara kurung kurawal, misalnya {"{"}nama{"}"}. Tulis {"{{"} atau {"}}"} untuk kurung kurawal biasa.
templates-column-kind = Pesan
templates-column-customised = Diubah
templates-customised = diubah oleh { $name }
templates-default = bawaan
templates-edit = Ubah
templates-variables = Variabel yang tersedia
templates-subject = Subjek e-mail
templates-body = Isi pesan
templates-preview = Pratinjau
templates-preview-note = Pratinjau memakai data contoh.
templates-save = Simpan
templates-reset = Kembalikan ke teks bawaan
templates-saved = Teks pesan disimpan. Pesan berikutnya memakai teks ini.
templates-reset-done = Teks bawaan dipakai lagi.
templates-locale = Bahasa
templates-error-unknown = Variabel {"{"}{ $name }{"}"} tidak dikenal. Pakai salah satu variabel dalam daftar.
templates-error-unclosed = Kurung kurawal pada karakter ke-{ $number } tidak ditutup. Tambahkan {"}"} atau tulis {"{{"} untuk kurung kurawal biasa.
templates-error-stray-close = Kurung tutup pada karakter ke-{ $number } tidak punya pasangan. Hapus atau tulis {"}}"}.
templates-error-unavailable = Variabel {"{"}{ $name }{"}"} tidak tersedia untuk pesan ini. Pakai salah satu variabel dalam daftar.
templates-error-empty = { $field } tidak boleh kosong.
templates-error-too-long = { $field } terlalu panjang: paling banyak { $max } karakter.

## Delivery table, failed messages and the text editor on staff pages.

delivery-column-action = Tindakan
delivery-column-application = Pendaftaran
delivery-open-application = Buka pendaftaran
delivery-provider = lewat { $name }
delivery-failures-limited = Hanya { $count } pesan terbaru yang ditampilkan.
templates-locale-id = Bahasa Indonesia
templates-locale-en = Bahasa Inggris
templates-back = Kembali ke daftar teks pesan
templates-length-help = Paling banyak { $max } karakter.
templates-preview-unavailable = Pratinjau muncul lagi setelah kesalahan pada teks diperbaiki.

## Failure reasons in the delivery table. The worker's technical text follows each one.

delivery-failure-outcome-unknown = Hasil pengiriman tidak diketahui: penyedia tidak memberi jawaban yang jelas, misalnya karena waktu habis. Penyedia mungkin sudah menerima pesan, jadi pesan tidak dikirim ulang otomatis. Tanyakan kepada penerima, lalu pakai "Kirim ulang" bila pesan belum sampai.
delivery-failure-opted-out = Penerima memilih tidak menerima WhatsApp setelah pesan masuk antrean.
delivery-failure-no-phone = Penerima tidak punya nomor telepon.
delivery-failure-whatsapp-not-configured = WhatsApp belum diatur di server yang mengirim pesan ini. Minta pengelola sistem mengatur WhatsApp, lalu kirim ulang.
delivery-failure-not-composable = Pesan tidak dapat disusun, misalnya karena kartu atau tautan kartu tidak dapat dibuat atau data pendaftaran tidak ditemukan.
delivery-failure-provider = Penyedia menolak atau gagal mengirim pesan.
