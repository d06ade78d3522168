//! One contract suite run against a real SQLite file and a real PostgreSQL database.
//!
//! PostgreSQL is reached at `RALINE_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); each run creates and drops its own database.

use raline_domain::{
    ApplicationInput, ApplicationStatus, Decision, MemberType, NewApplication, Policy, Term,
    UploadSlot, validate_application,
};
use raline_store::{
    ApplicationFilter, Approval, ContactUpdate, InsertOutcome, LinkProblem, NewApplicationRecord,
    NewRenewal, NewUpload, OutboxChannel, OutboxKind, OutboxMessage, OutboxState, ProviderStatus,
    RenewalChannel, RenewalDecision, SessionKind, StaffRole, Store, StoreError,
};
use sqlx::Connection;
use time::OffsetDateTime;
use time::macros::{date, datetime};

const NOW: OffsetDateTime = datetime!(2026-12-04 03:00 UTC);

fn application(nik: &str, email: &str) -> NewApplication {
    application_with(nik, email, |_| {})
}

fn application_with(nik: &str, email: &str, change: fn(&mut ApplicationInput)) -> NewApplication {
    let mut input = ApplicationInput {
        identity_type: "ktp".into(),
        identity_number: nik.into(),
        password: "rahasia1".into(),
        email: email.into(),
        full_name: "Siti Contoh".into(),
        mother_maiden_name: "Ibu Contoh".into(),
        birth_place: "Mojokerto".into(),
        birth_date: "1990-05-05".into(),
        sex: "female".into(),
        occupation: "Guru".into(),
        education: "S1".into(),
        phone: "081234567890".into(),
        address: "Jl. Contoh No. 1".into(),
        rt: "001".into(),
        rw: "002".into(),
        village: "Kauman".into(),
        district: "Prajuritkulon".into(),
        regency_code: "35.76".into(),
        member_type: "umum".into(),
        consent: "true".into(),
        ..ApplicationInput::default()
    };
    change(&mut input);
    let policy = Policy {
        member_types: vec![MemberType::new("umum", "Umum", 365)],
        statement_letter_outside: true,
        regions: std::sync::Arc::new(raline_domain::RegionDirectory::built_in()),
    };
    validate_application(&input, &policy, date!(2026 - 12 - 04)).unwrap()
}

async fn submit(store: &Store, app: &NewApplication, key: &str) -> InsertOutcome {
    submit_with_serials(store, app, key, &[]).await
}

/// Submits with a photo and, when `serials` is not empty, a signed statement letter.
async fn submit_with_serials(
    store: &Store,
    app: &NewApplication,
    key: &str,
    serials: &[&str],
) -> InsertOutcome {
    let mut uploads = vec![NewUpload {
        slot: UploadSlot::Photo,
        storage_name: raline_store::random_token(),
        card_storage_name: None,
        content_type: "image/jpeg".into(),
        byte_size: 10,
        width: Some(900),
        height: Some(1200),
        signature_count: None,
        emeterai_serials: Vec::new(),
    }];
    if !serials.is_empty() {
        uploads.push(NewUpload {
            slot: UploadSlot::StatementLetter,
            storage_name: raline_store::random_token(),
            card_storage_name: None,
            content_type: "application/pdf".into(),
            byte_size: 10,
            width: None,
            height: None,
            signature_count: Some(1),
            emeterai_serials: serials.iter().map(|s| s.to_string()).collect(),
        });
    }
    store
        .insert_application(
            NewApplicationRecord {
                application: app,
                password_hash: "hash",
                submission_key: key,
                status_token_hash: &raline_store::hash_token(key),
                locale: "id",
                uploads: &uploads,
                draft_upload_ids: &[],
            },
            NOW,
        )
        .await
        .unwrap()
}

fn created_id(outcome: &InsertOutcome) -> i64 {
    match outcome {
        InsertOutcome::Created { id, .. } => *id,
        other => panic!("expected a new application, got {other:?}"),
    }
}

const APPROVAL: Approval = Approval {
    registered_on: date!(2026 - 12 - 04),
    validity_days: 365,
    min_sequence: 1,
    numbering: raline_domain::member_number::Numbering::DEFAULT,
};

async fn contract(store: Store) {
    let staff_id = store
        .upsert_staff("petugas", "hash", StaffRole::Verifier, NOW)
        .await
        .unwrap();

    // A double submit with the same key stores one application.
    let app = application("3576014505900001", "siti@example.id");
    let first = submit(&store, &app, "key-1").await;
    let id = created_id(&first);
    let second = submit(&store, &app, "key-1").await;
    assert_eq!(
        second,
        InsertOutcome::AlreadySubmitted {
            id,
            registration_number: "REG-261204-0001".into()
        }
    );

    let record = store
        .application_by_status_token(&raline_store::hash_token("key-1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.id, id);
    assert_eq!(record.status, ApplicationStatus::Submitted);
    assert_eq!(record.birth_date, date!(1990 - 05 - 05));
    assert_eq!(record.id_address.regency, "Kota Mojokerto");
    assert_eq!(store.uploads_for(id).await.unwrap().len(), 1);

    // The same NIK and e-mail in a second application are reported both ways.
    let other = created_id(&submit(&store, &app, "key-2").await);
    let other_record = store.application(other).await.unwrap().unwrap();
    let findings: Vec<&str> = store
        .find_duplicates(&other_record)
        .await
        .unwrap()
        .iter()
        .map(|d| d.finding.as_str())
        .collect();
    assert_eq!(
        findings,
        [
            "duplicate_identity_number",
            "duplicate_email",
            "duplicate_phone",
            "duplicate_name_birth_date"
        ]
    );

    // The queue lists open applications oldest first.
    let queue = store
        .list_applications(ApplicationFilter {
            status: ApplicationStatus::Submitted,
            limit: 50,
            offset: 0,
        })
        .await
        .unwrap();
    assert_eq!(queue.iter().map(|e| e.id).collect::<Vec<_>>(), [id, other]);

    // Approval issues a member and queues the card e-mail, once.
    let outcome = store
        .decide(id, staff_id, Decision::Approve, None, Some(APPROVAL), NOW)
        .await
        .unwrap();
    let member = outcome.member.unwrap();
    assert_eq!(member.member_number, "26120400001");
    assert_eq!(member.valid_until, date!(2027 - 12 - 04));
    let again = store
        .decide(id, staff_id, Decision::Approve, None, Some(APPROVAL), NOW)
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");

    let findings = store.find_duplicates(&other_record).await.unwrap();
    assert_eq!(findings[0].finding.as_str(), "existing_member");
    assert_eq!(findings[0].member_number.as_deref(), Some("26120400001"));

    // Each registration queued an address verification e-mail with its link secret; those
    // go out first.
    let mut registration_link = None;
    let message = loop {
        let message = store
            .claim_outbox_message(NOW, time::Duration::minutes(5), "test-worker")
            .await
            .unwrap()
            .unwrap();
        if message.kind != OutboxKind::EmailVerification {
            break message;
        }
        assert_eq!(message.link_token.as_ref().map(String::len), Some(64));
        if message.application_id == Some(id) {
            registration_link = message.link_token.clone();
        }
        store
            .mark_outbox_sent(message.id, NOW, "memory", None)
            .await
            .unwrap();
    };
    // The outbox hands a message to one worker at a time.
    assert_eq!(message.kind, OutboxKind::CardIssued);
    assert_eq!(message.member_id, Some(member.id));
    assert!(
        store
            .claim_outbox_message(NOW, time::Duration::minutes(5), "test-worker")
            .await
            .unwrap()
            .is_none()
    );
    let after_lease = NOW + time::Duration::minutes(6);
    let taken_over = store
        .claim_outbox_message(after_lease, time::Duration::minutes(5), "test-worker")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((taken_over.id, taken_over.attempts), (message.id, 2));
    store
        .retry_outbox_message(
            message.id,
            after_lease + time::Duration::minutes(1),
            "421 busy",
        )
        .await
        .unwrap();
    assert!(
        store
            .claim_outbox_message(after_lease, time::Duration::minutes(5), "test-worker")
            .await
            .unwrap()
            .is_none()
    );
    store
        .mark_outbox_sent(message.id, after_lease, "memory", None)
        .await
        .unwrap();
    let messages = store.outbox_for_application(id).await.unwrap();
    assert!(messages.iter().all(|m| m.state == OutboxState::Sent));
    assert!(messages.iter().all(|m| m.link_token.is_none()));

    // Rejection and correction are recorded with who decided.
    store
        .decide(
            other,
            staff_id,
            Decision::RequestCorrection,
            Some("Foto buram"),
            None,
            NOW,
        )
        .await
        .unwrap();
    store
        .resubmit_application(other, &app, &[], ("", &[]), NOW)
        .await
        .unwrap();
    store
        .decide(
            other,
            staff_id,
            Decision::Reject,
            Some("Data ganda"),
            None,
            NOW,
        )
        .await
        .unwrap();
    let decisions = store.decisions_for(other).await.unwrap();
    assert_eq!(decisions.len(), 2);
    assert_eq!(decisions[1].staff_username, "petugas");
    assert_eq!(decisions[1].reason.as_deref(), Some("Data ganda"));

    // Concurrent approvals get distinct member numbers.
    let mut ids = Vec::new();
    for n in 0..8 {
        let app = application(
            &format!("35760145059000{:02}", n + 10),
            &format!("warga{n}@example.id"),
        );
        ids.push(created_id(
            &submit(&store, &app, &format!("race-{n}")).await,
        ));
    }
    let tasks: Vec<_> = ids
        .into_iter()
        .map(|id| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .decide(id, staff_id, Decision::Approve, None, Some(APPROVAL), NOW)
                    .await
                    .unwrap()
                    .member
                    .unwrap()
                    .member_number
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.push(task.await.unwrap());
    }
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 8);
    assert_eq!(numbers.last().map(String::as_str), Some("26120400009"));

    // Concurrent approvals of one person's applications issue one member.
    let mut ids = Vec::new();
    for n in 0..6 {
        let app = application("3576014505900099", &format!("kembar{n}@example.id"));
        ids.push(created_id(
            &submit(&store, &app, &format!("twin-{n}")).await,
        ));
    }
    let tasks: Vec<_> = ids
        .iter()
        .map(|&id| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .decide(id, staff_id, Decision::Approve, None, Some(APPROVAL), NOW)
                    .await
            })
        })
        .collect();
    let mut issued = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(outcome) => issued += usize::from(outcome.member.is_some()),
            Err(StoreError::IdentityAlreadyMember) => {}
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }
    assert_eq!(issued, 1);
    assert_eq!(
        store
            .member_number_for_identity("3576014505900099")
            .await
            .unwrap()
            .as_deref()
            .map(str::len),
        Some(11)
    );
    let waiting = store
        .count_applications(ApplicationStatus::Submitted)
        .await
        .unwrap();
    assert_eq!(
        waiting, 5,
        "refused approvals leave the application waiting"
    );

    // The region table is replaced whole, and a bad table leaves the old one.
    assert!(store.load_regions().await.unwrap().is_none());
    let row = |code: &str, name: &str, last_listed: Option<i64>| raline_store::RegionRow {
        code: code.into(),
        name: name.into(),
        last_listed,
    };
    let table = [
        row("35", "Jawa Timur", None),
        row("35.76", "Kota Mojokerto", None),
        row("35.76.01", "Prajuritkulon", None),
        row("35.76.01.1004", "Kauman", None),
        row("91", "Papua", None),
        row("91.01.01", "Merauke", Some(2022)),
    ];
    let imported = store.import_regions(&table).await.unwrap();
    assert_eq!(imported.counts, [2, 1, 1, 1]);
    assert_eq!(imported.historical_districts, 1);
    let orphan = [row("35.99.01", "Tanpa Induk", None)];
    assert!(store.import_regions(&orphan).await.is_err());
    let loaded = store.load_regions().await.unwrap().unwrap();
    assert!(loaded.is_complete());
    assert_eq!(loaded.counts(), [2, 1, 1, 1]);
    assert_eq!(loaded.check_nik_prefix("910101"), Ok(()));

    // A message whose worker died after handing it to the mail server is not sent again.
    let later = NOW + time::Duration::hours(1);
    let handed = store
        .claim_outbox_message(later, time::Duration::minutes(5), "test-worker")
        .await
        .unwrap()
        .unwrap();
    store
        .mark_outbox_handed_over(handed.id, later)
        .await
        .unwrap();
    let after_expiry = later + time::Duration::minutes(6);
    let next = store
        .claim_outbox_message(after_expiry, time::Duration::minutes(5), "test-worker")
        .await
        .unwrap()
        .unwrap();
    assert_ne!(next.id, handed.id);
    let interrupted = store
        .outbox_for_application(handed.application_id.unwrap())
        .await
        .unwrap()
        .into_iter()
        .find(|message| message.id == handed.id)
        .unwrap();
    assert_eq!(interrupted.state, OutboxState::Failed);
    assert_eq!(
        interrupted.last_error.as_deref(),
        Some(raline_store::INTERRUPTED_ERROR)
    );

    // Names match without case and accents; nothing else is shared here.
    let namesake = application_with("3576014505900002", "lain@example.id", |input| {
        input.full_name = "SITI  CONTÖH".into();
        input.phone = "0813-1111-2222".into();
    });
    let namesake_id = created_id(&submit(&store, &namesake, "key-namesake").await);
    let namesake_record = store.application(namesake_id).await.unwrap().unwrap();
    assert_eq!(namesake_record.name_key, "siti contoh");
    let found = store.find_duplicates(&namesake_record).await.unwrap();
    assert!(
        found
            .iter()
            .all(|d| d.finding.as_str() == "duplicate_name_birth_date"),
        "{found:?}"
    );
    assert!(found.len() > 2, "every earlier Siti Contoh is listed");

    // An e-Meterai serial used in two statement letters is reported on the later one.
    let serial = "1234567890123456789012";
    let stamped = |n: u32| {
        application_with(
            &format!("35760145059001{n:02}"),
            "meterai@example.id",
            |input| {
                input.full_name = "Meterai Contoh".into();
                input.phone = "0813-3333-4444".into();
            },
        )
    };
    let first_letter =
        created_id(&submit_with_serials(&store, &stamped(1), "key-m1", &[serial]).await);
    let second_letter =
        created_id(&submit_with_serials(&store, &stamped(2), "key-m2", &[serial]).await);
    let second_record = store.application(second_letter).await.unwrap().unwrap();
    let reused: Vec<_> = store
        .find_duplicates(&second_record)
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.finding.as_str() == "emeterai_serial_reused")
        .collect();
    assert_eq!(reused.len(), 1);
    assert_eq!(reused[0].application_id, first_letter);
    assert_eq!(
        store.emeterai_serials(second_letter).await.unwrap(),
        [serial]
    );

    // Sessions expire.
    let token = store
        .create_session(staff_id, NOW, time::Duration::hours(1))
        .await
        .unwrap();
    assert!(store.session(&token, NOW).await.unwrap().is_some());
    assert!(
        store
            .session(&token, NOW + time::Duration::hours(2))
            .await
            .unwrap()
            .is_none()
    );
    let api_token = store.create_api_token(staff_id, NOW).await.unwrap();
    assert_eq!(
        store
            .staff_by_api_token(&api_token)
            .await
            .unwrap()
            .unwrap()
            .username,
        "petugas"
    );

    let registration_link = registration_link.expect("the registration's verification link");
    accounts_and_renewals(&store, staff_id, member.id, &registration_link).await;
}

/// Member logins, e-mail links, renewals and reminders of the member approved above, whose
/// card ends on 2027-12-04.
async fn accounts_and_renewals(
    store: &Store,
    staff_id: i64,
    member_id: i64,
    registration_link: &str,
) {
    let member = store.member(member_id).await.unwrap().unwrap();
    assert_eq!(member.email, "siti@example.id");
    assert!(!member.email_verified);

    // Login by member number, with the registration password hash; by e-mail only once the
    // address is verified (below).
    let by_number = store.members_for_login("26120400001").await.unwrap();
    assert_eq!(by_number.len(), 1);
    assert_eq!(by_number[0].password_hash, "hash");
    let by_email = store.members_for_login(" SITI@example.id ").await.unwrap();
    assert!(by_email.is_empty());
    assert!(
        store
            .members_for_login("nobody@example.id")
            .await
            .unwrap()
            .is_empty()
    );

    // Sessions by kind: a cookie secret is not an API token.
    let cookie = store
        .create_member_session(member_id, SessionKind::Cookie, NOW, time::Duration::days(7))
        .await
        .unwrap();
    let api = store
        .create_member_session(member_id, SessionKind::Api, NOW, time::Duration::days(30))
        .await
        .unwrap();
    assert!(api.starts_with("rlm_"));
    assert!(
        store
            .member_session(&cookie, SessionKind::Cookie, NOW)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .member_session(&cookie, SessionKind::Api, NOW)
            .await
            .unwrap()
            .is_none()
    );
    let later = NOW + time::Duration::days(8);
    assert!(
        store
            .member_session(&cookie, SessionKind::Cookie, later)
            .await
            .unwrap()
            .is_none()
    );

    // A password reset link works once, ends every session and stops the old password.
    let logins = store.members_for_login("26120400001").await.unwrap();
    let members: Vec<_> = logins.into_iter().map(|login| login.member).collect();
    store.queue_password_resets(&members, NOW).await.unwrap();
    // A second request makes the first link stop working.
    let first = claim_kind(store, OutboxKind::PasswordReset).await;
    store.queue_password_resets(&members, NOW).await.unwrap();
    assert_eq!(
        store
            .check_reset_link(first.link_token.as_ref().unwrap(), NOW)
            .await
            .unwrap(),
        Err(LinkProblem::Used)
    );
    let reset = claim_kind(store, OutboxKind::PasswordReset).await;
    let token = reset.link_token.clone().unwrap();
    assert_eq!(store.check_reset_link(&token, NOW).await.unwrap(), Ok(()));
    let late = NOW + time::Duration::hours(2);
    assert_eq!(
        store
            .reset_password(&token, "new-hash", late)
            .await
            .unwrap(),
        Err(LinkProblem::Expired)
    );
    assert_eq!(
        store.reset_password(&token, "new-hash", NOW).await.unwrap(),
        Ok(member_id)
    );
    assert_eq!(
        store
            .reset_password(&token, "other-hash", NOW)
            .await
            .unwrap(),
        Err(LinkProblem::Used)
    );
    assert_eq!(
        store
            .reset_password(&"0".repeat(64), "x", NOW)
            .await
            .unwrap(),
        Err(LinkProblem::Unknown)
    );
    assert_eq!(
        store.members_for_login("26120400001").await.unwrap()[0].password_hash,
        "new-hash"
    );
    assert!(
        store
            .member_session(&api, SessionKind::Api, NOW)
            .await
            .unwrap()
            .is_none()
    );

    // A new e-mail address is unverified until its link is opened.
    let contact = ContactUpdate {
        email: "Siti.Baru@example.id".into(),
        email_normalized: "siti.baru@example.id".into(),
        phone: "081299990000".into(),
        phone_e164: "+6281299990000".into(),
        address: "Jl. Baru 2, Mojokerto".into(),
    };
    let updated = store
        .update_member_contact(member_id, &contact, true, NOW)
        .await
        .unwrap();
    assert_eq!(updated.address.as_deref(), Some("Jl. Baru 2, Mojokerto"));
    assert!(!updated.email_verified);
    // The unused registration link was for the old address: it verifies nothing now.
    assert_eq!(
        store.verify_email(registration_link, NOW).await.unwrap(),
        Err(LinkProblem::Superseded)
    );
    assert_eq!(
        store
            .link_email(registration_link)
            .await
            .unwrap()
            .as_deref(),
        Some("siti@example.id")
    );
    let verify = claim_kind(store, OutboxKind::EmailVerification).await;
    assert_eq!(verify.member_id, Some(member_id));
    store
        .verify_email(verify.link_token.as_ref().unwrap(), NOW)
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .member(member_id)
            .await
            .unwrap()
            .unwrap()
            .email_verified
    );
    let by_email = store
        .members_for_login(" SITI.baru@example.id ")
        .await
        .unwrap();
    assert_eq!(by_email[0].member.id, member_id);

    // Two renewals of one member cannot be open at once.
    let new_renewal = |key, base_valid_until| NewRenewal {
        member_id,
        base_valid_until,
        channel: RenewalChannel::Online,
        term: Term::Years(1),
        fee_rupiah: 0,
        paid: false,
        submission_key: Some(key),
        uploads: &[],
    };
    let renewal = store
        .submit_renewal(new_renewal("r-1", date!(2027 - 12 - 04)), NOW)
        .await
        .unwrap();
    assert_eq!(
        store
            .submit_renewal(new_renewal("r-1", date!(2027 - 12 - 04)), NOW)
            .await
            .unwrap(),
        renewal
    );
    assert!(matches!(
        store
            .submit_renewal(new_renewal("r-2", date!(2027 - 12 - 04)), NOW)
            .await,
        Err(StoreError::RenewalAlreadyOpen)
    ));
    let queue = store
        .list_renewals(ApplicationStatus::Submitted, 50, 0)
        .await
        .unwrap();
    assert_eq!(queue.iter().map(|r| r.id).collect::<Vec<_>>(), [renewal]);

    // Approval adds the term to the later of today and the end date, once.
    let today = date!(2027 - 11 - 20);
    let outcome = store
        .decide_renewal(
            renewal,
            RenewalDecision {
                staff_id: Some(staff_id),
                decision: Decision::Approve,
                reason: None,
                paid: Some(true),
            },
            today,
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(outcome.member.valid_until, date!(2028 - 12 - 04));
    assert!(matches!(
        store
            .decide_renewal(
                renewal,
                RenewalDecision {
                    staff_id: Some(staff_id),
                    decision: Decision::Approve,
                    reason: None,
                    paid: None
                },
                today,
                NOW
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    let record = store.renewal(renewal).await.unwrap().unwrap();
    assert_eq!(record.old_valid_until, Some(date!(2027 - 12 - 04)));
    assert_eq!(record.new_valid_until, Some(date!(2028 - 12 - 04)));
    assert_eq!(record.decided_by.as_deref(), Some("petugas"));
    assert!(record.paid);
    assert_eq!(
        store.member(member_id).await.unwrap().unwrap().valid_until,
        date!(2028 - 12 - 04)
    );
    let approved = claim_kind(store, OutboxKind::RenewalApproved).await;
    assert_eq!(approved.renewal_id, Some(renewal));

    // After a decision a new renewal may be submitted; a late one starts today.
    // A request sent with the old end date, racing the approval, renews nothing.
    assert!(matches!(
        store
            .submit_renewal(new_renewal("r-4", date!(2027 - 12 - 04)), NOW)
            .await,
        Err(StoreError::AlreadyRenewed)
    ));
    let second = store
        .submit_renewal(new_renewal("r-3", date!(2028 - 12 - 04)), NOW)
        .await
        .unwrap();
    let outcome = store
        .decide_renewal(
            second,
            RenewalDecision {
                staff_id: None,
                decision: Decision::Approve,
                reason: None,
                paid: None,
            },
            date!(2029 - 03 - 01),
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(outcome.member.valid_until, date!(2030 - 03 - 01));

    // Reminders: the smallest configured number of days not below the days left, once.
    let day = |days| date!(2030 - 03 - 01) - time::Duration::days(days);
    assert_eq!(
        store
            .queue_due_reminders(day(40), &[30, 7], NOW)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .queue_due_reminders(day(20), &[30, 7], NOW)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .queue_due_reminders(day(19), &[30, 7], NOW)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .queue_due_reminders(day(7), &[30, 7], NOW)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .queue_due_reminders(day(1), &[30, 7], NOW)
            .await
            .unwrap(),
        0
    );
    let reminder = claim_kind(store, OutboxKind::RenewalReminder).await;
    assert_eq!(reminder.member_id, Some(member_id));

    // Identity corrections: one open at a time; approval changes the member's name.
    let correction = store
        .submit_identity_correction(
            member_id,
            Some("Siti Aminah"),
            None,
            None,
            "Salah ketik",
            NOW,
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .submit_identity_correction(member_id, Some("Siti A"), None, None, "Lagi", NOW)
            .await,
        Err(StoreError::Conflict(_))
    ));
    store
        .decide_identity_correction(correction, staff_id, true, None, NOW)
        .await
        .unwrap();
    assert_eq!(
        store.member(member_id).await.unwrap().unwrap().full_name,
        "Siti Aminah"
    );
}

/// Claims queued messages until one of `kind`, marking the others sent.
async fn claim_kind(store: &Store, kind: OutboxKind) -> OutboxMessage {
    let far = NOW + time::Duration::days(3650);
    loop {
        let message = store
            .claim_outbox_message(far, time::Duration::minutes(5), "test-worker")
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no {kind:?} message queued"));
        store
            .mark_outbox_sent(message.id, far, "memory", None)
            .await
            .unwrap();
        if message.kind == kind {
            return message;
        }
    }
}

/// Outbox channels: one row per channel, opt-out, provider statuses, resends, failure counts,
/// the WhatsApp service window and message texts.
async fn delivery_channels(store: Store) {
    let store = store.with_whatsapp(true);
    let staff_id = store
        .upsert_staff("pengirim", "hash", StaffRole::Admin, NOW)
        .await
        .unwrap();
    let far = NOW + time::Duration::days(3650);

    // Two applicants: one wants WhatsApp, one opted out before the decision.
    let wants = created_id(
        &submit(
            &store,
            &application("3576014403910003", "wa@example.id"),
            &"d".repeat(64),
        )
        .await,
    );
    let opted_out = created_id(
        &submit(
            &store,
            &application("3576014403910004", "surel@example.id"),
            &"e".repeat(64),
        )
        .await,
    );
    store
        .set_application_whatsapp_opt_out(opted_out, true)
        .await
        .unwrap();
    for id in [wants, opted_out] {
        store
            .decide(id, staff_id, Decision::Approve, None, Some(APPROVAL), NOW)
            .await
            .unwrap();
    }
    let channels = |messages: &[OutboxMessage]| -> Vec<(OutboxKind, OutboxChannel)> {
        messages.iter().map(|m| (m.kind, m.channel)).collect()
    };
    let wants_messages = store.outbox_for_application(wants).await.unwrap();
    assert_eq!(
        channels(&wants_messages),
        vec![
            (OutboxKind::EmailVerification, OutboxChannel::Email),
            (OutboxKind::CardIssued, OutboxChannel::Email),
            (OutboxKind::CardIssued, OutboxChannel::WhatsApp),
        ],
        "verification links go by e-mail only"
    );
    let keys: std::collections::BTreeSet<&str> = wants_messages
        .iter()
        .map(|m| m.idempotency_key.as_str())
        .collect();
    assert_eq!(keys.len(), 3, "every row has its own idempotency key");
    let member = store
        .member_for_application(opted_out)
        .await
        .unwrap()
        .unwrap();
    assert!(
        member.whatsapp_opt_out,
        "the member keeps the applicant's choice"
    );
    assert_eq!(
        channels(&store.outbox_for_application(opted_out).await.unwrap()),
        vec![
            (OutboxKind::EmailVerification, OutboxChannel::Email),
            (OutboxKind::CardIssued, OutboxChannel::Email),
        ]
    );

    // The WhatsApp card is claimed by one worker, sent, then reported read by the webhook;
    // a late "delivered" report does not move it back.
    let card = wants_messages
        .iter()
        .find(|m| m.channel == OutboxChannel::WhatsApp)
        .unwrap()
        .clone();
    let mut claimed = None;
    while let Some(message) = store
        .claim_outbox_message(far, time::Duration::minutes(5), "host-a/11")
        .await
        .unwrap()
    {
        if message.id == card.id {
            claimed = Some(message);
            break;
        }
        store
            .mark_outbox_sent(message.id, far, "memory", None)
            .await
            .unwrap();
    }
    let claimed = claimed.expect("the WhatsApp card is claimed");
    assert_eq!(claimed.claimed_by.as_deref(), Some("host-a/11"));
    store
        .mark_outbox_sent(card.id, far, "cloud_api", Some("wamid.ABC"))
        .await
        .unwrap();
    assert!(
        store
            .record_provider_status("wamid.ABC", None, ProviderStatus::Read, far, None)
            .await
            .unwrap()
    );
    assert!(
        store
            .record_provider_status("wamid.ABC", None, ProviderStatus::Delivered, far, None)
            .await
            .unwrap()
    );
    let read = store.outbox_message(card.id).await.unwrap().unwrap();
    assert_eq!(read.state, OutboxState::Read);
    assert!(read.read_at.is_some());
    assert!(read.delivered_at.is_some());
    assert_eq!(read.provider.as_deref(), Some("cloud_api"));
    assert!(
        !store
            .record_provider_status("wamid.UNKNOWN", None, ProviderStatus::Read, far, None)
            .await
            .unwrap(),
        "unknown ids change nothing"
    );

    // A message whose worker died after the hand-over is found by its idempotency key.
    let resent_id = store
        .resend_outbox_message(card.id, staff_id, far)
        .await
        .unwrap();
    let resent = store.outbox_message(resent_id).await.unwrap().unwrap();
    assert_eq!(resent.resend_of, Some(card.id));
    assert_eq!(resent.state, OutboxState::Queued);
    assert_ne!(resent.idempotency_key, card.idempotency_key);
    assert!(matches!(
        store.resend_outbox_message(resent_id, staff_id, far).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        matches!(
            store.resend_outbox_message(card.id, staff_id, far).await,
            Err(StoreError::Conflict(_))
        ),
        "a second resend while the first copy waits is refused"
    );
    assert!(
        store
            .record_provider_status(
                "wamid.LATE",
                Some(&resent.idempotency_key),
                ProviderStatus::Failed,
                far,
                Some("131026: Message undeliverable"),
            )
            .await
            .unwrap()
    );
    let failed = store.outbox_message(resent_id).await.unwrap().unwrap();
    assert_eq!(failed.state, OutboxState::Failed);
    assert_eq!(
        failed.last_error.as_deref(),
        Some("131026: Message undeliverable")
    );
    assert_eq!(failed.provider_message_id.as_deref(), Some("wamid.LATE"));
    assert!(
        !store
            .record_provider_status("wamid.LATE", None, ProviderStatus::Sent, far, None)
            .await
            .unwrap(),
        "a late progress report does not undo a reported failure"
    );
    assert_eq!(
        store
            .outbox_message(resent_id)
            .await
            .unwrap()
            .unwrap()
            .state,
        OutboxState::Failed
    );

    // A failure with an unknown outcome turns into progress when the provider reports it.
    let unknown_id = store
        .resend_outbox_message(card.id, staff_id, far)
        .await
        .unwrap();
    let unknown = loop {
        let message = store
            .claim_outbox_message(far, time::Duration::minutes(5), "host-b/12")
            .await
            .unwrap()
            .expect("the copy is claimed");
        if message.id == unknown_id {
            break message;
        }
        store
            .mark_outbox_sent(message.id, far, "memory", None)
            .await
            .unwrap();
    };
    store
        .fail_outbox_message_outcome_unknown(unknown.id, "outcome unknown: timed out", far)
        .await
        .unwrap();
    assert!(
        store
            .outbox_message(unknown_id)
            .await
            .unwrap()
            .unwrap()
            .outcome_unknown
    );
    assert!(
        store
            .record_provider_status(
                "wamid.FOUND",
                Some(&unknown.idempotency_key),
                ProviderStatus::Delivered,
                far,
                None,
            )
            .await
            .unwrap()
    );
    let found = store.outbox_message(unknown_id).await.unwrap().unwrap();
    assert_eq!(found.state, OutboxState::Delivered);
    assert!(!found.outcome_unknown);
    assert!(found.last_error.is_none());
    assert_eq!(
        store
            .failed_outbox_count_since(far - time::Duration::hours(24))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .failed_outbox_count_since(far + time::Duration::hours(1))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .failed_outbox_since(far - time::Duration::hours(24), 10)
            .await
            .unwrap()
            .len(),
        1
    );
    let verification = wants_messages
        .iter()
        .find(|m| m.kind == OutboxKind::EmailVerification)
        .unwrap();
    assert!(matches!(
        store
            .resend_outbox_message(verification.id, staff_id, far)
            .await,
        Err(StoreError::MessageNotResendable)
    ));

    // The last inbound message opens the service window; an older report keeps the newer time.
    let later = NOW + time::Duration::hours(2);
    store
        .record_whatsapp_inbound("+6281234567890", later)
        .await
        .unwrap();
    store
        .record_whatsapp_inbound("+6281234567890", NOW)
        .await
        .unwrap();
    assert_eq!(
        store.whatsapp_last_inbound("+6281234567890").await.unwrap(),
        Some(later)
    );
    assert_eq!(store.whatsapp_last_inbound("+6289999").await.unwrap(), None);

    // Message texts: saved, replaced, listed and reset.
    let kind = OutboxKind::CardIssued;
    assert!(
        store
            .message_template(kind, OutboxChannel::WhatsApp, "id")
            .await
            .unwrap()
            .is_none()
    );
    store
        .save_message_template(
            kind,
            OutboxChannel::WhatsApp,
            "id",
            None,
            "Halo {nama}",
            staff_id,
            NOW,
        )
        .await
        .unwrap();
    store
        .save_message_template(
            kind,
            OutboxChannel::WhatsApp,
            "id",
            None,
            "Yth. {nama}",
            staff_id,
            later,
        )
        .await
        .unwrap();
    let saved = store
        .message_template(kind, OutboxChannel::WhatsApp, "id")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(saved.body, "Yth. {nama}");
    assert_eq!(saved.updated_by.as_deref(), Some("pengirim"));
    assert_eq!(store.message_templates().await.unwrap().len(), 1);
    store
        .reset_message_template(kind, OutboxChannel::WhatsApp, "id")
        .await
        .unwrap();
    assert!(store.message_templates().await.unwrap().is_empty());

    // A rejection has no member yet: the WhatsApp row goes to the applicant's phone.
    let rejected = created_id(
        &submit(
            &store,
            &application("3576014403910006", "ditolak@example.id"),
            &"c".repeat(64),
        )
        .await,
    );
    store
        .decide(
            rejected,
            staff_id,
            Decision::Reject,
            Some("Foto buram"),
            None,
            NOW,
        )
        .await
        .unwrap();
    let rejection_rows: Vec<(OutboxKind, OutboxChannel, Option<i64>)> = store
        .outbox_for_application(rejected)
        .await
        .unwrap()
        .iter()
        .filter(|m| m.kind == OutboxKind::Rejected)
        .map(|m| (m.kind, m.channel, m.member_id))
        .collect();
    assert_eq!(
        rejection_rows,
        vec![
            (OutboxKind::Rejected, OutboxChannel::Email, None),
            (OutboxKind::Rejected, OutboxChannel::WhatsApp, None),
        ]
    );

    // With WhatsApp off, events queue e-mail only.
    let store = store.with_whatsapp(false);
    let plain = created_id(
        &submit(
            &store,
            &application("3576014403910005", "tanpa@example.id"),
            &"f".repeat(64),
        )
        .await,
    );
    store
        .decide(
            plain,
            staff_id,
            Decision::Approve,
            None,
            Some(APPROVAL),
            NOW,
        )
        .await
        .unwrap();
    assert!(
        store
            .outbox_for_application(plain)
            .await
            .unwrap()
            .iter()
            .all(|m| m.channel == OutboxChannel::Email)
    );
}

#[tokio::test]
async fn delivery_channels_sqlite() {
    let folder = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", folder.path().join("raline.sqlite").display());
    delivery_channels(Store::connect(&url, 4).await.unwrap()).await;
}

#[tokio::test]
async fn delivery_channels_postgres() {
    on_postgres("raline_delivery", delivery_channels).await;
}

#[tokio::test]
async fn contract_sqlite() {
    let folder = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", folder.path().join("raline.sqlite").display());
    let store = Store::connect(&url, 4).await.unwrap();
    contract(store).await;
}

#[tokio::test]
async fn contract_postgres() {
    on_postgres("raline_contract", contract).await;
}

#[test]
fn migration_folders_match() {
    let list = |backend: &str| {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(backend);
        let mut names: Vec<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(list("sqlite"), list("postgres"));
}

/// Runs the INLISLite hand-over suite: sync switch, coalescing sync outbox, claims, the number floor,
/// the mapping and import-file records.
async fn inlislite_handover(store: Store) {
    use raline_store::{ExportSelection, SyncReason, SyncState};

    let staff_id = store
        .upsert_staff("admin", "hash", StaffRole::Admin, NOW)
        .await
        .unwrap();
    let approve = |id: i64, min_sequence: u32| {
        let store = store.clone();
        async move {
            store
                .decide(
                    id,
                    staff_id,
                    Decision::Approve,
                    None,
                    Some(Approval {
                        min_sequence,
                        ..APPROVAL
                    }),
                    NOW,
                )
                .await
                .unwrap()
                .member
                .unwrap()
        }
    };

    // Approved while the sync is off: nothing queued, counted as never synced.
    let first = created_id(
        &submit(
            &store,
            &application("3576014501900001", "a@contoh.id"),
            "k1",
        )
        .await,
    );
    let first = approve(first, 1).await;
    assert!(!store.inlislite_sync_enabled().await.unwrap());
    assert!(
        store
            .inlislite_sync_status(first.id)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(store.inlislite_sync_counts().await.unwrap().never, 1);

    // Switching on queues the existing member.
    assert_eq!(store.set_inlislite_sync(true, NOW).await.unwrap(), 1);
    let status = store
        .inlislite_sync_status(first.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.state, SyncState::Pending);
    assert_eq!(status.reason, SyncReason::Staff);

    // A number floor above INLISLite's highest number skips the numbers it already issued.
    let second = created_id(
        &submit(
            &store,
            &application("3576014501900002", "b@contoh.id"),
            "k2",
        )
        .await,
    );
    let second = approve(second, 40).await;
    assert!(
        second.member_number.ends_with("00040"),
        "{}",
        second.member_number
    );
    let third = created_id(
        &submit(
            &store,
            &application("3576014501900003", "c@contoh.id"),
            "k3",
        )
        .await,
    );
    let third = approve(third, 1).await;
    assert!(
        third.member_number.ends_with("00041"),
        "{}",
        third.member_number
    );
    let status = store
        .inlislite_sync_status(second.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.reason, SyncReason::Approved);

    // One worker at a time; a request during the sync leaves the member due again.
    let lease = time::Duration::minutes(5);
    let claim = store
        .claim_inlislite_sync(NOW, lease, "w1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claim.member_id, first.id);
    let other = store
        .claim_inlislite_sync(NOW, lease, "w2")
        .await
        .unwrap()
        .unwrap();
    assert_ne!(other.member_id, first.id);
    store
        .request_inlislite_sync(first.id, SyncReason::Contact, NOW)
        .await
        .unwrap();
    store
        .finish_inlislite_sync(&claim, "w1", 77, None, NOW)
        .await
        .unwrap();
    let status = store
        .inlislite_sync_status(first.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.state, SyncState::Pending);
    assert_eq!(status.inlislite_id, Some(77));
    let again = store
        .claim_inlislite_sync(NOW, lease, "w1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.member_id, first.id);
    store
        .finish_inlislite_sync(&again, "w1", 77, Some("0117030100012"), NOW)
        .await
        .unwrap();
    assert_eq!(
        store
            .inlislite_sync_status(first.id)
            .await
            .unwrap()
            .unwrap()
            .previous_member_number
            .as_deref(),
        Some("0117030100012")
    );
    assert_eq!(
        store
            .inlislite_sync_status(first.id)
            .await
            .unwrap()
            .unwrap()
            .state,
        SyncState::Synced
    );

    // A retried failure keeps the member pending and visible; a permanent one stops it
    // until the mapping is saved.
    let later = NOW + time::Duration::minutes(1);
    store
        .retry_inlislite_sync(
            &other,
            "w2",
            "unreachable",
            "INLISLite tidak dapat dihubungi",
            later,
            NOW,
        )
        .await
        .unwrap();
    assert!(
        store
            .claim_inlislite_sync(NOW, lease, "w2")
            .await
            .unwrap()
            .map(|c| c.member_id)
            != Some(other.member_id)
    );
    let counts = store.inlislite_sync_counts().await.unwrap();
    assert_eq!(counts.retrying, 1);
    let retried = store
        .claim_inlislite_sync(later, lease, "w2")
        .await
        .unwrap();
    let retried = match retried {
        Some(claim) if claim.member_id == other.member_id => claim,
        Some(claim) => {
            store
                .finish_inlislite_sync(&claim, "w2", 1, None, later)
                .await
                .unwrap();
            store
                .claim_inlislite_sync(later, lease, "w2")
                .await
                .unwrap()
                .unwrap()
        }
        None => panic!("the retried member is due"),
    };
    assert_eq!(retried.attempts, 2);
    store
        .fail_inlislite_sync(
            &retried,
            "w2",
            "missing_mapping",
            "Pekerjaan belum dipetakan",
            later,
        )
        .await
        .unwrap();
    let problems = store.inlislite_sync_problems(10).await.unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.member_id == other.member_id && p.state == SyncState::Failed)
    );
    store
        .save_inlislite_mappings(
            &[("occupation".into(), "Guru".into(), Some((3, "Guru".into())))],
            "admin",
            later,
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .inlislite_sync_status(other.member_id)
            .await
            .unwrap()
            .unwrap()
            .state,
        SyncState::Pending
    );
    let mappings = store.inlislite_mappings().await.unwrap();
    assert_eq!(mappings.len(), 1);
    assert_eq!(mappings[0].lookup_name, "Guru");
    let used = store.inlislite_used_values().await.unwrap();
    assert!(used.contains(&("occupation".into(), "Guru".into())));
    assert!(used.contains(&("member_type".into(), "umum".into())));
    assert!(used.contains(&("identity_type".into(), "ktp".into())));

    // The portal password is kept only until written.
    store
        .request_inlislite_portal_password(first.id, "abc123", later)
        .await
        .unwrap();
    let mut portal = None;
    while let Some(claim) = store
        .claim_inlislite_sync(later, lease, "w3")
        .await
        .unwrap()
    {
        if claim.member_id == first.id {
            portal = Some(claim.clone());
        }
        store
            .finish_inlislite_sync(&claim, "w3", 1, None, later)
            .await
            .unwrap();
    }
    assert_eq!(
        portal.unwrap().portal_password_sha1.as_deref(),
        Some("abc123")
    );
    let again = store
        .request_inlislite_sync(first.id, SyncReason::Staff, later)
        .await;
    again.unwrap();
    let claim = store
        .claim_inlislite_sync(later, lease, "w3")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claim.portal_password_sha1, None);

    // Import files: "new" takes each member once; a date range takes them again.
    let (export, members) = store
        .create_inlislite_export(staff_id, ExportSelection::New, NOW)
        .await
        .unwrap();
    assert_eq!(members.len(), 3);
    let (_, none) = store
        .create_inlislite_export(staff_id, ExportSelection::New, NOW)
        .await
        .unwrap();
    assert!(none.is_empty());
    let range = ExportSelection::Range {
        from: date!(2026 - 12 - 01),
        to: date!(2026 - 12 - 31),
    };
    assert_eq!(store.count_inlislite_export(range).await.unwrap(), 3);
    let (record, listed) = store.inlislite_export(export).await.unwrap().unwrap();
    assert_eq!(record.member_count, 3);
    assert_eq!(record.staff_username, "admin");
    assert_eq!(listed, members);
    assert_eq!(
        store.inlislite_exports_of_member(first.id).await.unwrap(),
        vec![export]
    );
    assert_eq!(store.inlislite_exports(10).await.unwrap().len(), 2);
}

#[tokio::test]
async fn inlislite_handover_sqlite() {
    let folder = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", folder.path().join("raline.sqlite").display());
    inlislite_handover(Store::connect(&url, 4).await.unwrap()).await;
}

#[tokio::test]
async fn inlislite_handover_postgres() {
    on_postgres("raline_inlislite", inlislite_handover).await;
}

/// Runs `suite` on a fresh PostgreSQL database named `PREFIX_<random>`, dropped afterwards.
async fn on_postgres<F, Fut>(prefix: &str, suite: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let admin_url = std::env::var("RALINE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("{prefix}_{}", &raline_store::random_token()[..12]);
    let mut admin = sqlx::PgConnection::connect(&admin_url)
        .await
        .unwrap_or_else(|error| panic!("PostgreSQL at {admin_url} is required: {error}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();

    let base = admin_url.rsplit_once('/').map(|(base, _)| base).unwrap();
    let store = Store::connect(&format!("{base}/{name}"), 4).await.unwrap();
    suite(store.clone()).await;
    store.close().await;

    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .unwrap();
}
