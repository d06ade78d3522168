//! Helpers shared by the integration tests: sample inputs and wrappers around poppler-utils
//! (`pdftoppm`, `pdftotext`) and zbar-tools (`zbarimg`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use raline_card::{CardLabels, CardLibrary, CardMember};

pub const MEMBER_NUMBER: &str = "26120400001";
pub const QR_PAYLOAD: &str = "https://perpustakaan.mojokertokota.go.id/anggota/26120400001";

pub const RULES: &str = "1. Kartu ini wajib dibawa setiap kali meminjam koleksi.\n\
    2. Kartu tidak boleh dipindahtangankan.\n\
    3. Kehilangan kartu segera laporkan kepada petugas.";

/// Names that stress the layout: diacritics, apostrophes, CJK, titles and a 70-character name.
pub const NAMES: [&str; 7] = [
    "Nguyễn Thị Hằng",
    "Ma'ruf",
    "Nur'aini",
    "李娜",
    "Prof. Dr. Sri Hartini, S.H., M.Hum.",
    "Raden Mas Muhammad Abdurrahman Wahyu Kusumaningrat Hadiningrat Santosa",
    "Siti",
];

pub fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path)
        .unwrap_or_else(|error| panic!("failed to read {}: {error}", path.display()))
}

/// Reads the formal test photo (900 × 1200 px) from the shared test data folder next to the
/// repository, or returns `None` if that folder is absent.
pub fn formal_photo() -> Option<Vec<u8>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/testdata/files/photo-formal.jpg");
    std::fs::read(path).ok()
}

pub fn library(logo: Option<Vec<u8>>) -> CardLibrary {
    CardLibrary {
        name: "Dinas Perpustakaan dan Kearsipan Kota Mojokerto".into(),
        address: "Jl. Gajah Mada No. 100, Kota Mojokerto".into(),
        logo,
        rules_text: RULES.into(),
    }
}

pub fn member<'a>(full_name: &'a str, member_number: &'a str, photo: &'a [u8]) -> CardMember<'a> {
    CardMember {
        full_name,
        member_number,
        member_type: "Umum",
        valid_until: "29 Juli 2027",
        photo_jpeg: photo,
        qr_payload: QR_PAYLOAD,
        labels: CardLabels::INDONESIAN,
    }
}

/// Returns the path of an external tool, or fails the test with an install hint. Tests
/// that need the tool must not pass silently without it.
pub fn require_tool(name: &str, package: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|path| path.is_file())
    });
    found.unwrap_or_else(|| {
        panic!("`{name}` is required by this test but was not found on PATH. Install the Debian package {package}.")
    })
}

/// Writes `pdf` to a temporary folder and returns the folder and the file path.
pub fn write_pdf(pdf: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("create temporary folder");
    let path = dir.path().join("card.pdf");
    std::fs::write(&path, pdf).expect("write PDF");
    (dir, path)
}

/// Rasterises one page (1-based) at 300 dpi with `pdftoppm` and returns the PNG path.
pub fn rasterize(dir: &Path, pdf: &Path, page: u32) -> PathBuf {
    let pdftoppm = require_tool("pdftoppm", "poppler-utils");
    let prefix = dir.join(format!("page{page}"));
    let page = page.to_string();
    let output = Command::new(pdftoppm)
        .args(["-r", "300", "-png", "-singlefile", "-f", &page, "-l", &page])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .expect("run pdftoppm");
    assert!(
        output.status.success(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    prefix.with_extension("png")
}

/// Decodes every barcode in `png` with `zbarimg` and returns one `SYMBOLOGY:data` string per
/// symbol, such as `CODE-39:26120400001`.
pub fn decode_symbols(png: &Path) -> Vec<String> {
    let zbarimg = require_tool("zbarimg", "zbar-tools");
    let output = Command::new(zbarimg)
        .arg("-q")
        .arg(png)
        .output()
        .expect("run zbarimg");
    // zbarimg exits with 4 when it finds no symbol, and the caller's assertion reports that.
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// Extracts the text of all pages with `pdftotext` (UTF-8, reading order).
pub fn extract_text(pdf: &Path) -> String {
    let pdftotext = require_tool("pdftotext", "poppler-utils");
    let output = Command::new(pdftotext)
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(
        output.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A word and its bounding box in points from the top-left corner of its page, as
/// `pdftotext -bbox` reports it.
#[derive(Debug, Clone)]
pub struct Word {
    pub page: usize,
    pub text: String,
    pub x_min: f32,
    pub y_min: f32,
    pub x_max: f32,
    pub y_max: f32,
}

/// Returns every word with its bounding box, using `pdftotext -bbox`.
pub fn words(pdf: &Path) -> Vec<Word> {
    let pdftotext = require_tool("pdftotext", "poppler-utils");
    let output = Command::new(pdftotext)
        .args(["-bbox", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext -bbox");
    assert!(output.status.success(), "pdftotext -bbox failed");
    let html = String::from_utf8_lossy(&output.stdout);

    let mut words = Vec::new();
    let mut page = 0;
    for line in html.lines() {
        let line = line.trim();
        if line.starts_with("<page ") {
            page += 1;
        }
        let Some(rest) = line.strip_prefix("<word ") else {
            continue;
        };
        let attribute = |name: &str| -> f32 {
            let start =
                rest.find(&format!("{name}=\"")).expect("attribute present") + name.len() + 2;
            let end = start + rest[start..].find('"').expect("closing quote");
            rest[start..end].parse().expect("number")
        };
        let text_start = rest.find('>').expect("tag end") + 1;
        let text_end = rest.rfind("</word>").expect("closing tag");
        words.push(Word {
            page,
            text: unescape_html(&rest[text_start..text_end]),
            x_min: attribute("xMin"),
            y_min: attribute("yMin"),
            x_max: attribute("xMax"),
            y_max: attribute("yMax"),
        });
    }
    words
}

fn unescape_html(text: &str) -> String {
    text.replace("&apos;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Collapses all whitespace to single spaces, so names wrapped over lines compare equal.
pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
