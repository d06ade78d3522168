//! Membership rules of RALINE with no I/O: what a valid application is, how a NIK is read,
//! where an applicant lives, how member numbers look, when and how far a card is renewed, and
//! which calendar day it is in WIB.

pub mod application;
pub mod choices;
pub mod contact;
pub mod dates;
pub mod finding;
pub mod identity;
pub mod member_number;
pub mod message_template;
pub mod names;
pub mod phone;
pub mod region;
mod region_table;
pub mod renewal;
pub mod sex;
pub mod status;

pub use application::{
    Address, ApplicationInput, FieldError, Guardian, MemberType, NewApplication, Password, Policy,
    UploadSlot, validate_application, validate_correction,
};
pub use contact::{Contact, ContactInput, validate_contact};
pub use finding::FindingCode;
pub use identity::{IdentityType, Nik};
pub use names::name_key;
pub use region::{Domicile, RegionDirectory};
pub use renewal::{RenewalApproval, RenewalQuote, RenewalRefusal, RenewalRules, Term};
pub use sex::Sex;
pub use status::{ApplicationStatus, Decision};
