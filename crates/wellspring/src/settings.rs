//! Settings: safe defaults, then an optional TOML file, then `WELLSPRING_*` environment
//! variables, then command-line flags (applied by the caller).

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// `WELLSPRING_LISTEN`
    pub listen: String,
    /// `WELLSPRING_DATABASE_URL`
    pub database_url: String,
    /// `WELLSPRING_PUBLIC_URL` (optional): the URL clients use to reach the server.
    pub public_url: Option<String>,
    /// `WELLSPRING_TRUSTED_PROXIES` (optional): comma-separated addresses or CIDR blocks of the
    /// reverse proxies in front of the server, whose `X-Forwarded-For` is believed for the
    /// client's address (sign-in throttles, the audit log). Empty: the peer address is used.
    pub trusted_proxies: Option<String>,
    /// `WELLSPRING_EXPORT_DIR`: where Bulk Data export files go.
    pub export_dir: PathBuf,
    /// `WELLSPRING_OUTBOX_DIR`: where the file sink writes outgoing email and SMS.
    pub outbox_dir: PathBuf,
    /// `WELLSPRING_LOG_LEVEL` (or `RUST_LOG`)
    pub log_level: String,
    /// `WELLSPRING_LOG_FORMAT`: `text` or `json`
    pub log_format: String,
    /// `WELLSPRING_SMS_INBOUND_KEY` (optional): the shared secret the SMS gateway sends in
    /// `X-Gateway-Key` with members' replies to `POST /texts/inbound`. Unset: the webhook is
    /// off (with `--demo`, a random key is made and printed).
    #[serde(default)]
    pub sms_inbound_key: Option<String>,
}

impl Settings {
    pub fn load(file: Option<&Path>) -> anyhow::Result<Settings> {
        let mut b = config::Config::builder()
            .set_default("listen", "127.0.0.1:8080")?
            .set_default("database_url", "sqlite://data/wellspring.db")?
            .set_default("export_dir", "data/exports")?
            .set_default("outbox_dir", "data/outbox")?
            .set_default("log_level", "info")?
            .set_default("log_format", "text")?;
        match file {
            Some(f) => {
                anyhow::ensure!(f.is_file(), "configuration file {} not found", f.display());
                b = b.add_source(config::File::from(f));
            }
            None => b = b.add_source(config::File::with_name("wellspring").required(false)),
        }
        b = b.add_source(config::Environment::with_prefix("WELLSPRING").try_parsing(false));
        let s: Settings = b
            .build()
            .context("reading configuration")?
            .try_deserialize()
            .context("configuration")?;
        anyhow::ensure!(
            s.log_format == "text" || s.log_format == "json",
            "log_format must be text or json"
        );
        Ok(s)
    }
}

/// Hide a password in a database URL before printing it.
pub fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((creds, host)) = rest.split_once('@')
        && let Some((user, _)) = creds.split_once(':')
    {
        return format!("{scheme}://{user}:***@{host}");
    }
    url.to_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://data/x.db"), "sqlite://data/x.db");
    }

    #[test]
    fn defaults_are_safe() {
        let s = Settings::load(None).unwrap();
        assert!(s.listen.starts_with("127.0.0.1:"));
        assert!(s.database_url.starts_with("sqlite://"));
    }
}
