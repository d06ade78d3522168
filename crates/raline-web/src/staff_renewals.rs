//! Staff pages and API for renewals (perpanjangan), desk renewals and identity corrections.
//!
//! `review` contains the renewal queue and its decisions, `desk` the member search and renewals
//! made at the desk, `corrections` the members' identity correction requests, and `api` the
//! JSON API of the renewal queue. This file contains the routes and the helpers they share.

mod api;
mod corrections;
mod desk;
mod review;

use axum::Router;
use axum::routing::{get, post};
use raline_domain::{ApplicationStatus, Decision, FieldError, Term};
use raline_store::{RenewalChannel, RenewalRecord};
use serde::Serialize;

use crate::AppState;
use crate::i18n::{Locale, format_date, format_instant, t, t_args};

/// Routes of this module, merged into the main router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staf/perpanjangan", get(review::queue))
        .route("/staf/perpanjangan/{id}", get(review::detail))
        .route("/staf/perpanjangan/{id}/keputusan", post(review::decide))
        .route(
            "/staf/perpanjangan/{id}/berkas/{upload_id}",
            get(review::upload_file),
        )
        .route("/staf/anggota", get(desk::search))
        .route("/staf/anggota/{number}", get(desk::member))
        .route("/staf/anggota/{number}/perpanjang", post(desk::renew))
        .route("/staf/koreksi-data", get(corrections::list))
        .route("/staf/koreksi-data/{id}", post(corrections::decide))
        .route("/api/v1/staff/renewals", get(api::list))
        .route("/api/v1/staff/renewals/{id}", get(api::show))
        .route("/api/v1/staff/renewals/{id}/approve", post(api::approve))
        .route("/api/v1/staff/renewals/{id}/reject", post(api::reject))
        .route(
            "/api/v1/staff/renewals/{id}/request-correction",
            post(api::request_correction),
        )
}

use crate::pages::in_locale;

/// Reads the `action` button of a decision form.
fn parse_decision(action: &str) -> Option<Decision> {
    match action {
        "approve" => Some(Decision::Approve),
        "reject" => Some(Decision::Reject),
        "request_correction" => Some(Decision::RequestCorrection),
        _ => None,
    }
}

/// Maps an error code of `staff::decision_reason` carried in a redirect back to its static
/// form; unknown codes from a hand-edited address are ignored.
fn reason_error_code(code: &str) -> Option<&'static str> {
    match code {
        "reason_required" => Some("reason_required"),
        "too_long" => Some("too_long"),
        _ => None,
    }
}

/// Returns the message shown next to the reason field for an error code of
/// `staff::decision_reason`.
fn reason_error_message(locale: Locale, code: &'static str) -> String {
    let error = FieldError {
        field: "reason",
        code,
    };
    crate::forms::field_messages(locale, &[error], 0)
        .pop()
        .map(|message| message.message)
        .unwrap_or_default()
}

/// Returns a term in words, such as "1 tahun" or "365 hari".
fn term_label(locale: Locale, term: Term) -> String {
    let (key, count) = match term {
        Term::Days(count) => ("staff-renewals-term-days", count),
        Term::Months(count) => ("staff-renewals-term-months", count),
        Term::Years(count) => ("staff-renewals-term-years", count),
    };
    t_args(locale, key, &[("count", i64::from(count).into())])
}

/// Returns a fee ("Rp10.000"), or the words for no fee when it is 0.
fn fee_label(locale: Locale, rupiah: i64) -> String {
    if rupiah == 0 {
        t(locale, "staff-renewals-fee-none")
    } else {
        crate::i18n::format_rupiah(locale, rupiah)
    }
}

fn channel_label(locale: Locale, channel: RenewalChannel) -> String {
    t(
        locale,
        &format!("staff-renewals-channel-{}", channel.as_str()),
    )
}

fn status_label(locale: Locale, status: ApplicationStatus) -> String {
    t(locale, &format!("status-{}", status.as_str()))
}

/// Returns true when a renewal is submitted or waiting for the member's correction. A member
/// has at most one such renewal.
fn is_open(renewal: &RenewalRecord) -> bool {
    matches!(
        renewal.status,
        ApplicationStatus::Submitted | ApplicationStatus::NeedsCorrection
    )
}

/// Returns who decided a renewal: the staff user name, the word for an automatic approval,
/// or `None` while it is undecided.
fn decided_by_label(locale: Locale, renewal: &RenewalRecord) -> Option<String> {
    renewal.decided_at.map(|_| {
        renewal
            .decided_by
            .clone()
            .unwrap_or_else(|| t(locale, "staff-renewals-automatic"))
    })
}

/// One renewal in a member's history.
#[derive(Serialize)]
struct HistoryRow {
    id: i64,
    status: &'static str,
    status_label: String,
    channel: String,
    term: String,
    submitted_at: String,
    decided_by: Option<String>,
    decided_at: Option<String>,
    old_valid_until: Option<String>,
    new_valid_until: Option<String>,
    reason: Option<String>,
}

fn history_rows(locale: Locale, renewals: &[RenewalRecord]) -> Vec<HistoryRow> {
    renewals
        .iter()
        .map(|renewal| HistoryRow {
            id: renewal.id,
            status: renewal.status.as_str(),
            status_label: status_label(locale, renewal.status),
            channel: channel_label(locale, renewal.channel),
            term: term_label(locale, renewal.term),
            submitted_at: format_instant(locale, renewal.submitted_at),
            decided_by: decided_by_label(locale, renewal),
            decided_at: renewal
                .decided_at
                .map(|instant| format_instant(locale, instant)),
            old_valid_until: renewal
                .old_valid_until
                .map(|date| format_date(locale, date)),
            new_valid_until: renewal
                .new_valid_until
                .map(|date| format_date(locale, date)),
            reason: renewal.decision_reason.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fee_grouping() {
        let cases = [
            (Locale::Id, 0, "Tanpa biaya"),
            (Locale::Id, 500, "Rp500"),
            (Locale::Id, 5_000, "Rp5.000"),
            (Locale::Id, 150_000, "Rp150.000"),
            (Locale::Id, 1_250_000, "Rp1.250.000"),
            (Locale::En, 10_000, "Rp10,000"),
        ];
        for (locale, rupiah, expected) in cases {
            assert_eq!(fee_label(locale, rupiah), expected, "{rupiah}");
        }
    }

    #[test]
    fn term_words() {
        assert_eq!(term_label(Locale::Id, Term::Years(1)), "1 tahun");
        assert_eq!(term_label(Locale::Id, Term::Days(365)), "365 hari");
        assert_eq!(term_label(Locale::En, Term::Months(6)), "6 months");
        assert_eq!(term_label(Locale::En, Term::Years(1)), "1 year");
    }
}
