//! `process_document` on images and PDFs.

mod common;

use common::{assert_no_metadata, fixture, shared};
use raline_media::{DOCUMENT_MAX_SIDE, FileKind, UploadError, UploadLimits, process_document};

fn process(bytes: &[u8]) -> Result<raline_media::Document, UploadError> {
    process_document(bytes, &UploadLimits::default())
}

fn code(bytes: &[u8]) -> &'static str {
    process(bytes).expect_err("document rejected").code()
}

#[test]
fn pdf_kept_byte_for_byte() {
    let input = fixture("letter.pdf");
    let document = process(&input).unwrap();
    assert_eq!(document.kind, FileKind::Pdf);
    assert_eq!(document.pages, Some(1));
    assert_eq!((document.width, document.height), (None, None));
    assert_eq!(document.bytes, input);
}

#[test]
fn pdf_page_count_recorded() {
    assert_eq!(
        process(&fixture("letter-2-pages.pdf")).unwrap().pages,
        Some(2)
    );
}

#[test]
fn pdf_with_javascript_rejected() {
    let error = process(&fixture("letter-javascript.pdf")).unwrap_err();
    assert_eq!(error.code(), "pdf_active_content");
}

#[test]
fn pdf_with_embedded_file_rejected() {
    assert_eq!(
        code(&fixture("letter-embedded-file.pdf")),
        "pdf_embedded_file"
    );
}

#[test]
fn pdf_with_launch_action_rejected() {
    let input = String::from_utf8_lossy(&fixture("letter.pdf")).replace(
        "/Producer (raline-media fixtures)",
        "/AA << /O << /S /Launch /F (cmd.exe) >> >>",
    );
    assert_eq!(code(input.as_bytes()), "pdf_active_content");
}

#[test]
fn pdf_with_encrypt_entry_rejected() {
    // Replacing text after the cross-reference table keeps every object offset valid.
    let input = String::from_utf8_lossy(&fixture("letter.pdf")).replace(
        "/Info 8 0 R >>",
        "/Info 8 0 R /Encrypt << /Filter /Standard /V 1 /R 2 /P -4 >> >>",
    );
    assert_eq!(code(input.as_bytes()), "pdf_encrypted");
}

#[test]
fn pdf_without_pages_rejected() {
    let input = String::from_utf8_lossy(&fixture("letter.pdf"))
        .replace("/Kids [3 0 R] /Count 1", "/Kids [    ] /Count 0");
    assert_eq!(code(input.as_bytes()), "pdf_invalid");
}

#[test]
fn truncated_pdf_rejected() {
    let input = fixture("letter.pdf");
    assert_eq!(code(&input[..input.len() / 2]), "pdf_invalid");
}

#[test]
fn pdf_header_with_garbage_rejected() {
    assert_eq!(
        code(b"%PDF-1.7\n<html><script>alert(1)</script></html>"),
        "pdf_invalid"
    );
}

#[test]
fn deeply_nested_pdf_rejected_without_crash() {
    let mut input = b"%PDF-1.7\n1 0 obj\n".to_vec();
    input.extend(std::iter::repeat_n(b'[', 1 << 20));
    assert_eq!(code(&input), "pdf_too_complex");
}

#[test]
fn pdf_with_flate_bomb_rejected() {
    use std::io::Write;
    // 256 MiB of zeros deflates to about 250 KiB, past the 128 MiB decoding budget.
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..256 {
        encoder.write_all(&zeros).unwrap();
    }
    let bomb = encoder.finish().unwrap();

    let letter = fixture("letter.pdf");
    let xref = letter
        .windows(5)
        .position(|window| window == b"xref\n")
        .unwrap();
    let mut input = letter[..xref].to_vec();
    input.extend_from_slice(
        format!(
            "9 0 obj\n<< /Filter /FlateDecode /Length {} >>\nstream\n",
            bomb.len()
        )
        .as_bytes(),
    );
    input.extend_from_slice(&bomb);
    input.extend_from_slice(b"\nendstream\nendobj\n");
    input.extend_from_slice(&letter[xref..]);
    assert_eq!(code(&input), "pdf_too_complex");
}

#[test]
fn jpeg_document_reencoded_without_metadata() {
    let document = process(&fixture("sideways-exif6-gps.jpg")).unwrap();
    assert_eq!(document.kind, FileKind::Jpeg);
    assert_eq!((document.width, document.height), (Some(600), Some(800)));
    assert_eq!(document.pages, None);
    assert_no_metadata(&document.bytes);
}

#[test]
fn png_document_becomes_jpeg() {
    let document = process(&fixture("portrait-alpha.png")).unwrap();
    assert_eq!(document.kind, FileKind::Jpeg);
    assert_no_metadata(&document.bytes);
}

#[test]
fn grayscale_scan_stays_grayscale() {
    let document = process(&fixture("portrait-gray.jpg")).unwrap();
    let decoded = image::load_from_memory(&document.bytes).unwrap();
    assert_eq!(decoded.color(), image::ColorType::L8);
}

#[test]
fn large_scan_downscaled() {
    let image = image::GrayImage::from_fn(4960, 7016, |x, y| {
        image::Luma([if (x / 50 + y / 50) % 2 == 0 { 30 } else { 230 }])
    });
    let mut png = std::io::Cursor::new(Vec::new());
    image.write_to(&mut png, image::ImageFormat::Png).unwrap();
    let document = process(png.get_ref()).unwrap();
    assert_eq!(document.height, Some(DOCUMENT_MAX_SIDE));
    assert_eq!(document.width, Some(2480));
}

#[test]
fn shared_documents_accepted() {
    for name in ["ktp-sample.jpg", "surat-pernyataan.jpg"] {
        let Some(bytes) = shared(name) else { return };
        let document = process(&bytes).unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(document.kind, FileKind::Jpeg, "{name}");
        assert_no_metadata(&document.bytes);
    }
    let Some(bytes) = shared("surat-pernyataan.pdf") else {
        return;
    };
    let document = process(&bytes).unwrap();
    assert_eq!(document.kind, FileKind::Pdf);
    assert_eq!(document.pages, Some(1));
    assert_eq!(document.bytes, bytes);
}

#[test]
fn pdf_with_object_streams_accepted() {
    let input = fixture("letter-object-streams.pdf");
    assert!(
        !common::contains(&input, b"/Pages"),
        "catalog objects must be compressed"
    );
    assert_eq!(process(&input).unwrap().pages, Some(2));
}

#[test]
fn javascript_in_object_stream_rejected() {
    let input = fixture("letter-object-streams-javascript.pdf");
    assert!(
        !common::contains(&input, b"/JavaScript"),
        "action must be compressed"
    );
    assert_eq!(code(&input), "pdf_active_content");
}
