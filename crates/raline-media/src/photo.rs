//! Applicant photos: upright, metadata-free JPEG plus the crop printed on the member card.

use image::RgbImage;
use image::imageops;

use crate::{FileKind, UploadError, UploadLimits, check_size, decode, raster, sniff};

/// Maximum longer side of the stored photo in px. Larger uploads are downscaled, smaller ones kept.
/// 1600 px leaves more than three times the card's 472 px for a later re-crop by staff.
pub const PHOTO_MAX_SIDE: u32 = 1600;

/// Card photo width in px: 30 mm at 300 dpi.
pub const CARD_PHOTO_WIDTH: u32 = 354;

/// Card photo height in px: 40 mm at 300 dpi.
pub const CARD_PHOTO_HEIGHT: u32 = 472;

/// JPEG quality of the stored photo, on the 1..=100 scale of libjpeg.
const PHOTO_QUALITY: u8 = 85;

/// JPEG quality of the card crop, higher because it is printed.
const CARD_QUALITY: u8 = 90;

/// Share of the vertical slack left above a crop that is taller than the photo allows. A value
/// below 0.5 moves the crop up, where the face is in a typical portrait.
const CARD_CROP_TOP_SHARE: f64 = 0.4;

/// A normalised applicant photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    /// Upright baseline RGB JPEG without metadata, longer side at most [`PHOTO_MAX_SIDE`] px.
    pub jpeg: Vec<u8>,
    /// Width of `jpeg` in px.
    pub width: u32,
    /// Height of `jpeg` in px.
    pub height: u32,
    /// 3:4 portrait crop of `jpeg`, [`CARD_PHOTO_WIDTH`] x [`CARD_PHOTO_HEIGHT`] px, as RGB
    /// JPEG without metadata.
    pub card_jpeg: Vec<u8>,
}

/// Validates an uploaded photo and re-encodes it.
///
/// Accepts JPEG (baseline, progressive, grayscale, CMYK), PNG and WebP, detected from the
/// content. The EXIF orientation is applied, transparency is blended onto white and every
/// metadata block (EXIF with GPS, XMP, ICC profile, comments) is dropped. ICC profiles are not
/// applied: pixels are taken as sRGB, or converted from CMYK without a profile.
///
/// Returns [`UploadError::PhotoTooSmall`] when the upright image is below
/// `limits.min_photo_width` x `limits.min_photo_height`.
pub fn process_photo(bytes: &[u8], limits: &UploadLimits) -> Result<Photo, UploadError> {
    check_size(bytes, limits)?;
    let kind = match sniff(bytes) {
        Some(kind @ (FileKind::Jpeg | FileKind::Png | FileKind::Webp)) => kind,
        Some(FileKind::Pdf) | None => return Err(UploadError::UnsupportedType),
    };

    let image = decode::decode_upright(bytes, kind, limits)?;
    let (width, height) = (image.width(), image.height());
    if width < limits.min_photo_width || height < limits.min_photo_height {
        return Err(UploadError::PhotoTooSmall {
            min_width: limits.min_photo_width,
            min_height: limits.min_photo_height,
            width,
            height,
        });
    }

    let rgb = raster::downscale_to_fit(raster::flatten_to_rgb(image), PHOTO_MAX_SIDE);
    let jpeg = raster::encode_jpeg(&rgb, PHOTO_QUALITY)?;
    let card = card_crop(&rgb);
    let card_jpeg = raster::encode_jpeg(&card, CARD_QUALITY)?;

    Ok(Photo {
        jpeg,
        width: rgb.width(),
        height: rgb.height(),
        card_jpeg,
    })
}

/// Cuts the largest 3:4 portrait region, centred horizontally and slightly above centre
/// vertically, and scales it to the card photo size.
fn card_crop(image: &RgbImage) -> RgbImage {
    let (x, y, width, height) = card_crop_region(image.width(), image.height());
    let region = imageops::crop_imm(image, x, y, width, height).to_image();
    raster::resize_exact(&region, CARD_PHOTO_WIDTH, CARD_PHOTO_HEIGHT)
}

/// Returns `(x, y, width, height)` of the largest 3:4 region inside `width` x `height`.
fn card_crop_region(width: u32, height: u32) -> (u32, u32, u32, u32) {
    let (wide, tall) = (u64::from(width), u64::from(height));
    let (crop_width, crop_height) = if wide * 4 > tall * 3 {
        // Wider than 3:4: keep the full height.
        (((tall * 3 + 2) / 4).min(wide), tall)
    } else {
        // Taller than 3:4: keep the full width.
        (wide, ((wide * 4 + 1) / 3).min(tall))
    };
    let x = (wide - crop_width) / 2;
    let slack = (tall - crop_height) as f64;
    let y = (slack * CARD_CROP_TOP_SHARE).round() as u64;
    // Every value is at most `width` or `height`, so it fits in u32.
    (
        x as u32,
        y as u32,
        (crop_width as u32).max(1),
        (crop_height as u32).max(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crop_of_3_by_4_is_whole_image() {
        assert_eq!(card_crop_region(900, 1200), (0, 0, 900, 1200));
        assert_eq!(card_crop_region(1200, 1600), (0, 0, 1200, 1600));
    }

    #[test]
    fn crop_of_landscape_is_centred() {
        assert_eq!(card_crop_region(1600, 1200), (350, 0, 900, 1200));
    }

    #[test]
    fn crop_of_tall_portrait_sits_above_centre() {
        // 1000x2000: the 3:4 region is 1000x1333, leaving 667 px of slack.
        let (x, y, width, height) = card_crop_region(1000, 2000);
        assert_eq!((x, width, height), (0, 1000, 1333));
        assert_eq!(y, 267);
        assert!(y < (2000 - height) / 2);
    }

    #[test]
    fn crop_of_tiny_image_is_not_empty() {
        assert_eq!(card_crop_region(1, 1), (0, 0, 1, 1));
    }
}
