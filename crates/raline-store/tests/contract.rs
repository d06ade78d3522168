//! One contract suite run against a real SQLite file and a real PostgreSQL database.
//!
//! PostgreSQL is reached at `RALINE_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); each run creates and drops its own database.

use raline_domain::{
    ApplicationInput, ApplicationStatus, Decision, MemberType, NewApplication, Policy, UploadSlot,
    validate_application,
};
use raline_store::{
    ApplicationFilter, Approval, InsertOutcome, NewApplicationRecord, NewUpload, OutboxKind,
    OutboxState, StaffRole, Store, StoreError,
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

    // The outbox hands a message to one worker at a time.
    let message = store
        .claim_outbox_message(NOW, time::Duration::minutes(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(message.kind, OutboxKind::CardIssued);
    assert_eq!(message.member_id, Some(member.id));
    assert!(
        store
            .claim_outbox_message(NOW, time::Duration::minutes(5))
            .await
            .unwrap()
            .is_none()
    );
    let after_lease = NOW + time::Duration::minutes(6);
    let taken_over = store
        .claim_outbox_message(after_lease, time::Duration::minutes(5))
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
            .claim_outbox_message(after_lease, time::Duration::minutes(5))
            .await
            .unwrap()
            .is_none()
    );
    store
        .mark_outbox_sent(message.id, after_lease)
        .await
        .unwrap();
    let messages = store.outbox_for_application(id).await.unwrap();
    assert_eq!(messages[0].state, OutboxState::Sent);

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
        .claim_outbox_message(later, time::Duration::minutes(5))
        .await
        .unwrap()
        .unwrap();
    store
        .mark_outbox_handed_over(handed.id, later)
        .await
        .unwrap();
    let after_expiry = later + time::Duration::minutes(6);
    let next = store
        .claim_outbox_message(after_expiry, time::Duration::minutes(5))
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
    let admin_url = std::env::var("RALINE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("raline_contract_{}", &raline_store::random_token()[..12]);
    let mut admin = sqlx::PgConnection::connect(&admin_url)
        .await
        .unwrap_or_else(|error| panic!("PostgreSQL at {admin_url} is required: {error}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();

    let base = admin_url.rsplit_once('/').map(|(base, _)| base).unwrap();
    let store = Store::connect(&format!("{base}/{name}"), 4).await.unwrap();
    contract(store.clone()).await;
    store.close().await;

    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .unwrap();
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
