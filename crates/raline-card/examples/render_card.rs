//! Renders a sample member card for looking at the layout.
//!
//! Usage: `cargo run -p raline-card --example render_card -- OUT.pdf [PHOTO.jpg] [NAME] [LOGO.png]`
//!
//! Without a photo, the synthetic test fixture is used.

use std::process::ExitCode;

use raline_card::{CardLabels, CardLibrary, CardMember, CardRenderer};

const FIXTURE_PHOTO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/photo-synthetic.jpg"
);

const RULES: &str = "1. Kartu ini wajib dibawa setiap kali berkunjung dan meminjam koleksi perpustakaan.\n\
2. Kartu anggota tidak boleh dipindahtangankan kepada orang lain.\n\
3. Keterlambatan pengembalian koleksi dikenakan sanksi sesuai peraturan yang berlaku.\n\
4. Kehilangan kartu wajib segera dilaporkan kepada petugas perpustakaan.\n\
5. Apabila menemukan kartu ini, mohon dikembalikan ke alamat di atas.";

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let Some(output) = arguments.first() else {
        eprintln!("usage: render_card OUT.pdf [PHOTO.jpg] [NAME] [LOGO.png]");
        return ExitCode::FAILURE;
    };
    let photo_path = arguments.get(1).map_or(FIXTURE_PHOTO, String::as_str);
    let name = arguments.get(2).map_or("Nguyễn Thị Hằng", String::as_str);
    let logo = match arguments.get(3).map(std::fs::read).transpose() {
        Ok(logo) => logo,
        Err(error) => {
            eprintln!("cannot read logo: {error}");
            return ExitCode::FAILURE;
        }
    };

    let photo = match std::fs::read(photo_path) {
        Ok(photo) => photo,
        Err(error) => {
            eprintln!("cannot read photo {photo_path}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let library = CardLibrary {
        name: "Dinas Perpustakaan dan Kearsipan Kota Mojokerto".into(),
        address: "Jl. Gajah Mada No. 100, Kota Mojokerto, Jawa Timur 61315".into(),
        logo,
        rules_text: RULES.into(),
    };
    let member = CardMember {
        full_name: name,
        member_number: "26120400001",
        member_type: "Umum",
        valid_until: "29 Juli 2027",
        photo_jpeg: &photo,
        qr_payload: "https://perpustakaan.mojokertokota.go.id/anggota/26120400001",
        labels: CardLabels::INDONESIAN,
    };

    let pdf = CardRenderer::new(&library).and_then(|renderer| renderer.render(&member));
    match pdf {
        Ok(pdf) => match std::fs::write(output, pdf) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("cannot write {output}: {error}");
                ExitCode::FAILURE
            }
        },
        Err(error) => {
            eprintln!("rendering failed: {error}");
            ExitCode::FAILURE
        }
    }
}
