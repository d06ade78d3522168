//! JPEG marker walk that finds the end of the image.
//!
//! `image` 0.25 decodes JPEG through zune-jpeg with strict mode off, and that decoder fills
//! missing scan data with grey instead of failing. Walking the markers up to EOI (0xFFD9)
//! first turns a cut-off upload into an error.
//!
//! NOTE: damaged scan data that leaves the markers intact still decodes, with grey or garbled
//! blocks, because the decoder's strict mode is not reachable through `image` 0.25.

use crate::UploadError;

const MARKER_PREFIX: u8 = 0xFF;
const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const TEM: u8 = 0x01;

/// Checks that the marker segments of a JPEG lead to an EOI marker.
///
/// Segment payloads, such as an EXIF thumbnail with its own EOI, are skipped by their length
/// fields, and entropy-coded data is scanned for the next marker. Bytes after EOI are allowed,
/// because some cameras append data there.
pub(crate) fn check_complete(bytes: &[u8]) -> Result<(), UploadError> {
    if bytes.len() < 4 || bytes[0] != MARKER_PREFIX || bytes[1] != SOI {
        return Err(UploadError::corrupt("missing JPEG start-of-image marker"));
    }

    let mut pos = 2;
    loop {
        // Tolerate stray bytes between segments, as libjpeg does, by moving to the next 0xFF.
        while pos < bytes.len() && bytes[pos] != MARKER_PREFIX {
            pos += 1;
        }
        // A marker may be preceded by any number of 0xFF fill bytes.
        while pos < bytes.len() && bytes[pos] == MARKER_PREFIX {
            pos += 1;
        }
        let Some(&marker) = bytes.get(pos) else {
            return Err(truncated());
        };
        pos += 1;

        match marker {
            EOI => return Ok(()),
            // Markers without a length field.
            TEM | SOI | 0xD0..=0xD7 => {}
            _ => {
                let length = segment_length(bytes, pos)?;
                pos += length;
                if pos > bytes.len() {
                    return Err(truncated());
                }
                if marker == SOS {
                    pos = skip_entropy_coded_data(bytes, pos);
                }
            }
        }
    }
}

/// Returns the segment length, which counts its own two bytes but not the marker.
fn segment_length(bytes: &[u8], pos: usize) -> Result<usize, UploadError> {
    let (Some(&high), Some(&low)) = (bytes.get(pos), bytes.get(pos + 1)) else {
        return Err(truncated());
    };
    let length = usize::from(u16::from_be_bytes([high, low]));
    if length < 2 {
        return Err(UploadError::corrupt("JPEG segment length below 2"));
    }
    Ok(length)
}

/// Returns the offset of the first marker after the scan data that starts at `pos`.
///
/// Inside scan data 0xFF is followed by 0x00 (a stuffed byte), by a restart marker
/// 0xD0..=0xD7 or by more 0xFF fill bytes. Any other byte after 0xFF starts the next marker.
fn skip_entropy_coded_data(bytes: &[u8], mut pos: usize) -> usize {
    while pos + 1 < bytes.len() {
        if bytes[pos] == MARKER_PREFIX {
            match bytes[pos + 1] {
                0x00 | 0xD0..=0xD7 => pos += 2,
                MARKER_PREFIX => pos += 1,
                _ => return pos,
            }
        } else {
            pos += 1;
        }
    }
    bytes.len()
}

fn truncated() -> UploadError {
    UploadError::corrupt("JPEG data ends before the end-of-image marker")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a structurally complete JPEG with an APP1 payload that contains its own EOI bytes.
    fn minimal() -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xD8];
        bytes.extend_from_slice(&[0xFF, 0xE1, 0x00, 0x06, 0xFF, 0xD9, 0xAB, 0xCD]);
        bytes.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x04, 0x01, 0x02]);
        bytes.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD3, 0x56]);
        bytes.extend_from_slice(&[0xFF, 0xD9]);
        bytes
    }

    #[test]
    fn complete_jpeg_accepted() {
        assert_eq!(check_complete(&minimal()), Ok(()));
    }

    #[test]
    fn trailing_bytes_after_eoi_accepted() {
        let mut bytes = minimal();
        bytes.extend_from_slice(b"trailer");
        assert_eq!(check_complete(&bytes), Ok(()));
    }

    #[test]
    fn every_truncation_rejected() {
        let bytes = minimal();
        for len in 0..bytes.len() {
            assert!(
                check_complete(&bytes[..len]).is_err(),
                "prefix of {len} bytes"
            );
        }
    }

    #[test]
    fn eoi_inside_segment_payload_ignored() {
        // Cut the file inside the scan: the EOI bytes in the APP1 payload must not count.
        let bytes = minimal();
        assert!(check_complete(&bytes[..16]).is_err());
    }
}
