//! Reads a member's current state from RALINE's store into a [`MemberSnapshot`], the one
//! input of both the import file and the direct sync.

use raline_domain::{Address, ApplicationStatus, Guardian, UploadSlot};
use raline_store::{FileStore, Store, StoreResult};

use crate::snapshot::{MemberSnapshot, RenewalEntry};

/// Builds the snapshot of member `member_id`, or `None` when no such member exists.
///
/// Contact details come from the member (who may have changed them), identity data from the
/// member and the application it came from, the photo from the card-size JPEG RALINE made
/// at upload (already re-encoded without metadata).
pub async fn load_snapshot(
    store: &Store,
    files: &FileStore,
    member_id: i64,
) -> StoreResult<Option<MemberSnapshot>> {
    let Some(member) = store.member(member_id).await? else {
        return Ok(None);
    };
    let Some(application) = store.application(member.application_id).await? else {
        return Ok(None);
    };

    let renewals = store
        .renewals_of_member(member_id)
        .await?
        .into_iter()
        .filter(|renewal| renewal.status == ApplicationStatus::Approved)
        .filter_map(|renewal| {
            Some(RenewalEntry {
                renewal_id: renewal.id,
                new_valid_until: renewal.new_valid_until?,
                fee_rupiah: renewal.fee_rupiah,
                paid: renewal.paid,
            })
        })
        .collect::<Vec<_>>();
    let mut renewals = renewals;
    renewals.sort_by_key(|renewal| (renewal.new_valid_until, renewal.renewal_id));

    let photo = store
        .uploads_for(application.id)
        .await?
        .into_iter()
        .find(|upload| upload.slot == UploadSlot::Photo)
        .and_then(|upload| upload.card_storage_name);
    let photo_jpeg = match photo {
        Some(name) => Some(files.get(&name).await?),
        None => None,
    };

    // The member's own changed address is free text without region parts; the regions of
    // the application's address no longer apply to it.
    let current_address = match &member.address {
        Some(street) => Address {
            street: street.clone(),
            rt: String::new(),
            rw: String::new(),
            village: String::new(),
            village_code: None,
            district: String::new(),
            regency: String::new(),
            regency_code: None,
            province: String::new(),
        },
        None => application.living_address().clone(),
    };

    let guardian = application.guardian_name.as_ref().map(|name| Guardian {
        name: name.clone(),
        relationship: application
            .guardian_relationship
            .clone()
            .unwrap_or_default(),
        identity_number: application.identity_number.clone(),
    });
    let identity_number = guardian.is_none().then(|| member.identity_number.clone());

    Ok(Some(MemberSnapshot {
        member_id,
        member_number: member.member_number,
        full_name: member.full_name,
        birth_place: application.birth_place,
        birth_date: application.birth_date,
        sex: application.sex,
        identity_type: application.identity_type.as_str().to_owned(),
        identity_number,
        mother_maiden_name: application.mother_maiden_name,
        email: member.email,
        phone: local_phone(&member.phone_e164, &member.phone),
        religion: application.religion,
        marital_status: application.marital_status,
        occupation: application.occupation,
        education: application.education,
        member_type: member.member_type,
        id_address: application.id_address,
        current_address,
        guardian,
        registered_on: member.registered_on,
        valid_until: member.valid_until,
        renewals,
        photo_jpeg,
    }))
}

/// Writes an Indonesian E.164 number the way INLISLite's forms hold it (`08…`); other
/// numbers stay as the member typed them.
fn local_phone(e164: &str, typed: &str) -> String {
    match e164.strip_prefix("+62") {
        Some(rest) if !rest.is_empty() => format!("0{rest}"),
        _ => typed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::local_phone;

    #[test]
    fn phones_are_written_locally() {
        assert_eq!(local_phone("+6281234567890", "+62 812"), "081234567890");
        assert_eq!(local_phone("+31612345678", "+31 6 1234"), "+31 6 1234");
        assert_eq!(local_phone("", "0812"), "0812");
    }
}
