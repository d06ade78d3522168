//! Reading the multipart registration body and turning uploads into stored files.

use std::collections::BTreeMap;

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use raline_domain::{ApplicationInput, FieldError, UploadSlot};
use raline_media::{UploadError, UploadLimits};
use raline_store::{FileStore, NewUpload};

use crate::error::WebError;

/// Longest accepted text field, in bytes; generous for addresses, small enough to bound memory.
pub const MAX_TEXT_FIELD_BYTES: usize = 4 * 1024;

/// A parsed registration body: text fields, raw file bytes per slot and form bookkeeping.
#[derive(Default)]
pub struct Submission {
    pub input: ApplicationInput,
    pub files: BTreeMap<UploadSlot, Vec<u8>>,
    /// Upload slots whose file exceeded the size limit (the bytes were discarded).
    pub oversized: Vec<UploadSlot>,
    /// Random key of the form rendering; repeats of the same key are one application.
    pub submission_key: Option<String>,
    /// Every text field as sent, for forms other than the registration form.
    pub text_fields: BTreeMap<String, String>,
    /// Address of the client, for the per-address limit on "already a member" errors.
    pub client: Option<std::net::IpAddr>,
}

impl Submission {
    /// Returns a text field, or "" when it was not sent.
    pub fn text(&self, name: &str) -> &str {
        self.text_fields.get(name).map_or("", String::as_str)
    }
}

fn multipart_error(error: MultipartError, max_file_bytes: usize) -> WebError {
    if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        let max_megabytes = u64::try_from(max_file_bytes / (1024 * 1024)).unwrap_or(u64::MAX);
        WebError::PayloadTooLarge { max_megabytes }
    } else {
        WebError::BadRequest(error.body_text())
    }
}

/// Reads the whole multipart body. File parts are read chunk by chunk and dropped past
/// `max_file_bytes`, so an oversized file costs no more memory than the limit.
pub async fn read_submission(
    mut multipart: Multipart,
    max_file_bytes: usize,
) -> Result<Submission, WebError> {
    let mut submission = Submission::default();
    let mut text_fields = serde_json::Map::new();

    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|error| multipart_error(error, max_file_bytes))?
    {
        let Some(name) = field.name().map(str::to_owned) else {
            continue;
        };

        if let Some(slot) = UploadSlot::parse(&name) {
            let mut bytes = Vec::new();
            let mut too_large = false;
            while let Some(chunk) = field
                .chunk()
                .await
                .map_err(|error| multipart_error(error, max_file_bytes))?
            {
                if bytes.len() + chunk.len() > max_file_bytes {
                    too_large = true;
                    bytes = Vec::new();
                    continue;
                }
                if !too_large {
                    bytes.extend_from_slice(&chunk);
                }
            }
            // Browsers send an empty part for a file input left blank.
            let no_file_chosen = bytes.is_empty() && field.file_name().is_none_or(str::is_empty);
            if too_large {
                submission.oversized.push(slot);
            } else if !no_file_chosen {
                submission.files.insert(slot, bytes);
            }
            continue;
        }

        // A longer value is cut at the limit; validation then reports it as too long, so the
        // form is shown again with everything else kept.
        let mut value = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|error| multipart_error(error, max_file_bytes))?
        {
            let room = MAX_TEXT_FIELD_BYTES.saturating_sub(value.len());
            value.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        let value = String::from_utf8_lossy(&value).into_owned();

        if name == "submission_key" {
            submission.submission_key = Some(value);
        } else {
            submission.text_fields.insert(name.clone(), value.clone());
            text_fields.insert(name, serde_json::Value::String(value));
        }
    }

    // Unknown fields are ignored. Every known field is a string, so only a bug fails here.
    submission.input = serde_json::from_value(serde_json::Value::Object(text_fields))
        .map_err(|error| WebError::BadRequest(error.to_string()))?;
    Ok(submission)
}

/// Concurrent upload decodes; sized for a 2-core machine, where more would only queue.
static DECODE_PERMITS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// An upload that passed its checks, re-encoded, not yet written to disk.
pub struct ProcessedUpload {
    pub slot: UploadSlot,
    pub bytes: Vec<u8>,
    pub card_bytes: Option<Vec<u8>>,
    pub content_type: &'static str,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The digital signatures found in a PDF, `None` for images.
    pub signatures: Option<raline_media::SignatureReport>,
}

/// Checks and re-encodes every file on the blocking pool (image decoding is CPU work).
pub async fn process_files(
    files: BTreeMap<UploadSlot, Vec<u8>>,
    oversized: &[UploadSlot],
    limits: &UploadLimits,
) -> Result<(Vec<ProcessedUpload>, Vec<FieldError>), WebError> {
    let limits = limits.clone();
    let mut errors: Vec<FieldError> = oversized
        .iter()
        .map(|slot| FieldError {
            field: slot.as_str(),
            code: "file_too_large",
        })
        .collect();

    // One decode may allocate a few hundred MiB at the default limits, so only as many run
    // at once as there are permits.
    let _permit = DECODE_PERMITS.acquire().await.map_err(WebError::internal)?;
    let results = tokio::task::spawn_blocking(move || {
        files
            .into_iter()
            .map(|(slot, bytes)| (slot, process_one(slot, &bytes, &limits)))
            .collect::<Vec<_>>()
    })
    .await
    .map_err(WebError::internal)?;

    let mut processed = Vec::new();
    for (slot, result) in results {
        match result {
            Ok(upload) => processed.push(upload),
            Err(error) if error.is_internal() => return Err(WebError::internal(error)),
            Err(error) => {
                tracing::info!(slot = slot.as_str(), code = error.code(), "upload rejected");
                errors.push(FieldError {
                    field: slot.as_str(),
                    code: error.code(),
                });
            }
        }
    }
    Ok((processed, errors))
}

fn process_one(
    slot: UploadSlot,
    bytes: &[u8],
    limits: &UploadLimits,
) -> Result<ProcessedUpload, UploadError> {
    if slot == UploadSlot::Photo {
        let photo = raline_media::process_photo(bytes, limits)?;
        return Ok(ProcessedUpload {
            slot,
            bytes: photo.jpeg,
            card_bytes: Some(photo.card_jpeg),
            content_type: "image/jpeg",
            width: Some(photo.width),
            height: Some(photo.height),
            signatures: None,
        });
    }
    let document = raline_media::process_document(bytes, limits)?;
    Ok(ProcessedUpload {
        slot,
        content_type: document.kind.media_type(),
        bytes: document.bytes,
        card_bytes: None,
        width: document.width,
        height: document.height,
        signatures: document.signatures,
    })
}

/// Writes processed uploads to the file store. On failure, files written so far are removed.
pub async fn store_files(
    files: &FileStore,
    uploads: Vec<ProcessedUpload>,
) -> Result<Vec<NewUpload>, WebError> {
    let mut stored = Vec::with_capacity(uploads.len());
    for upload in uploads {
        let result = store_one(files, upload).await;
        match result {
            Ok(new_upload) => stored.push(new_upload),
            Err(error) => {
                remove_files(files, &stored).await;
                return Err(error);
            }
        }
    }
    Ok(stored)
}

async fn store_one(files: &FileStore, upload: ProcessedUpload) -> Result<NewUpload, WebError> {
    let byte_size = i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX);
    let storage_name = files.put(upload.bytes).await?;
    let card_storage_name = match upload.card_bytes {
        Some(bytes) => match files.put(bytes).await {
            Ok(name) => Some(name),
            Err(error) => {
                let _ = files.delete(&storage_name).await;
                return Err(error.into());
            }
        },
        None => None,
    };
    Ok(NewUpload {
        slot: upload.slot,
        storage_name,
        card_storage_name,
        content_type: upload.content_type.to_owned(),
        byte_size,
        width: upload.width.map(i64::from),
        height: upload.height.map(i64::from),
        signature_count: upload
            .signatures
            .as_ref()
            .map(|report| i64::try_from(report.signatures.len()).unwrap_or(i64::MAX)),
        // Only a statement letter carries the e-Meterai; a serial in another document would
        // be flagged against letters it has nothing to do with.
        emeterai_serials: upload
            .signatures
            .filter(|_| upload.slot == UploadSlot::StatementLetter)
            .map(|report| report.emeterai_serials)
            .unwrap_or_default(),
    })
}

/// Removes files whose database rows were never written.
pub async fn remove_files(files: &FileStore, uploads: &[NewUpload]) {
    for upload in uploads {
        let names = std::iter::once(&upload.storage_name).chain(upload.card_storage_name.iter());
        for name in names {
            if let Err(error) = files.delete(name).await {
                tracing::warn!(%error, "could not remove an orphaned upload file");
            }
        }
    }
}
