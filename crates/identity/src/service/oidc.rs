//! OpenID Connect for SMART apps: an RS256-signed `id_token` when the app asked for `openid`
//! (with the `fhirUser` claim when it asked for `fhirUser`), and the JWKS that verifies it.
//! The signing key is generated on first use and kept in the database (only there).

use base64::Engine as _;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use rsa::{Generate, PrivateKey};
use serde_json::{Value, json};
use ws_store::identity::{self as db, AccountRow};

use super::{Identity, IdentityError, Result, SEC};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

impl Identity {
    /// Every signing key (kid, key), oldest first; generates the first one if there is none.
    async fn keys(&self) -> Result<Vec<(String, PrivateKey)>> {
        let mut c = self.store.reader().await?;
        let mut rows = db::signing_keys(&mut c).await?;
        drop(c);
        if rows.is_empty() {
            let key = PrivateKey::try_generate().map_err(|e| {
                IdentityError::Internal(format!("generating the signing key: {e:?}"))
            })?;
            let pem = key
                .to_pkcs8_pem(LineEnding::LF)
                .map_err(|e| IdentityError::Internal(format!("encoding the signing key: {e}")))?;
            let kid = uuid::Uuid::new_v4().simple().to_string();
            let mut tx = self.store.begin().await?;
            db::insert_signing_key(&mut tx, &kid, pem.as_str(), self.clock.now_micros()).await?;
            tx.commit().await?;
            let mut c = self.store.reader().await?;
            rows = db::signing_keys(&mut c).await?;
        }
        rows.into_iter()
            .map(|(kid, pem)| {
                PrivateKey::from_pkcs8_pem(&pem)
                    .map(|k| (kid, k))
                    .map_err(|e| IdentityError::Internal(format!("reading a signing key: {e}")))
            })
            .collect()
    }

    /// The JSON Web Key Set apps use to verify id_tokens.
    pub async fn jwks(&self) -> Result<Value> {
        let keys: Vec<Value> = self
            .keys()
            .await?
            .iter()
            .map(|(kid, k)| {
                json!({"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
                       "n": b64(&k.n_bytes()), "e": b64(&k.e_bytes())})
            })
            .collect();
        Ok(json!({ "keys": keys }))
    }

    /// An id_token for `acct`, audience `client_id`, signed with the newest key.
    pub(crate) async fn id_token(
        &self,
        acct: &AccountRow,
        client_id: &str,
        with_fhir_user: bool,
    ) -> Result<String> {
        let keys = self.keys().await?;
        let Some((kid, key)) = keys.into_iter().last() else {
            return Err(IdentityError::Internal("no signing key".into()));
        };
        let now = self.clock.now_micros() / SEC;
        let mut claims = json!({
            "iss": self.cfg.base_url.trim_end_matches('/'),
            "sub": acct.id,
            "aud": client_id,
            "iat": now,
            "exp": now + self.cfg.access_ttl_secs,
            "name": acct.display_name,
        });
        if with_fhir_user && let (Some(p), Some(o)) = (&acct.patient_id, claims.as_object_mut()) {
            o.insert(
                "fhirUser".into(),
                json!(format!(
                    "{}/Patient/{p}",
                    self.cfg.fhir_base.trim_end_matches('/')
                )),
            );
        }
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": kid});
        let signing_input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let signer = rsa::pkcs1v15::SigningKey::<rsa::sha2::Sha256>::new(key);
        let sig = signer.sign(signing_input.as_bytes()).to_bytes();
        Ok(format!("{signing_input}.{}", b64(&sig)))
    }
}
