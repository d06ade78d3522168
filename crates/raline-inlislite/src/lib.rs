//! Hands approved and renewed members to INLISLite v3, the library system that lends the
//! books, so that staff never re-type a member.
//!
//! Two routes: an import file (the 49-column XLSX of INLISLite's Keanggotaan → Import, with a
//! ZIP of photos) for libraries that give no database access, and a direct sync into the
//! installation's MariaDB/MySQL database. Both read a [`MemberSnapshot`] built by the caller
//! and a [`Mapping`] of RALINE's values to the installation's lookup rows.

pub mod mapping;
pub mod snapshot;

pub use mapping::{Category, LookupRow, Mapping, MappingGap};
pub use snapshot::{MemberSnapshot, RenewalEntry, photo_file_name};
pub mod database;
pub mod export;
pub mod gather;
pub mod layout;
pub mod worker;
