### English texts of the member portal (crates/web/src/portal/i18n.rs loads them).
###
### Every message here also exists in ../es/portal.ftl, with the same variables: to add a text,
### add it to both files, in the same section.
### Code names a text by its dotted key (`signin.title`); the message id here is that key
### with `.` and `/` written `-` and `*` written `all` (`signin-title`).
### Texts are plain (no HTML): templates escape them like any other value.

## The frame of every page

brand = Wellspring
skip = Skip to main content
nav-label = Main
nav-menu = Menu
nav-account = Your account
nav-sharing = Who can see my record
nav-access-log = Who looked at my record
nav-apps = Connected apps
nav-security = Sign-in and security
nav-sign-out = Sign out
lang-other = Español
lang-label = Language
actas-label = Acting for:
actas-choose = Whose record
actas-submit = Switch
actas-banner = You are acting for { $name }. What you see and do here is in their record, not yours.
actas-back = Go back to my own record
session-title = Are you still there?
session-body = To protect your privacy, we will sign you out in { $time } unless you choose to stay.
session-minutes = { $n } minutes
session-one-minute = 1 minute
session-under-minute = less than a minute
session-stay = Stay signed in
flash-info = Note:
flash-success = Done:
flash-error = Problem:
footer-emergency = In an emergency, call 911 or go to the nearest hospital.
footer-privacy = Privacy
errors-summary = There is a problem
errors-title-prefix = Error:
errors-field-prefix = Error:
form-optional = (optional)

## Sections

section-my-health = My Health
section-record = Medical Record
section-messages = Messages
section-appointments = Appointments
section-pharmacy = Pharmacy
section-billing = Billing
section-coverage = Coverage & Benefits
section-get-care = Get Care
section-support = Support
section-privacy = Privacy
section-account = Sign-in and security

## Sign in

signin-title = Sign in
signin-intro = Sign in to see your health information, message your care team and manage your plan.
field-email = Email address
field-password = Password
signin-submit = Sign in
signin-forgot = Forgot password?
signin-new = New to Wellspring online?
signin-register = Register for an account

## Two-step

twostep-title = Enter your code
twostep-intro = Open your authenticator app and enter the 6-digit code it shows. If you can't use the app, enter one of your recovery codes.
field-code = Code
twostep-code-hint = 6 digits, or one of your recovery codes
twostep-submit = Continue
twostep-restart = Start over

## Registration

register-title = Create your account
register-intro = Have your member ID card with you. You need to be 13 or older to have your own account. After you register, the same sign-in works on the website and in the app.
field-mrn = Medical record number
field-mrn-hint = As printed on your member ID card
field-birth_date = Date of birth
field-birth_date-hint = For example, 1985-04-27 (year, month, day)
field-given = First name
field-family = Last name
field-email-hint = We send account notices here, never advertising.
field-mobile = Mobile phone number
field-mobile-hint = We can send you a text if you ever forget your password.
field-password_new = Create a password
field-password_confirm = Type the password again
register-submit = Create account
register-have-account = Already registered?

## Password rule and problems

password-rule = Use at least { $min } characters. A few words that don't belong together make a strong password that is easy to remember. Spaces, numbers and symbols are all fine, but none are required.
password-too-short = Your password needs at least { $min } characters.
password-too-long = Your password can have at most { $max } characters.
password-breached = This password has shown up in a data leak on another website, so others could guess it. Please choose a different one.
password-repetitive = This password repeats itself or follows a simple pattern, like "aaaa" or "1234". Please choose one that is harder to guess.
password-context = This password contains your name, your email or the word Wellspring. Please choose one that others can't guess from what they know about you.
password-mismatch = The two passwords don't match. Type the same password in both boxes.
password-other = Please choose a different password.

## Sign-in and reset outcomes

auth-bad-credentials = The email address or password is not right. Check them and try again.
auth-locked = For your safety, we paused sign-in after several tries that didn't work. Try again in { $minutes } minutes, or reset your password to unlock your account now.
auth-throttled = There have been too many sign-in tries from here. Please wait { $minutes } minutes and try again.
auth-registration-refused = We could not match those details to a member record. Check them against your member ID card and try again, or call Member Services at the number on the back of the card.
auth-under-13 = Members under 13 can't have their own account. A parent or legal guardian can ask for caregiver access to help manage the child's care.
auth-reset-sent = If that email address or mobile number belongs to an account, we have sent it a link to choose a new password. The link works once and for a short time. If nothing arrives in a few minutes, check your spam folder or try again.
auth-reset-invalid = This link doesn't work. It may not have been copied completely. Please ask for a new one.
auth-reset-expired = This link has expired. For your safety, links only work for a short time. Please ask for a new one.
auth-reset-used = This link has already been used. If you didn't change your password yourself, ask for a new link and call Member Services.
auth-two-step-wrong = That code didn't work. The code changes every 30 seconds, so enter the newest one, or use a recovery code.
auth-disabled = This account is turned off. Please call Member Services at the number on the back of your member ID card, and we will help you.
auth-already-registered = You already have an account. Sign in, or reset your password if you don't remember it.
auth-email-in-use = Another account already uses this email address. Please use a different one.

## Notices after an action, and refusals

register-done = Your account is ready. Please sign in.
reset-done = Your new password is saved. Please sign in with it.
sharing-revoked = Access removed. That person can no longer see your record.
sharing-invited = Invitation sent. After they create their own account, they will be able to see your record.
sharing-authorize-required = Check the box to confirm that you authorize this person
sharing-invalid-email = Enter the email address of the person you are inviting, like name@example.com
sharing-caregiver-under-18 = A caregiver needs to be 18 or older.
sharing-too-many = You have sent as many invitations as one account may send in a day. Please try again tomorrow.
sharing-not-allowed = We can't set up caregiver access for this record online. Please call Member Services and we will help.
apps-disconnected = App disconnected. It can no longer get your information.
security-password-changed = Your password has been changed.
security-two-step-on = Two-step verification is on.
security-two-step-off = Two-step verification is off.
error-csrf = This page was open for a long time or the form was sent twice. Please go back, reload the page and try again.
error-forbidden = You don't have permission to see this or do this. If you think that is a mistake, call Member Services.
error-internal = Something on our side didn't work.

## Field problems

required-mrn = Enter your medical record number
required-birth_date = Enter your date of birth
required-given = Enter your first name
required-family = Enter your last name
required-email = Enter an email address
required-mobile = Enter a mobile phone number
required-password = Enter a password
required-password_confirm = Type the password again
required-current_password = Enter your current password
required-code = Enter the code
required-full_name = Enter their full name
required-authorize = Check the box to confirm that you authorize this person
required-other = Please fill in this answer
invalid-email = Enter an email address like name@example.com
invalid-mobile = Enter a mobile number with its area code, like 510 555 0123
invalid-date = Enter a real date as year-month-day, like 1985-04-27
invalid-other = Please check this answer

## Forgot and reset password

forgot-title = Reset your password
forgot-intro = Enter the email address or mobile number on your account. We'll send you a link to choose a new password.
field-identifier = Email address or mobile number
forgot-submit = Send me a link
forgot-sent-title = Check your email or phone
forgot-back = Back to sign in
verify-done-title = Your email address is confirmed
verify-done-body = Thank you. Invitations sent to this address, such as caregiver access someone gave you, are now on your account.
verify-problem-body = This confirmation link is not valid, was already used or has expired. Ask for a password reset link: using it also confirms your email address.
reset-title = Choose a new password
field-password_reset = New password
reset-submit = Save new password
reset-problem-title = This link can't be used
reset-request-new = Ask for a new link

## Home

home-greeting = Hello, { $name }
home-intro = What would you like to do today?
card-record = Test results, medications, allergies, immunizations and visit notes.
card-messages = Write to your care team and read their replies.
card-appointments = See your upcoming visits, book a new one or cancel.
card-pharmacy = Refill prescriptions and have them mailed to your home.
card-billing = See and pay your bills and premiums.
card-coverage = Your plan, your member ID card and what your care will cost.
card-get-care = Find the right care: same-day visits, urgent care and advice.
card-support = Answers to common questions and ways to reach us.
card-privacy = Choose who can see your record and see who has looked at it.
card-account = Your password, two-step verification and where you are signed in.

## Sections still to come

soon-badge = Coming soon
soon-list = What you will be able to do here:
soon-meanwhile = Until then, call Member Services at { $phone } (also on the back of your member ID card). We are glad to help.
soon-home = Back to My Health
soon-record-about = This is where you will find your health record, in plain words.
soon-record-1 = See test results as soon as they are ready, with the normal range and earlier results
soon-record-2 = Check your medications, allergies and health problems
soon-record-3 = See your immunizations and print a record of them
soon-record-4 = Read notes and summaries from your visits
soon-messages-about = This is where you will write to your care team and get their replies.
soon-messages-1 = Send a message to your doctor's office about a question that is not urgent
soon-messages-2 = Read replies and letters from your care team
soon-messages-3 = Ask Member Services about your plan; we answer within 3 business days
soon-appointments-about = This is where you will see and book your visits.
soon-appointments-1 = See your upcoming and past visits
soon-appointments-2 = Book primary care, lab and some specialty visits, in person, by phone or by video
soon-appointments-3 = Cancel or change a visit, and get text reminders
soon-pharmacy-about = This is where you will manage your prescriptions.
soon-pharmacy-1 = Refill prescriptions with one button
soon-pharmacy-2 = Get them by mail in 3 to 5 business days at no extra cost
soon-pharmacy-3 = See when a refill is possible and ask for a renewal
soon-billing-about = This is where you will see and pay what you owe.
soon-billing-1 = Pay your premium and medical bills online
soon-billing-2 = See your billing history
soon-billing-3 = Keep a card on file for mail-order prescriptions
soon-coverage-about = This is where you will see what your plan covers.
soon-coverage-1 = Check that your coverage is active and who is covered
soon-coverage-2 = Show your digital member ID card (on most plans)
soon-coverage-3 = See your deductible, what you have spent so far and cost estimates
soon-get-care-about = This is where you will find the right care at the right time.
soon-get-care-1 = Book a same-day visit for problems that are not emergencies
soon-get-care-2 = Find urgent care for problems that need attention soon
soon-get-care-3 = Get advice from a nurse and find care when you are away from home
soon-support-about = This is where you will find answers and ways to reach us.
soon-support-1 = Answers about bills, your plan, passwords and caregiver access
soon-support-2 = Help with care away from home
soon-support-3 = Support after the loss of a loved one
getcare-emergency-title = Is this an emergency?
getcare-emergency = If you think you have a medical emergency, call 911 or go to the nearest hospital now. Don't use this website or send a message for an emergency. Emergency care is covered anywhere, even away from home.

## Who can see my record

sharing-title = Who can see my record
sharing-intro = These people can see your record and act for you here. You can remove anyone's access at any time.
sharing-heading = People with access to my record
sharing-none = No one else can see your record.
col-name = Name
col-relationship = Relationship
col-access = Access
col-since = Since
col-expires = Ends
col-action = Remove
sharing-no-end = No end date
sharing-revoke = Remove access for { $name }
access-full = Full record
access-full-except-sensitive = Full record, except sensitive care
access-limited = Limited (teen access)
rel-self = You
rel-child = Child
rel-teen = Teen
rel-caregiver = Caregiver
rel-legal = Legal representative
rel-parent = Parent
rel-spouse = Spouse or partner
invite-title = Invite a caregiver
invite-intro = A caregiver can be a family member or friend who is 18 or older. They don't need to be a Wellspring member, but they will create their own account. Their access lasts 18 months unless you renew it.
field-invite_email = Their email address
field-full_name = Their full name
invite-access = What they will see
invite-access-text = Your whole record, except sensitive care: sexual and reproductive health, mental health, and substance use care.
invite-authorize = I authorize this person to see my health information and act for me on this website, as described above. I can remove their access at any time.
invite-submit = Send invitation
actfor-title = People I can act for
actfor-intro = You can switch to these people's records with "Acting for" at the top of the page.
actfor-none = You can't act for anyone else yet.

## Who looked at my record

log-title = Who looked at my record
log-intro = Every time someone opens or changes your record, we write down who, when and why. This list shows the newest first.
log-filter = Choose dates
field-from = From
field-to = To
log-filter-submit = Show
log-none = No one looked at your record in this period.
log-col-when = When
log-refused = tried, but was refused: nothing was shown
log-col-who = Who
log-col-what = What
log-col-why = Why
log-col-where = From where
log-pages = More entries
log-newer = Newer entries
log-older = Older entries
log-page = Page { $n }
actor-me = You
actor-person = Caregiver
actor-staff = Wellspring staff
actor-app = App
actor-system = Automatic process
action-read = Viewed
action-search = Searched
action-create = Added
action-update = Changed
action-delete = Removed
action-export = Downloaded
action-print = Printed
rt-all = whole record
rt-Patient = personal details
rt-Observation = test results and vital signs
rt-DiagnosticReport = test reports
rt-Condition = health problems
rt-AllergyIntolerance = allergies
rt-MedicationRequest = prescriptions
rt-MedicationDispense = filled prescriptions
rt-Immunization = immunizations
rt-Encounter = visits
rt-Procedure = procedures
rt-DocumentReference = documents and notes
rt-CarePlan = care plans
rt-Appointment = appointments
rt-Communication = messages
rt-Coverage = coverage details
rt-ExplanationOfBenefit = claims and explanations of benefits
rt-Claim = claims
rt-Practitioner = care team details
purpose-treatment = Your care
purpose-payment = Payment and claims
purpose-operations = Running the health plan (quality checks, audits)
purpose-patient-request = Your own request
purpose-proxy = Caregiver access
purpose-app = An app you connected
purpose-emergency = Emergency care
purpose-legal = Required by law
purpose-public-health = Public health

## Connected apps and scopes

apps-title = Connected apps
apps-intro = These apps can get your health information because you, or someone acting for you, allowed it. Disconnecting an app stops it from getting anything new. It can't erase what the app already copied; ask the app's makers about that.
apps-none = You haven't connected any apps.
apps-granted = Connected on { $date }
apps-can = It can:
apps-disconnect = Disconnect { $name }
scope-openid = Confirm who you are
scope-fhirUser = Know your name and your account
scope-profile = Know your name and your account
scope-offline_access = Keep getting updates when you're not using it, until you disconnect it
scope-online_access = Get updates only while you're using it
scope-launch-patient = Know whose record you chose
scope-read = See your { $what }
scope-write = Add or change your { $what }
scope-readwrite = See, add and change your { $what }
scope-all-read = See your whole health record
scope-all-write = Add to or change your whole health record
scope-all-readwrite = See, add to and change your whole health record
scope-other = Other access: { $scope }

## SMART consent

consent-title = Allow { $app } to get your health information?
consent-not-ours-title = This app is not run by Wellspring
consent-not-ours = Once you share, the app's own privacy policy decides how your information is used, and health privacy law (HIPAA) may not protect it there. Only share with apps you trust.
consent-redirect = After you choose, we will send you back to { $host }.
consent-wants = The app is asking to:
consent-whose = Whose record should the app get?
consent-allow = Allow
consent-deny = Don't allow
consent-later = You can disconnect the app at any time under Connected apps.

## Sign-in and security

security-title = Sign-in and security
twostep-section = Two-step verification
twostep-on = On. When you sign in, we ask for a code from your authenticator app.
twostep-off = Off. Turn it on to keep your account safer: someone who learns your password still can't sign in without your phone.
twostep-start = Set up two-step verification
twostep-setup-step1 = Open an authenticator app on your phone and add a new account. Type in this key:
twostep-setup-uri = If your app accepts a setup link, you can use this instead:
twostep-setup-step2 = Then enter the 6-digit code the app shows.
twostep-setup-code-hint = 6 digits
twostep-setup-submit = Turn on two-step verification
twostep-disable = Turn off two-step verification
twostep-disable-note = Turning it off makes your account easier to break into.
recovery-title = Your recovery codes
recovery-intro = Save these codes somewhere safe, like a password manager or a printed copy. If you lose your phone, each code lets you sign in once. We will not show them again.
password-change-title = Change your password
field-current_password = Current password
password-change-submit = Change password
signout-all-title = Sign out everywhere
signout-all-intro = This signs you out on every computer, phone and tablet, including this one. Use it if you signed in on a shared computer or lost a device.
signout-all-submit = Sign out everywhere

## Errors

error-title = Something went wrong
error-try-again = Please try again in a few minutes. If it keeps happening, call Member Services at the number on the back of your member ID card.
error-status = Error code: { $status }
error-home = Go to My Health
notfound-title = Page not found
notfound-body = We can't find that page. It may have moved, or the address may have a typo.

## Coverage pages (issue 5)

cov-title = Coverage and benefits
cov-for = For
cov-check-title = Is my coverage active?
cov-check-date = Date to check
cov-check-submit = Check coverage
cov-plan = Plan
cov-effective = Effective
cov-group = Group
cov-pcp = Primary care physician
cov-benefits-title = My plan and benefits
cov-tier = tier
cov-year = benefit year
cov-deductible = Deductible
cov-oop = Out-of-pocket maximum
cov-pay-caption = What you pay in network
cov-service = Service
cov-you-pay = You pay
cov-extras-caption = Other benefits
cov-benefit = Benefit
cov-limits = Limits and notes
cov-preventive = Preventive care in network costs $0. Emergencies are covered anywhere: call 911 or go to the nearest hospital.
cov-family-title = My family's coverage
cov-family-none = No one else is covered with you.
cov-name = Name
cov-relationship = Relationship
cov-covered = Covered
cov-status = Status
cov-link-add = Add a family member (newborn, adopted child, spouse)
cov-link-card = Digital member ID card
cov-link-areas = Care away from home: areas of care
cov-change-title = Change plan
cov-change-plan = New plan
cov-change-reason = Reason
cov-change-oe = Open enrollment
cov-event-marriage = Marriage
cov-event-birth = Birth of a child
cov-event-adoption = Adoption
cov-event-loss = Loss of other coverage
cov-event-move = Permanent move
cov-change-date = Date of the event (if any)
cov-change-submit = Change plan
cov-windows-title = When can I make changes?
cov-window = Window
cov-dates = Dates
cov-starts = Coverage starts
cov-open-now = Open now
add-title = Add a family member
add-intro = Add a newborn, a newly adopted or placed child, a spouse or a domestic partner to your coverage. A newborn or adopted child is covered from the day of birth, adoption or placement.
add-refused = We could not add this family member
add-given = First name
add-family = Last name
add-birth = Date of birth
add-sex = Sex
add-female = Female
add-male = Male
add-unknown = Not yet known
add-rel = Relationship to you
add-rel-child = Child (newborn)
add-rel-adopted = Adopted child
add-rel-foster = Foster child
add-rel-step = Stepchild
add-rel-spouse = Spouse
add-rel-partner = Domestic partner
add-event = What happened
add-ev-birth = Birth
add-ev-adoption = Adoption
add-ev-placement = Placement for adoption
add-ev-foster = Foster care placement
add-ev-marriage = Marriage or domestic partnership
add-event-date = Date it happened
add-event-date-hint = For a birth, the date of birth.
add-submit = Add to my coverage
cov-back = Back to coverage
card-title = Digital member ID card
card-label = Member ID card
card-mrn = MRN
card-member-id = Member ID
card-pcp = PCP
card-copays = Copays
card-member-services = Member services
card-advice = Advice nurse (24/7)
card-away = Away from home
card-emergency = Emergency? Call 911 or go to the nearest hospital.
card-pdf = Print (PDF)
card-png = Save for my phone wallet (image)
areas-title = Care away from home
areas-intro = Emergency and urgent care are covered anywhere in the world. For routine care in another Wellspring region, add an area of care: that region gives you a medical record number linked to your home record, and you can switch to it above without signing in again. Your home plan's cost sharing applies.
areas-mine = My areas of care
areas-none = You have no areas of care yet.
areas-region = Region
areas-mrn = Medical record number
areas-add = Add an area of care
areas-visiting = Region you are visiting
areas-submit = Add area of care
cov-covered-on = Covered on { $date }
cov-pending = Covered on { $date }; claims are pending until dues are paid
cov-not-covered = Not covered on { $date }: { $reason }
cov-none-chosen = None chosen
cov-none = None
cov-yes = Yes
cov-no = No
cov-any-time = Any time
cov-after-event = Within the days after a qualifying life event
cov-since = since { $date }
cov-range = { $from } to { $to }
cov-starts-later = Starts later
cov-ind-fam = { $ind } individual / { $fam } family
cov-date-error = '{ $value }' is not a date; use the form 2026-11-26.
add-done = { $name } is covered from { $date } ({ $window }). Medical record number: { $mrn }.
add-bad-birth = Enter the date of birth as a date (for example 2026-04-10).
add-bad-event-date = Enter the date it happened as a date (for example 2026-04-10).
add-choose-event = Choose what happened.
add-choose-rel = Choose the relationship.
areas-added = Added: your medical record number in { $region } is { $mrn }.
cov-changed = Plan changed: the new plan starts { $date } ({ $window }).
cov-contact-title = My address and phone
cov-contact-line = Street address
cov-contact-city = City
cov-contact-state = State (two letters)
cov-contact-zip = ZIP code
cov-contact-mobile = Mobile phone (e.g. +12065550123)
cov-contact-submit = Save address and phone
cov-contact-saved = Your address and phone were saved.

## Pages the one web error renders; pages not offered to the person chosen (issue 13)

error-bad-request = We could not read what your browser sent.
error-no-record = No member record is linked to this account.
error-staff-only = These pages are for staff accounts.
notfor-title = Not available for this person
sharing-title-of = Who can see { $name }'s record
sharing-others-intro = These people can see this record and act for this person here. To add or remove someone, call member services.
notfor-sharing = Who can see this person's record is shown only to them and to whoever has full access to it. To ask about it, call member services at { $phone }.
notfor-invite = Caregivers are invited by each adult for their own record. To give another adult access to your child's record, call member services at { $phone }.
notfor-coverage = A parent acting for a teenager does not see their coverage details here. The family's coverage, the teenager's included, is on the subscriber's own Coverage page. Questions: member services at { $phone }.
notfor-access-log = Who looked at a teenager's record is shown to the teenager, not to a parent acting for them. Questions: member services at { $phone }.

## The access log in plain words (issue 13)

log-and = and
action-other = Worked on
action-vread = Viewed an earlier version of
action-history = Viewed the history of
action-everything = Opened the whole record
action-register = Created a portal account for
action-proxy-grant = Gave someone access to
action-proxy-revoke = Removed someone's access to
action-act-as = Switched to
action-app-authorize = Connected an app to
action-app-disconnect = Disconnected an app from
action-verify-email = Confirmed the e-mail address for
action-password-reset = Reset the password for
rt-other = other parts of the record
purpose-other = Other work on your record
purpose-enrollment = Your enrollment and plan
purpose-membership = Your membership details
purpose-coverage = Checking your coverage
purpose-eligibility = Checking your eligibility
purpose-away = Care away from home

## The contact form, field by field (issue 13)

cov-contact-problem-required = Fill in this field
cov-contact-problem-invalid-state = Enter the two-letter state code, like WA
cov-contact-problem-invalid-zip = Enter a ZIP code of 5 digits, like 98101 (or ZIP+4: 98101-1234)
cov-contact-problem-invalid-mobile = Enter a mobile number with its area code, like (206) 555-0142, or in international form, like +44 7700 900123

## The ID card (PDF, wallet image, QR title) (issue 13)

card-label-title = Member ID card
card-label-cut-and-fold = Cut along the outer dashed line, fold along the dotted centre line so the front and back face out.
card-label-front = Front
card-label-back = Back
card-label-mrn = MRN
card-label-member-id = Member ID
card-label-plan = Plan
card-label-group = Group
card-label-effective = Effective
card-label-pcp = PCP
card-label-copays = Copays
card-label-more-copays = more: see your plan documents
card-label-phone-numbers = Phone numbers
card-label-member-services = Member Services
card-label-advice-nurse = Advice nurse, 24/7
card-label-away-from-home = Away from home
card-label-emergency = Emergency? Call 911 or go to the nearest hospital.
card-label-issued = Issued
card-label-qr-title = Member ID card QR code

## Placeholder sections name the numbers; the cookie notice (issue 13)

soon-nurse = For advice about symptoms, our advice nurses answer any time, day or night, at { $phone }.
footer-cookies = This site uses only the cookies it needs to work: to keep you signed in, protect your forms, remember your language and recognise this browser when you sign in. None are used for advertising or tracking, and your information is never sold.
## Plan changes: compare, review, confirm, refusal, notice (issue 13)

cov-change-intro = Choose a plan and the reason. You will see what changes, for whom and from when, before anything is changed.
cov-change-compare = Compare the plans side by side
cov-change-review = Review the change
cov-used = Already used
cov-home-coverage = You are covered through your home record in { $region }: your home plan and its cost sharing apply here.
cov-rel-self = Subscriber
cov-rel-spouse = Spouse
cov-rel-partner = Domestic partner
cov-rel-child = Child
cov-rel-adopted = Adopted child
cov-rel-foster = Foster child
cov-rel-ward = Ward
cov-rel-step = Stepchild
plans-title = Compare plans
plans-intro = The plans you can choose in your region, side by side. Amounts are what you pay in network.
plans-intro-medicare = The Medicare Advantage plans you can choose in your region, side by side. Amounts are what you pay in network.
plans-none = There is no other plan to change to for this coverage. Member services can help: { $phone }.
plans-caption = Plans side by side
plans-feature = Plan
plans-current = (your plan today)
plans-type = Type
plans-stars = Medicare star rating
plans-stars-value = { $stars } out of 5
plans-stars-none = Not rated
plans-premium = Monthly premium
plans-premium-value = { $amount } a month
plans-premium-unknown = Depends on your employer or household; member services can tell you
plans-not-listed = Not listed
plans-five-star = A plan rated 5 stars can be joined once between December 8 and November 30 (the 5-star special enrollment period).
plans-choose = Change to one of these plans
plans-windows = When can I change plans?
review-title = Review your plan change
review-intro = Nothing has changed yet. Check the details below, then confirm or cancel.
review-caption = Your plan now and the new plan
review-now = Now: { $plan }
review-new = New: { $plan }
review-who = Who this change affects
review-who-intro = Everyone on this coverage moves to the new plan on the same day.
review-starts = The new plan starts on
review-window = Why the change is allowed now
review-window-closes = { $window } (open until { $date })
review-notes = Good to know
review-replaces = This replaces your earlier choice of { $plan } from { $date }.
review-notice = We will e-mail a notice of this change to the subscriber's portal account.
review-confirm = Confirm the change
review-cancel = Cancel and keep my plan
review-moved = The start date is now { $date }, not the one you reviewed. Please check the change again before confirming.
done-title = Your plan is changing
done-lead = From { $date }, { $plan } covers everyone listed below.
done-window = Allowed by: { $window }
done-notice-sent = A notice of this change was sent to { $email }.
done-notice-none = The subscriber has no portal account, so no e-mail notice was sent. Member services can send a letter: { $phone }.
done-notice-failed = The change is made, but the e-mail notice could not be sent. Member services can send it: { $phone }.
refused-title = We cannot change your plan now
refused-why = Why
refused-next = When you can
refused-next-date = The next window for this change opens on { $date }.
refused-no-next = No window opens on its own for this change; see what you can do below.
refused-what = What you can do
refused-event = If your family had a life event recently (a birth, an adoption, a marriage, a loss of other coverage or a move), go back and choose it as the reason, with its date.
refused-windows = See when each enrollment window opens
refused-call = Call member services at { $phone }. They can explain your options and arrange changes the portal cannot make.
refused-back = Back to coverage
notice-subject = Your Wellspring plan is changing
notice-greeting = Hello { $name },
notice-changed = The plan for your coverage changes from { $old } to { $new } on { $date }. The change is allowed by: { $window }.
notice-who = It covers: { $people }.
notice-questions = Questions? Call member services at { $phone }. If you did not ask for this change, call us at once.

## Medical record (issue 16)
rec-intro = Your health record, in plain words. Test results appear here as soon as they are final.
rec-recent = Recent test results
rec-none = Nothing is on record here yet.
rec-back = Back to Medical Record
rec-to-pharmacy = Refill a prescription in Pharmacy
rec-print-hint = To print this record of immunizations, use your browser's Print command; the page prints without the menus.
rec-performer = Done by
rec-comment = Comment from your care team
rec-results-back = Back to all test results
rec-trend-title = Earlier results
rec-trend-caption = { $test }: { $count } results from { $from } to { $to }. The shaded band is the normal range; red dots are outside it.
rec-trend-table = The same results as a table, newest first
rec-results-title = Test results
rec-results-about = Lab results with their normal range and your earlier results.
rec-problems-title = Health problems
rec-problems-about = Conditions your care team is tracking, current and past.
rec-allergies-title = Allergies
rec-allergies-about = Allergies and reactions on record.
rec-medications-title = Medications
rec-medications-about = Medications prescribed for you, with their instructions.
rec-immunizations-title = Immunizations
rec-immunizations-about = Vaccines on record, with their dates.
rec-procedures-title = Procedures
rec-procedures-about = Procedures and surgeries on record.
rec-visits-title = Past visits
rec-visits-about = Visits in person, by video and by phone.
rec-vitals-title = Vital signs
rec-vitals-about = Blood pressure, weight, height and other measurements from your visits.
rec-col-date = Date
rec-col-test = Test
rec-col-status = Status
rec-col-problem = Problem
rec-col-since = Since
rec-col-allergy = Allergy
rec-col-reaction = Reaction
rec-col-medication = Medication
rec-col-instructions = Instructions
rec-col-prescribed = Prescribed
rec-col-vaccine = Vaccine
rec-col-procedure = Procedure
rec-col-visit = Visit
rec-col-where = Where
rec-col-measure = Measurement
rec-col-value = Result
rec-col-range = Normal range
rec-col-flag = Flag
rec-flag-H = High
rec-flag-L = Low
rec-flag-HH = Critically high
rec-flag-LL = Critically low
rec-flag-A = Abnormal
rec-flag-AA = Critically abnormal
rec-status-final = Final
rec-status-preliminary = Preliminary
rec-status-corrected = Corrected
rec-status-amended = Amended
rec-status-cancelled = Cancelled
rec-status-entered-in-error = Entered in error
rec-status-registered = Registered
rec-status-partial = Partial
rec-status-active = Active
rec-status-inactive = Inactive
rec-status-resolved = Resolved
rec-status-recurrence = Recurrence
rec-status-remission = In remission
rec-status-completed = Completed
rec-status-stopped = Stopped
rec-status-on-hold = On hold
rec-status-not-done = Not done
rec-status-in-progress = In progress
rec-status-finished = Finished
rec-status-planned = Planned
rec-status-unknown = Unknown
notfor-record = A parent acting for a teenager sees only their growth charts here; the rest of a teenager's record is shown to the teenager. Questions: member services at { $phone }.
rec-requests-title = Requests about your record
rec-requests-about = Ask for copies, a correction, or a list of who your record was shared with; follow each with its due date.
rec-req-title = Requests about your record
rec-req-intro = You have the right to copies of your record, to ask us to correct it and to a list of whom we shared it with. The law gives us a deadline for each; you see it here.
rec-req-yours = Your requests
rec-req-none = You have not made any requests.
rec-req-col-kind = Request
rec-req-col-received = Received
rec-req-col-due = Answer due by
rec-req-col-details = Details
rec-req-kind-records-copy = Copies of my record
rec-req-kind-records-amendment = Correct my record
rec-req-kind-records-accounting = Who my record was shared with
rec-req-status-requested = Received
rec-req-status-in-progress = In progress
rec-req-status-extended = Extended (we sent you the reason)
rec-req-status-completed = Done
rec-req-status-rejected = Denied (see the reason)
rec-req-amend-title = Ask to correct your record
rec-req-amend-about = We answer within 60 days. If we need more time, we tell you why, once, and answer within 30 more days.
rec-req-amend-label = What is wrong, and what should it say?
rec-req-amend-submit = Send the correction request
rec-req-copy-title = Ask for copies of your record
rec-req-copy-about = We answer within 30 days. Copies for you are free in the portal; you can also name someone to receive them.
rec-req-copy-label = What do you want copies of (which parts, which dates)?
rec-req-copy-recipient = Send them to someone else (optional)
rec-req-copy-recipient-hint = Their name and address. You will be asked to sign an authorization.
rec-req-copy-submit = Send the request for copies
rec-req-accounting-title = Ask who your record was shared with
rec-req-accounting-about = A list of disclosures of the last six years (not for your care, payment or our operations). The first each year is free. We answer within 60 days.
rec-req-accounting-label = Period, if shorter than six years (optional)
rec-req-accounting-submit = Ask for the list
rec-req-need-copy = Say what you want copies of.
rec-req-need-amendment = Say what is wrong in your record and what it should say.
rec-req-filed = We received your request. We will answer by { $due }.
notfor-requests = Requests about a record are made by the person themself, a parent for a young child, or a legal representative. Questions: member services at { $phone }.
rec-take-title = Take your record with you
rec-take-fhir = Download your record (FHIR file)
rec-take-fhir-about = A standard health-data file (FHIR R4 JSON) that other doctors' systems and health apps can read. Every download is recorded in who looked at your record.
rec-print-link = Print your record (PDF)
rec-print-title = Your health record
rec-print-intro = Choose what to print and the dates. The PDF opens in your browser; print it or save it. Every printout is recorded in who looked at your record.
rec-print-sections = Sections
rec-print-when = Dates (leave empty for all)
rec-print-from = From
rec-print-to = To
rec-print-submit = Make the PDF
rec-print-all-dates = All dates
rec-print-period = From { $from } to { $to }
rec-print-member = { $name } · born { $birth }
rec-print-generated = Printed on { $date } from the Wellspring portal
rec-print-page = Page
rec-print-note = This printout shows your record as it was on the day it was printed. Questions about it: member services.
