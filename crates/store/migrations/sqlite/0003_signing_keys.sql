-- Keys that sign OpenID Connect id_tokens (RS256). The newest is used; older ones stay
-- published in the JWKS so tokens they signed can still be verified.
CREATE TABLE signing_keys (
    kid         TEXT   NOT NULL PRIMARY KEY,
    private_pem TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);
