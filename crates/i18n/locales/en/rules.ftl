# What the rules say to a member: refusals and the names of life events (crates/i18n/src/said.rs).
# Values: $event is itself words from this file; $date is a date; $days a number; $name a person.

## Life events

event-birth = a birth
event-adoption = an adoption
event-placement = a placement for adoption
event-foster = a foster care placement
event-court-order = a court order
event-marriage = a marriage
event-loss = a loss of other coverage
event-move = a permanent move
event-divorce = a divorce
event-death = the death of the subscriber
event-aged-off = aging off a parent's plan
event-citizenship = gaining citizenship or lawful presence
event-error = an enrollment error
event-non-payment = losing coverage for not paying premiums
event-voluntary-drop = dropping coverage voluntarily

## Enrollment windows refused (ENR-*)

reason-not-qualifying = { $event } is not a qualifying life event
reason-with-next = { $reason }; the next open enrollment starts { $date }
reason-outside-open = Outside open enrollment and no qualifying life event within the last { $days } days
reason-sep-opens = The special enrollment period after { $event } opens on { $date }
reason-sep-ended = The special enrollment period after { $event } ended on { $date }
reason-outside-employer = Outside your employer's open enrollment and no birth, adoption, marriage or loss of other coverage within the last { $days } days
reason-employer-no-sep = Under an employer plan, { $event } does not open a special enrollment; the change waits for the employer's open enrollment
reason-employer-sep-opens = The special enrollment after { $event } opens on { $date }
reason-employer-sep-ended = The { $days }-day special enrollment after { $event } ended on { $date }; the change waits for the employer's open enrollment
reason-medicare-individual = Medicare coverage is individual: each person enrolls in their own name
reason-medicare-details = Medicare details (birth date, Part A and B start) are needed to check the windows
reason-medicare-before-iep = Medicare enrollment opens with the initial enrollment period, which starts on { $date } (three months before the month of the 65th birthday)
reason-ma-oep-not-in-ma = The Medicare Advantage open enrollment period is only for people already in a Medicare Advantage plan on January 1
reason-ma-oep-used = The one change allowed in the Medicare Advantage open enrollment period has already been used this year
reason-ma-oep-no-join = The Medicare Advantage open enrollment period cannot be used to join Medicare Advantage from Original Medicare
reason-five-star-used = The 5-star special enrollment period can be used once between December 8 and November 30, and it has been used
reason-outside-medicare = Outside the Medicare enrollment periods (initial, October 15 – December 7, or a special enrollment period)

## Membership changes refused

someone = A family member
reason-no-subscriber-coverage-to-add = The subscriber has no coverage on { $date } to add anyone to
reason-past-age-limit = { $name } is past the dependent age limit (covered through { $date } at the latest)
reason-other-market = { $plan } is { $market }: moving to it is a new enrollment, which member services arrange with you
market-medicare = a Medicare plan
market-medicaid = a Medicaid plan
market-group = an employer group plan
market-individual = an individual plan
ledger-overlap = { $name } already has coverage from { $date } that overlaps the new coverage
ledger-no-subscriber-coverage = { $name } has no coverage as the subscriber on { $date }
ledger-nothing-open = { $name } has no ongoing coverage to change
ledger-no-coverage = { $name } has no coverage on { $date }
ledger-is-subscriber = { $name } is the subscriber: end the whole family's coverage instead
ledger-self-as-dependent = A dependent cannot be added with the relationship "self"
ledger-already-ends = The coverage of { $name } already ends on { $date }; member services can correct that end date
ledger-later-coverage = { $name } has coverage starting { $start }, after { $date }; it cannot end before it starts
ledger-nothing-to-reinstate = { $name } has no ended coverage to reinstate
ledger-subscriber-not-open = { $name } cannot be reinstated while the coverage of { $subscriber } on that plan is ended
ledger-invariant = The change does not fit the coverage on record; member services can look at it with you

## Care away from home refused (AWY-*)

reason-area-needs-coverage = An area of care needs active coverage
reason-away-medicaid = Medicaid plans do not cover routine in-person care away from home; urgent and emergency care are covered anywhere
reason-away-specialty-referral = Specialty care away from home needs a referral from a clinician in the region you are visiting

## The ID card refused (ELG-01, SEED-03)

reason-card-no-coverage = No coverage is on record for this member, so there is no ID card
reason-card-not-active = Coverage is not active on { $date }, so there is no ID card for that day
reason-card-medicare = The digital member ID card is not available on Medicare plans; please use your printed card
reason-card-out-of-area = The digital member ID card is not available on Out-of-Area plans; please use your printed card
reason-card-pos = The digital member ID card is not available on Flexible Choice point-of-service plans; please use your printed card
reason-card-not-offered = The digital member ID card is not offered on this plan; please use your printed card

## A refusal as a member reads it

explain-refused = { $reason }.
explain-refused-from = { $reason }. You can make this change from { $date }.

## Enrollment windows

window-any-time = Any time
window-open-enrollment = Open enrollment for { $year }
window-special = Special enrollment after { $event }
window-employer-open = Employer open enrollment
window-icep = Initial coverage election period
window-iep = Initial enrollment period
window-aep = Medicare annual election period
window-ma-oep = Medicare Advantage open enrollment period
window-five-star = 5-star special enrollment period
window-gep = Medicare general enrollment period
window-medicaid = Medicaid and CHIP: apply any time
window-special-life-change = Special enrollment after a life change
window-your-employer-open = Your employer's open enrollment
window-special-child = Special enrollment after a birth, adoption or placement
window-special-marriage-loss = Special enrollment after a marriage or loss of other coverage
window-iep-65 = Initial enrollment around your 65th birthday

## When coverage starts, for each window

effective-on = { $date }
effective-oe-late = { $date } if chosen by { $by }; { $later } if chosen later
effective-sep = Within { $days } days of the event; the 1st of the month after you choose a plan (births and adoptions: from the day of the event)
effective-employer = Set by your employer
effective-group-child = Within { $days } days; coverage from the day of the event
effective-group-other = Within { $days } days; the 1st of the month after the request
effective-iep = The 1st of your birthday month if you sign up before it; otherwise the 1st of the month after you sign up
effective-jan-1 = January 1
effective-ma-oep = The 1st of the month after the request (members of a Medicare Advantage plan on January 1, one change)
effective-gep = The 1st of the month after you sign up
effective-five-star = The 1st of the month after the request (once, into a 5-star plan)
effective-medicaid-month = The 1st of the month of application
effective-medicaid-day = The day of the application

## Notes with an allowed change

note-contact-any-day = Contact details can be updated any day.
note-dependent-through = The dependent stays covered through { $date }, the end of the month of the request.
note-coverage-ends = Coverage ends on { $date }, the last day of the month of the request.
note-end-medicare = Medicare Advantage disenrollment outside an election period is handled through Medicare; the member keeps Original Medicare.
note-end-medicaid = A voluntary withdrawal also ends a child's 12-month continuous enrollment.
note-end-group = Dependents on the plan lose coverage on the same day; a continuation (COBRA) or special enrollment offer follows.
note-end-individual = Dropping coverage voluntarily does not open a special enrollment period.
note-starts-on-event = Coverage starts on the day of { $event } ({ $date }).
note-credit-from = Premium tax credit and cost-sharing reductions start { $date }.
note-no-gap = Chosen before the old coverage ends on { $date }: no gap.
note-newborn-automatic = A newborn is covered automatically for { $days } days (through { $date }); enrolling by then continues the coverage.
note-aep-last-counts = If several choices are made, the last one made by the end of the period counts.
note-one-change = Only one change is allowed in this period.
note-once = Usable once in this period.
note-medicaid-month = Coverage starts on the 1st of the month of application.
note-medicaid-day = Coverage starts on the day of the application.

## Pharmacy: the card on file and medicines the member reports

rx-card-brand = The card must be one of: { $brands }
rx-card-last4 = Give the last four digits of the card
rx-card-expiry = Give the expiry date as MM/YYYY
rx-card-expired = This card has expired
rx-outside-name = Say which medicine
rx-outside-too-long = Keep the name under 200 characters and the dose under 500

## Records: requests the member files

rec-request-amendment-details = Say what is wrong in your record and what it should say
rec-request-copies-details = Say what you want copies of
rec-request-too-long = Keep it under 4,000 characters

## Coverage: what the member typed on a form

entry-dependent-name = Enter the new family member's first and last name
entry-gender = Gender must be female, male, other or unknown
entry-birth-future = The date of birth cannot be in the future
entry-dependent-self = A dependent cannot have the relationship "self"
entry-phone = Phone numbers are written in international form, e.g. +12065550123
entry-street-city = Enter the street address and city
entry-state = The state is two capital letters, e.g. WA
entry-zip = The ZIP code is 5 digits (or ZIP+4: 98101-1234)
