//! `process_photo` on the crate's synthetic fixtures and on the project's shared photos.

mod common;

use common::{assert_no_metadata, decode_rgb, fixture, is_red, pixel_at, shared};
use raline_media::{
    CARD_PHOTO_HEIGHT, CARD_PHOTO_WIDTH, PHOTO_MAX_SIDE, Photo, UploadError, UploadLimits,
    process_photo,
};

fn process(bytes: &[u8]) -> Photo {
    process_photo(bytes, &UploadLimits::default()).expect("photo accepted")
}

/// Checks what every accepted photo must satisfy, whatever the input format.
fn assert_normalised(photo: &Photo) {
    assert_no_metadata(&photo.jpeg);
    assert_no_metadata(&photo.card_jpeg);
    let decoded = decode_rgb(&photo.jpeg);
    assert_eq!(decoded.dimensions(), (photo.width, photo.height));
    assert!(photo.width.max(photo.height) <= PHOTO_MAX_SIDE);
    let card = decode_rgb(&photo.card_jpeg);
    assert_eq!(card.dimensions(), (CARD_PHOTO_WIDTH, CARD_PHOTO_HEIGHT));
}

#[test]
fn baseline_jpeg_kept_at_size() {
    let photo = process(&fixture("portrait.jpg"));
    assert_normalised(&photo);
    assert_eq!((photo.width, photo.height), (600, 800));
    assert!(is_red(pixel_at(&decode_rgb(&photo.jpeg), 0.03, 0.03)));
}

#[test]
fn exif_orientation_6_turned_upright() {
    let photo = process(&fixture("sideways-exif6-gps.jpg"));
    assert_normalised(&photo);
    assert_eq!((photo.width, photo.height), (600, 800));

    let upright = decode_rgb(&photo.jpeg);
    assert!(
        is_red(pixel_at(&upright, 0.03, 0.03)),
        "marker must be top left"
    );
    assert!(!is_red(pixel_at(&upright, 0.97, 0.03)));
    assert!(!is_red(pixel_at(&upright, 0.03, 0.97)));
}

#[test]
fn gps_and_xmp_dropped() {
    let input = fixture("sideways-exif6-gps.jpg");
    assert!(
        common::contains(&input, b"Exif\0"),
        "fixture must carry EXIF"
    );
    assert!(
        common::contains(&input, b"GPS"),
        "fixture must carry XMP GPS text"
    );
    let photo = process(&input);
    assert_no_metadata(&photo.jpeg);
    assert_no_metadata(&photo.card_jpeg);
}

#[test]
fn progressive_jpeg_accepted() {
    let photo = process(&fixture("portrait-progressive.jpg"));
    assert_normalised(&photo);
    assert_eq!((photo.width, photo.height), (600, 800));
}

#[test]
fn cmyk_jpeg_converted_to_rgb() {
    let photo = process(&fixture("portrait-cmyk.jpg"));
    assert_normalised(&photo);
    let decoded = decode_rgb(&photo.jpeg);
    let corner = pixel_at(&decoded, 0.03, 0.03);
    assert!(is_red(corner), "red marker came out as {corner:?}");
}

#[test]
fn grayscale_jpeg_becomes_rgb_jpeg() {
    let photo = process(&fixture("portrait-gray.jpg"));
    assert_normalised(&photo);
    let decoded = image::load_from_memory(&photo.jpeg).unwrap();
    assert_eq!(decoded.color(), image::ColorType::Rgb8);
}

#[test]
fn alpha_png_flattened_onto_white() {
    let photo = process(&fixture("portrait-alpha.png"));
    assert_normalised(&photo);
    let background = pixel_at(&decode_rgb(&photo.jpeg), 0.9, 0.3);
    assert!(
        background.iter().all(|&sample| sample > 240),
        "background {background:?}"
    );
}

#[test]
fn webp_accepted() {
    let photo = process(&fixture("portrait.webp"));
    assert_normalised(&photo);
    assert_eq!((photo.width, photo.height), (600, 800));
}

#[test]
fn tiny_photo_rejected() {
    let error = process_photo(&fixture("tiny-60x80.jpg"), &UploadLimits::default()).unwrap_err();
    assert_eq!(
        error,
        UploadError::PhotoTooSmall {
            min_width: 300,
            min_height: 400,
            width: 60,
            height: 80,
        }
    );
    assert_eq!(error.code(), "photo_too_small");
}

#[test]
fn minimum_checked_after_orientation() {
    // The sideways fixture is stored 800x600: stored dimensions would fail a 700 px height.
    let limits = UploadLimits {
        min_photo_width: 600,
        min_photo_height: 800,
        ..UploadLimits::default()
    };
    assert!(process_photo(&fixture("sideways-exif6-gps.jpg"), &limits).is_ok());
}

#[test]
fn large_photo_downscaled_to_max_side() {
    let image = image::RgbImage::from_fn(2400, 3200, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut png = std::io::Cursor::new(Vec::new());
    image.write_to(&mut png, image::ImageFormat::Png).unwrap();
    let photo = process(png.get_ref());
    assert_eq!((photo.width, photo.height), (1200, 1600));
    assert_normalised(&photo);
}

#[test]
fn card_crop_of_landscape_is_portrait() {
    let image = image::RgbImage::from_pixel(1200, 600, image::Rgb([10, 120, 200]));
    let mut png = std::io::Cursor::new(Vec::new());
    image.write_to(&mut png, image::ImageFormat::Png).unwrap();
    let limits = UploadLimits {
        min_photo_height: 300,
        ..UploadLimits::default()
    };
    let photo = process_photo(png.get_ref(), &limits).unwrap();
    assert_eq!((photo.width, photo.height), (1200, 600));
    let card = decode_rgb(&photo.card_jpeg);
    assert_eq!(card.dimensions(), (CARD_PHOTO_WIDTH, CARD_PHOTO_HEIGHT));
}

#[test]
fn default_limits_match_card_print_size() {
    let limits = UploadLimits::default();
    assert_eq!(limits.max_bytes, 5 * 1024 * 1024);
    assert_eq!(
        (limits.min_photo_width, limits.min_photo_height),
        (300, 400)
    );
}

/// Shared photos and the upright size each must come out with.
const SHARED_PHOTOS: &[(&str, Option<(u32, u32)>)] = &[
    ("photo-formal.jpg", Some((900, 1200))),
    ("photo-phone-exif-rotated.jpg", Some((1200, 1600))),
    ("photo-cmyk.jpg", None),
    ("photo-progressive.jpg", None),
    ("photo-grayscale.jpg", None),
    ("photo-alpha.png", None),
    ("photo.webp", None),
];

#[test]
fn shared_photos_accepted_upright() {
    for (name, expected) in SHARED_PHOTOS {
        let Some(bytes) = shared(name) else { return };
        let photo = process_photo(&bytes, &UploadLimits::default())
            .unwrap_or_else(|error| panic!("{name} rejected: {error}"));
        assert_normalised(&photo);
        assert!(
            photo.height > photo.width,
            "{name} is {}x{}",
            photo.width,
            photo.height
        );
        if let Some(size) = expected {
            assert_eq!((photo.width, photo.height), *size, "{name}");
        }
    }
}

#[test]
fn shared_phone_photo_loses_exif_and_gps() {
    let Some(bytes) = shared("photo-phone-exif-rotated.jpg") else {
        return;
    };
    assert!(
        common::contains(common::jpeg_header(&bytes), b"GPS")
            || common::contains(&bytes, b"Exif\0")
    );
    let photo = process_photo(&bytes, &UploadLimits::default()).unwrap();
    assert_no_metadata(&photo.jpeg);
    assert_no_metadata(&photo.card_jpeg);
}

#[test]
fn shared_small_photo_rejected() {
    let Some(bytes) = shared("photo-too-small.jpg") else {
        return;
    };
    let error = process_photo(&bytes, &UploadLimits::default()).unwrap_err();
    assert_eq!(error.code(), "photo_too_small");
}
