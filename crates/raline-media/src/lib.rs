//! Turns untrusted uploaded bytes into safe, normalised files.
//!
//! The format is sniffed from the content, never from the client's file name or Content-Type.
//! Images are decoded under explicit pixel and memory limits, turned upright, and re-encoded as
//! JPEG, which drops all metadata. PDFs are checked and kept byte for byte.
//!
//! Every function is pure and synchronous. A 12-megapixel phone photo took about 0.5 s of one
//! core in a release build on a 2-core machine (see `examples/time_photo.rs`), so async callers
//! should run these functions on a blocking thread. They should also bound how many run at
//! once, because each call may allocate several hundred MiB at the default limits.

mod decode;
mod document;
mod error;
mod jpeg;
mod pdf;
mod photo;
mod raster;
mod sniff;

pub use document::{DOCUMENT_MAX_SIDE, Document, process_document};
pub use error::UploadError;
pub use pdf::{PdfSignature, SignatureReport};
pub use photo::{CARD_PHOTO_HEIGHT, CARD_PHOTO_WIDTH, PHOTO_MAX_SIDE, Photo, process_photo};
pub use sniff::{FileKind, sniff};

/// Limits applied to every upload before and during decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadLimits {
    /// Maximum upload size in bytes.
    pub max_bytes: usize,
    /// Maximum width x height declared in an image header, checked before decoding.
    pub max_pixels: u64,
    /// Maximum width or height in px, checked before decoding.
    pub max_dimension: u32,
    /// Minimum photo width in px, after EXIF orientation.
    pub min_photo_width: u32,
    /// Minimum photo height in px, after EXIF orientation.
    pub min_photo_height: u32,
}

impl Default for UploadLimits {
    /// Returns the limits for public registration uploads.
    ///
    /// - `max_bytes`: 5 MiB, enough for a 12-megapixel phone JPEG (typically 2–4 MiB) or a
    ///   scanned letter as PDF.
    /// - `max_pixels`: 40 megapixels, above the 12–24 megapixels of phone cameras' default
    ///   modes. Decoding that many pixels needs 120 MiB as RGB and up to 320 MiB as 16-bit RGBA.
    /// - `max_dimension`: 10,000 px, longer than any side of a 40-megapixel camera image with
    ///   the common 4:3, 3:2 or 16:9 ratios, so only extreme strips are rejected.
    /// - `min_photo_width` x `min_photo_height`: 300 x 400 px, the card photo area of
    ///   30 x 40 mm printed at about 250 dpi (254 dpi exactly). Smaller photos print blurred.
    fn default() -> Self {
        UploadLimits {
            max_bytes: 5 * 1024 * 1024,
            max_pixels: 40_000_000,
            max_dimension: 10_000,
            min_photo_width: 300,
            min_photo_height: 400,
        }
    }
}

/// Rejects an empty upload or one above `limits.max_bytes`.
fn check_size(bytes: &[u8], limits: &UploadLimits) -> Result<(), UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(UploadError::TooLarge {
            size: bytes.len(),
            max_bytes: limits.max_bytes,
        });
    }
    Ok(())
}
