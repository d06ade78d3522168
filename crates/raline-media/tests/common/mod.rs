//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// Reads a synthetic fixture from `tests/fixtures/`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("read {}: {error}", path.display()))
}

/// Folder of the project's shared test files, which sits beside the repository checkout.
pub fn shared_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/testdata/files"
    ))
}

/// Reads a shared test file, or prints a note and returns `None` when the folder is absent,
/// so the crate's own tests still run on a bare checkout.
pub fn shared(name: &str) -> Option<Vec<u8>> {
    let dir = shared_dir();
    if !dir.is_dir() {
        eprintln!("skipped: shared test files not found at {}", dir.display());
        return None;
    }
    let path = dir.join(name);
    Some(std::fs::read(&path).unwrap_or_else(|error| panic!("read {}: {error}", path.display())))
}

/// Returns the bytes of a JPEG before its first start-of-scan marker: every metadata
/// segment lives there.
pub fn jpeg_header(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .windows(2)
        .position(|pair| pair == [0xFF, 0xDA])
        .unwrap_or(bytes.len());
    &bytes[..end]
}

/// Lists the APPn marker numbers (0 to 15) of a JPEG's segments before the scan.
pub fn app_segments(bytes: &[u8]) -> Vec<u8> {
    let mut markers = Vec::new();
    let mut pos = 2;
    while pos + 4 <= bytes.len() && bytes[pos] == 0xFF {
        let marker = bytes[pos + 1];
        if marker == 0xDA {
            break;
        }
        if (0xE0..=0xEF).contains(&marker) {
            markers.push(marker - 0xE0);
        }
        let length = usize::from(u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]));
        pos += 2 + length;
    }
    markers
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Asserts that a JPEG carries no EXIF, GPS, XMP, ICC or IPTC data.
pub fn assert_no_metadata(jpeg: &[u8]) {
    assert!(
        jpeg.starts_with(&[0xFF, 0xD8, 0xFF]),
        "output is not a JPEG"
    );
    assert_eq!(
        app_segments(jpeg),
        [0],
        "only the JFIF APP0 segment may remain"
    );
    let header = jpeg_header(jpeg);
    assert!(!contains(jpeg, b"Exif\0"), "EXIF block found");
    assert!(!contains(header, b"GPS"), "GPS text found in the header");
    assert!(
        !contains(header, b"http://ns.adobe.com/xap"),
        "XMP packet found"
    );
    assert!(!contains(header, b"ICC_PROFILE"), "ICC profile found");
}

/// Decodes an output JPEG to check its pixels.
pub fn decode_rgb(jpeg: &[u8]) -> image::RgbImage {
    image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg)
        .expect("output JPEG decodes")
        .into_rgb8()
}

/// Returns the pixel at a position given as fractions of width and height.
pub fn pixel_at(image: &image::RgbImage, fx: f32, fy: f32) -> [u8; 3] {
    let x = ((image.width() as f32 * fx) as u32).min(image.width() - 1);
    let y = ((image.height() as f32 * fy) as u32).min(image.height() - 1);
    image.get_pixel(x, y).0
}

pub fn is_red([red, green, blue]: [u8; 3]) -> bool {
    red > 150 && green < 100 && blue < 100
}
