//! Secrets: random tokens, their stored hashes, Argon2id password hashes, TOTP codes.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine as _;
use sha2::Digest as _;

/// A secret that never prints itself (Debug is redacted).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    // The OS random source failing is not recoverable; fall back to a UUID v4 mix so the call
    // never returns predictable bytes silently.
    if getrandom::fill(&mut b).is_err() {
        for chunk in b.chunks_mut(16) {
            let u = uuid::Uuid::new_v4();
            let bytes = u.as_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
    b
}

/// 256 random bits, URL-safe.
pub fn random_token() -> Secret {
    Secret(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>()))
}

/// A six-digit code to prove a phone number (sent by text).
pub fn six_digits() -> Secret {
    let b = random_bytes::<8>();
    Secret(format!("{:06}", u64::from_le_bytes(b) % 1_000_000))
}

/// SHA-256 in hex: how tokens, codes and session ids are stored.
pub fn token_hash(token: &str) -> String {
    hex(&sha2::Sha256::digest(token.as_bytes()))
}

/// Base64url SHA-256 (PKCE S256 challenge).
pub fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()))
}

pub fn hex(bytes: &[u8]) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(H[usize::from(b >> 4)]));
        s.push(char::from(H[usize::from(b & 15)]));
    }
    s
}

/// Constant-time comparison of two strings.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes, 1 lane: OWASP's minimum).
pub fn hash_password(pw: &str) -> Result<String, String> {
    argon2::Argon2::default()
        .hash_password(pw.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// The stored hash of an account that has no password yet (accounts made in bulk by
/// `wellspring seed`): no password verifies against it; the member sets one with a reset link.
pub const NO_PASSWORD: &str = "!no-password-set";

/// Whether `pw` matches the Argon2id `hash`. A hash that does not parse (such as
/// [`NO_PASSWORD`]) matches nothing, after the same work as a real check, so the time taken does
/// not tell an account without a password from one with a wrong password.
pub fn verify_password(hash: &str, pw: &str) -> bool {
    let check = |parsed: &argon2::password_hash::phc::PasswordHash| {
        argon2::Argon2::default()
            .verify_password(pw.as_bytes(), parsed)
            .is_ok()
    };
    match argon2::password_hash::phc::PasswordHash::new(hash) {
        Ok(parsed) => check(&parsed),
        Err(_) => {
            if let Ok(dummy) = argon2::password_hash::phc::PasswordHash::new(dummy_hash()) {
                let _ = check(&dummy);
            }
            false
        }
    }
}

/// A hash to verify against when the account does not exist, so a wrong email costs the same
/// time as a wrong password.
pub fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("not a real password, only for timing").unwrap_or_default())
}

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A new TOTP secret: 160 random bits in base32 (RFC 4648, no padding).
pub fn new_totp_secret() -> Secret {
    let bytes = random_bytes::<20>();
    let mut out = String::new();
    let mut buf: u32 = 0;
    let mut bits = 0;
    for b in bytes {
        buf = (buf << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(B32[((buf >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(B32[((buf << (5 - bits)) & 31) as usize]));
    }
    Secret(out)
}

fn totp(secret_b32: &str) -> Option<totp_rs::Totp> {
    let secret = totp_rs::Secret::try_from_base32(secret_b32).ok()?;
    totp_rs::Builder::new()
        .with_algorithm(totp_rs::Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .build()
        .ok()
}

/// The TOTP code for a time (seconds since the epoch); tests and the demo use it.
pub fn totp_code(secret_b32: &str, unix_secs: u64) -> Option<String> {
    Some(totp(secret_b32)?.generate(unix_secs).to_string())
}

/// Is `code` valid now (one 30-second step of clock skew either way)?
pub fn totp_ok(secret_b32: &str, code: &str, unix_secs: u64) -> bool {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    totp(secret_b32).is_some_and(|t| t.check(&code, unix_secs).is_some())
}

/// The `otpauth://` URI authenticator apps read.
pub fn otpauth_uri(secret_b32: &str, account: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    format!(
        "otpauth://totp/Wellspring:{}?secret={secret_b32}&issuer=Wellspring&algorithm=SHA1&digits=6&period=30",
        enc(account)
    )
}

/// Ten recovery codes like `k7qm-x2vd-9tfa`.
pub fn recovery_codes() -> Vec<Secret> {
    const A: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..10)
        .map(|_| {
            let b = random_bytes::<12>();
            let s: String = b
                .iter()
                .enumerate()
                .flat_map(|(i, x)| {
                    let c = char::from(A[usize::from(*x) % A.len()]);
                    if i > 0 && i % 4 == 0 {
                        vec!['-', c]
                    } else {
                        vec![c]
                    }
                })
                .collect();
            Secret(s)
        })
        .collect()
}

/// Normalise a typed recovery code before hashing (case, spaces, dashes).
pub fn normalize_recovery(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip_and_rejects_wrong() {
        let h = hash_password("correct horse battery staple").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "correct horse battery staple"));
        assert!(!verify_password(&h, "correct horse battery stapl"));
        assert!(!verify_password("garbage", "x"));
    }

    #[test]
    fn totp_rfc6238_sha1_vector() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", T = 59 → 94287082 (8
        // digits); the 6-digit code is the last six digits.
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert_eq!(totp_code(secret, 59).unwrap(), "287082");
        assert!(totp_ok(secret, "287082", 59));
        assert!(
            totp_ok(secret, "287 082", 59 + 30),
            "one step of skew is accepted"
        );
        assert!(!totp_ok(secret, "287082", 59 + 90));
    }

    #[test]
    fn secrets_are_random_and_redacted() {
        let a = random_token();
        let b = random_token();
        assert_ne!(a, b);
        assert_eq!(a.0.len(), 43);
        assert_eq!(format!("{a:?}"), "Secret(***)");
        assert_eq!(new_totp_secret().0.len(), 32);
        let codes = recovery_codes();
        assert_eq!(codes.len(), 10);
        assert_eq!(normalize_recovery(&codes[0].0.to_uppercase()).len(), 12);
    }

    #[test]
    fn pkce_s256_rfc7636_vector() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
