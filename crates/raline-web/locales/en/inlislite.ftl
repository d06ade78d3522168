# Staff pages of the hand-over to INLISLite: the overview, import files, the admin's
# mapping with the sync switch, and the INLISLite section of a member's page.

## Navigation and overview

inlislite-nav = INLISLite
inlislite-title = INLISLite
inlislite-intro = Approved members are handed to INLISLite, the system that lends the books, by import file or by direct sync into INLISLite's database.
inlislite-sync-heading = Direct sync
inlislite-sync-on = The direct sync is on. Members who are approved, renewed or change their data are sent to INLISLite automatically.
inlislite-sync-off = INLISLite's database is configured, but the direct sync is not switched on.
inlislite-sync-not-configured = The direct sync is not configured on this server, so members are handed over by import file. The server administrator can set RALINE_INLISLITE_DATABASE_URL to use it.
inlislite-sync-on-unconfigured = The direct sync is switched on, but INLISLite's database is not configured on this server. Members wait in the queue until a server connected to INLISLite sends them.
inlislite-mapping-link = Set up the mapping and sync
inlislite-counts = Members by sync state
inlislite-count-synced = Synced
inlislite-count-waiting = Waiting
inlislite-count-retrying = Being retried
inlislite-count-failed = Failed
inlislite-count-never = Never synced
inlislite-problems-heading = Members whose sync failed
inlislite-problems-none = No member's sync has failed.
inlislite-problems-limited = Only the { $count } most recent members are shown.
inlislite-column-member = Member no.
inlislite-column-state = State
inlislite-column-reason = Reason
inlislite-column-last-attempt = Last attempt
inlislite-column-attempts = Attempts
inlislite-column-action = Action
inlislite-column-name = Name
inlislite-column-registered = Registered on
inlislite-resync = Sync again
inlislite-retry-failed = Retry all failed
inlislite-retry-failed-help = Press this after the cause is fixed, for example after completing the mapping or correcting data in INLISLite.

## Sync states

inlislite-state-synced = Synced
inlislite-state-pending = Waiting
inlislite-state-retrying = Retrying
inlislite-state-failed = Failed
inlislite-state-never = Not synced

## Notices after a button

inlislite-notice-requested = This member's sync was requested again and will be tried within a few seconds.
inlislite-notice-sync-off = The direct sync is off, so no member was queued.
inlislite-notice-retried = { $count ->
    [one] 1 failed member was queued again.
   *[other] { $count } failed members were queued again.
}
inlislite-notice-enabled = The direct sync is on. { $count ->
    [one] 1 member was queued for INLISLite.
   *[other] { $count } members were queued for INLISLite.
}
inlislite-notice-disabled = The direct sync is off. Changes to members are no longer sent to INLISLite.
inlislite-notice-mapping-saved = Mapping saved.

## Reasons of a failed sync, by error code, with what to do

inlislite-error-detail = Details
inlislite-error-invalid_url = The INLISLite database address in the settings is invalid.
inlislite-error-invalid_url-action = Ask the server administrator to correct RALINE_INLISLITE_DATABASE_URL.
inlislite-error-unreachable = INLISLite's database server cannot be reached.
inlislite-error-unreachable-action = RALINE retries by itself. Check that the INLISLite server is running if this lasts long.
inlislite-error-timed_out = INLISLite's database server did not answer in time.
inlislite-error-timed_out-action = RALINE retries by itself. Check the load of the INLISLite server if this lasts long.
inlislite-error-access_denied = INLISLite's database rejected the account.
inlislite-error-access_denied-action = Ask the server administrator to check the user name, password and privileges of the sync account.
inlislite-error-database = INLISLite's database rejected or failed a statement.
inlislite-error-database-action = Run the check on the mapping page. If it keeps failing, read the MariaDB server log.
inlislite-error-schema_mismatch = INLISLite's database does not have the structure RALINE expects.
inlislite-error-schema_mismatch-action = Make sure the database address points to INLISLite v3, then run the check on the mapping page.
inlislite-error-missing_mapping = A value of the member's data is not mapped to INLISLite's data.
inlislite-error-missing_mapping-action = Complete the mapping. This member is tried again when the mapping is saved.
inlislite-error-missing_lookup_row = An INLISLite table lacks a row the sync needs.
inlislite-error-missing_lookup_row-action = Add that row in INLISLite, then press Sync again.
inlislite-error-not_latin1 = An INLISLite column cannot hold some letters of this member's data.
inlislite-error-not_latin1-action = Change that column's character set to utf8mb4 in INLISLite or write the value in Latin letters, then press Sync again.
inlislite-error-unsupported_characters = An INLISLite column cannot hold some letters of this member's data.
inlislite-error-unsupported_characters-action = Change that column's character set to utf8mb4 in INLISLite, then press Sync again.
inlislite-error-number_collision = This member number is already used by another member in INLISLite.
inlislite-error-number_collision-action = Check both members, correct the data in INLISLite, then press Sync again.
inlislite-error-identity_in_use = This member's identity number is already recorded for another member in INLISLite.
inlislite-error-identity_in_use-action = Check whether both are the same person, merge or delete one of them in INLISLite, then press Sync again.
inlislite-error-too_long = A value is longer than INLISLite accepts.
inlislite-error-too_long-action = Shorten that value in the member's data, then press Sync again.
inlislite-error-photo_write = The photo could not be written to INLISLite's photo folder.
inlislite-error-photo_write-action = RALINE retries by itself. Check that the photo folder exists and is writable.
inlislite-error-member_not_found = This member was not found in INLISLite.
inlislite-error-member_not_found-action = Press Sync again so that the member's whole data is sent again.
inlislite-error-portal_login_disabled = INLISLite's portal login is not enabled in RALINE's settings.
inlislite-error-portal_login_disabled-action = Ask the server administrator to enable RALINE_INLISLITE_PORTAL_LOGIN if members need to log in to INLISLite's portal.
inlislite-error-invalid_password_hash = This member's portal password cannot be sent.
inlislite-error-invalid_password_hash-action = Ask the member to change their password in RALINE.
inlislite-error-raline_store = The member's data could not be read from RALINE's database.
inlislite-error-raline_store-action = RALINE retries by itself. Tell the server administrator if this lasts long.
inlislite-error-member_gone = This member no longer exists in RALINE.
inlislite-error-member_gone-action = Nothing needs to be done for this member.
inlislite-error-other = The sync failed.
inlislite-error-other-action = Read the details, fix the cause, then press Sync again.

## Import files

inlislite-export-heading = Import files
inlislite-export-intro = INLISLite reads this XLSX file in Keanggotaan → Import. After the import, extract the photo ZIP into INLISLite's uploaded_files/foto_anggota folder.
inlislite-export-choice = Members to export
inlislite-export-new = New members (never exported): { $count ->
    [one] 1 member
   *[other] { $count } members
}
inlislite-export-range = Registered within a date range
inlislite-export-from = Start date
inlislite-export-to = End date
inlislite-export-range-help = Both dates are included. Members exported before are included again.
inlislite-export-submit = Create import file
inlislite-export-error-selection = Choose new members or a range of registration dates.
inlislite-export-error-missing = { $field } is required for a date range.
inlislite-export-error-date = { $field } is invalid. Enter an existing date, for example 2022-07-29.
inlislite-export-error-order = The end date cannot be before the start date.
inlislite-export-empty-new = There are no new members: every member has been exported before. Choose a date range to export them again.
inlislite-export-empty-range = No member registered from { $from } to { $to }.
inlislite-exports-heading = Earlier files
inlislite-exports-none = No import file yet.
inlislite-exports-column-file = File
inlislite-exports-column-created = Created
inlislite-exports-column-by = By
inlislite-exports-column-selection = Selection
inlislite-exports-column-count = Members
inlislite-selection-new = New members
inlislite-selection-range = Registered { $from } to { $to }
inlislite-export-title = Import file #{ $number }
inlislite-export-back = Back to INLISLite
inlislite-export-created = Created on { $date } by { $name }.
inlislite-export-download-xlsx = Download member data (XLSX)
inlislite-export-download-zip = Download photos (ZIP)
inlislite-export-current-data = Both files are built when downloaded from the members' current data, so changes made since this file was recorded are included.
inlislite-export-members = Members in this file
inlislite-export-file-empty = This file holds no member, so there is nothing to download.
inlislite-export-no-photos = No member in this file has a photo.
inlislite-export-refused-title = The file cannot be downloaded yet
inlislite-export-missing-intro = The import file cannot be built because the following values are not mapped to INLISLite names. INLISLite turns an unknown name into new data during the import, so RALINE does not guess.
inlislite-export-missing-fix = Complete the mapping
inlislite-export-missing-admin = Ask an admin to complete the INLISLite mapping.
inlislite-export-duplicate-photo = Members { $from } and { $to } get the same photo file name ({ $name }), so one photo would overwrite the other. Change one member number, then download again.
inlislite-export-back-to-file = Back to the import file

## Mapping and the switch (admin)

inlislite-mapping-title = INLISLite mapping
inlislite-mapping-intro = Choose the INLISLite data that matches each RALINE value. Import files use its name and the direct sync uses its number. Values that members use must be mapped.
inlislite-mapping-intro-names = INLISLite's database is not configured, so type each name exactly as INLISLite spells it, including capitals, spaces and punctuation. Leave it empty to remove the mapping.
inlislite-mapping-intro-rows = The choices are read from INLISLite's database. Choices marked as suggestions were matched by name and apply only once saved.
inlislite-mapping-unreachable = INLISLite's database cannot be reached, so the saved mapping is only shown and cannot be changed now. Try again later.
inlislite-category-identity_type = Identity type
inlislite-category-member_type = Member type
inlislite-category-occupation = Occupation
inlislite-category-education = Highest education
inlislite-category-religion = Religion
inlislite-category-marital_status = Marital status
inlislite-mapping-column-value = RALINE value
inlislite-mapping-column-used = Used by members
inlislite-mapping-column-row = INLISLite data
inlislite-mapping-used = used
inlislite-mapping-unused = no
inlislite-mapping-gap = not mapped
inlislite-mapping-not-offered = no longer on the form
inlislite-mapping-choose = — not chosen —
inlislite-mapping-suggested = Suggested by name. Check it, then save.
inlislite-mapping-saved-gone = The saved INLISLite data #{ $number } ({ $name }) no longer exists. Choose other data.
inlislite-mapping-none = —
inlislite-mapping-save = Save mapping
inlislite-mapping-errors = The mapping was not saved. Correct the marked rows.
inlislite-mapping-error-unknown-row = The chosen INLISLite data does not exist. Reload the page, then choose again.
inlislite-mapping-error-too-long = A name can have at most { $max } characters.
inlislite-mapping-error-invalid = A name cannot contain line breaks or control characters.
inlislite-mapping-save-unreachable = The mapping was not saved because INLISLite's database cannot be reached. Try again later.
inlislite-switch-heading = Direct sync
inlislite-switch-on-state = The direct sync is on.
inlislite-switch-off-state = The direct sync is off.
inlislite-switch-on = Switch on the direct sync
inlislite-switch-on-help = Switching it on queues every member never synced, and from then on every approval, renewal and data change is sent to INLISLite. RALINE checks the mapping and INLISLite's database first.
inlislite-switch-off = Switch off
inlislite-switch-not-configured-help = INLISLite's database is not configured on this server, so the direct sync cannot be switched on.
inlislite-switch-refused = The direct sync was not switched on because:
inlislite-switch-not-configured = INLISLite's database is not configured on this server (RALINE_INLISLITE_DATABASE_URL).
inlislite-switch-unreachable = INLISLite's database cannot be reached.
inlislite-switch-gaps = These values are used by members but not mapped:
inlislite-switch-problems = The check of INLISLite's database found these problems:

## Section on a member's page

inlislite-member-heading = INLISLite
inlislite-member-synced = Synced on { $date }. Member ID in INLISLite: { $number }.
inlislite-member-synced-no-id = Synced on { $date }.
inlislite-member-pending-first = Waiting for the sync to INLISLite; the first attempt follows shortly.
inlislite-member-pending = Waiting for the sync to INLISLite: tried { $count ->
    [one] once
   *[other] { $count } times
}, next attempt { $date }.
inlislite-member-pending-due = Waiting for the sync to INLISLite: tried { $count ->
    [one] once
   *[other] { $count } times
}, the next attempt follows shortly.
inlislite-member-failed = The sync stopped on { $date } after { $count ->
    [one] one attempt
   *[other] { $count } attempts
} and waits for staff.
inlislite-member-last-error = The last attempt failed
inlislite-member-todo = What to do
inlislite-member-never-on = Not synced yet. Press Sync again to send this member to INLISLite.
inlislite-member-never-off = Not synced, because the direct sync is off.
inlislite-member-sync-off = The direct sync is off, so later changes are not sent to INLISLite.
inlislite-member-exported = Exported:
inlislite-member-export-file = file #{ $number }
inlislite-member-not-exported = Never included in an import file.

error-member_numbers_exhausted = The member numbers of this period are used up, so the application cannot be approved yet. Ask the admin to check the numbering scheme (member_number_scheme and member_number_prefix) or the highest number in INLISLite, then approve again.

inlislite-export-outside-latin1 = { $count } members have letters outside Latin-1 (marked below). If INLISLite's member table uses the latin1 character set, the import writes those letters as "?": convert the table to utf8mb4 first, or correct the data in INLISLite after the import.
inlislite-export-latin1-badge = outside Latin-1
inlislite-member-renumbered = This member had the number { $number } in INLISLite before; an old card with that number no longer scans at the loan desk.
