//! Image decoding with limits that are checked before pixel data is read.

use std::io::Cursor;

use image::codecs::jpeg::JpegDecoder;
use image::codecs::png::PngDecoder;
use image::codecs::webp::WebPDecoder;
use image::error::ImageError;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder};

use crate::{FileKind, UploadError, UploadLimits, jpeg};

/// Bytes per pixel of the widest format these decoders return (RGBA with 16-bit samples), so
/// that the pixel limit, not the sample format, decides which images fit.
const MAX_BYTES_PER_PIXEL: u64 = 8;

/// Decodes an image and applies its EXIF orientation, so the result is upright.
///
/// The width, height and pixel count declared in the header are checked before any pixel data
/// is decoded. The decoder receives the same bounds as `image::Limits` (maximum width, height
/// and allocation). A JPEG must reach its end-of-image marker. Metadata is read only to find the orientation and is then dropped.
pub(crate) fn decode_upright(
    bytes: &[u8],
    kind: FileKind,
    limits: &UploadLimits,
) -> Result<DynamicImage, UploadError> {
    match kind {
        FileKind::Jpeg => {
            jpeg::check_complete(bytes)?;
            let decoder = JpegDecoder::new(Cursor::new(bytes)).map_err(data_error)?;
            decode_with(decoder, limits)
        }
        FileKind::Png => {
            // The PNG decoder checks its limits while it reads the header, so read the declared
            // size here first to report it.
            if let Some((width, height)) = png_header_dimensions(bytes) {
                check_dimensions(width, height, limits)?;
            }
            let decoder = PngDecoder::with_limits(Cursor::new(bytes), image_limits(limits))
                .map_err(data_error)?;
            decode_with(decoder, limits)
        }
        FileKind::Webp => {
            let decoder = WebPDecoder::new(Cursor::new(bytes)).map_err(data_error)?;
            decode_with(decoder, limits)
        }
        FileKind::Pdf => Err(UploadError::UnsupportedType),
    }
}

fn decode_with<D: ImageDecoder>(
    mut decoder: D,
    limits: &UploadLimits,
) -> Result<DynamicImage, UploadError> {
    let (width, height) = decoder.dimensions();
    check_dimensions(width, height, limits)?;

    let mut image_limits = image_limits(limits);
    let too_large = |_| too_many_pixels(width, height, limits);
    image_limits
        .reserve(decoder.total_bytes())
        .map_err(too_large)?;
    decoder.set_limits(image_limits).map_err(too_large)?;

    // An unreadable EXIF block is not worth rejecting a photo for: keep the stored orientation.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);

    let mut image = DynamicImage::from_decoder(decoder).map_err(|error| match error {
        ImageError::Limits(_) => too_many_pixels(width, height, limits),
        other => data_error(other),
    })?;
    image.apply_orientation(orientation);
    Ok(image)
}

fn image_limits(limits: &UploadLimits) -> image::Limits {
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_dimension);
    image_limits.max_image_height = Some(limits.max_dimension);
    image_limits.max_alloc = Some(limits.max_pixels.saturating_mul(MAX_BYTES_PER_PIXEL));
    image_limits
}

fn check_dimensions(width: u32, height: u32, limits: &UploadLimits) -> Result<(), UploadError> {
    let pixels = u64::from(width) * u64::from(height);
    if width > limits.max_dimension || height > limits.max_dimension || pixels > limits.max_pixels {
        return Err(too_many_pixels(width, height, limits));
    }
    Ok(())
}

fn too_many_pixels(width: u32, height: u32, limits: &UploadLimits) -> UploadError {
    UploadError::TooManyPixels {
        width,
        height,
        max_pixels: limits.max_pixels,
        max_dimension: limits.max_dimension,
    }
}

/// Reads width and height from the IHDR chunk, which must directly follow the PNG signature.
fn png_header_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let width = u32::from_be_bytes(bytes.get(16..20)?.try_into().ok()?);
    let height = u32::from_be_bytes(bytes.get(20..24)?.try_into().ok()?);
    Some((width, height))
}

/// Maps a decoder error other than a pixel limit. The PNG header reader also raises limit
/// errors, for example for a compressed text chunk that would expand beyond `max_alloc`, and
/// those count as damaged files.
fn data_error(error: ImageError) -> UploadError {
    match error {
        // A valid file using a feature the decoder lacks, such as arithmetic-coded JPEG.
        ImageError::Unsupported(_) => UploadError::UnsupportedType,
        other => UploadError::corrupt(other.to_string()),
    }
}
