//! PHI and secrets never reach the logs, at any level (issue 12, finding 11 and "What to build"
//! 7): the real binary runs with `RUST_LOG=debug` (every crate, sqlx and the HTTP layer
//! included) through a whole member flow — import, registration, sign-in, searches by name,
//! birth date and MRN, a password reset and an email verification — and its logs are searched
//! for the fixture's name, birth date, MRN, email address and every token it handled.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

const GIVEN: &str = "Quintessa";
const FAMILY: &str = "Marlowe-Vance";
const BIRTH: &str = "1961-07-23";
const MRN: &str = "MRN-PHI-778899";
const EMAIL: &str = "quintessa.mv@example.org";
const PASSWORD: &str = "lantern orchard copper meadow";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Every `token=` value in the outbox files written so far.
fn outbox_tokens(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for ch in ["email", "sms"] {
        let Ok(rd) = std::fs::read_dir(dir.join(ch)) else {
            continue;
        };
        for e in rd {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap_or_default();
            for part in text.split("token=").skip(1) {
                out.push(part.split_whitespace().next().unwrap_or("").to_owned());
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_phi_or_secret_in_debug_logs() {
    let dir = std::env::temp_dir().join(format!("ws-logs-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}/logs.db", dir.display());
    let exe = env!("CARGO_BIN_EXE_wellspring");
    let log_path = dir.join("server.log");

    // The member's record arrives as a file, as from an enrollment feed.
    let patient = json!({"resourceType": "Patient", "id": "phi-fixture",
        "identifier": [{"system": "http://wellspring.example/fhir/sid/mrn", "value": MRN}],
        "name": [{"use": "official", "family": FAMILY, "given": [GIVEN]}],
        "birthDate": BIRTH, "address": [{"state": "WA"}]});
    let ndjson = dir.join("members.ndjson");
    std::fs::write(&ndjson, format!("{patient}\n")).unwrap();
    let import_log = std::fs::File::create(dir.join("import.log")).unwrap();
    let st = Command::new(exe)
        .args(["import", "--database", &db])
        .arg(&ndjson)
        .env("RUST_LOG", "debug")
        .stdout(Stdio::from(import_log.try_clone().unwrap()))
        .stderr(Stdio::from(import_log))
        .status()
        .unwrap();
    assert!(st.success(), "import failed");

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = std::fs::File::create(&log_path).unwrap();
    let server = Server(
        Command::new(exe)
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--database",
                &db,
            ])
            .env("RUST_LOG", "debug")
            .env("WELLSPRING_OUTBOX_DIR", dir.join("outbox"))
            .env("WELLSPRING_EXPORT_DIR", dir.join("exports"))
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{port}");
    let c = reqwest::Client::builder()
        .no_proxy()
        .cookie_store(true)
        .build()
        .unwrap();
    let mut up = false;
    for _ in 0..300 {
        if c.get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "the server did not start");

    // Register with what is on the member's card, then sign in (one wrong password first).
    let html = c
        .get(format!("{base}/register"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = c
        .post(format!("{base}/register"))
        .form(&[
            ("csrf", crate::identity::csrf_of(&html).as_str()),
            ("mrn", MRN),
            ("birth_date", BIRTH),
            ("given", GIVEN),
            ("family", FAMILY),
            ("email", EMAIL),
            ("mobile", "(206) 555-0147"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success() || r.status().is_redirection(),
        "registration: {}",
        r.status()
    );
    for pw in ["not the password at all", PASSWORD] {
        let html = c
            .get(format!("{base}/sign-in"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        c.post(format!("{base}/sign-in"))
            .form(&[
                ("csrf", crate::identity::csrf_of(&html).as_str()),
                ("email", EMAIL),
                ("password", pw),
            ])
            .send()
            .await
            .unwrap();
    }
    // Searches that carry PHI in the query string.
    for q in [
        format!("Patient?family={FAMILY}&birthdate={BIRTH}"),
        format!("Patient?identifier={MRN}"),
        format!("Patient?name={GIVEN}"),
    ] {
        let r = c.get(format!("{base}/fhir/{q}")).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{q}");
        assert!(
            r.text().await.unwrap().contains(MRN),
            "the signed-in member finds her record: {q}"
        );
    }
    // A password reset and the email verification, with their one-time links.
    let html = c
        .get(format!("{base}/password/forgot"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    c.post(format!("{base}/password/forgot"))
        .form(&[
            ("csrf", crate::identity::csrf_of(&html).as_str()),
            ("email", EMAIL),
        ])
        .send()
        .await
        .unwrap();
    let mut tokens = Vec::new();
    for _ in 0..50 {
        tokens = outbox_tokens(&dir.join("outbox"));
        if tokens.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        tokens.len() >= 2,
        "the verification and reset links reach the outbox: {tokens:?}"
    );
    for t in &tokens {
        c.get(format!("{base}/password/reset?token={t}"))
            .send()
            .await
            .unwrap();
        c.get(format!("{base}/verify-email?token={t}"))
            .send()
            .await
            .unwrap();
    }
    drop(server);

    let logs = std::fs::read_to_string(&log_path).unwrap()
        + &std::fs::read_to_string(dir.join("import.log")).unwrap();
    assert!(
        logs.contains("DEBUG"),
        "the server did not log at debug level"
    );
    // Each request's span names its route template (never the path: ids stay out), a request
    // id and the actor once known (issue 13).
    assert!(
        logs.contains("route=/fhir/{rtype}") && logs.contains("request_id="),
        "request spans carry the route and a request id (so the requests were seen): {}",
        logs.lines()
            .filter(|l| l.contains("request"))
            .take(3)
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(logs.contains(" actor="), "request spans name the actor");
    let mut secrets: Vec<String> = vec![
        GIVEN.into(),
        FAMILY.into(),
        BIRTH.into(),
        MRN.into(),
        EMAIL.into(),
        PASSWORD.into(),
    ];
    secrets.extend(tokens.iter().filter(|t| t.len() >= 16).cloned());
    let found: Vec<&String> = secrets
        .iter()
        .filter(|s| logs.contains(s.as_str()))
        .collect();
    assert!(found.is_empty(), "the logs carry PHI or secrets: {found:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
