//! PDF checks for statement letters that staff open in a browser.

mod filters;
mod scan;
mod signature;
mod text;

use std::panic::{self, AssertUnwindSafe};

use lopdf::{Document, Object};

use crate::UploadError;

pub use signature::{PdfSignature, SignatureReport};

/// Facts about a PDF that passed [`check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CheckedPdf {
    pub(crate) pages: u32,
    pub(crate) signatures: SignatureReport,
}

/// Checks an uploaded PDF and returns its page count and digital signatures.
///
/// The syntax pre-scan runs first, because lopdf 0.38 can overflow the stack or allocate
/// without limit on crafted input. lopdf then parses the file. A panic inside lopdf is caught
/// and reported as an invalid PDF, which works only while the binary unwinds on panic (the
/// default, not `panic = "abort"`).
///
/// NOTE: the pre-scan bounds stack depth and decompressed bytes only. lopdf is not hardened
/// against hostile input, so a crafted file may still cost it more CPU time than a normal one.
pub(crate) fn check(bytes: &[u8]) -> Result<CheckedPdf, UploadError> {
    if !bytes.starts_with(b"%PDF-") {
        return Err(UploadError::UnsupportedType);
    }
    scan::prescan(bytes)?;

    let document = panic::catch_unwind(AssertUnwindSafe(|| Document::load_mem(bytes)))
        .map_err(|_| UploadError::pdf_invalid("the PDF parser failed on this file"))?
        .map_err(|error| UploadError::pdf_invalid(error.to_string()))?;

    if document.trailer.get(b"Encrypt").is_ok() || document.encryption_state.is_some() {
        return Err(UploadError::PdfEncrypted);
    }
    check_objects(&document)?;

    let pages = document.get_pages().len();
    if pages == 0 {
        return Err(UploadError::pdf_invalid("the PDF has no pages"));
    }

    let signatures = signature::read_signatures(&document)?;
    Ok(CheckedPdf {
        pages: u32::try_from(pages).unwrap_or(u32::MAX),
        signatures,
    })
}

/// Rejects a name that marks active content, an embedded file or encryption.
///
/// The check is on names alone, wherever they occur, because a viewer may act on an action
/// dictionary reached from any object. `/EF` is the embedded-file entry of a file
/// specification, and `/GoToE` jumps into an embedded document.
pub(crate) fn check_name(name: &[u8]) -> Result<(), UploadError> {
    match name {
        b"JS" | b"JavaScript" | b"Launch" | b"XFA" | b"RichMedia" => {
            Err(UploadError::PdfActiveContent {
                name: String::from_utf8_lossy(name).into_owned(),
            })
        }
        b"EmbeddedFile" | b"EmbeddedFiles" | b"EF" | b"GoToE" => {
            Err(UploadError::PdfEmbeddedFile {
                name: String::from_utf8_lossy(name).into_owned(),
            })
        }
        b"Encrypt" => Err(UploadError::PdfEncrypted),
        _ => Ok(()),
    }
}

/// Checks every name, as a key or a value, in the objects lopdf loaded and in the trailer.
/// This repeats the pre-scan on parsed objects, in case lopdf read something the scan did not.
fn check_objects(document: &Document) -> Result<(), UploadError> {
    let mut pending: Vec<&Object> = document.objects.values().collect();
    for (key, value) in document.trailer.iter() {
        check_name(key)?;
        pending.push(value);
    }
    while let Some(object) = pending.pop() {
        match object {
            Object::Name(name) => check_name(name)?,
            Object::Array(items) => pending.extend(items),
            Object::Dictionary(dict) => {
                for (key, value) in dict.iter() {
                    check_name(key)?;
                    pending.push(value);
                }
            }
            Object::Stream(stream) => {
                for (key, value) in stream.dict.iter() {
                    check_name(key)?;
                    pending.push(value);
                }
            }
            _ => {}
        }
    }
    Ok(())
}
