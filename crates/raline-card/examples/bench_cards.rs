//! Measures card rendering throughput on one thread.
//!
//! Usage: `cargo run --release -p raline-card --example bench_cards [COUNT]`
//!
//! Prints the one-time set-up cost (font parsing, logo and back page) separately from the
//! per-card cost. Names cycle through Latin, Vietnamese, CJK and a 70-character name, so font
//! fallback and wrapping are part of the measurement.

use std::time::Instant;

use raline_card::{CardLabels, CardLibrary, CardMember, CardRenderer};

const PHOTO: &[u8] = include_bytes!("../tests/fixtures/photo-synthetic.jpg");
const LOGO: &[u8] = include_bytes!("../tests/fixtures/logo-synthetic.png");

const NAMES: [&str; 4] = [
    "Siti Nurhaliza",
    "Nguyễn Thị Hằng",
    "李娜",
    "Raden Mas Muhammad Abdurrahman Wahyu Kusumaningrat Hadiningrat Santosa",
];

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|argument| argument.parse().ok())
        .unwrap_or(2000);

    let library = CardLibrary {
        name: "Dinas Perpustakaan dan Kearsipan Kota Mojokerto".into(),
        address: "Jl. Gajah Mada No. 100, Kota Mojokerto".into(),
        logo: Some(LOGO.to_vec()),
        rules_text: "1. Kartu ini wajib dibawa setiap kali meminjam koleksi.\n\
                     2. Kartu tidak boleh dipindahtangankan."
            .into(),
    };

    // The first renderer also parses the built-in fonts, which are then kept for the process.
    let first_setup = Instant::now();
    let renderer = new_renderer(&library);
    let first_setup = first_setup.elapsed();
    let second_setup = Instant::now();
    drop(new_renderer(&library));
    let second_setup = second_setup.elapsed();

    let numbers: Vec<String> = (0..count).map(|i| format!("261204{i:05}")).collect();
    let start = Instant::now();
    let mut bytes = 0;
    for (i, number) in numbers.iter().enumerate() {
        let member = CardMember {
            full_name: NAMES[i % NAMES.len()],
            member_number: number,
            member_type: "Umum",
            valid_until: "29 Juli 2027",
            photo_jpeg: PHOTO,
            qr_payload: &format!("https://perpustakaan.mojokertokota.go.id/anggota/{number}"),
            labels: CardLabels::INDONESIAN,
        };
        match renderer.render(&member) {
            Ok(pdf) => bytes += pdf.len(),
            Err(error) => {
                eprintln!("card {i} failed: {error}");
                std::process::exit(1);
            }
        }
    }
    let elapsed = start.elapsed();

    println!(
        "first renderer (parses fonts, logo, back page): {:.1} ms, second renderer (fonts already parsed): {:.1} ms",
        first_setup.as_secs_f64() * 1e3,
        second_setup.as_secs_f64() * 1e3,
    );
    println!(
        "{count} cards in {:.2} s: {:.0} cards/s on one thread, {:.0} µs per card, {:.1} KB per PDF on average",
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / count as f64,
        bytes as f64 / count as f64 / 1024.0,
    );
}

fn new_renderer(library: &CardLibrary) -> CardRenderer {
    match CardRenderer::new(library) {
        Ok(renderer) => renderer,
        Err(error) => {
            eprintln!("renderer set-up failed: {error}");
            std::process::exit(1);
        }
    }
}
