//! The import file: XLSX in the 49-column layout and a ZIP of photos.
