//! Member photo and library logo checks and conversion to krilla images.

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};
use krilla::Data;
use krilla::image::Image;

use crate::CardError;

/// Maximum length of the logo's longer side as embedded, in pixels. The logo prints at about 8 mm, so 256 px
/// gives roughly 800 dpi, and it keeps every card PDF small.
const LOGO_MAX_SIDE_PX: u32 = 256;

/// Maximum logo width and height accepted for decoding, in pixels.
const LOGO_DECODE_MAX_SIDE_PX: u32 = 8192;

/// Checks that `bytes` are a complete 8-bit baseline or progressive JPEG and wraps them
/// unchanged, so the PDF carries the original JPEG stream.
///
/// The check walks the marker segments and looks for the end-of-image marker. It does not
/// decode the pixels, because rendering must stay cheap. The upload path decodes and
/// re-encodes every photo before it reaches this crate.
pub(crate) fn photo(bytes: &[u8]) -> Result<Image, CardError> {
    let invalid = |reason: String| CardError::InvalidPhoto { reason };
    check_jpeg(bytes).map_err(|reason| invalid(reason.to_string()))?;
    Image::from_jpeg(Data::from(bytes.to_vec()), true).map_err(invalid)
}

/// Decodes a PNG or JPEG logo, scales it down to at most [`LOGO_MAX_SIDE_PX`] on its longer
/// side, and keeps its transparency.
pub(crate) fn logo(bytes: &[u8]) -> Result<Image, CardError> {
    let invalid = |reason: String| CardError::InvalidLogo { reason };
    let format = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        ImageFormat::Png
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        ImageFormat::Jpeg
    } else {
        return Err(invalid("not a PNG or JPEG file".to_string()));
    };

    let mut limits = Limits::default();
    limits.max_image_width = Some(LOGO_DECODE_MAX_SIDE_PX);
    limits.max_image_height = Some(LOGO_DECODE_MAX_SIDE_PX);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let decoded = reader
        .decode()
        .map_err(|error| invalid(error.to_string()))?;

    let scaled = if decoded.width().max(decoded.height()) > LOGO_MAX_SIDE_PX {
        decoded.resize(
            LOGO_MAX_SIDE_PX,
            LOGO_MAX_SIDE_PX,
            image::imageops::FilterType::Lanczos3,
        )
    } else {
        decoded
    };
    let rgba = scaled.to_rgba8();
    let (width, height) = rgba.dimensions();
    if width == 0 || height == 0 {
        return Err(invalid("image has no pixels".to_string()));
    }
    Ok(Image::from_rgba8(rgba.into_raw(), width, height))
}

/// Walks the JPEG marker segments up to the first scan and checks that an end-of-image
/// marker follows it. Rejects coding processes that PDF's DCTDecode filter cannot show
/// (lossless, hierarchical, arithmetic) and sample precisions other than 8 bits.
fn check_jpeg(bytes: &[u8]) -> Result<(), &'static str> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err("not a JPEG file (no start-of-image marker)");
    }
    let mut position = 2;
    let mut has_frame = false;

    loop {
        if bytes.get(position) != Some(&0xFF) {
            return Err("malformed or truncated marker segment");
        }
        // Any number of 0xFF fill bytes may precede a marker code.
        while bytes.get(position) == Some(&0xFF) {
            position += 1;
        }
        let Some(&marker) = bytes.get(position) else {
            return Err("truncated before the image data");
        };
        position += 1;

        match marker {
            // Restart markers and TEM have no length field.
            0x01 | 0xD0..=0xD7 => continue,
            0xD8 | 0xD9 => return Err("image data is missing"),
            0xDA => {
                if !has_frame {
                    return Err("scan without a frame header");
                }
                // Entropy-coded data escapes 0xFF as 0xFF00, so 0xFFD9 after the first scan
                // header only occurs as the end-of-image marker.
                let rest = bytes.get(position..).unwrap_or_default();
                return if rest.windows(2).rev().any(|pair| pair == [0xFF, 0xD9]) {
                    Ok(())
                } else {
                    Err("truncated (no end-of-image marker)")
                };
            }
            _ => {}
        }

        let length = match bytes.get(position..position + 2) {
            Some(&[high, low]) => usize::from(u16::from_be_bytes([high, low])),
            _ => return Err("truncated marker segment"),
        };
        if length < 2 || position + length > bytes.len() {
            return Err("truncated marker segment");
        }

        match marker {
            0xC0..=0xC2 => {
                if bytes.get(position + 2) != Some(&8) {
                    return Err("sample precision is not 8 bits");
                }
                has_frame = true;
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err(
                    "unsupported JPEG coding process (lossless, hierarchical or arithmetic)",
                );
            }
            _ => {}
        }
        position += length;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodes a 2×2 grey baseline JPEG with the `image` crate.
    fn tiny_jpeg() -> Vec<u8> {
        let pixels = image::RgbImage::from_pixel(2, 2, image::Rgb([128, 128, 128]));
        let mut out = Cursor::new(Vec::new());
        pixels
            .write_to(&mut out, ImageFormat::Jpeg)
            .expect("JPEG encodes");
        out.into_inner()
    }

    #[test]
    fn complete_jpeg_accepted() {
        let jpeg = tiny_jpeg();
        assert_eq!(check_jpeg(&jpeg), Ok(()));
        assert!(photo(&jpeg).is_ok());
    }

    #[test]
    fn truncated_jpeg_rejected() {
        let jpeg = tiny_jpeg();
        for cut in [1, 2, 3, 10, jpeg.len() / 2, jpeg.len() - 2] {
            assert!(
                check_jpeg(&jpeg[..cut]).is_err(),
                "JPEG cut to {cut} of {} bytes was accepted",
                jpeg.len()
            );
        }
    }

    #[test]
    fn non_jpeg_photo_rejected() {
        for bytes in [
            &b""[..],
            b"GIF89a",
            b"\x89PNG\r\n\x1a\n",
            &[0xFF, 0xD8, 0xFF, 0xD9],
        ] {
            assert!(matches!(photo(bytes), Err(CardError::InvalidPhoto { .. })));
        }
    }

    #[test]
    fn arithmetic_coding_rejected() {
        let mut jpeg = tiny_jpeg();
        let sof = jpeg
            .windows(2)
            .position(|pair| pair == [0xFF, 0xC0])
            .expect("baseline frame header");
        jpeg[sof + 1] = 0xC9;
        assert!(check_jpeg(&jpeg).is_err());
    }

    #[test]
    fn large_logo_scaled_down() {
        let pixels = image::RgbaImage::from_pixel(1000, 500, image::Rgba([10, 20, 30, 128]));
        let mut png = Cursor::new(Vec::new());
        pixels
            .write_to(&mut png, ImageFormat::Png)
            .expect("PNG encodes");
        let logo = logo(png.get_ref()).expect("PNG logo accepted");
        assert_eq!(logo.size(), (256, 128));
    }

    #[test]
    fn invalid_logo_rejected() {
        assert!(matches!(
            logo(b"<svg/>"),
            Err(CardError::InvalidLogo { .. })
        ));
        assert!(matches!(
            logo(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(CardError::InvalidLogo { .. })
        ));
    }
}
