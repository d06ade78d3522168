## RALINE message catalogue, English (the second locale; a missing key falls back to Indonesian).

app-name = RALINE
app-tagline = Online Library Membership Registration and Renewal
language-switch = Bahasa Indonesia
skip-to-content = Skip to content

## Landing page

landing-title = Register as a Library Member Online
landing-intro = Fill in the form on your phone, upload a formal photo and your identity card, and receive your membership card as a PDF by e-mail once a staff member has checked your details.
landing-start = Start Registration
landing-check-status = Already registered? Open the status link you received after submitting the form.
landing-steps-title = How to register
landing-step-1 = Prepare a formal photo and your identity card: KTP (identity card) or KIA (child identity card).
landing-step-2 = Fill in the form and upload the files.
landing-step-3 = A staff member checks your details, usually on the same working day.
landing-step-4 = Your membership card is sent to your e-mail address, and you can collect a printed card at the library.
landing-residents-title = Residents of Mojokerto City
landing-residents-1 = KTP (or KIA for children under 17).
landing-residents-2 = Children under 17 who do not have a KIA yet may use a parent's or guardian's KTP.
landing-residents-3 = A formal photo (face seen from the front, plain background).
landing-outside-title = Residents outside Mojokerto City
landing-outside-1 = Everything required of Mojokerto City residents.
landing-outside-2 = A statement letter signed on a Rp10,000 duty stamp (meterai), photographed or scanned.
landing-files-title = Accepted files
landing-files = Photo: JPEG, PNG or WebP. Documents: JPEG, PNG or PDF. At most { $max } MB per file.
landing-privacy-title = Your personal data
landing-privacy = Your data is used only for library membership, is kept by { $library }, and is not shared with anyone else unless the law requires it (Law No. 27 of 2022 on Personal Data Protection).

## Registration form

form-title = Membership Registration Form
form-intro = Fields marked * are required. Enter your details exactly as they appear on your identity card.
form-section-identity = Identity
form-section-account = Account
form-section-personal = Personal details
form-section-address = Address on your identity card
form-section-current-address = Current home address
form-section-contact = Contact and membership
form-section-guardian = Using a parent's or guardian's KTP (for children under 17)
form-section-files = Files
form-section-consent = Consent
form-errors-summary = { $count ->
        [one] { $count } entry needs to be corrected. See the message under the marked field.
       *[other] { $count } entries need to be corrected. See the message under each marked field.
    }
form-submit = Submit Registration
form-choose = — Choose —
form-yes = Yes
form-no = No
form-current-address-same = My current home address is the same as the address on my identity card
form-guardian-help = Tick this if the applicant is under 17, does not have a KIA yet, and is registering with a parent's or guardian's KTP. Enter the parent's or guardian's NIK (national identity number) as the identity number.
form-regency-other = Another regency or city (type its name)
form-regency-other-help = If your regency or city (kabupaten/kota) is not in the list, choose "Another regency or city", then type its name and province.
form-password-help = At least 6 characters. You will use it later to log in and renew your membership.
form-phone-help = Example: 0812 3456 7890. This number is used for WhatsApp.
form-birth-date-help = Pick it from the calendar, or type year-month-day, for example 1990-08-17.
form-photo-help = A formal photo showing your face from the front, at least 300 × 400 pixels.
form-document-help = JPEG, PNG or PDF, at most { $max } MB.
form-identity-document-help = Required unless you use a parent's or guardian's KTP. JPEG, PNG or PDF, at most { $max } MB.
form-statement-help = Required if you live outside Mojokerto City: a statement letter signed on a Rp10,000 duty stamp (meterai).
form-file-kept = File received ({ $size }). Choose another file only if you want to replace it.
form-consent-text = I declare that the details I have entered are true, and I agree that { $library } may process my personal data for library membership.
form-correction-title = Correct Registration { $number }
form-correction-intro = A staff member has asked for a correction: { $reason }
form-correction-files = Files you have already uploaded are kept. Upload a new file only where one needs to be replaced.
form-correction-submit = Submit Correction

## Fields

field-identity_type = Identity card type
field-identity_number = Identity number
field-password = Password
field-password_confirmation = Repeat password
field-email = E-mail address
field-full_name = Full name as on your identity card
field-mother_maiden_name = Mother's maiden name
field-birth_place = Place of birth
field-birth_date = Date of birth
field-birth_place_date = Place and date of birth
field-sex = Sex
field-religion = Religion
field-marital_status = Marital status
field-occupation = Occupation
field-education = Highest education
field-phone = Mobile/WhatsApp number
field-address = Address (street, house number)
field-rt = RT (neighbourhood unit)
field-rw = RW (community unit)
field-village = Village (kelurahan/desa)
field-district = District (kecamatan)
field-regency_code = Regency/city (kabupaten/kota)
field-regency = Regency/city name
field-province = Province
field-current_address = Current address (street, house number)
field-current_rt = RT (current address)
field-current_rw = RW (current address)
field-current_village = Village (current address)
field-current_district = District (current address)
field-current_regency_code = Regency/city (current address)
field-current_regency = Regency/city name (current address)
field-current_province = Province (current address)
field-member_type = Membership type
field-consent = Privacy consent
field-uses_guardian_identity = Using a parent's or guardian's KTP
field-guardian_name = Parent's or guardian's name
field-guardian_relationship = Relationship to the applicant
field-guardian_identity_number = Parent's or guardian's NIK
field-photo = Formal photo
field-identity_document = Photo or scan of the identity card
field-guardian_identity_document = Photo or scan of the parent's or guardian's KTP
field-statement_letter = Statement letter with duty stamp (meterai)
field-reason = Reason

## Choices

identity-type-ktp = KTP (identity card)
identity-type-kia = KIA (child identity card)
identity-type-sim = SIM (driving licence)
identity-type-paspor = Passport
identity-type-kartu_pelajar = Student card (NISN)
identity-type-kitas = KITAS (limited stay permit)
identity-type-kitap = KITAP (permanent stay permit)
identity-type-lainnya = Other
sex-male = Male
sex-female = Female
marital-belum_kawin = Single
marital-kawin = Married
marital-cerai_hidup = Divorced
marital-cerai_mati = Widowed
relationship-ibu = Mother
relationship-ayah = Father
relationship-wali = Guardian
domicile-kota_mojokerto = Mojokerto City
domicile-outside = Outside Mojokerto City

## Validation errors ($field is the field's label)

error-required = { $field } is required. Please fill it in.
error-too_long = { $field } is too long. Please shorten it.
error-invalid_characters = { $field } contains characters that are not allowed. Remove any special characters and type it again.
error-unknown_choice = { $field } is not chosen or not in the list. Choose one of the options.
error-name_characters = { $field } must contain letters and may only contain letters, spaces, dots, commas, hyphens and apostrophes, no digits.
error-rt_rw_format = Enter { $field } as a number of at most 3 digits, for example 003.
error-date_format = { $field } is not a valid date. Write it as year-month-day, for example 1990-08-17.
error-date_in_future = { $field } cannot be a date in the future. Check the date.
error-date_too_old = { $field } is more than 120 years ago. Check the year.
error-password_too_short = The password is too short. Use at least 6 characters.
error-password_mismatch = The repeated password does not match the password. Type both again.
error-email_format = The e-mail address is not valid. A correct example: name@gmail.com.
error-phone_not_indonesian = The mobile number must be an Indonesian number, for example 0812 3456 7890 or +62 812 3456 7890.
error-phone_length = The mobile number has the wrong number of digits. Check the number, for example 0812 3456 7890.
error-phone_characters = The mobile number may contain only digits, spaces, hyphens and the + sign.
error-consent_required = Tick the personal data consent box to continue.
error-kia_adult = A KIA is only for children under 17. Applicants aged 17 or over register with a KTP.
error-guardian_needs_ktp = If you use a parent's or guardian's identity card, choose KTP as the identity card type and enter the parent's or guardian's NIK.
error-guardian_adult = Applicants aged 17 or over register with their own identity card, not with a parent's or guardian's KTP.
error-guardian_nik_differs = The parent's or guardian's NIK differs from the identity number entered. Enter the same NIK in both.
error-nik_length = The NIK must have exactly 16 digits.
error-nik_not_digits = The NIK contains only the digits 0–9. Check for a letter O typed instead of the digit 0.
error-nik_unknown_province = The first two digits of the NIK are not a province code. Check the NIK against your identity card.
error-nik_invalid_date = Digits 7 to 12 of the NIK are not a real date of birth. Check the NIK against your identity card.
error-nik_zero_serial = The last four digits of the NIK cannot be 0000. Check the NIK against your identity card.
error-identity_number_format = { $field } may contain only letters, digits, spaces, full stops, slashes and hyphens, up to 40 characters.
error-file_missing = { $field } is missing. Choose a file to upload.
error-file_empty = { $field }: the file is empty. Choose another file.
error-file_too_large = { $field } is larger than { $max } MB. Make the file smaller or take the photo again at a lower resolution.
error-file_type = { $field } is not an accepted file type. Upload JPEG, PNG or WebP for photos, or JPEG, PNG or PDF for documents.
error-file_corrupt = { $field } is damaged or incomplete. Upload the file again.
error-image_too_many_pixels = { $field }: the image resolution is too high. Make the image smaller and upload it again.
error-photo_too_small = The formal photo is too small to print: it must be at least 300 × 400 pixels. Upload a photo with a higher resolution.
error-pdf_encrypted = { $field }: the PDF is locked with a password. Upload a PDF without a password.
error-pdf_invalid = { $field }: the PDF cannot be read. Upload it again or send a JPEG photo instead.
error-pdf_active_content = { $field }: the PDF contains scripts or active content. Upload a plain scan or a JPEG photo.
error-pdf_embedded_file = { $field }: the PDF contains other files. Upload a plain scan or a JPEG photo.
error-pdf_too_complex = { $field }: the PDF is too complex to check. Upload a plain scan or a JPEG photo.
error-image_encode_failed = The server could not process { $field }. Try again in a few moments.
error-reason_required = Write a reason so that the applicant knows what to do.
error-upload_kept_missing = { $field }: the file uploaded earlier has expired. Upload it again.

## Findings shown to staff and applicants

finding-nik_birth_date_mismatch = The date of birth in the NIK differs from the date of birth entered. Staff will check it against the identity card.
finding-nik_sex_mismatch = The sex in the NIK differs from the sex entered. Staff will check it against the identity card.
finding-duplicate_identity_number = Another registration has the same identity number.
finding-duplicate_email = Another registration or a member has the same e-mail address.
finding-duplicate_phone = Another registration or a member has the same phone number.
finding-duplicate_name_birth_date = Another registration or a member has the same name and date of birth.
finding-existing_member = This identity number is already registered as a member. Direct the applicant to renew their membership.
finding-emeterai_serial_reused = The e-Meterai serial number on the statement letter was used in another registration.
finding-nik_checked = The NIK has 16 digits and a valid province code and date.

## Statuses

status-submitted = Submitted
status-needs_correction = Needs correction
status-approved = Approved
status-rejected = Rejected
status-title = Registration Status
status-registration-number = Registration number
status-submitted-on = Submitted on
status-new-notice = We have received your registration. Save the link to this page: it is the only way to see the status of your registration.
status-link-label = Private status link
status-submitted-text = Your registration is waiting to be checked by a staff member.
status-needs_correction-text = A staff member has asked you to correct your registration.
status-approved-text = Congratulations, you are now a library member.
status-rejected-text = We are sorry, your registration has been rejected.
status-reason = Reason
status-correct-button = Correct Registration
status-member-number = Member number
status-valid-until = Valid until
status-card-download = Download Membership Card (PDF)
status-warnings = Notes on your registration

## Staff pages

staff-title = Staff
staff-login-title = Staff Login
staff-username = Username
staff-password = Password
staff-login-button = Log in
staff-login-locked = Too many failed login attempts for this user name. Wait 15 minutes and try again, or ask an admin to reset the password.
staff-login-failed = The username or password is incorrect.
staff-logout = Log out
staff-queue-title = Verification Queue
staff-queue-empty = There are no registrations in this list.
staff-queue-waiting = Waiting
staff-queue-name = Name
staff-queue-number = Registration no.
staff-queue-type = Membership type
staff-queue-domicile = Residence
staff-queue-findings = Findings
staff-detail-title = Registration { $number }
staff-detail-back = Back to the queue
staff-detail-checks = Automatic checks
staff-detail-data = Applicant details
staff-detail-files = Files
staff-detail-history = Decision history
staff-detail-messages = Messages to the applicant
staff-detail-other-record = View registration { $number }
staff-detail-no-findings = No findings.
staff-approve = Approve and Issue Card
staff-reject = Reject
staff-request-correction = Request Correction
staff-reason-help = The reason is sent to the applicant by e-mail.
staff-decided = Decision saved.
staff-already-decided = Another staff member has already decided on this registration.
staff-member-issued = Member { $number } issued, valid until { $date }.
staff-card-download = Download card (PDF)
staff-file-open = Open file
staff-decision-approve = Approved
staff-decision-reject = Rejected
staff-decision-request_correction = Correction requested
staff-delivery-queued = Waiting to be sent
staff-delivery-sending = Sending
staff-delivery-sent = Sent
staff-delivery-failed = Failed
staff-delivery-interrupted = Sending was interrupted while the message was handed to the provider; it may or may not have arrived, so it is not resent automatically. Ask the recipient, then use "Resend" if it did not arrive.
staff-delivery-attempts = { $count ->
        [one] { $count } attempt
       *[other] { $count } attempts
    }
staff-outbox-card_issued = Membership card e-mail
staff-outbox-correction_requested = Correction request e-mail
staff-outbox-rejected = Rejection e-mail
staff-guardian = Parent or guardian

duration-days = { $count ->
        [one] { $count } day
       *[other] { $count } days
    }
duration-hours = { $count ->
        [one] { $count } hour
       *[other] { $count } hours
    }
duration-minutes = { $count ->
        [one] { $count } minute
       *[other] { $count } minutes
    }
duration-now = just now

## Errors shown as pages or API messages

http-not-found = Page not found. Check the address.
http-unauthorized = Please log in first.
http-forbidden = You are not allowed to open this page.
http-csrf = The form has expired or was sent from another site. Reload the page and try again.
http-conflict = The data has changed. Reload the page to see the latest state.
http-too-large = The upload is too large. Each file can be at most { $max } MB.
http-bad-request = The request could not be read. Reload the form and submit it again.
http-internal = Something went wrong on the server. Data you have already saved is not lost. Try again in a few moments, and quote the code { $reference } if you contact the library staff.
http-unavailable = The service is busy. Try again in a few moments.
http-back-home = Back to the home page

## E-mails

email-greeting = Dear { $name },
email-signature = Kind regards,
email-footer = This e-mail was sent automatically by { $library }. Please do not reply to it.
email-card-subject = { $library } Membership Card — { $number }
email-card-body = Your registration has been approved. Your membership card is attached as a PDF.
email-card-number = Member number: { $number }
email-card-valid = Valid until: { $date }
email-card-pickup = You can collect the printed card at the library by showing your original identity card.
email-card-status = Registration status and card download: { $url }
email-status-link = Your application status link: { $url }
email-correction-subject = Registration { $number } needs correction
email-correction-body = A staff member has asked you to correct your registration for the following reason:
email-correction-action = Open your registration status link to correct your details or upload files again.
email-rejected-subject = Registration { $number } has been rejected
email-rejected-body = We are sorry, your registration has been rejected for the following reason:
email-rejected-action = If you have any questions, please contact the library.

## Card

card-title = MEMBERSHIP CARD
card-member-number = Member No.
card-member-type = Type
card-valid-until = Valid until
card-filename = membership-card-{ $number }.pdf

## Dates

weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
time-zone = WIB

## Identity, region and duplicate rules

field-province_code = Province
field-district_code = District (kecamatan)
field-village_code = Village (kelurahan/desa)
field-current_province_code = Province (current address)
field-current_district_code = District (current address)
field-current_village_code = Village (current address)

error-region_code_format = { $field } is not recognised. Choose one from the list.
error-region_unknown = { $field } is not in the Kemendagri region list. Choose one from the list.
error-region_mismatch = { $field } does not lie in the region chosen above it. Choose again from the top: province, regency or city, district, then village.
error-nik_unknown_district = The first six digits of the NIK are not a district code that ever existed. Check the NIK against the identity card.
error-ktp_underage = By the date of birth the applicant is under 16 and not married, so does not hold a KTP yet. Choose KIA, or tick "Using a parent's or guardian's KTP".
error-sim_underage = A SIM can only be held from age 17. Choose KIA, or tick "Using a parent's or guardian's KTP".
error-sim_format = A SIM number has 12 or 14 digits, as printed on the licence.
error-passport_format = A passport number has 6 to 9 letters and digits, for example C1234567.
error-nisn_format = For a student card, enter the NISN: 10 digits, as printed on the card or shown at nisn.data.kemdikbud.go.id.
error-kitas_format = A KITAS or KITAP number has 6 to 20 letters and digits, as printed on the stay permit.
error-guardian_nik_minor = By this NIK its holder is under 17. Enter the NIK from the KTP of an adult father, mother or guardian.
error-existing_member = This NIK is already registered as a library member. There is no need to register again: log in to the member account at /akun/masuk to renew the membership, or use "Forgot password" if you forgot your password.
error-identity_already_member = A member already holds this identity number, so this registration cannot be approved. Reject it and direct the applicant to renew their membership.
error-findings_changed = New findings appeared since this page was opened. Review the findings, then approve again if all is still in order.

finding-nik_birth_date_mismatch-check = Compare the date of birth with the identity card. If the card matches what was entered, Dukcapil kept the old NIK: approving is fine.
finding-nik_sex_mismatch-check = Compare the sex with the identity card and the photo. Request a correction if the wrong option was chosen.
finding-duplicate_identity_number-check = Open the other registration. If it is the same person, process one and reject the other.
finding-duplicate_email-check = Family members may share an e-mail address. Make sure names and NIKs differ before approving.
finding-duplicate_phone-check = Family members may share a phone number. Make sure names and NIKs differ before approving.
finding-duplicate_name_birth_date-check = Compare the NIKs and photos. The same person with a different NIK needs confirming with the applicant.
finding-existing_member-check = Do not approve: reject and direct the applicant to renew or reset their password.
finding-emeterai_serial_reused-check = One e-Meterai is valid for one document only. Ask for a new statement letter with its own stamp.

staff-detail-emeterai = The statement letter carries { $count ->
        [one] one electronic signature
       *[other] { $count } electronic signatures
    }. e-Meterai serial numbers: { $serials }. RALINE does not verify them: check the serial with Peruri's e-Meterai verification service.
staff-detail-emeterai-none = The statement letter carries { $count ->
        [one] one electronic signature
       *[other] { $count } electronic signatures
    } with no readable e-Meterai serial number. RALINE does not verify them.
staff-detail-domicile = Domicile

form-region-refresh = Show choices
form-region-refresh-help = Choose from the top down. After each choice, press "Show choices" to open the next list.
form-region-choose = Choose…
form-statement-letter-download = Download the pre-filled statement letter (PDF)
form-statement-letter-help = Print it, stick a Rp10,000 meterai on it, sign across the stamp, then photograph or scan it and upload it here. A letter with an e-Meterai (PDF) is accepted too.
status-statement-letter-download = Download the statement letter (PDF)

letter-title = STATEMENT LETTER
letter-opening = I, the undersigned:
letter-field-name = Name
letter-field-nik = NIK
letter-field-birth = Place and date of birth
letter-field-address = Address
letter-field-phone = Phone number
letter-signer = The declarant,
letter-stamp = Meterai Rp10,000
letter-default-body =
    declare that:
    1. I live outside Kota Mojokerto and register as a member of { $library }.
    2. I will look after the library materials I borrow and return them on time and in good condition.
    3. I will replace library materials I lose or damage according to the library's rules.
    4. The data I entered in the registration is true.
    I make this statement truthfully and without pressure from anyone.
