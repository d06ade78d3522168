//! Uploads that both entry points must reject, with the code the web layer maps to a message.

mod common;

use common::{fixture, shared};
use raline_media::{UploadError, UploadLimits, process_document, process_photo};

/// Asserts that both `process_photo` and `process_document` reject `bytes` with `code`.
fn assert_rejected(label: &str, bytes: &[u8], code: &str) {
    let limits = UploadLimits::default();
    let photo = process_photo(bytes, &limits).expect_err("photo must be rejected");
    assert_eq!(photo.code(), code, "{label} as photo: {photo}");
    let document = process_document(bytes, &limits).expect_err("document must be rejected");
    assert_eq!(document.code(), code, "{label} as document: {document}");
}

#[test]
fn empty_upload_rejected() {
    assert_rejected("empty", b"", "file_empty");
}

#[test]
fn oversized_upload_rejected() {
    let limits = UploadLimits::default();
    let mut bytes = fixture("portrait.jpg");
    bytes.resize(limits.max_bytes + 1, 0);
    assert_rejected("5 MiB + 1", &bytes, "file_too_large");
    assert_eq!(
        process_photo(&bytes, &limits).unwrap_err(),
        UploadError::TooLarge {
            size: limits.max_bytes + 1,
            max_bytes: limits.max_bytes,
        }
    );
}

#[test]
fn upload_at_limit_accepted() {
    let limits = UploadLimits::default();
    let mut bytes = fixture("portrait.jpg");
    // Bytes after the end-of-image marker are ignored, so this is still a valid JPEG.
    bytes.resize(limits.max_bytes, 0);
    assert!(process_photo(&bytes, &limits).is_ok());
}

#[test]
fn disguised_files_rejected_as_type() {
    let cases: [(&str, &[u8]); 4] = [
        ("HTML", b"<!DOCTYPE html><html><body>hello</body></html>"),
        (
            "Windows executable",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF",
        ),
        (
            "SVG with script",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        ),
        ("GIF", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ];
    for (label, bytes) in cases {
        assert_rejected(label, bytes, "file_type");
    }
}

#[test]
fn pdf_rejected_as_photo() {
    let error = process_photo(&fixture("letter.pdf"), &UploadLimits::default()).unwrap_err();
    assert_eq!(error.code(), "file_type");
}

#[test]
fn truncated_jpeg_rejected_as_corrupt() {
    let bytes = fixture("portrait.jpg");
    for cut in [
        bytes.len() / 4,
        bytes.len() / 2,
        bytes.len() - 100,
        bytes.len() - 2,
    ] {
        assert_rejected(&format!("JPEG cut at {cut}"), &bytes[..cut], "file_corrupt");
    }
}

#[test]
fn truncated_progressive_jpeg_rejected_as_corrupt() {
    let bytes = fixture("portrait-progressive.jpg");
    assert_rejected(
        "progressive JPEG cut",
        &bytes[..bytes.len() * 2 / 3],
        "file_corrupt",
    );
}

#[test]
fn truncated_png_rejected_as_corrupt() {
    let bytes = fixture("portrait-alpha.png");
    assert_rejected("PNG cut", &bytes[..bytes.len() / 2], "file_corrupt");
}

#[test]
fn truncated_webp_rejected_as_corrupt() {
    let bytes = fixture("portrait.webp");
    assert_rejected("WebP cut", &bytes[..bytes.len() / 2], "file_corrupt");
}

#[test]
fn png_declaring_40000_squared_rejected() {
    let bytes = fixture("bomb-40000x40000.png");
    assert_rejected("PNG bomb", &bytes, "image_too_many_pixels");
    assert_eq!(
        process_photo(&bytes, &UploadLimits::default()).unwrap_err(),
        UploadError::TooManyPixels {
            width: 40_000,
            height: 40_000,
            max_pixels: 40_000_000,
            max_dimension: 10_000,
        }
    );
}

#[test]
fn lowered_limits_reject_fixture() {
    // The 600 x 800 fixtures have 480,000 pixels.
    let limits = UploadLimits {
        max_pixels: 400_000,
        ..UploadLimits::default()
    };
    let error = process_photo(&fixture("portrait.jpg"), &limits).unwrap_err();
    assert_eq!(error.code(), "image_too_many_pixels");
    let limits = UploadLimits {
        max_dimension: 700,
        ..UploadLimits::default()
    };
    let error = process_document(&fixture("portrait.webp"), &limits).unwrap_err();
    assert_eq!(error.code(), "image_too_many_pixels");
}

/// Shared bad files and the code each must be rejected with.
const SHARED_BAD_FILES: &[(&str, &str)] = &[
    ("bad/empty.jpg", "file_empty"),
    ("bad/truncated.jpg", "file_corrupt"),
    ("bad/html-named-jpg.jpg", "file_type"),
    ("bad/windows-exe.jpg", "file_type"),
    ("bad/script.svg", "file_type"),
    ("bad/decompression-bomb.png", "image_too_many_pixels"),
];

#[test]
fn shared_bad_files_rejected() {
    for (name, code) in SHARED_BAD_FILES {
        let Some(bytes) = shared(name) else { return };
        assert_rejected(name, &bytes, code);
    }
}
