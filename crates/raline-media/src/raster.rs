//! Pixel conversions shared by photos and documents.

use image::codecs::jpeg::JpegEncoder;
use image::imageops::{self, FilterType};
use image::{DynamicImage, GrayImage, ImageBuffer, Pixel, RgbImage};

use crate::UploadError;

/// Resampling filter for every downscale. Catmull-Rom is sharp enough for faces and text and
/// has a smaller kernel than Lanczos3, so it costs less time on 12-megapixel phone photos.
const RESIZE_FILTER: FilterType = FilterType::CatmullRom;

/// Converts to 8-bit RGB, blending any transparency onto white.
///
/// Transparent areas of a cut-out portrait would otherwise become black in a JPEG.
pub(crate) fn flatten_to_rgb(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [red, green, blue, alpha] = rgba.get_pixel(x, y).0;
        image::Rgb([
            over_white(red, alpha),
            over_white(green, alpha),
            over_white(blue, alpha),
        ])
    })
}

/// Converts to 8-bit grayscale, blending any transparency onto white.
pub(crate) fn flatten_to_luma(image: DynamicImage) -> GrayImage {
    if !image.color().has_alpha() {
        return image.into_luma8();
    }
    let luma_alpha = image.into_luma_alpha8();
    GrayImage::from_fn(luma_alpha.width(), luma_alpha.height(), |x, y| {
        let [luma, alpha] = luma_alpha.get_pixel(x, y).0;
        image::Luma([over_white(luma, alpha)])
    })
}

/// Composites one 8-bit sample with straight alpha over white, rounding to nearest.
fn over_white(sample: u8, alpha: u8) -> u8 {
    let sample = u32::from(sample);
    let alpha = u32::from(alpha);
    let blended = (sample * alpha + 255 * (255 - alpha) + 127) / 255;
    // The blend of two values in 0..=255 stays in 0..=255.
    blended as u8
}

/// Returns the image scaled so that its longer side is at most `max_side` px, keeping the
/// aspect ratio. Images that already fit are returned unchanged and never enlarged.
pub(crate) fn downscale_to_fit<P>(
    image: ImageBuffer<P, Vec<u8>>,
    max_side: u32,
) -> ImageBuffer<P, Vec<u8>>
where
    P: Pixel<Subpixel = u8> + 'static,
{
    let (width, height) = image.dimensions();
    let longer = width.max(height);
    if longer <= max_side {
        return image;
    }
    let (new_width, new_height) = (
        scale_side(width, max_side, longer),
        scale_side(height, max_side, longer),
    );
    imageops::resize(&image, new_width, new_height, RESIZE_FILTER)
}

/// Returns `side * numerator / denominator` rounded to nearest, and at least 1.
fn scale_side(side: u32, numerator: u32, denominator: u32) -> u32 {
    let scaled = (u64::from(side) * u64::from(numerator) + u64::from(denominator) / 2)
        / u64::from(denominator);
    // The result is at most `side` because numerator < denominator here.
    (scaled as u32).max(1)
}

/// Resizes to exactly `width` x `height` px. The caller keeps the aspect ratio.
pub(crate) fn resize_exact(image: &RgbImage, width: u32, height: u32) -> RgbImage {
    imageops::resize(image, width, height, RESIZE_FILTER)
}

/// Encodes as baseline JPEG with a JFIF header only, so no EXIF, XMP or ICC segment is
/// written. The `image` 0.25 encoder does not subsample chroma (4:4:4).
pub(crate) fn encode_jpeg<P>(
    image: &ImageBuffer<P, Vec<u8>>,
    quality: u8,
) -> Result<Vec<u8>, UploadError>
where
    P: Pixel<Subpixel = u8> + image::PixelWithColorType,
{
    let mut output = Vec::new();
    JpegEncoder::new_with_quality(&mut output, quality)
        .encode_image(image)
        .map_err(|error| UploadError::EncodeFailed {
            reason: error.to_string(),
        })?;
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_white_endpoints() {
        assert_eq!(over_white(0, 0), 255);
        assert_eq!(over_white(0, 255), 0);
        assert_eq!(over_white(200, 255), 200);
        assert_eq!(over_white(0, 128), 127);
    }

    #[test]
    fn downscale_keeps_aspect_ratio() {
        let image = RgbImage::new(3024, 4032);
        let scaled = downscale_to_fit(image, 1600);
        assert_eq!(scaled.dimensions(), (1200, 1600));
    }

    #[test]
    fn downscale_never_enlarges() {
        let image = RgbImage::new(300, 400);
        let scaled = downscale_to_fit(image, 1600);
        assert_eq!(scaled.dimensions(), (300, 400));
    }

    #[test]
    fn downscale_thin_strip_keeps_one_pixel() {
        let image = GrayImage::new(10_000, 2);
        let scaled = downscale_to_fit(image, 1600);
        assert_eq!(scaled.dimensions(), (1600, 1));
    }
}
