//! End-to-end tests of the card PDF: page geometry with lopdf, text with `pdftotext`, and
//! barcodes by rasterising with `pdftoppm -r 300` and decoding with `zbarimg`.
//!
//! The poppler-utils and zbar-tools packages must be installed. Tests that need them fail
//! with an install hint otherwise.

mod support;

use lopdf::{Document, Object};
use raline_card::{
    CARD_HEIGHT_PT, CARD_WIDTH_PT, CardError, CardRenderer, MAX_MEMBER_NUMBER_LENGTH, render_card,
};
use support::*;

/// Converts millimetres to points, to state the expected layout in the units of the design.
fn mm(value: f32) -> f32 {
    value * 72.0 / 25.4
}

fn render(name: &str, number: &str, photo: &[u8]) -> Vec<u8> {
    let renderer = CardRenderer::new(&library(None)).expect("library is valid");
    renderer
        .render(&member(name, number, photo))
        .unwrap_or_else(|error| panic!("rendering {name:?} failed: {error}"))
}

fn number_array(object: &Object) -> Vec<f32> {
    object
        .as_array()
        .expect("array")
        .iter()
        .map(|value| value.as_float().expect("number"))
        .collect()
}

#[test]
fn card_has_two_id1_pages() {
    let pdf = render("Siti", MEMBER_NUMBER, &fixture("photo-synthetic.jpg"));
    let document = Document::load_mem(&pdf).expect("lopdf parses the card");
    let pages = document.get_pages();
    assert_eq!(pages.len(), 2, "front and back");

    for (number, page_id) in pages {
        let page = document.get_dictionary(page_id).expect("page dictionary");
        let media_box = number_array(page.get(b"MediaBox").expect("MediaBox on the page"));
        assert_eq!(media_box.len(), 4);
        let width = media_box[2] - media_box[0];
        let height = media_box[3] - media_box[1];
        assert!(
            (width - 242.65).abs() < 0.01,
            "page {number} width {width} pt"
        );
        assert!(
            (height - 153.07).abs() < 0.01,
            "page {number} height {height} pt"
        );
    }
    assert!((CARD_WIDTH_PT - 242.65).abs() < 0.01);
    assert!((CARD_HEIGHT_PT - 153.07).abs() < 0.01);
}

#[test]
fn names_print_in_capitals() {
    let photo = fixture("photo-synthetic.jpg");
    for name in NAMES {
        let pdf = render(name, MEMBER_NUMBER, &photo);
        let (_dir, path) = write_pdf(&pdf);
        let text = collapse_whitespace(&extract_text(&path));
        let expected = collapse_whitespace(&name.to_uppercase());
        assert!(
            text.contains(&expected),
            "{expected:?} not in extracted text {text:?}"
        );
        assert!(
            text.contains(MEMBER_NUMBER),
            "member number not in {text:?}"
        );
        assert!(
            text.contains("Berlaku hingga 29 Juli 2027"),
            "validity row not in {text:?}"
        );
        assert!(text.contains("KARTU ANGGOTA"), "title not in {text:?}");
        assert!(
            text.contains("2. Kartu tidak boleh dipindahtangankan."),
            "rules not in {text:?}"
        );
    }
}

#[test]
fn text_stays_clear_of_codes_and_photo() {
    let photo = fixture("photo-synthetic.jpg");
    // Areas from the layout: photo frame, QR symbol, barcode bars. Text boxes from
    // `pdftotext -bbox` span the font's full ascent and descent, so they are taller than
    // the ink and this check is conservative.
    let photo_frame = (mm(3.0), mm(15.5), mm(21.0), mm(39.5));
    let qr_symbol = (mm(67.4), mm(35.8), mm(82.4), mm(50.8));
    let bars = (mm(3.0), mm(40.6), mm(64.0), mm(47.4));
    let overlaps = |word: &Word, area: (f32, f32, f32, f32)| {
        word.x_min < area.2 && word.x_max > area.0 && word.y_min < area.3 && word.y_max > area.1
    };

    for name in NAMES {
        let pdf = render(name, MEMBER_NUMBER, &photo);
        let (_dir, path) = write_pdf(&pdf);
        let words = words(&path);
        assert!(words.len() > 20, "too few words found: {words:?}");

        for word in &words {
            assert!(
                word.x_min >= mm(2.5) && word.x_max <= CARD_WIDTH_PT - mm(2.5),
                "{name:?}: word {word:?} is outside the side margins"
            );
            assert!(
                word.y_min >= 0.0 && word.y_max <= CARD_HEIGHT_PT - mm(1.5),
                "{name:?}: word {word:?} is outside the card"
            );
            if word.page == 1 {
                for (area, label) in [
                    (photo_frame, "photo"),
                    (qr_symbol, "QR code"),
                    (bars, "barcode"),
                ] {
                    assert!(
                        !overlaps(word, area),
                        "{name:?}: word {word:?} overlaps the {label}"
                    );
                }
            }
        }

        // The name's words sit right of the photo and above the member fields.
        let name_words: Vec<&Word> = words
            .iter()
            .filter(|word| {
                word.page == 1
                    && name
                        .to_uppercase()
                        .split_whitespace()
                        .any(|part| part == word.text)
            })
            .collect();
        assert!(
            !name_words.is_empty(),
            "{name:?}: name words not found in {words:?}"
        );
        for word in name_words {
            assert!(
                word.x_min >= mm(24.0) - 0.5,
                "{name:?}: {word:?} starts left of the name box"
            );
            assert!(
                word.y_max <= mm(25.5),
                "{name:?}: {word:?} runs below the name box"
            );
        }
    }
}

#[test]
fn barcode_and_qr_decode_at_300_dpi() {
    let photo = formal_photo().unwrap_or_else(|| fixture("photo-synthetic.jpg"));
    for name in NAMES {
        let pdf = render(name, MEMBER_NUMBER, &photo);
        let (dir, path) = write_pdf(&pdf);
        let png = rasterize(dir.path(), &path, 1);
        let symbols = decode_symbols(&png);
        assert!(
            symbols.contains(&format!("CODE-39:{MEMBER_NUMBER}")),
            "{name:?}: Code 39 not decoded, zbarimg found {symbols:?}"
        );
        assert!(
            symbols.contains(&format!("QR-Code:{QR_PAYLOAD}")),
            "{name:?}: QR code not decoded, zbarimg found {symbols:?}"
        );
    }
}

#[test]
fn longest_member_number_decodes() {
    let number: String = "A-17/2025.X+$% 9Z0123456789"
        .chars()
        .cycle()
        .take(MAX_MEMBER_NUMBER_LENGTH)
        .collect();
    assert_eq!(number.chars().count(), MAX_MEMBER_NUMBER_LENGTH);
    let pdf = render("Siti", &number, &fixture("photo-synthetic.jpg"));
    let (dir, path) = write_pdf(&pdf);
    let png = rasterize(dir.path(), &path, 1);
    let symbols = decode_symbols(&png);
    assert!(
        symbols.contains(&format!("CODE-39:{number}")),
        "Code 39 of {number:?} not decoded, zbarimg found {symbols:?}"
    );
}

#[test]
fn overlong_member_number_rejected() {
    let number = "1".repeat(MAX_MEMBER_NUMBER_LENGTH + 1);
    let renderer = CardRenderer::new(&library(None)).expect("library is valid");
    let photo = fixture("photo-synthetic.jpg");
    assert_eq!(
        renderer.render(&member("Siti", &number, &photo)).err(),
        Some(CardError::MemberNumberTooLong {
            length: MAX_MEMBER_NUMBER_LENGTH + 1,
            max: MAX_MEMBER_NUMBER_LENGTH,
        })
    );
}

#[test]
fn invalid_member_numbers_rejected() {
    let renderer = CardRenderer::new(&library(None)).expect("library is valid");
    let photo = fixture("photo-synthetic.jpg");
    let cases = [
        (
            "2612a",
            CardError::InvalidMemberNumber {
                character: 'a',
                position: 4,
            },
        ),
        (
            "*123",
            CardError::InvalidMemberNumber {
                character: '*',
                position: 0,
            },
        ),
        (
            "12_3",
            CardError::InvalidMemberNumber {
                character: '_',
                position: 2,
            },
        ),
        (
            "12É",
            CardError::InvalidMemberNumber {
                character: 'É',
                position: 2,
            },
        ),
        (
            "",
            CardError::MissingField {
                field: "member_number",
            },
        ),
    ];
    for (number, expected) in cases {
        assert_eq!(
            renderer.render(&member("Siti", number, &photo)).err(),
            Some(expected),
            "member number {number:?}"
        );
    }
}

#[test]
fn invalid_photos_rejected() {
    let renderer = CardRenderer::new(&library(None)).expect("library is valid");
    let jpeg = fixture("photo-synthetic.jpg");
    let png = fixture("logo-synthetic.png");
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let cases: [(&str, &[u8]); 5] = [
        ("empty", &[]),
        ("garbage", &garbage),
        ("PNG", &png),
        ("truncated JPEG", &jpeg[..jpeg.len() / 2]),
        ("JPEG header only", &jpeg[..600]),
    ];
    for (label, photo) in cases {
        let result = renderer.render(&member("Siti", MEMBER_NUMBER, photo));
        assert!(
            matches!(result, Err(CardError::InvalidPhoto { .. })),
            "{label}: expected InvalidPhoto, got {result:?}"
        );
    }
}

#[test]
fn photo_is_embedded_unchanged() {
    let photo = fixture("photo-synthetic.jpg");
    let pdf = render("Siti", MEMBER_NUMBER, &photo);
    let document = Document::load_mem(&pdf).expect("lopdf parses the card");
    let embedded: Vec<&Vec<u8>> = document
        .objects
        .values()
        .filter_map(|object| object.as_stream().ok())
        .filter(|stream| {
            stream
                .dict
                .get(b"Filter")
                .ok()
                .and_then(|filter| filter.as_name().ok())
                == Some(b"DCTDecode".as_slice())
        })
        .map(|stream| &stream.content)
        .collect();
    assert_eq!(embedded.len(), 1, "one JPEG stream");
    assert!(
        embedded[0] == &photo,
        "JPEG bytes differ from the input photo"
    );
}

#[test]
fn formal_photo_renders() {
    let Some(photo) = formal_photo() else {
        eprintln!(
            "formal test photo not found, so this test is skipped (the synthetic fixture covers the others)"
        );
        return;
    };
    let pdf = render("Nguyễn Thị Hằng", MEMBER_NUMBER, &photo);
    assert!(pdf.len() > photo.len(), "PDF embeds the whole photo");
}

#[test]
fn logo_renders_and_codes_still_decode() {
    let renderer = CardRenderer::new(&library(Some(fixture("logo-synthetic.png"))))
        .expect("PNG logo accepted");
    let photo = fixture("photo-synthetic.jpg");
    let pdf = renderer
        .render(&member(
            "Prof. Dr. Sri Hartini, S.H., M.Hum.",
            MEMBER_NUMBER,
            &photo,
        ))
        .expect("renders");
    let (dir, path) = write_pdf(&pdf);
    let symbols = decode_symbols(&rasterize(dir.path(), &path, 1));
    assert!(
        symbols.contains(&format!("CODE-39:{MEMBER_NUMBER}")),
        "{symbols:?}"
    );
    assert!(
        symbols.contains(&format!("QR-Code:{QR_PAYLOAD}")),
        "{symbols:?}"
    );
}

#[test]
fn invalid_logo_rejected() {
    let result = CardRenderer::new(&library(Some(b"GIF89a....".to_vec())));
    assert!(
        matches!(result, Err(CardError::InvalidLogo { .. })),
        "{:?}",
        result.err()
    );
}

#[test]
fn fonts_are_embedded_as_subsets() {
    let photo = fixture("photo-synthetic.jpg");
    for name in ["李娜", "Nguyễn Thị Hằng"] {
        let pdf = render(name, MEMBER_NUMBER, &photo);
        let document = Document::load_mem(&pdf).expect("lopdf parses the card");
        let mut font_files = 0;
        for object in document.objects.values() {
            let Ok(dictionary) = object.as_dict() else {
                continue;
            };
            let Ok(file) = dictionary
                .get(b"FontFile2")
                .or_else(|_| dictionary.get(b"FontFile3"))
            else {
                continue;
            };
            font_files += 1;
            let id = file.as_reference().expect("font file is a reference");
            let stream = document
                .get_object(id)
                .and_then(Object::as_stream)
                .expect("font stream");
            let bytes = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            // The smallest full font embedded in the crate is 512 KB, and a subset for one
            // card is a few kilobytes.
            assert!(
                bytes.len() < 100_000,
                "{name:?}: embedded font file of {} bytes",
                bytes.len()
            );
        }
        assert!(
            font_files >= 2,
            "{name:?}: expected regular and bold fonts, found {font_files}"
        );
        assert!(
            pdf.len() < photo.len() + 150_000,
            "{name:?}: PDF is {} bytes",
            pdf.len()
        );
    }
}

#[test]
fn unusual_names_render_without_error() {
    let photo = fixture("photo-synthetic.jpg");
    let long = "Abcdefghij ".repeat(60);
    let unbroken = "W".repeat(300);
    let names = [
        "Emoji 😀🎉 dan simbol ☃",
        "Private \u{E000}\u{F8FF} use",
        "Control\u{0007}\u{001B} chars\r\n",
        "\u{0301}\u{0308}lone marks",
        "Zero\u{200B}width\u{200D}joiner\u{FE0F}",
        "مُحَمَّد عبد الله",
        "דוד כהן",
        "Ελένη Παπαδοπούλου",
        "Ярослава Коваленко",
        "김민지",
        "さくら",
        "ß straße",
        long.as_str(),
        unbroken.as_str(),
    ];
    for name in names {
        let pdf = render(name, MEMBER_NUMBER, &photo);
        assert!(pdf.starts_with(b"%PDF-"), "{name:?}");
    }
}

/// A xorshift generator, so the robustness tests are repeatable without a dependency.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn corrupted_photos_never_panic() {
    let renderer = CardRenderer::new(&library(None)).expect("library is valid");
    let photo = fixture("photo-synthetic.jpg");
    let mut random = Xorshift(0x9E37_79B9_7F4A_7C15);
    for round in 0..300 {
        let mut corrupted = photo.clone();
        // Flip a few bytes, mostly in the headers where the structure is.
        for _ in 0..1 + random.next() % 4 {
            let limit = if round % 2 == 0 { 700 } else { corrupted.len() };
            let index = (random.next() as usize) % limit;
            corrupted[index] = random.next() as u8;
        }
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            renderer.render(&member("Siti", MEMBER_NUMBER, &corrupted))
        }));
        assert!(
            result.is_ok(),
            "round {round}: rendering a corrupted photo panicked"
        );
    }
}

#[test]
fn random_names_never_panic() {
    let renderer = CardRenderer::new(&library(None)).expect("library is valid");
    let photo = fixture("photo-synthetic.jpg");
    let mut random = Xorshift(0x2545_F491_4F6C_DD1D);
    for round in 0..200 {
        let length = 1 + random.next() % 40;
        let name: String = (0..length)
            .filter_map(|_| {
                // Mostly the Basic Multilingual Plane, sometimes the supplementary planes.
                let range = if random.next().is_multiple_of(8) {
                    0x10_FFFF
                } else {
                    0xFFFF
                };
                char::from_u32((random.next() % range) as u32)
            })
            .collect();
        let result = renderer.render(&member(&name, MEMBER_NUMBER, &photo));
        let acceptable = match &result {
            Ok(pdf) => pdf.starts_with(b"%PDF-"),
            Err(error) => *error == CardError::MissingField { field: "full_name" },
        };
        assert!(acceptable, "round {round}: name {name:?} gave {result:?}");
    }
}

#[test]
fn blank_name_rejected() {
    let renderer = CardRenderer::new(&library(None)).expect("library is valid");
    let photo = fixture("photo-synthetic.jpg");
    assert_eq!(
        renderer
            .render(&member(" \t\n", MEMBER_NUMBER, &photo))
            .err(),
        Some(CardError::MissingField { field: "full_name" })
    );
}

#[test]
fn qr_payload_limits() {
    let renderer = CardRenderer::new(&library(None)).expect("library is valid");
    let photo = fixture("photo-synthetic.jpg");
    let mut card = member("Siti", MEMBER_NUMBER, &photo);

    card.qr_payload = "";
    assert_eq!(
        renderer.render(&card).err(),
        Some(CardError::MissingField {
            field: "qr_payload"
        })
    );

    let long = format!("https://perpustakaan.example/anggota/{}", "x".repeat(400));
    card.qr_payload = &long;
    assert_eq!(
        renderer.render(&card).err(),
        Some(CardError::QrPayloadTooLong { bytes: long.len() })
    );
}

#[test]
fn longest_qr_payload_decodes() {
    let renderer = CardRenderer::new(&library(None)).expect("library is valid");
    let photo = fixture("photo-synthetic.jpg");
    let prefix = "https://perpustakaan.mojokertokota.go.id/anggota/26120400001?t=";
    let (payload, pdf) = (0..400)
        .rev()
        .map(|extra| format!("{prefix}{}", "x".repeat(extra)))
        .find_map(|payload| {
            let mut card = member("Siti", MEMBER_NUMBER, &photo);
            card.qr_payload = &payload;
            let pdf = renderer.render(&card).ok()?;
            Some((payload, pdf))
        })
        .expect("some payload length is accepted");
    assert!(payload.len() >= 100, "only {} bytes fit", payload.len());

    let (dir, path) = write_pdf(&pdf);
    let symbols = decode_symbols(&rasterize(dir.path(), &path, 1));
    assert!(
        symbols.contains(&format!("QR-Code:{payload}")),
        "QR code of the longest accepted payload ({} bytes) not decoded: {symbols:?}",
        payload.len()
    );
}

#[test]
fn rendering_is_deterministic() {
    let photo = fixture("photo-synthetic.jpg");
    let first = render("Nguyễn Thị Hằng", MEMBER_NUMBER, &photo);
    let second = render("Nguyễn Thị Hằng", MEMBER_NUMBER, &photo);
    assert!(first == second, "two renders of the same card differ");

    let via_function = render_card(
        &library(None),
        &member("Nguyễn Thị Hằng", MEMBER_NUMBER, &photo),
    )
    .expect("render_card succeeds");
    assert!(
        via_function == first,
        "render_card differs from CardRenderer::render"
    );
}

#[test]
fn overlong_rules_rejected() {
    let mut library = library(None);
    library.rules_text =
        "Kartu ini wajib dibawa setiap kali meminjam koleksi perpustakaan.\n".repeat(40);
    assert!(matches!(
        CardRenderer::new(&library),
        Err(CardError::RulesTextTooLong { .. })
    ));
}
