-- When the account's email address was proven (a one-time link sent to it was used): only then
-- may the account claim what was addressed to that email (caregiver invitations). Issue 12.
ALTER TABLE accounts ADD COLUMN email_verified_at BIGINT;
