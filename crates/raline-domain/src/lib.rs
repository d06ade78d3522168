//! Membership rules of RALINE with no I/O: what a valid application is, how a NIK is read,
//! where an applicant lives, how member numbers look and which calendar day it is in WIB.

pub mod application;
pub mod choices;
pub mod dates;
pub mod finding;
pub mod identity;
pub mod member_number;
pub mod names;
pub mod phone;
pub mod region;
mod region_table;
pub mod sex;
pub mod status;

pub use application::{
    Address, ApplicationInput, FieldError, Guardian, MemberType, NewApplication, Password, Policy,
    UploadSlot, validate_application, validate_correction,
};
pub use finding::FindingCode;
pub use identity::{IdentityType, Nik};
pub use names::name_key;
pub use region::{Domicile, RegionDirectory};
pub use sex::Sex;
pub use status::{ApplicationStatus, Decision};
