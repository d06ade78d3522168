//! Staff pages and API for renewals, desk renewals and identity corrections.

use axum::Router;

use crate::AppState;

/// Routes of this module, merged into the main router.
pub fn routes() -> Router<AppState> {
    Router::new()
}
