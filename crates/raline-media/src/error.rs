use thiserror::Error;

/// Reason an upload was rejected.
///
/// The `Display` text is for logs and contains no file content. Clients get the message that
/// the web layer picks for [`UploadError::code`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UploadError {
    #[error("the uploaded file is empty")]
    Empty,

    #[error("the uploaded file is {size} bytes, the maximum is {max_bytes} bytes")]
    TooLarge { size: usize, max_bytes: usize },

    /// The content is not one of the accepted formats, regardless of the file name.
    #[error("the file content is not an accepted format")]
    UnsupportedType,

    /// The file starts like an accepted format but cannot be decoded completely.
    #[error("the file is damaged or incomplete: {reason}")]
    Corrupt { reason: String },

    /// The header declares more pixels, or a longer side, than the limits allow. Raised before
    /// any pixel data is decoded.
    #[error(
        "the image is {width}x{height} px, the maximum is {max_pixels} pixels \
         and {max_dimension} px per side"
    )]
    TooManyPixels {
        width: u32,
        height: u32,
        max_pixels: u64,
        max_dimension: u32,
    },

    /// Width and height are those of the upright image, after EXIF orientation.
    #[error("the photo is {width}x{height} px, the minimum is {min_width}x{min_height} px")]
    PhotoTooSmall {
        min_width: u32,
        min_height: u32,
        width: u32,
        height: u32,
    },

    #[error("the PDF is encrypted or password-protected")]
    PdfEncrypted,

    #[error("the PDF cannot be read: {reason}")]
    PdfInvalid { reason: String },

    /// JavaScript, a launch action, an XFA form or rich media, which a viewer may run on open.
    #[error("the PDF contains active content (/{name})")]
    PdfActiveContent { name: String },

    #[error("the PDF contains an embedded file (/{name})")]
    PdfEmbeddedFile { name: String },

    /// Nesting, compressed data or structure beyond what a scanned or exported letter needs.
    #[error("the PDF is too complex to check: {reason}")]
    PdfTooComplex { reason: String },

    /// Encoding the normalised image failed. This is a fault on the server, not in the upload.
    #[error("re-encoding the image failed: {reason}")]
    EncodeFailed { reason: String },
}

impl UploadError {
    /// Returns a stable snake_case code that the web layer maps to a user message.
    pub fn code(&self) -> &'static str {
        match self {
            UploadError::Empty => "file_empty",
            UploadError::TooLarge { .. } => "file_too_large",
            UploadError::UnsupportedType => "file_type",
            UploadError::Corrupt { .. } => "file_corrupt",
            UploadError::TooManyPixels { .. } => "image_too_many_pixels",
            UploadError::PhotoTooSmall { .. } => "photo_too_small",
            UploadError::PdfEncrypted => "pdf_encrypted",
            UploadError::PdfInvalid { .. } => "pdf_invalid",
            UploadError::PdfActiveContent { .. } => "pdf_active_content",
            UploadError::PdfEmbeddedFile { .. } => "pdf_embedded_file",
            UploadError::PdfTooComplex { .. } => "pdf_too_complex",
            UploadError::EncodeFailed { .. } => "image_encode_failed",
        }
    }

    /// Returns true when the server, not the uploaded file, is at fault.
    pub fn is_internal(&self) -> bool {
        matches!(self, UploadError::EncodeFailed { .. })
    }

    pub(crate) fn corrupt(reason: impl Into<String>) -> Self {
        UploadError::Corrupt {
            reason: reason.into(),
        }
    }

    pub(crate) fn pdf_invalid(reason: impl Into<String>) -> Self {
        UploadError::PdfInvalid {
            reason: reason.into(),
        }
    }

    pub(crate) fn pdf_too_complex(reason: impl Into<String>) -> Self {
        UploadError::PdfTooComplex {
            reason: reason.into(),
        }
    }
}
