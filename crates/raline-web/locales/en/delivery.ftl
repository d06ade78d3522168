## Default WhatsApp texts.

whatsapp-card-issued =
    Dear { $name },
    your { $library } membership application has been approved.
    Member number: { $number }
    Valid until: { $date }
    Your member card is attached as a PDF; you can also download it at { $card_url }.
    Collect the printed card at the library with your original identity card.
whatsapp-renewal-approved =
    Dear { $name },
    your { $library } membership renewal has been approved.
    Member number: { $number }
    Valid until: { $date }
    The card with its new end date is attached; you can also download it at { $card_url }.
whatsapp-correction-requested =
    Dear { $name },
    application { $registration } at { $library } needs a correction: { $reason }
    Correct it at { $status_url }
whatsapp-rejected =
    Dear { $name },
    we are sorry, application { $registration } at { $library } was rejected: { $reason }
    If you have questions, contact the library.
whatsapp-email-verification =
    Dear { $name }, open the e-mail verification link we sent to your e-mail address.
whatsapp-password-reset =
    Dear { $name }, a new password link was sent to your e-mail address.
whatsapp-renewal-reminder =
    Dear { $name },
    { $library } member card { $number } is valid until { $date }.
    Renew online at { $url }
whatsapp-renewal-rejected =
    Dear { $name },
    we are sorry, the renewal of member card { $number } was rejected: { $reason }
    If you have questions, contact the library.
whatsapp-renewal-correction-requested =
    Dear { $name },
    the renewal of member card { $number } needs a correction: { $reason }
    Send the correction at { $url }

## Variables of message texts.

template-variable-nama = recipient's name (member or applicant)
template-variable-nomor_anggota = member number
template-variable-nomor_pendaftaran = application number
template-variable-jenis_anggota = membership type
template-variable-berlaku_sampai = card end date
template-variable-tautan_kartu = card PDF download link (signed, expires)
template-variable-tautan_status = application status link
template-variable-tautan = action link: e-mail verification, new password or renewal
template-variable-alasan = staff reason (rejection or correction)
template-variable-perpustakaan = library name
template-sample-type = General
template-sample-reason = The ID card photo is blurred, please upload it again.

## Message kinds and channels.

outbox-kind-card_issued = Member card issued
outbox-kind-correction_requested = Application correction requested
outbox-kind-rejected = Application rejected
outbox-kind-email_verification = E-mail verification
outbox-kind-password_reset = Password reset
outbox-kind-renewal_reminder = Renewal reminder
outbox-kind-renewal_approved = Renewal approved
outbox-kind-renewal_rejected = Renewal rejected
outbox-kind-renewal_correction_requested = Renewal correction requested
outbox-channel-email = E-mail
outbox-channel-whatsapp = WhatsApp
outbox-state-queued = Queued
outbox-state-sending = Sending
outbox-state-sent = Sent
outbox-state-delivered = Delivered
outbox-state-read = Read
outbox-state-failed = Failed

## Delivery on staff pages.

delivery-heading = Messages
delivery-none = No messages yet.
delivery-column-message = Message
delivery-column-channel = Channel
delivery-column-created = Created
delivery-column-state = State
delivery-column-detail = Detail
delivery-attempts = { $count } attempts
delivery-resend = Resend
delivery-resent = The message was queued again.
delivery-resend-of = resend of message #{ $number }
delivery-not-resendable = This message carries a single-use link and cannot be resent. Ask the member to request a new link from the login page.
delivery-still-queued = This message is still waiting to be sent; there is no need to resend it.
delivery-failures-24h = { $count ->
    [0] No messages failed in the last 24 hours.
    [one] 1 message failed in the last 24 hours.
    *[other] { $count } messages failed in the last 24 hours.
}
delivery-failures-link = Show failed messages
delivery-failures-heading = Messages failed in the last 24 hours
delivery-opted-out = The member chose not to receive WhatsApp; messages go by e-mail only.
delivery-whatsapp-button = Send via WhatsApp
delivery-whatsapp-button-help = Opens WhatsApp with the message and a card link valid for { $hours } hours, for staff to send themselves.
delivery-whatsapp-no-phone = No WhatsApp number.
delivery-whatsapp-manual =
    Dear { $name },
    { $library } member card { $number } is valid until { $date }.
    Download the card: { $card_url }

## Opt-out on forms.

field-whatsapp_opt_out = Do not send notices by WhatsApp, e-mail is enough
field-whatsapp_opt_out-help = Unchecked, cards and notices go to WhatsApp and e-mail.

## Signed card links.

card-link-invalid-title = Card link not valid
card-link-invalid = This card link is unknown or has expired. Log in to the member account to download the card, or ask staff to send it again.

## Message text editor (admin).

templates-title = Message texts
templates-intro = Change the e-mail and WhatsApp texts sent to applicants and members. Write variables in curly braces, for example {"{"}nama{"}"}. Write {"{{"} or {"}}"} for a literal brace.
templates-column-kind = Message
templates-column-customised = Changed
templates-customised = changed by { $name }
templates-default = built-in
templates-edit = Edit
templates-variables = Available variables
templates-subject = E-mail subject
templates-body = Message body
templates-preview = Preview
templates-preview-note = The preview uses sample data.
templates-save = Save
templates-reset = Restore the built-in text
templates-saved = Message text saved. The next messages use it.
templates-reset-done = The built-in text applies again.
templates-locale = Language
templates-error-unknown = Variable {"{"}{ $name }{"}"} is unknown. Use one of the listed variables.
templates-error-unclosed = The brace at character { $number } is not closed. Add {"}"} or write {"{{"} for a literal brace.
templates-error-stray-close = The closing brace at character { $number } has no opening brace. Remove it or write {"}}"}.
templates-error-unavailable = Variable {"{"}{ $name }{"}"} is not available for this message. Use one of the listed variables.
templates-error-empty = { $field } must not be empty.
templates-error-too-long = { $field } is too long: at most { $max } characters.

## Delivery table, failed messages and the text editor on staff pages.

delivery-column-action = Action
delivery-column-application = Application
delivery-open-application = Open application
delivery-provider = via { $name }
delivery-failures-limited = Only the { $count } most recent messages are shown.
templates-locale-id = Indonesian
templates-locale-en = English
templates-back = Back to the message texts
templates-length-help = At most { $max } characters.
templates-preview-unavailable = The preview appears again once the error in the text is fixed.

## Failure reasons in the delivery table. The worker's technical text follows each one.

delivery-failure-outcome-unknown = The outcome is unknown: the provider gave no clear answer, for example because the request timed out. The provider may have received the message, so it was not resent automatically. Ask the recipient, then use "Resend" if it did not arrive.
delivery-failure-opted-out = The recipient opted out of WhatsApp after the message was queued.
delivery-failure-no-phone = The recipient has no phone number.
delivery-failure-whatsapp-not-configured = WhatsApp is not configured on the server that sent this message. Ask the system administrator to configure it, then resend.
delivery-failure-not-composable = The message could not be composed, for example because the card or the card link could not be made or the application was not found.
delivery-failure-provider = The provider rejected the message or failed to send it.
