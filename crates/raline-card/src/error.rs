use thiserror::Error;

/// Errors from preparing or rendering a member card or a statement letter.
///
/// Messages name the failing input but never repeat personal data such as the member's name.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum CardError {
    /// A required text field is empty or contains only whitespace.
    #[error("required field `{field}` is empty")]
    MissingField {
        /// Name of the field in `CardMember`, `CardLibrary` or `StatementLetter`.
        field: &'static str,
    },

    /// The member number contains a character that Code 39 cannot encode.
    #[error(
        "member number contains {character:?} at character {position}, which Code 39 cannot \
         encode. Allowed are 0-9, A-Z, space and - . $ / + %"
    )]
    InvalidMemberNumber {
        /// The rejected character.
        character: char,
        /// Zero-based position of the character, counted in characters.
        position: usize,
    },

    /// The member number is too long for its Code 39 symbol to fit on the card at a
    /// scannable module width.
    #[error("member number has {length} characters, but at most {max} fit in the Code 39 barcode")]
    MemberNumberTooLong {
        /// Length of the member number in characters.
        length: usize,
        /// Largest length that fits.
        max: usize,
    },

    /// The QR payload does not fit in a QR code that stays scannable in its box on the card.
    #[error("QR payload of {bytes} bytes is too long for the card. Shorten the URL or text")]
    QrPayloadTooLong {
        /// Length of the payload in UTF-8 bytes.
        bytes: usize,
    },

    /// The photo is not a complete baseline or progressive JPEG.
    #[error("invalid member photo: {reason}")]
    InvalidPhoto {
        /// Reason the bytes were rejected.
        reason: String,
    },

    /// The library logo is not a readable PNG or JPEG file.
    #[error("invalid library logo: {reason}")]
    InvalidLogo {
        /// Reason the bytes were rejected.
        reason: String,
    },

    /// The rules text does not fit on the back of the card even at the smallest font size.
    #[error(
        "rules text needs {lines} lines at {min_size_pt} pt but only {max_lines} fit on the \
         back of the card. Shorten the rules text"
    )]
    RulesTextTooLong {
        /// Number of lines the text wraps into at the smallest size.
        lines: usize,
        /// Number of lines that fit.
        max_lines: usize,
        /// Smallest font size tried, in points.
        min_size_pt: f32,
    },

    /// The statement letter needs more pages than allowed.
    #[error(
        "statement letter needs more than {max_pages} A4 pages. Shorten the body text or the \
         field values"
    )]
    LetterTooLong {
        /// Maximum number of pages, [`crate::MAX_LETTER_PAGES`].
        max_pages: usize,
    },

    /// A part of the statement letter that is never split over pages is taller than one page.
    #[error("{part} of the statement letter is taller than one A4 page. Shorten its text")]
    LetterPartTooTall {
        /// The part, such as "signature block".
        part: &'static str,
    },

    /// One of the fonts built into this crate could not be parsed. This is a build defect,
    /// not an input problem.
    #[error("built-in font {name} could not be parsed")]
    Font {
        /// File name of the font under `fonts/`.
        name: &'static str,
    },

    /// krilla failed to write the PDF.
    #[error("PDF serialisation failed: {reason}")]
    Pdf {
        /// krilla's error message.
        reason: String,
    },
}
