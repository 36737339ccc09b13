# E-mails and texts members receive, in English. Each e-mail is two messages,
# email-<key>-subject and email-<key>-body; a text is text-<key>. The Spanish file has the same
# messages with the same variables. Texts (SMS-01): at most 160 characters with their values,
# name us, and say STOP. No medicine, result or diagnosis is named in any message: the member
# signs in to see it.

## Sign-in and account (identity)

email-reset-subject = Reset your Wellspring password
email-reset-body =
    Hello { $name },

    Someone asked to reset the password of your Wellspring account. To choose a new password, open this link within { $minutes } minutes. It works once.

    { $link }

    Resetting your password also unlocks your account if it was locked.
    If you did not ask for this, you can ignore this message; your password has not changed.
text-reset-sent = Wellspring: a password reset link was sent to your email. Not you? Call member services. Reply STOP to opt out.

email-verify-subject = Confirm your email address for Wellspring
email-verify-body =
    Hello { $name },

    To confirm that this address is yours, open this link within 7 days. It works once.

    { $link }

    Until you do, invitations sent to this address (for example to act as someone's caregiver) wait.
    If you did not create a Wellspring account, you can ignore this message.

email-password-reset-subject = Your Wellspring password was changed
email-password-reset-body = Your password was just changed and every signed-in device was signed out. If this was not you, call member services right away.

email-password-changed-subject = Your Wellspring password was changed
email-password-changed-body = Your password was just changed and every other signed-in device was signed out. If this was not you, call member services right away.

email-invitation-subject = You have been given caregiver access in Wellspring
email-invitation-body =
    Hello { $name },

    { $inviter } has given you access to their Wellspring health record as their caregiver. Sign in (or create your own account with this email address and confirm the address from the message we send you) within 30 days to accept it. The access lasts 18 months unless they renew or revoke it.

## Text messages: the number, and STOP, START, HELP (SMS-02)

text-code = Wellspring Health code: { $code }. It proves this number for reminders; it ends in 10 minutes. Not you? Ignore it.
text-stopped = Wellspring Health: you will get no more texts. Reply START to get reminders again.
text-started = Wellspring Health: reminders are back on. Reply STOP to end, HELP for help.
text-help = Wellspring Health visit and refill reminders. Call { $phone }. Msg frequency varies, at most 3 a week. Reply STOP to end.

## Visits (scheduling)

text-visit-reminder = Wellspring Health: visit { $when } at { $place }. Reply C to confirm, X to cancel. Call { $phone }. Reply STOP to end texts.
text-visit-reminder-short = Wellspring Health: visit { $when }. Reply C to confirm, X to cancel. Call { $phone }. Reply STOP to end texts.
text-visit-reminder-shortest = Wellspring Health: visit { $when }. C confirm, X cancel. STOP to end.
text-visit-late = Wellspring Health: it is less than 2 hours before your visit, so it cannot be cancelled by text. Please call { $phone }. Reply STOP to end texts.
text-visit-cancelled = Wellspring Health: your visit is cancelled. To book again, use the app or website. Reply STOP to end texts.
text-closure = Wellspring Health: { $name } is closed on { $day } ({ $reason }). Your visit will be rescheduled; call { $phone }. STOP to end.

email-closure-subject = { $name } is closed on { $day }
email-closure-body =
    { $name } is closed on { $day } ({ $reason }).

    Your visit there on that day will be rescheduled. You can choose a new time in the portal under Appointments, or call { $phone }.

email-waitlist-offer-subject = An earlier visit time is available
email-waitlist-offer-body = An earlier time opened up: { $when } with { $doctor }. It is held for you until { $until }. Open Appointments in the portal to take it; if you do nothing, it goes to the next member waiting.

## Results and records (records)

email-result-subject = You have a new test result
email-result-body = A new lab result is ready. Sign in to Wellspring and open Test results to see it.

email-request-extended-subject = Your request about your record needs more time
email-request-extended-body = We need more time to answer your request about your record. Reason: { $reason }. We will answer by { $due }. Sign in to Wellspring and open Medical Record, Requests, to follow it.

email-request-done-subject = An answer to your request about your record
email-request-done-body = Your request about your record is done. Sign in to Wellspring and open Medical Record, Requests, to see the answer.

email-request-denied-subject = An answer to your request about your record
email-request-denied-body = Your request about your record was denied, with the reasons in writing. You may send a statement of disagreement. Sign in to Wellspring and open Medical Record, Requests, to read it.

## Pharmacy

email-renewal-answered-subject = Your prescription renewal request was answered
email-renewal-answered-body = Your care team answered a prescription renewal request. Sign in to Wellspring and open Pharmacy to see the answer.

email-order-news-subject = Your pharmacy order has news
email-order-news-body = A pharmacy order has shipped or is ready for pick-up. Sign in to Wellspring and open Pharmacy for the details.

email-transfer-answered-subject = Your prescription transfer request was answered
email-transfer-answered-body = Our pharmacy answered your request to transfer a prescription from another pharmacy. Sign in to Wellspring and open Pharmacy to see the answer.

email-refill-due-subject = A refill is due
email-refill-due-body = A refill of one of your prescriptions can be ordered now. Sign in to Wellspring and open Pharmacy to order it.

email-auto-refill-soon-subject = Your automatic refill will be ordered soon
email-auto-refill-soon-body = An automatic refill of one of your prescriptions will be ordered on { $day } and sent by mail; your cost share is charged when it ships. To skip it, sign in to Wellspring, open Pharmacy and turn off automatic refill.

email-auto-refill-ordered-subject = Your automatic refill was ordered
email-auto-refill-ordered-body = An automatic refill of one of your prescriptions was ordered for mail delivery. Sign in to Wellspring and open Pharmacy for the details.

email-auto-refill-held-subject = Your automatic refill could not be ordered
email-auto-refill-held-body = An automatic refill could not be ordered: mail order needs a card on file, even when you pay nothing. Sign in to Wellspring and open Pharmacy to add one.

text-refill-due = Wellspring Health: a prescription refill can be ordered now in the app. Help: { $phone }. Reply STOP to end.
text-auto-refill-soon = Wellspring Health: your automatic refill will be mailed soon; turn it off in the app. Help: { $phone }. Reply STOP to end.
text-auto-refill-ordered = Wellspring Health: your automatic refill was ordered for mail. Help: { $phone }. Reply STOP to end.
text-auto-refill-held = Wellspring Health: your automatic refill needs a card on file; add one in the app. Help: { $phone }. Reply STOP to end.
text-pharmacy-news = Wellspring Health: your pharmacy request has news; see the app. Help: { $phone }. Reply STOP to end.
