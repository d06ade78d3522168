//! The import file: XLSX in the 49-column layout and a ZIP of photos.

use std::collections::HashMap;
use std::io::{Cursor, Seek, Write};

use rust_xlsxwriter::{ColNum, Format, RowNum, Workbook, XlsxError};
use zip::result::ZipError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::Mapping;
pub use crate::layout::FixedNames;
use crate::layout::{COLUMN_COUNT, HEADERS, import_row};
use crate::mapping::MappingGap;
use crate::snapshot::{MemberSnapshot, photo_file_name};

/// The sheet INLISLite's importer reads; other sheets are ignored.
pub const SHEET_NAME: &str = "Sheet1";

const LAST_COLUMN: ColNum = (COLUMN_COUNT - 1) as ColNum;

/// Estimated ZIP bytes per photo besides the JPEG itself: local header (30), central
/// directory entry (46) and two copies of a file name of up to about 40 characters.
/// An estimate that is too low only costs one reallocation.
const ZIP_ENTRY_OVERHEAD: usize = 160;

/// Failure to write the import file or the photo ZIP.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Values in use with no lookup row chosen, across all members, sorted and without repeats.
    #[error(
        "no INLISLite lookup row is chosen for {}; choose them in the mapping and export again",
        describe_gaps(.0)
    )]
    MissingMappings(Vec<MappingGap>),
    /// Two member numbers that differ only in `/`, space or `_` give the same photo file
    /// name, so one member's photo would overwrite the other's.
    #[error(
        "members {first} and {second} both have the photo file name {file_name}; change one member number"
    )]
    DuplicatePhotoName {
        file_name: String,
        first: String,
        second: String,
    },
    #[error("failed to write the XLSX file: {0}")]
    Xlsx(String),
    #[error("failed to write the photo ZIP: {0}")]
    Zip(String),
}

impl From<XlsxError> for ExportError {
    fn from(error: XlsxError) -> Self {
        ExportError::Xlsx(error.to_string())
    }
}

impl From<ZipError> for ExportError {
    fn from(error: ZipError) -> Self {
        ExportError::Zip(error.to_string())
    }
}

/// Writes the import file: sheet `Sheet1`, the header row, then one row per member numbered
/// from 1 in slice order.
///
/// Every cell is a text cell in a text-formatted (`@`) column, so identity numbers, phone
/// numbers with a leading 0, RT `005` and `dd-mm-yyyy` dates stay as typed, even after
/// staff edit the file in a spreadsheet. Fails with [`ExportError::MissingMappings`] listing
/// the gaps of all members, so no partial file is returned. The whole workbook is built in
/// memory before it is returned.
pub fn write_xlsx(
    members: &[MemberSnapshot],
    mapping: &Mapping,
    names: &FixedNames,
) -> Result<Vec<u8>, ExportError> {
    check_unique_photo_names(members)?;

    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET_NAME)?;
    let text = Format::new().set_num_format("@");
    sheet.set_column_range_format(0, LAST_COLUMN, &text)?;
    for (column, header) in (0..).zip(HEADERS) {
        sheet.write_string(0, column, header)?;
    }

    // Keep checking after the first gap so that the error lists every gap at once.
    let mut gaps = Vec::new();
    for (index, member) in members.iter().enumerate() {
        let number = index + 1;
        match import_row(number, member, mapping, names) {
            Ok(row) if gaps.is_empty() => {
                let row_number =
                    RowNum::try_from(number).map_err(|_| XlsxError::RowColumnLimitError)?;
                for (column, value) in (0..).zip(row) {
                    sheet.write_string(row_number, column, value)?;
                }
            }
            Ok(_) => {}
            Err(member_gaps) => gaps.extend(member_gaps),
        }
    }
    if !gaps.is_empty() {
        gaps.sort();
        gaps.dedup();
        return Err(ExportError::MissingMappings(gaps));
    }

    Ok(workbook.save_to_buffer()?)
}

/// Writes a ZIP with one JPEG per member that has a photo, named as its PHOTO URL cell.
///
/// See [`write_photo_zip_to`] for the archive's layout. The buffer is sized up front from
/// the photo sizes, so it is normally not reallocated while it grows to their total.
pub fn write_photo_zip(members: &[MemberSnapshot]) -> Result<Vec<u8>, ExportError> {
    let capacity = members
        .iter()
        .filter_map(|member| member.photo_jpeg.as_ref())
        .map(|photo| photo.len() + ZIP_ENTRY_OVERHEAD)
        .sum::<usize>()
        + ZIP_ENTRY_OVERHEAD;
    let buffer = Cursor::new(Vec::with_capacity(capacity));
    let buffer = write_photo_zip_to(members, buffer)?;
    Ok(buffer.into_inner())
}

/// Writes the photo ZIP to `writer` (a file, say) and returns the writer.
///
/// Entries lie flat in the archive root, in slice order, stored without compression
/// because JPEG data does not deflate. Timestamps are fixed at 1980-01-01 00:00 and
/// permissions at 0644, so the same members give the same bytes. Unpack the archive into
/// INLISLite's `uploaded_files/foto_anggota/` after the import, because the importer renames
/// a PHOTO URL whose file already exists there.
pub fn write_photo_zip_to<W: Write + Seek>(
    members: &[MemberSnapshot],
    writer: W,
) -> Result<W, ExportError> {
    check_unique_photo_names(members)?;

    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(writer);
    for member in members {
        if let Some(photo) = &member.photo_jpeg {
            zip.start_file(photo_file_name(&member.member_number), options)?;
            zip.write_all(photo)
                .map_err(|error| ExportError::Zip(error.to_string()))?;
        }
    }
    Ok(zip.finish()?)
}

/// Rejects two members with photos whose member numbers map to the same file name.
fn check_unique_photo_names(members: &[MemberSnapshot]) -> Result<(), ExportError> {
    let mut owners: HashMap<String, &str> = HashMap::new();
    for member in members.iter().filter(|member| member.photo_jpeg.is_some()) {
        let file_name = photo_file_name(&member.member_number);
        if let Some(first) = owners.get(&file_name) {
            return Err(ExportError::DuplicatePhotoName {
                first: (*first).to_owned(),
                second: member.member_number.clone(),
                file_name,
            });
        }
        owners.insert(file_name, &member.member_number);
    }
    Ok(())
}

/// Lists gaps as `category "value"` pairs for an error message.
fn describe_gaps(gaps: &[MappingGap]) -> String {
    let described: Vec<String> = gaps
        .iter()
        .map(|gap| format!("{} {:?}", gap.category.as_str(), gap.value))
        .collect();
    described.join(", ")
}
