//! PDF text strings and dates (ISO 32000-1, 7.9.2 and 7.9.4), decoded for display.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Maximum characters kept of a decoded text string. Signer names, reasons and locations are
/// far shorter, and the cap bounds what one crafted string adds to a stored record.
pub(crate) const MAX_TEXT_CHARS: usize = 256;

/// A decoded text string, with at most [`MAX_TEXT_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text {
    pub(crate) text: String,
    /// True when characters after the cap were dropped, so the last word may be cut.
    pub(crate) truncated: bool,
}

/// Decodes a PDF text string: UTF-16BE after a FE FF byte order mark, UTF-8 after EF BB BF
/// (allowed since PDF 2.0), PDFDocEncoding otherwise.
///
/// Invalid sequences become U+FFFD, and an odd final byte of UTF-16 is dropped. Control
/// characters, such as tabs and line breaks, become spaces, so the text fits on one line and
/// words stay apart. Leading and trailing spaces are removed.
pub(crate) fn decode_text(bytes: &[u8]) -> Text {
    let mut chars: Vec<char> = if let Some(utf16) = bytes.strip_prefix(b"\xFE\xFF") {
        let units = utf16
            .chunks_exact(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]));
        char::decode_utf16(units)
            .map(|unit| unit.unwrap_or(char::REPLACEMENT_CHARACTER))
            .take(MAX_TEXT_CHARS + 1)
            .collect()
    } else if let Some(utf8) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        // A UTF-8 character takes at most 4 bytes, so this prefix contains more than the cap.
        let prefix = &utf8[..utf8.len().min((MAX_TEXT_CHARS + 1) * 4)];
        String::from_utf8_lossy(prefix)
            .chars()
            .take(MAX_TEXT_CHARS + 1)
            .collect()
    } else {
        bytes
            .iter()
            .take(MAX_TEXT_CHARS + 1)
            .map(|&byte| pdf_doc_char(byte))
            .collect()
    };

    let truncated = chars.len() > MAX_TEXT_CHARS;
    chars.truncate(MAX_TEXT_CHARS);

    let single_line: String = chars
        .into_iter()
        .map(|character| {
            if character.is_control() {
                ' '
            } else {
                character
            }
        })
        .collect();
    Text {
        text: single_line.trim().to_string(),
        truncated,
    }
}

/// Maps a PDFDocEncoding byte to its character (ISO 32000-1, annex D.2). The encoding matches
/// Latin-1 except at 0x18 to 0x1F, 0x7F to 0xA0 and 0xAD. Bytes it leaves undefined become
/// U+FFFD.
fn pdf_doc_char(byte: u8) -> char {
    match byte {
        0x18 => '\u{02D8}', // breve
        0x19 => '\u{02C7}', // caron
        0x1A => '\u{02C6}', // circumflex
        0x1B => '\u{02D9}', // dot above
        0x1C => '\u{02DD}', // double acute
        0x1D => '\u{02DB}', // ogonek
        0x1E => '\u{02DA}', // ring
        0x1F => '\u{02DC}', // small tilde
        0x80 => '\u{2022}', // bullet
        0x81 => '\u{2020}', // dagger
        0x82 => '\u{2021}', // double dagger
        0x83 => '\u{2026}', // ellipsis
        0x84 => '\u{2014}', // em dash
        0x85 => '\u{2013}', // en dash
        0x86 => '\u{0192}', // florin
        0x87 => '\u{2044}', // fraction slash
        0x88 => '\u{2039}', // single left angle quote
        0x89 => '\u{203A}', // single right angle quote
        0x8A => '\u{2212}', // minus
        0x8B => '\u{2030}', // per mille
        0x8C => '\u{201E}', // double low quote
        0x8D => '\u{201C}', // left double quote
        0x8E => '\u{201D}', // right double quote
        0x8F => '\u{2018}', // left single quote
        0x90 => '\u{2019}', // right single quote
        0x91 => '\u{201A}', // single low quote
        0x92 => '\u{2122}', // trade mark
        0x93 => '\u{FB01}', // fi ligature
        0x94 => '\u{FB02}', // fl ligature
        0x95 => '\u{0141}', // L with stroke
        0x96 => '\u{0152}', // OE
        0x97 => '\u{0160}', // S with caron
        0x98 => '\u{0178}', // Y with diaeresis
        0x99 => '\u{017D}', // Z with caron
        0x9A => '\u{0131}', // dotless i
        0x9B => '\u{0142}', // l with stroke
        0x9C => '\u{0153}', // oe
        0x9D => '\u{0161}', // s with caron
        0x9E => '\u{017E}', // z with caron
        0xA0 => '\u{20AC}', // euro
        0x7F | 0x9F | 0xAD => char::REPLACEMENT_CHARACTER,
        other => char::from(other),
    }
}

/// Parses a PDF date, `D:YYYYMMDDHHmmSSOHH'mm'` (ISO 32000-1, 7.9.4), such as
/// `D:20240305093000+07'00'`.
///
/// Every field after the year is optional, as the standard allows, and so is the `D:` prefix,
/// which older writers leave out. The offset is `Z`, or `+` or `-` with hours and optional
/// minutes, with or without apostrophes. Returns `None` for any other text or an invalid date.
///
/// NOTE: the standard leaves the time zone unknown when the offset is missing. This function
/// assumes UTC then, so such a time may be off by the signer's offset (7 hours for WIB).
pub(crate) fn parse_pdf_date(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    let rest = text.strip_prefix("D:").unwrap_or(text).as_bytes();

    let digits = rest.iter().take_while(|byte| byte.is_ascii_digit()).count();
    if !(4..=14).contains(&digits) || digits % 2 != 0 {
        return None;
    }
    let field = |start: usize, default: u8| -> Option<u8> {
        if start + 2 <= digits {
            two_digits(rest, start)
        } else {
            Some(default)
        }
    };

    let year = i32::from(two_digits(rest, 0)?) * 100 + i32::from(two_digits(rest, 2)?);
    let month = Month::try_from(field(4, 1)?).ok()?;
    let date = Date::from_calendar_date(year, month, field(6, 1)?).ok()?;
    let time = Time::from_hms(field(8, 0)?, field(10, 0)?, field(12, 0)?).ok()?;
    let offset = parse_offset(&rest[digits..])?;
    Some(PrimitiveDateTime::new(date, time).assume_offset(offset))
}

/// Parses the offset part of a PDF date: empty, `Z` (optionally followed by `00'00'`, as some
/// writers add), or a sign with `HH`, `HH'`, `HH'mm` or `HH'mm'`.
fn parse_offset(text: &[u8]) -> Option<UtcOffset> {
    let Some((&sign, rest)) = text.split_first() else {
        return Some(UtcOffset::UTC);
    };
    let negative = match sign {
        b'Z' if rest.iter().all(|&byte| byte == b'0' || byte == b'\'') => {
            return Some(UtcOffset::UTC);
        }
        b'+' => false,
        b'-' => true,
        _ => return None,
    };

    let hours = two_digits(rest, 0)?;
    let rest = &rest[2..];
    let rest = rest.strip_prefix(b"'").unwrap_or(rest);
    let (minutes, rest) = match two_digits(rest, 0) {
        Some(minutes) => (minutes, &rest[2..]),
        None => (0, rest),
    };
    let rest = rest.strip_prefix(b"'").unwrap_or(rest);
    if !rest.is_empty() || hours > 23 || minutes > 59 {
        return None;
    }

    let (hours, minutes) = (i8::try_from(hours).ok()?, i8::try_from(minutes).ok()?);
    if negative {
        UtcOffset::from_hms(-hours, -minutes, 0).ok()
    } else {
        UtcOffset::from_hms(hours, minutes, 0).ok()
    }
}

/// Reads the two ASCII digits at `start` as a number from 0 to 99.
fn two_digits(bytes: &[u8], start: usize) -> Option<u8> {
    let pair = bytes.get(start..start.checked_add(2)?)?;
    if !pair.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some((pair[0] - b'0') * 10 + (pair[1] - b'0'))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn utf16be(text: &str) -> Vec<u8> {
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        bytes
    }

    #[test]
    fn pdf_doc_encoding_matches_lopdf() {
        // lopdf 0.38 contains its own PDFDocEncoding table, and drops the bytes it leaves
        // undefined.
        for byte in 0x18..=0xFF_u8 {
            let object = lopdf::Object::String(vec![byte], lopdf::StringFormat::Literal);
            let expected = lopdf::decode_text_string(&object).unwrap();
            if expected.is_empty() {
                continue;
            }
            // Letters around the byte keep a space from being trimmed.
            assert_eq!(
                decode_text(&[b'a', byte, b'a']).text,
                format!("a{expected}a"),
                "byte {byte:#04X}"
            );
        }
    }

    #[test]
    fn pdf_doc_encoding_special_bytes() {
        assert_eq!(decode_text(b"Rp\x8410.000 \x80 \xA0").text, "Rp—10.000 • €");
    }

    #[test]
    fn utf16_decoded() {
        assert_eq!(decode_text(&utf16be("Sékar Ayu — 𝔸")).text, "Sékar Ayu — 𝔸");
    }

    #[test]
    fn utf16_unpaired_surrogate_replaced() {
        let bytes = [0xFE, 0xFF, 0xD8, 0x00, 0x00, 0x41, 0x00];
        assert_eq!(decode_text(&bytes).text, "\u{FFFD}A");
    }

    #[test]
    fn utf8_with_bom_decoded() {
        assert_eq!(
            decode_text("\u{FEFF}Mojokerto".as_bytes()).text,
            "Mojokerto"
        );
    }

    #[test]
    fn control_characters_become_spaces() {
        assert_eq!(decode_text(b"\0Meterai\nSN\t1\r").text, "Meterai SN 1");
    }

    #[test]
    fn long_text_capped() {
        let short = decode_text(&[b'a'; MAX_TEXT_CHARS]);
        assert_eq!(short.text.chars().count(), MAX_TEXT_CHARS);
        assert!(!short.truncated);

        let long = decode_text(&utf16be(&"é".repeat(100_000)));
        assert_eq!(long.text.chars().count(), MAX_TEXT_CHARS);
        assert!(long.truncated);
    }

    #[test]
    fn pdf_dates_parsed() {
        let cases = [
            (
                "D:20240305093000+07'00'",
                datetime!(2024-03-05 09:30:00 +07:00),
            ),
            (
                "D:20240305093000+07'00",
                datetime!(2024-03-05 09:30:00 +07:00),
            ),
            (
                "D:20240305093000-03'30'",
                datetime!(2024-03-05 09:30:00 -03:30),
            ),
            ("D:20240305093000Z", datetime!(2024-03-05 09:30:00 UTC)),
            (
                "D:20240305093000Z00'00'",
                datetime!(2024-03-05 09:30:00 UTC),
            ),
            ("D:20240305093000", datetime!(2024-03-05 09:30:00 UTC)),
            ("20240305093000+07", datetime!(2024-03-05 09:30:00 +07:00)),
            ("D:2024", datetime!(2024-01-01 00:00:00 UTC)),
            ("D:202403", datetime!(2024-03-01 00:00:00 UTC)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_pdf_date(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn invalid_pdf_dates_rejected() {
        let cases = [
            "",
            "D:",
            "D:24",
            "D:20241",
            "D:20241305",
            "D:20240230",
            "D:20240305250000",
            "D:20240305093000+24'00'",
            "D:20240305093000+07'00'x",
            "D:20240305093000 WIB",
            "5 Maret 2024",
            "D:2024030509300000",
        ];
        for text in cases {
            assert_eq!(parse_pdf_date(text), None, "{text}");
        }
    }
}
