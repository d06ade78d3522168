use serde::{Deserialize, Serialize};

/// State of an application. The API uses these English codes, and pages show the Indonesian
/// words (diajukan, perlu perbaikan, disetujui, ditolak) from the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Submitted,
    NeedsCorrection,
    Approved,
    Rejected,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 4] = [
        ApplicationStatus::Submitted,
        ApplicationStatus::NeedsCorrection,
        ApplicationStatus::Approved,
        ApplicationStatus::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Submitted => "submitted",
            ApplicationStatus::NeedsCorrection => "needs_correction",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::Rejected => "rejected",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
    }

    /// Staff can decide on submitted applications only; one waiting for the applicant's
    /// correction returns to `Submitted` when it is resubmitted.
    pub fn is_open_for_decision(self) -> bool {
        self == ApplicationStatus::Submitted
    }
}

/// A staff decision on an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
    RequestCorrection,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Reject => "reject",
            Decision::RequestCorrection => "request_correction",
        }
    }

    /// Returns the status an application moves to.
    pub fn resulting_status(self) -> ApplicationStatus {
        match self {
            Decision::Approve => ApplicationStatus::Approved,
            Decision::Reject => ApplicationStatus::Rejected,
            Decision::RequestCorrection => ApplicationStatus::NeedsCorrection,
        }
    }
}
