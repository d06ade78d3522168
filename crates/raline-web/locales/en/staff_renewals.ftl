# Staff pages for renewals, members at the desk and identity corrections.

## Navigation

staff-nav-renewals = Renewals
staff-nav-members = Members
staff-nav-corrections = Data corrections

## Renewal queue and detail page

staff-renewals-title = Renewal Queue
staff-renewals-empty = There are no renewals in this list.
staff-renewals-member-number = Member no.
staff-renewals-current-end = Valid until
staff-renewals-channel = Submitted via
staff-renewals-channel-online = Online
staff-renewals-channel-desk = Desk
staff-renewals-files = Files
staff-renewals-detail-title = Renewal { $number }
staff-renewals-back = Back to the renewal queue
staff-renewals-member = Member details
staff-renewals-renewal = Renewal
staff-renewals-term = Renewal term
staff-renewals-term-days = { $count ->
        [one] { $count } day
       *[other] { $count } days
    }
staff-renewals-term-months = { $count ->
        [one] { $count } month
       *[other] { $count } months
    }
staff-renewals-term-years = { $count ->
        [one] { $count } year
       *[other] { $count } years
    }
staff-renewals-new-end-today = Valid until if approved today
staff-renewals-fee = Fee
staff-renewals-fee-none = No fee
staff-renewals-paid = paid
staff-renewals-unpaid = not paid
staff-renewals-paid-label = The fee of { $number } has been paid
staff-renewals-current-photo = Current photo
staff-renewals-no-photo = none
staff-renewals-no-files = No files were sent with this renewal.
staff-renewals-correction-open = This member has an identity data correction waiting for a decision. Decide on it first so that the new card carries the right data.
staff-renewals-correction-link = Open the correction request
staff-renewals-decided = Decided by { $name } on { $date }.
staff-renewals-decided-automatic = Approved automatically on { $date }.
staff-renewals-automatic = automatic
staff-renewals-end-moved = Validity
staff-renewals-reason-help = The reason is sent to the member by e-mail. It is required for a rejection or a correction request.
staff-renewals-approve = Approve Renewal
staff-renewals-already-decided = This renewal had already been decided, so your decision was not saved and the end date was not moved again.
staff-renewals-history = Renewal history
staff-renewals-messages = Messages to the member
staff-renewals-submitted = Submitted
staff-renewals-status = Status
staff-renewals-decided-by = Decided by

## Renewal refusals at the desk

staff-renewals-already-open = This member already has a renewal in progress. Decide on that renewal instead of starting a new one.
staff-renewals-too-late = The renewal period of this card ended on { $date }. The member needs to register again as a new member through the registration form.

## Members at the desk

staff-members-title = Find a Member
staff-members-search-label = Member number or e-mail address
staff-members-search-help = Type the full member number or the member's full e-mail address.
staff-members-search-button = Search
staff-members-several = { $count } members use this e-mail address. Choose one.
staff-members-not-found = No member has that number or e-mail address. Check the spelling, or ask for the membership card.
staff-members-member-title = Member { $number }
staff-members-back = Back to the member search
staff-members-registered-on = Member since
staff-members-active = active
staff-members-expired = expired
staff-members-window = Renewal
staff-members-window-opens = Can be renewed from
staff-members-window-closes = Can be renewed until
staff-members-type-missing = This membership type is no longer in the library's settings, so the membership cannot be renewed. Contact an admin.
staff-members-open-renewal = This member has a renewal waiting for a decision.
staff-members-open-renewal-link = Open the pending renewal
staff-members-desk-help = A desk renewal is approved at once in your name. Check the member's identity card first.
staff-members-desk-renew = Renew Now
staff-members-renewed = Membership renewed until { $date }.
staff-members-print-card = Print the new card (PDF)
staff-members-already-renewed = This form was already sent and the renewal is recorded. See the renewal history below.
staff-members-no-history = Never renewed.

## Identity corrections

staff-corrections-title = Identity Data Corrections
staff-corrections-empty = No correction requests are waiting for a decision.
staff-corrections-new-name = New name
staff-corrections-new-nik = New NIK
staff-corrections-new-birth-date = New birth date
staff-corrections-unchanged = unchanged
staff-corrections-now = now { $number }
staff-corrections-member-reason = Member's reason
staff-corrections-reason-help = Required for a rejection. Compare the new data with the original identity card before approving.
staff-corrections-approve = Approve Correction
staff-corrections-approved = Correction approved. The member's data has been updated; print a new card if the name changed.
staff-corrections-rejected = Correction request rejected.
staff-corrections-member-link = Open member { $number }
staff-corrections-already-decided = This correction request has already been decided or no longer exists.
staff-corrections-identity-taken = That new NIK already belongs to another member, so this correction cannot be approved. Reject the request and ask the member to contact the library.
