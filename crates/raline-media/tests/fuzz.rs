//! Feeds truncated, mutated and random inputs to both entry points. Each call must return
//! `Ok` or `Err`: a panic fails the test, and a stack overflow or abort kills it.
//!
//! The inputs come from a fixed-seed generator, so a failure reproduces on every run.

mod common;

use common::{fixture, shared};
use raline_media::{
    CARD_PHOTO_HEIGHT, CARD_PHOTO_WIDTH, PHOTO_MAX_SIDE, UploadLimits, process_document,
    process_photo,
};

/// Own fixtures, fuzzed in full.
const FIXTURES: &[&str] = &[
    "portrait.jpg",
    "portrait-progressive.jpg",
    "portrait-cmyk.jpg",
    "portrait-gray.jpg",
    "portrait.webp",
    "portrait-alpha.png",
    "tiny-60x80.jpg",
    "sideways-exif6-gps.jpg",
    "bomb-40000x40000.png",
    "letter.pdf",
    "letter-2-pages.pdf",
    "letter-javascript.pdf",
    "letter-embedded-file.pdf",
    "letter-object-streams.pdf",
    "letter-object-streams-javascript.pdf",
];

/// Shared files, fuzzed with fewer cases because each decode of a full photo is slow in
/// unoptimised test builds. The 12-megapixel phone photo is left out for the same reason.
const SHARED_FILES: &[&str] = &[
    "photo-formal.jpg",
    "photo-cmyk.jpg",
    "photo-progressive.jpg",
    "photo-grayscale.jpg",
    "photo.webp",
    "photo-too-small.jpg",
    "ktp-sample.jpg",
    "surat-pernyataan.jpg",
    "surat-pernyataan.pdf",
    "bad/truncated.jpg",
    "bad/decompression-bomb.png",
];

/// xorshift64*: small, fixed-seed and good enough to pick positions and bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }

    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
}

/// Runs both entry points and checks the invariants of any accepted result.
fn run(label: &str, bytes: &[u8]) {
    let limits = UploadLimits::default();
    if let Ok(photo) = process_photo(bytes, &limits) {
        assert!(photo.width.max(photo.height) <= PHOTO_MAX_SIDE, "{label}");
        assert!(photo.jpeg.starts_with(&[0xFF, 0xD8]), "{label}");
        let card = image::load_from_memory(&photo.card_jpeg).expect("card decodes");
        assert_eq!(
            (card.width(), card.height()),
            (CARD_PHOTO_WIDTH, CARD_PHOTO_HEIGHT)
        );
    }
    if let Ok(document) = process_document(bytes, &limits) {
        assert!(!document.bytes.is_empty(), "{label}");
    }
}

/// Feeds prefixes of `bytes`: every length up to 64, where headers are cut, then `cuts`
/// evenly spaced lengths.
fn truncations(name: &str, bytes: &[u8], cuts: usize) {
    for len in 0..bytes.len().min(64) {
        run(&format!("{name} cut at {len}"), &bytes[..len]);
    }
    for step in 1..cuts {
        let len = bytes.len() * step / cuts;
        run(&format!("{name} cut at {len}"), &bytes[..len]);
    }
}

/// Feeds `copies` copies of `bytes` with 1 to 16 bytes overwritten. Half of the changes fall
/// in the first 256 bytes, where headers, dimensions and segment lengths live.
fn mutations(name: &str, bytes: &[u8], copies: usize, rng: &mut Rng) {
    for copy in 0..copies {
        let mut mutated = bytes.to_vec();
        for _ in 0..=rng.below(16) {
            let range = if rng.below(2) == 0 {
                mutated.len().min(256)
            } else {
                mutated.len()
            };
            let pos = rng.below(range);
            mutated[pos] = rng.byte();
        }
        run(&format!("{name} mutation {copy}"), &mutated);
    }
}

#[test]
fn own_fixtures_survive_damage() {
    let mut rng = Rng(0x5EED_0001);
    for name in FIXTURES {
        let bytes = fixture(name);
        truncations(name, &bytes, 24);
        mutations(name, &bytes, 12, &mut rng);
    }
}

#[test]
fn shared_files_survive_damage() {
    let mut rng = Rng(0x5EED_0002);
    for name in SHARED_FILES {
        let Some(bytes) = shared(name) else { return };
        truncations(name, &bytes, 6);
        mutations(name, &bytes, 4, &mut rng);
    }
}

#[test]
fn random_bytes_after_magic_survive() {
    let mut rng = Rng(0x5EED_0003);
    let magics: [&[u8]; 5] = [
        b"\xFF\xD8\xFF",
        b"\x89PNG\r\n\x1a\n",
        b"RIFF\x00\x10\x00\x00WEBPVP8 ",
        b"%PDF-1.7\n",
        b"",
    ];
    for magic in magics {
        for round in 0..32 {
            let mut bytes = magic.to_vec();
            let len = rng.below(4096);
            bytes.extend((0..len).map(|_| rng.byte()));
            run(&format!("random {round} after {magic:?}"), &bytes);
        }
    }
}

#[test]
fn pdf_syntax_soup_survives() {
    // Random sequences of PDF tokens reach deeper into the parser than random bytes.
    let tokens: [&[u8]; 16] = [
        b"<<",
        b">>",
        b"[",
        b"]",
        b"(",
        b")",
        b"/JS",
        b"/Type",
        b"/ObjStm",
        b" 1 0 obj ",
        b" endobj ",
        b" stream\n",
        b"\nendstream ",
        b" 3 0 R ",
        b"/Filter /FlateDecode ",
        b"\ntrailer ",
    ];
    let mut rng = Rng(0x5EED_0004);
    for round in 0..200 {
        let mut bytes = b"%PDF-1.7\n".to_vec();
        for _ in 0..rng.below(400) {
            bytes.extend_from_slice(tokens[rng.below(tokens.len())]);
        }
        bytes.extend_from_slice(b"\nstartxref\n9\n%%EOF\n");
        run(&format!("token soup {round}"), &bytes);
    }
}
