//! Identity card scans and statement letters: images re-encoded, PDFs checked and kept.

use image::DynamicImage;

use crate::{
    FileKind, SignatureReport, UploadError, UploadLimits, check_size, decode, pdf, raster, sniff,
};

/// Maximum longer side of a stored document image in px: the long side of A4 at 300 dpi.
/// Larger scans are downscaled, which still keeps an identity card number readable.
pub const DOCUMENT_MAX_SIDE: u32 = 3508;

/// JPEG quality of document images, above the photo quality so small print stays sharp.
const DOCUMENT_QUALITY: u8 = 90;

/// A checked document upload, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Re-encoded JPEG for image uploads, or the uploaded PDF unchanged.
    pub bytes: Vec<u8>,
    /// [`FileKind::Jpeg`] or [`FileKind::Pdf`].
    pub kind: FileKind,
    /// Image width in px, `None` for a PDF.
    pub width: Option<u32>,
    /// Image height in px, `None` for a PDF.
    pub height: Option<u32>,
    /// Page count of a PDF, `None` for an image.
    pub pages: Option<u32>,
    /// Digital signatures of a PDF, and e-Meterai serials found in them. `Some` for every PDF,
    /// with no signatures when it is unsigned, and `None` for an image.
    pub signatures: Option<SignatureReport>,
}

/// Validates an identity card scan or statement letter.
///
/// JPEG, PNG and WebP images go through the same limits and orientation handling as photos and
/// come back as JPEG without metadata: grayscale scans stay grayscale, everything else becomes
/// RGB. A PNG becomes JPEG too, because scans and phone pictures of papers compress far
/// better that way at no loss of legibility.
///
/// A PDF is returned byte for byte after checks, because staff open it in a browser: it must
/// parse, have at least one page, not be encrypted, and contain no JavaScript, launch action,
/// XFA form, rich media or embedded file. Its digital signatures are listed but not verified,
/// and a PDF with more than 64 signatures is rejected as too complex.
pub fn process_document(bytes: &[u8], limits: &UploadLimits) -> Result<Document, UploadError> {
    check_size(bytes, limits)?;
    match sniff(bytes) {
        Some(FileKind::Pdf) => {
            let checked = pdf::check(bytes)?;
            Ok(Document {
                bytes: bytes.to_vec(),
                kind: FileKind::Pdf,
                width: None,
                height: None,
                pages: Some(checked.pages),
                signatures: Some(checked.signatures),
            })
        }
        Some(kind @ (FileKind::Jpeg | FileKind::Png | FileKind::Webp)) => {
            let image = decode::decode_upright(bytes, kind, limits)?;
            encode_document_image(image)
        }
        None => Err(UploadError::UnsupportedType),
    }
}

fn encode_document_image(image: DynamicImage) -> Result<Document, UploadError> {
    let is_gray = matches!(
        image.color(),
        image::ColorType::L8
            | image::ColorType::L16
            | image::ColorType::La8
            | image::ColorType::La16
    );
    let (bytes, width, height) = if is_gray {
        let gray = raster::downscale_to_fit(raster::flatten_to_luma(image), DOCUMENT_MAX_SIDE);
        (
            raster::encode_jpeg(&gray, DOCUMENT_QUALITY)?,
            gray.width(),
            gray.height(),
        )
    } else {
        let rgb = raster::downscale_to_fit(raster::flatten_to_rgb(image), DOCUMENT_MAX_SIDE);
        (
            raster::encode_jpeg(&rgb, DOCUMENT_QUALITY)?,
            rgb.width(),
            rgb.height(),
        )
    };
    Ok(Document {
        bytes,
        kind: FileKind::Jpeg,
        width: Some(width),
        height: Some(height),
        pages: None,
        signatures: None,
    })
}
