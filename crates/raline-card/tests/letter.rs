//! End-to-end tests of the statement letter PDF: page geometry and metadata with lopdf, text
//! and word positions with `pdftotext`.
//!
//! The poppler-utils package must be installed. Tests that need it fail with an install hint
//! otherwise.

mod support;

use lopdf::{Document, Object};
use raline_card::{
    A4_HEIGHT_PT, A4_WIDTH_PT, CardError, LetterRenderer, MAX_LETTER_PAGES, StatementLetter,
};
use support::*;

const NAME: &str = "Siti Aminah";
const NIK: &str = "3576014507900002";
const ADDRESS: &str = "Dusun Sumberjo RT 002 RW 005, Desa Sumbertebu, Kecamatan Bangsal, \
    Kabupaten Mojokerto, Jawa Timur 61381";
const PLACE_AND_DATE: &str = "Mojokerto, 4 Desember 2026";
const STAMP_CAPTION: &str = "Meterai Rp10.000";

const BODY: &str = "Dengan ini menyatakan dengan sesungguhnya bahwa:\n\
    1. Saya bersedia mematuhi seluruh tata tertib Dinas Perpustakaan dan Kearsipan Kota Mojokerto.\n\
    2. Saya bertanggung jawab atas koleksi yang saya pinjam dan bersedia mengganti koleksi yang hilang atau rusak.\n\
    3. Data yang saya isikan pada formulir pendaftaran anggota adalah benar.\n\
    Demikian surat pernyataan ini saya buat dengan sebenarnya tanpa paksaan dari pihak mana pun.";

/// Converts millimetres to points, to state the expected layout in the units of the design.
fn mm(value: f32) -> f32 {
    value * 72.0 / 25.4
}

fn fields<'a>(name: &'a str, address: &'a str) -> [(&'a str, &'a str); 5] {
    [
        ("Nama", name),
        ("NIK", NIK),
        ("Tempat, tanggal lahir", "Mojokerto, 5 Juli 1990"),
        ("Alamat", address),
        ("Nomor HP", "0812-3456-7890"),
    ]
}

fn letter<'a>(
    fields: &'a [(&'a str, &'a str)],
    body: &'a str,
    name: &'a str,
) -> StatementLetter<'a> {
    StatementLetter {
        title: "SURAT PERNYATAAN",
        opening: "Yang bertanda tangan di bawah ini:",
        fields,
        body,
        place_and_date: PLACE_AND_DATE,
        signer_caption: "Yang membuat pernyataan,",
        stamp_caption: STAMP_CAPTION,
        signer_name: name,
    }
}

fn render(letter: &StatementLetter<'_>) -> Vec<u8> {
    let renderer = LetterRenderer::new(&library(None)).expect("library is valid");
    renderer
        .render(letter)
        .unwrap_or_else(|error| panic!("rendering the letter failed: {error}"))
}

fn typical_pdf() -> Vec<u8> {
    let fields = fields(NAME, ADDRESS);
    render(&letter(&fields, BODY, NAME))
}

fn extracted_text(pdf: &[u8]) -> String {
    let (_dir, path) = write_pdf(pdf);
    collapse_whitespace(&extract_text(&path))
}

/// Returns the width and height of each page's MediaBox, in points.
fn page_sizes(pdf: &[u8]) -> Vec<(f32, f32)> {
    let document = Document::load_mem(pdf).expect("lopdf parses the letter");
    document
        .get_pages()
        .values()
        .map(|&id| {
            let page = document.get_dictionary(id).expect("page dictionary");
            let media_box: Vec<f32> = page
                .get(b"MediaBox")
                .and_then(Object::as_array)
                .expect("MediaBox on the page")
                .iter()
                .map(|value| value.as_float().expect("number"))
                .collect();
            (media_box[2] - media_box[0], media_box[3] - media_box[1])
        })
        .collect()
}

/// Body of `count` numbered paragraphs, each naming its own number so that a lost line shows.
fn numbered_body(count: usize) -> String {
    (1..=count)
        .map(|i| format!("{i}. Pernyataan baris nomor {i} untuk pengujian halaman."))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn typical_letter_prints_all_details() {
    let text = extracted_text(&typical_pdf());
    for expected in [
        "DINAS PERPUSTAKAAN DAN KEARSIPAN KOTA MOJOKERTO",
        "Jl. Gajah Mada No. 100, Kota Mojokerto",
        "SURAT PERNYATAAN",
        "Yang bertanda tangan di bawah ini:",
        "Nama : Siti Aminah",
        NIK,
        ADDRESS,
        "0812-3456-7890",
        "2. Saya bertanggung jawab atas koleksi",
        "tanpa paksaan dari pihak mana pun.",
        PLACE_AND_DATE,
        "Yang membuat pernyataan,",
        STAMP_CAPTION,
    ] {
        let expected = collapse_whitespace(expected);
        assert!(text.contains(&expected), "{expected:?} not in {text:?}");
    }
    assert!(
        text.matches(NAME).count() >= 2,
        "the name appears in the rows and under the signature: {text:?}"
    );
    let compact: String = text.split_whitespace().collect();
    assert!(
        !compact.contains("1/1"),
        "a one-page letter has no page number"
    );
}

#[test]
fn typical_letter_is_one_a4_page() {
    let sizes = page_sizes(&typical_pdf());
    assert_eq!(sizes.len(), 1);
    let (width, height) = sizes[0];
    assert!((width - 595.28).abs() < 0.01, "width {width} pt");
    assert!((height - 841.89).abs() < 0.01, "height {height} pt");
    assert!((A4_WIDTH_PT - 595.28).abs() < 0.01);
    assert!((A4_HEIGHT_PT - 841.89).abs() < 0.01);
}

#[test]
fn document_title_is_letter_title() {
    let document = Document::load_mem(&typical_pdf()).expect("lopdf parses the letter");
    let info = document
        .trailer
        .get(b"Info")
        .and_then(Object::as_reference)
        .and_then(|id| document.get_dictionary(id))
        .expect("Info dictionary");
    let title = info.get(b"Title").expect("Title in the Info dictionary");
    assert_eq!(
        lopdf::decode_text_string(title).expect("title decodes"),
        "SURAT PERNYATAAN"
    );
}

#[test]
fn typical_letter_is_small() {
    let pdf = typical_pdf();
    assert!(pdf.len() < 60_000, "PDF is {} bytes", pdf.len());
}

#[test]
fn forty_line_body_takes_two_pages() {
    let body = numbered_body(40);
    let fields = fields(NAME, ADDRESS);
    let pdf = render(&letter(&fields, &body, NAME));

    let sizes = page_sizes(&pdf);
    assert_eq!(sizes.len(), 2, "pages {sizes:?}");
    for (width, height) in sizes {
        assert!((width - A4_WIDTH_PT).abs() < 0.01, "width {width} pt");
        assert!((height - A4_HEIGHT_PT).abs() < 0.01, "height {height} pt");
    }

    let text = extracted_text(&pdf);
    for line in body.lines() {
        let line = collapse_whitespace(line);
        assert!(text.contains(&line), "{line:?} not in {text:?}");
    }
    // pdftotext joins "1 / 2" at 8 pt into one word, so spaces are left out here.
    let compact: String = text.split_whitespace().collect();
    assert!(compact.contains("1/2"), "page number 1 / 2 not in {text:?}");
    assert!(compact.contains("2/2"), "page number 2 / 2 not in {text:?}");
    assert!(text.contains(STAMP_CAPTION));
}

#[test]
fn continued_body_keeps_line_order() {
    let body = numbered_body(40);
    let fields = fields(NAME, ADDRESS);
    let pdf = render(&letter(&fields, &body, NAME));
    let text = extracted_text(&pdf);

    let mut previous = 0;
    for line in body.lines() {
        let position = text
            .find(&collapse_whitespace(line))
            .unwrap_or_else(|| panic!("{line:?} missing"));
        assert!(position > previous, "{line:?} is out of order");
        previous = position;
    }
    let signature = text.find(PLACE_AND_DATE).expect("place and date");
    assert!(signature > previous, "the signature block follows the body");
}

#[test]
fn names_in_other_scripts_extract() {
    for name in [
        "Tan Mei Ling 陈美玲",
        "Nguyễn Thị Hằng",
        "Ni Kadek Ayu Çelik-Müller",
        "李娜",
    ] {
        let fields = fields(name, ADDRESS);
        let text = extracted_text(&render(&letter(&fields, BODY, name)));
        let expected = collapse_whitespace(name);
        assert!(
            text.matches(&expected).count() >= 2,
            "{expected:?} not twice in {text:?}"
        );
    }
}

#[test]
fn other_scripts_render_without_error() {
    let renderer = LetterRenderer::new(&library(None)).expect("library is valid");
    for name in [
        "محمد عبد الله",
        "Yusuf בן דוד",
        "\u{E000}\u{0301}",
        "👩‍👩‍👧 Ana",
    ] {
        let fields = fields(name, name);
        let result = renderer.render(&letter(&fields, name, name));
        let pdf = result.unwrap_or_else(|error| panic!("{name:?} failed: {error}"));
        assert_eq!(page_sizes(&pdf).len(), 1, "{name:?}");
    }
}

#[test]
fn empty_body_and_fields_render() {
    let pdf = render(&StatementLetter {
        title: "SURAT PERNYATAAN",
        opening: "",
        fields: &[],
        body: "",
        place_and_date: "",
        signer_caption: "",
        stamp_caption: "",
        signer_name: "",
    });
    assert_eq!(page_sizes(&pdf).len(), 1);
    let text = extracted_text(&pdf);
    assert!(text.contains("SURAT PERNYATAAN"), "title not in {text:?}");

    let empty_rows = [("", ""), ("Nama", ""), ("", "tanpa label")];
    let text = extracted_text(&render(&letter(&empty_rows, "", NAME)));
    assert!(
        text.contains("Nama :"),
        "label without value not in {text:?}"
    );
    assert!(
        text.contains("tanpa label"),
        "value without label not in {text:?}"
    );
}

#[test]
fn empty_title_rejected() {
    let renderer = LetterRenderer::new(&library(None)).expect("library is valid");
    let fields = fields(NAME, ADDRESS);
    let letter = StatementLetter {
        title: " \n ",
        ..letter(&fields, BODY, NAME)
    };
    assert_eq!(
        renderer.render(&letter),
        Err(CardError::MissingField { field: "title" })
    );
}

#[test]
fn absurd_body_rejected() {
    let renderer = LetterRenderer::new(&library(None)).expect("library is valid");
    let fields = fields(NAME, ADDRESS);
    let too_long = Err(CardError::LetterTooLong {
        max_pages: MAX_LETTER_PAGES,
    });

    // Rejected before shaping: more paragraphs than four pages hold.
    let body = numbered_body(10_000);
    assert_eq!(renderer.render(&letter(&fields, &body, NAME)), too_long);

    // Rejected while paginating: few enough paragraphs, but each wraps to several lines.
    let paragraph = "Saya menyatakan bahwa seluruh data yang saya berikan adalah benar. ".repeat(4);
    let body = vec![paragraph; 120].join("\n");
    assert_eq!(renderer.render(&letter(&fields, &body, NAME)), too_long);

    // One field value that wraps to hundreds of lines.
    let address = "Jalan Panjang ".repeat(3_000);
    let long_rows = self::fields(NAME, &address);
    assert_eq!(renderer.render(&letter(&long_rows, BODY, NAME)), too_long);
}

#[test]
fn longest_accepted_body_fills_four_pages() {
    let renderer = LetterRenderer::new(&library(None)).expect("library is valid");
    let fields = fields(NAME, ADDRESS);
    // Find the longest numbered body that renders, growing by ten lines.
    let mut pages = 0;
    let mut lines = 40;
    while let Ok(pdf) = renderer.render(&letter(&fields, &numbered_body(lines), NAME)) {
        pages = page_sizes(&pdf).len();
        lines += 10;
        assert!(lines < 400, "a body of {lines} lines still renders");
    }
    assert_eq!(pages, MAX_LETTER_PAGES);
}

#[test]
fn overlong_signer_name_rejected() {
    let renderer = LetterRenderer::new(&library(None)).expect("library is valid");
    let fields = fields(NAME, ADDRESS);
    let name = "Nama Sangat Panjang ".repeat(500);
    assert_eq!(
        renderer.render(&letter(&fields, BODY, &name)),
        Err(CardError::LetterPartTooTall {
            part: "signature block"
        })
    );
}

#[test]
fn words_stay_inside_margins() {
    let body = numbered_body(40);
    let address = [ADDRESS; 3].join(" ");
    for (body, address) in [(BODY, ADDRESS), (body.as_str(), address.as_str())] {
        let fields = fields(NAME, address);
        let pdf = render(&letter(&fields, body, NAME));
        let (_dir, path) = write_pdf(&pdf);
        let words = words(&path);
        assert!(words.len() > 50, "too few words: {}", words.len());
        for word in &words {
            assert!(
                word.x_min >= mm(25.0) - 0.5 && word.x_max <= A4_WIDTH_PT - mm(25.0) + 0.5,
                "{word:?} is outside the side margins"
            );
            assert!(
                word.y_min >= mm(20.0) - 0.5 && word.y_max <= A4_HEIGHT_PT - mm(12.0),
                "{word:?} is outside the top or bottom margin"
            );
        }
    }
}

#[test]
fn long_address_wraps_under_its_value() {
    let address = format!("{ADDRESS} {ADDRESS}");
    let fields = fields(NAME, &address);
    let pdf = render(&letter(&fields, BODY, NAME));
    let (_dir, path) = write_pdf(&pdf);
    let words = words(&path);
    let find = |text: &str| -> &Word {
        words
            .iter()
            .find(|word| word.text == text)
            .unwrap_or_else(|| panic!("{text:?} not in {words:?}"))
    };
    let nik = find(NIK);
    let label = find("Alamat");
    let next_label = find("Nomor");
    let value_left = nik.x_min;

    // Words of the address row: from the label's line down to the next row's label.
    let row: Vec<&Word> = words
        .iter()
        .filter(|word| word.y_min >= label.y_min - 0.5 && word.y_min < next_label.y_min - 1.0)
        .collect();
    let left_of_values: Vec<&str> = row
        .iter()
        .filter(|word| word.x_min < value_left - 0.5)
        .map(|word| word.text.as_str())
        .collect();
    assert_eq!(
        left_of_values,
        vec!["Alamat", ":"],
        "only the label and colon are left of the values"
    );
    assert_eq!(
        row.iter().filter(|word| word.text == "Dusun").count(),
        2,
        "the address is printed twice over"
    );

    let mut line_tops: Vec<f32> = row.iter().map(|word| word.y_min).collect();
    line_tops.sort_by(f32::total_cmp);
    line_tops.dedup_by(|a, b| (*a - *b).abs() < 1.0);
    assert!(line_tops.len() >= 3, "address lines at {line_tops:?}");
    for top in line_tops {
        let line_left = row
            .iter()
            .filter(|word| (word.y_min - top).abs() < 1.0 && word.x_min >= value_left - 0.5)
            .map(|word| word.x_min)
            .fold(f32::INFINITY, f32::min);
        assert!(
            (line_left - value_left).abs() < 0.5,
            "address line at y = {top} starts at x = {line_left}, not at the value column x = {value_left}"
        );
    }
}

#[test]
fn stamp_box_sits_between_date_and_name() {
    let pdf = typical_pdf();
    let (_dir, path) = write_pdf(&pdf);
    let words = words(&path);
    let find = |text: &str| -> &Word {
        words
            .iter()
            .rev()
            .find(|word| word.text == text)
            .unwrap_or_else(|| panic!("{text:?} not in {words:?}"))
    };
    let date = find("Desember");
    let caption = find("pernyataan,");
    let stamp = find("Meterai");
    let name = find("Aminah");

    assert!(
        date.x_min > A4_WIDTH_PT / 2.0,
        "the date is in the right half"
    );
    assert!(
        caption.y_min > date.y_max - 0.5,
        "the caption follows the date"
    );
    // The stamp box starts 3 mm under the signer caption and is 25 mm high. Its own caption
    // is centred in it, and the signature line is 33 mm under the signer caption.
    assert!(
        stamp.y_min > caption.y_max + mm(3.0),
        "{stamp:?} overlaps {caption:?}"
    );
    assert!(
        name.y_min > stamp.y_max + mm(8.0),
        "{name:?} overlaps the stamp box"
    );
    assert!(
        name.y_max < A4_HEIGHT_PT - mm(25.0),
        "the name is above the bottom margin"
    );
}

#[test]
fn logo_letter_renders() {
    let renderer =
        LetterRenderer::new(&library(Some(fixture("logo-synthetic.png")))).expect("logo loads");
    let fields = fields(NAME, ADDRESS);
    let pdf = renderer
        .render(&letter(&fields, BODY, NAME))
        .expect("letter renders");
    let (_dir, path) = write_pdf(&pdf);
    let words = words(&path);
    // The letterhead text keeps clear of the 22 mm logo at the left margin.
    for word in words.iter().filter(|word| word.text == "MOJOKERTO") {
        assert!(word.x_min > mm(25.0 + 22.0), "{word:?} overlaps the logo");
    }
    assert_eq!(page_sizes(&pdf).len(), 1);
}

#[test]
fn invalid_library_rejected() {
    let mut library = library(None);
    library.logo = Some(b"<svg/>".to_vec());
    assert!(matches!(
        LetterRenderer::new(&library),
        Err(CardError::InvalidLogo { .. })
    ));
    library.logo = None;
    library.name = "  ".into();
    assert!(matches!(
        LetterRenderer::new(&library),
        Err(CardError::MissingField { field: "name" })
    ));
}

#[test]
fn letter_rendering_is_deterministic() {
    assert_eq!(typical_pdf(), typical_pdf());
}
