//! Member lookup for the staff desk: by member number or by e-mail address.

use crate::records::MEMBER_COLUMNS;
use crate::{MemberRecord, Store, StoreResult};

impl Store {
    /// Finds members whose member number equals `query`, or whose e-mail address equals it
    /// without regard to case, at most `limit` of them in order of registration. Several
    /// members may share one address, such as children registered with a parent's e-mail.
    pub async fn search_members(&self, query: &str, limit: i64) -> StoreResult<Vec<MemberRecord>> {
        let query = query.trim();
        if query.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(&format!(
            "SELECT {MEMBER_COLUMNS} FROM members \
             WHERE member_number = $1 OR email_normalized = $2 ORDER BY id LIMIT $3"
        ))
        .bind(query)
        .bind(query.to_lowercase())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(MemberRecord::from_row).collect()
    }
}
