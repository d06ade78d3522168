//! Writes the synthetic test fixtures into `tests/fixtures/`.
//!
//! Run with `cargo run -p raline-media --example make_fixtures` after changing a fixture. The
//! images are drawn shapes, not people, and the PDFs are written by hand with a correct
//! cross-reference table.

use std::fs;
use std::path::{Path, PathBuf};

use image::{ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use jpeg_encoder::{ColorType, Encoder};

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    fs::create_dir_all(&dir).expect("create tests/fixtures");

    let portrait = draw_portrait(600, 800);
    write(
        &dir,
        "portrait.jpg",
        &jpeg(&portrait, ColorType::Rgb, false, &[]),
    );
    write(
        &dir,
        "portrait-progressive.jpg",
        &jpeg(&portrait, ColorType::Rgb, true, &[]),
    );
    write(&dir, "portrait-cmyk.jpg", &jpeg_cmyk(&portrait));
    write(&dir, "portrait-gray.jpg", &jpeg_gray(&portrait));
    write(&dir, "portrait.webp", &encode(&portrait, ImageFormat::WebP));
    write(
        &dir,
        "portrait-alpha.png",
        &encode_rgba(&cut_out(&portrait)),
    );
    write(
        &dir,
        "tiny-60x80.jpg",
        &jpeg(&draw_portrait(60, 80), ColorType::Rgb, false, &[]),
    );

    // Stored sideways, as a phone held upright writes it: orientation 6 turns it back.
    let sideways = image::imageops::rotate270(&portrait);
    let segments = [(1, exif_orientation_6_with_gps()), (1, xmp_packet())];
    write(
        &dir,
        "sideways-exif6-gps.jpg",
        &jpeg(&sideways, ColorType::Rgb, false, &segments),
    );

    write(&dir, "bomb-40000x40000.png", &png_declaring(40_000, 40_000));

    write(&dir, "letter.pdf", &pdf(&letter_objects(1, "")));
    write(&dir, "letter-2-pages.pdf", &pdf(&letter_objects(2, "")));
    let mut javascript = letter_objects(1, "/OpenAction 9 0 R");
    javascript.push("<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>".to_string());
    write(&dir, "letter-javascript.pdf", &pdf(&javascript));
    let mut embedded = letter_objects(
        1,
        "/Names << /EmbeddedFiles << /Names [(catatan.txt) 9 0 R] >> >>",
    );
    embedded.push("<< /Type /Filespec /F (catatan.txt) /EF << /F 10 0 R >> >>".to_string());
    embedded.push(stream_object("/Type /EmbeddedFile", b"contoh lampiran"));
    write(&dir, "letter-embedded-file.pdf", &pdf(&embedded));

    write(
        &dir,
        "letter-object-streams.pdf",
        &pdf_with_object_stream(&letter_objects(2, "")),
    );
    write(
        &dir,
        "letter-object-streams-javascript.pdf",
        &pdf_with_object_stream(&javascript),
    );
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    fs::write(dir.join(name), bytes).expect("write fixture");
    println!("{name}: {} bytes", bytes.len());
}

/// Draws a head-and-shoulders silhouette on a light gradient, with a red square in the
/// top-left corner that tests use to check orientation.
fn draw_portrait(width: u32, height: u32) -> RgbImage {
    let (w, h) = (width as f32, height as f32);
    RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32 / w, y as f32 / h);
        if fx < 0.1 && fy < 0.1 {
            return Rgb([220, 20, 20]);
        }
        let head = ((fx - 0.5) / 0.2).powi(2) + ((fy - 0.38) / 0.2).powi(2) <= 1.0;
        let shoulders =
            fy > 0.65 && ((fx - 0.5) / 0.45).powi(2) + ((fy - 1.0) / 0.35).powi(2) <= 1.0;
        if head {
            Rgb([224, 172, 105])
        } else if shoulders {
            Rgb([30, 40, 90])
        } else {
            let shade = (200.0 + 40.0 * fy) as u8;
            Rgb([shade - 40, shade - 10, shade])
        }
    })
}

/// Makes everything except the silhouette transparent.
fn cut_out(portrait: &RgbImage) -> RgbaImage {
    RgbaImage::from_fn(portrait.width(), portrait.height(), |x, y| {
        let Rgb([red, green, blue]) = *portrait.get_pixel(x, y);
        let background = blue > red && blue > green && blue < 250 && red > 120;
        Rgba([red, green, blue, if background { 0 } else { 255 }])
    })
}

fn jpeg(
    image: &RgbImage,
    color: ColorType,
    progressive: bool,
    segments: &[(u8, Vec<u8>)],
) -> Vec<u8> {
    let mut output = Vec::new();
    let mut encoder = Encoder::new(&mut output, 85);
    encoder.set_progressive(progressive);
    for (number, data) in segments {
        encoder
            .add_app_segment(*number, data.clone())
            .expect("APP segment");
    }
    let (width, height) = dimensions_u16(image.width(), image.height());
    encoder
        .encode(image.as_raw(), width, height, color)
        .expect("encode JPEG");
    output
}

fn jpeg_cmyk(image: &RgbImage) -> Vec<u8> {
    let cmyk: Vec<u8> = image
        .pixels()
        .flat_map(|Rgb([red, green, blue])| {
            let black = 255 - red.max(green).max(blue);
            let scale = |value: u8| {
                if black == 255 {
                    0
                } else {
                    ((255 - value - black) as u32 * 255 / (255 - black) as u32) as u8
                }
            };
            [scale(*red), scale(*green), scale(*blue), black]
        })
        .collect();
    let mut output = Vec::new();
    let mut encoder = Encoder::new(&mut output, 85);
    // Full-resolution channels, as Photoshop and Pillow write CMYK. zune-jpeg 0.5 decodes
    // jpeg-encoder's default 4:2:0 CMYK layout into stripes.
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_1_1);
    let (width, height) = dimensions_u16(image.width(), image.height());
    encoder
        .encode(&cmyk, width, height, ColorType::Cmyk)
        .expect("encode CMYK JPEG");
    output
}

fn jpeg_gray(image: &RgbImage) -> Vec<u8> {
    let gray = image::DynamicImage::ImageRgb8(image.clone()).into_luma8();
    let mut output = Vec::new();
    let encoder = Encoder::new(&mut output, 85);
    let (width, height) = dimensions_u16(gray.width(), gray.height());
    encoder
        .encode(gray.as_raw(), width, height, ColorType::Luma)
        .expect("encode gray JPEG");
    output
}

fn dimensions_u16(width: u32, height: u32) -> (u16, u16) {
    (
        u16::try_from(width).expect("width fits JPEG"),
        u16::try_from(height).expect("height fits JPEG"),
    )
}

fn encode(image: &RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut output = std::io::Cursor::new(Vec::new());
    image.write_to(&mut output, format).expect("encode image");
    output.into_inner()
}

fn encode_rgba(image: &RgbaImage) -> Vec<u8> {
    let mut output = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut output, ImageFormat::Png)
        .expect("encode PNG");
    output.into_inner()
}

/// EXIF APP1 payload: orientation 6 in IFD0 and a GPS IFD with a made-up southern latitude.
fn exif_orientation_6_with_gps() -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II*\0");
    tiff.extend_from_slice(&8u32.to_le_bytes());

    // IFD0 at offset 8: two entries, so the GPS IFD starts at 8 + 2 + 2 * 12 + 4 = 38.
    tiff.extend_from_slice(&2u16.to_le_bytes());
    ifd_entry(&mut tiff, 0x0112, 3, 1, &6u32.to_le_bytes()); // Orientation, SHORT
    ifd_entry(&mut tiff, 0x8825, 4, 1, &38u32.to_le_bytes()); // GPSInfo pointer, LONG
    tiff.extend_from_slice(&0u32.to_le_bytes());

    // GPS IFD at 38: three entries, so the latitude values start at 38 + 2 + 3 * 12 + 4 = 80.
    tiff.extend_from_slice(&3u16.to_le_bytes());
    ifd_entry(&mut tiff, 0x0000, 1, 4, &[2, 3, 0, 0]); // GPSVersionID
    ifd_entry(&mut tiff, 0x0001, 2, 2, b"S\0\0\0"); // GPSLatitudeRef
    ifd_entry(&mut tiff, 0x0002, 5, 3, &80u32.to_le_bytes()); // GPSLatitude, 3 RATIONAL
    tiff.extend_from_slice(&0u32.to_le_bytes());
    for (numerator, denominator) in [(7u32, 1u32), (28, 1), (1234, 100)] {
        tiff.extend_from_slice(&numerator.to_le_bytes());
        tiff.extend_from_slice(&denominator.to_le_bytes());
    }

    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    payload
}

fn ifd_entry(tiff: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: &[u8]) {
    tiff.extend_from_slice(&tag.to_le_bytes());
    tiff.extend_from_slice(&kind.to_le_bytes());
    tiff.extend_from_slice(&count.to_le_bytes());
    let mut inline = [0u8; 4];
    inline[..value.len()].copy_from_slice(value);
    tiff.extend_from_slice(&inline);
}

fn xmp_packet() -> Vec<u8> {
    let mut payload = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    payload.extend_from_slice(
        b"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\
          \"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description \
          xmlns:exif=\"http://ns.adobe.com/exif/1.0/\" exif:GPSLatitude=\"7,28.12S\"/>\
          </rdf:RDF></x:xmpmeta>",
    );
    payload
}

/// Builds a PNG whose header declares `width` x `height` 8-bit RGB pixels, followed by one
/// small IDAT chunk. Any decoder that allocates from the header alone needs gigabytes.
fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    png_chunk(&mut bytes, b"IHDR", &header);

    png_chunk(&mut bytes, b"IDAT", &zlib(&vec![0; 1 << 16]));
    png_chunk(&mut bytes, b"IEND", &[]);
    bytes
}

fn png_chunk(bytes: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    bytes.extend_from_slice(&(data.len() as u32).to_be_bytes());
    bytes.extend_from_slice(kind);
    bytes.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    bytes.extend_from_slice(&crc.sum().to_be_bytes());
}

/// Objects 1 to 8 of a letter with `pages` pages (at most 2). `catalog_extra` is added to the
/// catalog, and further objects start at number 9.
fn letter_objects(pages: usize, catalog_extra: &str) -> Vec<String> {
    let kids = if pages == 2 {
        "[3 0 R 6 0 R]"
    } else {
        "[3 0 R]"
    };
    let text = b"BT /F1 14 Tf 72 770 Td (SURAT PERNYATAAN - contoh sintetis) Tj ET";
    vec![
        format!("<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>"),
        format!("<< /Type /Pages /Kids {kids} /Count {pages} >>"),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        stream_object("", text),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 7 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        stream_object("", b"BT /F1 14 Tf 72 770 Td (Halaman 2) Tj ET"),
        "<< /Producer (raline-media fixtures) >>".to_string(),
    ]
}

fn stream_object(dict_entries: &str, data: &[u8]) -> String {
    format!(
        "<< {dict_entries} /Length {} >>\nstream\n{}\nendstream",
        data.len(),
        String::from_utf8_lossy(data)
    )
}

/// Serialises objects numbered from 1 with a classic cross-reference table. Object 1 is the
/// catalog and object 8 the document information dictionary.
fn pdf(objects: &[String]) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(bytes.len());
        bytes.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", index + 1).as_bytes());
    }
    let xref_start = bytes.len();
    bytes.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        bytes.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    bytes.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 8 0 R >>\nstartxref\n{xref_start}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    bytes
}

/// Serialises objects numbered from 1 as PDF 1.5 does: streams stay top-level objects, every
/// other object goes into one FlateDecode object stream, and a FlateDecode cross-reference
/// stream replaces the table.
fn pdf_with_object_stream(objects: &[String]) -> Vec<u8> {
    let object_stream_number = objects.len() + 1;
    let xref_number = objects.len() + 2;
    let is_stream = |object: &String| object.contains("\nstream\n");

    // Index pairs and bodies of the compressed objects, in object number order.
    let mut index = String::new();
    let mut bodies = String::new();
    let mut compressed = Vec::new();
    for (position, object) in objects.iter().enumerate() {
        if is_stream(object) {
            continue;
        }
        index.push_str(&format!("{} {} ", position + 1, bodies.len()));
        compressed.push(position + 1);
        bodies.push_str(object);
        bodies.push(' ');
    }
    let content = zlib(format!("{index}{bodies}").as_bytes());

    let mut bytes = b"%PDF-1.5\n%\xE2\xE3\xCF\xD3\n".to_vec();
    // Cross-reference fields: type (1 byte), offset or stream number (4), generation or index (2).
    let mut entries = vec![[0u8, 0, 0, 0, 0, 0xFF, 0xFF]; xref_number + 1];
    for (position, object) in objects.iter().enumerate() {
        let number = position + 1;
        if is_stream(object) {
            entries[number] = xref_entry(1, bytes.len(), 0);
            bytes.extend_from_slice(format!("{number} 0 obj\n{object}\nendobj\n").as_bytes());
        } else {
            let slot = compressed
                .iter()
                .position(|&n| n == number)
                .expect("listed");
            entries[number] = xref_entry(2, object_stream_number, slot);
        }
    }

    entries[object_stream_number] = xref_entry(1, bytes.len(), 0);
    bytes.extend_from_slice(
        format!(
            "{object_stream_number} 0 obj\n<< /Type /ObjStm /N {} /First {} /Filter /FlateDecode \
             /Length {} >>\nstream\n",
            compressed.len(),
            index.len(),
            content.len()
        )
        .as_bytes(),
    );
    bytes.extend_from_slice(&content);
    bytes.extend_from_slice(b"\nendstream\nendobj\n");

    let xref_start = bytes.len();
    entries[xref_number] = xref_entry(1, xref_start, 0);
    let table = zlib(&entries.concat());
    bytes.extend_from_slice(
        format!(
            "{xref_number} 0 obj\n<< /Type /XRef /Size {} /W [1 4 2] /Root 1 0 R /Info 8 0 R \
             /Filter /FlateDecode /Length {} >>\nstream\n",
            xref_number + 1,
            table.len()
        )
        .as_bytes(),
    );
    bytes.extend_from_slice(&table);
    bytes.extend_from_slice(
        format!("\nendstream\nendobj\nstartxref\n{xref_start}\n%%EOF\n").as_bytes(),
    );
    bytes
}

fn xref_entry(kind: u8, field: usize, second: usize) -> [u8; 7] {
    let field = u32::try_from(field)
        .expect("offset fits 4 bytes")
        .to_be_bytes();
    let second = u16::try_from(second)
        .expect("index fits 2 bytes")
        .to_be_bytes();
    [
        kind, field[0], field[1], field[2], field[3], second[0], second[1],
    ]
}

fn zlib(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).expect("compress");
    encoder.finish().expect("compress")
}
