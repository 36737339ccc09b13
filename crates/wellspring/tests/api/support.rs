//! The in-process test server and the helpers every test module shares.
//!
//! [`TestApp::start`] opens a fresh database (a new SQLite file, or a new PostgreSQL schema),
//! runs the migrations, wires the FHIR service and the audit writer exactly as `wellspring serve`
//! does, and serves the real router on 127.0.0.1:0. [`TestApp::stop`] shuts it all down and
//! removes the database. The [`both!`] macro turns one `async fn name(app: &TestApp)` into a
//! test per back end.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use ws_audit::Auditor;
use ws_fhir_service::Fhir;
use ws_store::{AuditRecord, Store, StoreOptions};

/// Generate one `#[tokio::test]` per back end for each named `async fn name(app: &TestApp)`.
///
/// `both!(a, b)` expands to `mod a { async fn sqlite() …; async fn postgres() … }` and the same
/// for `b`; the test names read `module::a::sqlite` and `module::a::postgres`.
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    $crate::support::run($crate::support::Backend::Sqlite, |app| Box::pin(super::$name(app))).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    $crate::support::run($crate::support::Backend::Postgres, |app| Box::pin(super::$name(app))).await;
                }
            }
        )*
    };
}

/// Which database engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The PostgreSQL server the tests use (`WELLSPRING_TEST_DATABASE_URL`, or a local default).
/// The password of staff accounts made by [`TestApp::staff_account`].
pub const STAFF_PASSWORD: &str = "quiet meadow copper kettle";

pub fn pg_base_url() -> String {
    std::env::var("WELLSPRING_TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_PG_URL.to_owned())
}

/// Hide a password in a URL for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn store_options() -> StoreOptions {
    StoreOptions {
        max_connections: 6,
        acquire_timeout: Duration::from_secs(20),
    }
}

/// A PostgreSQL schema made for one test.
struct PgSchema {
    admin_url: String,
    schema: String,
}

/// Run one test body against a fresh app; always clean up, then re-raise a failure.
pub async fn run<F>(backend: Backend, body: F)
where
    F: for<'a> FnOnce(
        &'a TestApp,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>>,
{
    let app = TestApp::start(backend).await;
    let outcome = futures::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(body(&app))).await;
    app.stop().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// One running server with its own database.
pub struct TestApp {
    pub backend: Backend,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// `http://127.0.0.1:PORT/fhir`
    pub fhir_base: String,
    /// A client holding an integration (back-end) access token: unrestricted FHIR access.
    pub client: reqwest::Client,
    /// A client with no credentials at all.
    pub anon: reqwest::Client,
    /// The integration access token `client` sends.
    pub token: String,
    /// The same FHIR service the router uses (for import, audit flushing).
    pub fhir: Fhir,
    /// The identity service the router uses.
    pub identity: ws_identity::Identity,
    /// The scheduling service the router uses (slot generation, reminders on a fixed clock).
    pub scheduling: ws_scheduling::SchedulingService,
    /// Where the outbox's file sink writes (see [`TestApp::run_pending_jobs`]).
    pub outbox: ws_identity::service::FileSink,
    pub store: Store,
    /// The database URL (a second process or app server opens the same database with it).
    pub db_url: String,
    /// Temporary directory of this app (SQLite file, export files, import files).
    pub dir: PathBuf,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    audit_task: Option<tokio::task::JoinHandle<()>>,
    pg: Option<PgSchema>,
}

pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("building the HTTP client")
}

/// A client that sends `Authorization: Bearer TOKEN` on every request.
pub fn client_with_token(token: &str) -> reqwest::Client {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().expect("token header"),
    );
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .default_headers(h)
        .build()
        .expect("building the HTTP client")
}

/// Server logs for debugging a test: `WELLSPRING_TEST_LOG=debug cargo test …` (an EnvFilter).
fn init_logging() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(filter) = std::env::var("WELLSPRING_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
    });
}

impl TestApp {
    pub async fn start(backend: Backend) -> TestApp {
        init_logging();
        let dir = std::env::temp_dir().join(format!(
            "wellspring-api-test-{}",
            uuid::Uuid::new_v4().simple()
        ));
        let (store, pg, db_url) = match backend {
            Backend::Sqlite => {
                let url = format!("sqlite://{}", dir.join("wellspring.db").display());
                let store = Store::connect_with(&url, &store_options())
                    .await
                    .expect("opening the SQLite test database");
                (store, None, url)
            }
            Backend::Postgres => {
                let admin_url = pg_base_url();
                let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
                let admin = Store::connect_with(&admin_url, &StoreOptions { max_connections: 2, acquire_timeout: Duration::from_secs(10) })
                    .await
                    .unwrap_or_else(|e| {
                        panic!(
                            "PostgreSQL is not reachable at {} ({e}). These tests run on PostgreSQL too and do not skip it: \
                             start PostgreSQL or point WELLSPRING_TEST_DATABASE_URL at a database this user may create schemas in.",
                            redact(&admin_url)
                        )
                    });
                let mut tx = admin.begin().await.expect("PostgreSQL: BEGIN");
                tx.execute(&format!("CREATE SCHEMA {schema}"), &[])
                    .await
                    .unwrap_or_else(|e| {
                        panic!("PostgreSQL: cannot create the test schema {schema}: {e}")
                    });
                tx.commit().await.expect("PostgreSQL: COMMIT");
                admin.close().await;
                let sep = if admin_url.contains('?') { '&' } else { '?' };
                let url = format!("{admin_url}{sep}options=-c%20search_path%3D{schema}");
                let store = Store::connect_with(&url, &store_options())
                    .await
                    .unwrap_or_else(|e| {
                        panic!("PostgreSQL: cannot connect with search_path={schema}: {e}")
                    });
                (store, Some(PgSchema { admin_url, schema }), url)
            }
        };
        // Created only now, so a failed start leaves nothing behind (SQLite made it already).
        std::fs::create_dir_all(&dir).expect("creating the test directory");
        store.migrate().await.expect("applying migrations");

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let base = format!("http://{addr}");
        let fhir_base = format!("{base}/fhir");
        let (auditor, audit_task) = Auditor::start(store.clone());
        let fhir = ws_web::with_capability_guards(Fhir::new(
            store.clone(),
            auditor,
            fhir_base.clone(),
            dir.join("exports"),
        ));
        let identity = ws_identity::Identity::new(
            store.clone(),
            ws_identity::IdentityConfig {
                base_url: base.clone(),
                fhir_base: fhir_base.clone(),
                ..Default::default()
            },
        );
        let (client_id, _) = identity
            .register_client(
                "test integration",
                &[],
                &["system/*.*".into()],
                false,
                true,
                "test",
            )
            .await
            .expect("registering the test integration")
            .expect("test integration accepted");
        let row = identity
            .client(&client_id)
            .await
            .expect("reading the client")
            .expect("client exists");
        let token = identity
            .integration_token(&row)
            .await
            .expect("integration token")
            .access_token;
        let outbox = ws_identity::service::FileSink {
            dir: dir.join("outbox"),
        };
        let scheduling = ws_scheduling::SchedulingService::new(fhir.clone())
            .with_texts(identity.clone())
            .with_inbound_key("test-gateway-key");
        let state = ws_web::AppState::from(ws_web::Services {
            scheduling: scheduling.clone(),
            records: ws_records::RecordsService::new(fhir.clone()).with_notices(identity.clone()),
            pharmacy: ws_pharmacy::PharmacyService::new(fhir.clone())
                .with_notices(identity.clone()),
            coverage: ws_coverage::service::CoverageService::new(fhir.clone())
                .with_notices(identity.clone()),
            fhir: fhir.clone(),
            identity: identity.clone(),
            outbox: outbox.clone(),
            secure_cookies: false,
            demo: false,
            trusted_proxies: Vec::new(),
            version: "test",
        });
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(ws_web::serve(listener, state, async move {
            let _ = rx.await;
        }));
        TestApp {
            backend,
            base,
            fhir_base,
            client: client_with_token(&token),
            anon: new_client(),
            token,
            fhir,
            identity,
            scheduling,
            outbox,
            store,
            db_url,
            dir,
            shutdown: Some(tx),
            server: Some(server),
            audit_task: Some(audit_task),
            pg,
        }
    }

    /// Stop the server, close the store, drop the database.
    pub async fn stop(mut self) {
        self.fhir.audit.flush().await;
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let abort = server.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), server)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
        if let Some(t) = self.audit_task.take() {
            t.abort();
        }
        self.store.close().await;
        if let Some(pg) = self.pg.take() {
            // Best effort: a leftover schema is harmless (its name is unique).
            if let Ok(admin) = Store::connect_with(
                &pg.admin_url,
                &StoreOptions {
                    max_connections: 2,
                    acquire_timeout: Duration::from_secs(10),
                },
            )
            .await
            {
                if let Ok(mut tx) = admin.begin().await
                    && tx
                        .execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", pg.schema), &[])
                        .await
                        .is_ok()
                {
                    let _ = tx.commit().await;
                }
                admin.close().await;
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    /// A fresh client (own connection pool) with the integration token.
    pub fn new_client(&self) -> reqwest::Client {
        client_with_token(&self.token)
    }

    /// Deliver the notification outbox now (instead of waiting for a background sender);
    /// returns the messages delivered.
    pub async fn run_pending_jobs(&self) -> Vec<ws_store::identity::OutboxRow> {
        ws_identity::service::deliver_pending(&self.identity, &self.outbox)
            .await
            .expect("delivering the outbox")
    }

    /// A staff account with `role` (a clinician names their practitioner) whose password is
    /// [`STAFF_PASSWORD`]; its account id.
    pub async fn staff_account(
        &self,
        email: &str,
        name: &str,
        role: ws_identity::StaffRole,
        practitioner: Option<&str>,
    ) -> String {
        let (acct, _) = self
            .identity
            .create_staff(email, name, role, practitioner, "system:test")
            .await
            .expect("creating the staff account")
            .expect("staff account accepted");
        self.identity
            .set_password(&acct.id, STAFF_PASSWORD)
            .await
            .expect("setting the password")
            .expect("password accepted");
        acct.id
    }

    /// Follow the newest email-verification link sent to `email` (delivers the outbox first), as
    /// the owner of the address would. Panics when none was sent.
    pub async fn verify_email(&self, email: &str) {
        let sent = self.run_pending_jobs().await;
        let token = sent
            .iter()
            .rev()
            .filter(|m| m.recipient == email)
            .find_map(|m| m.body.split("verify-email?token=").nth(1))
            .and_then(|t| t.split_whitespace().next())
            .unwrap_or_else(|| panic!("no verification link was sent to {email}"))
            .to_owned();
        self.identity
            .verify_email(&token, Some("test"))
            .await
            .expect("verifying")
            .expect("the link works");
    }

    /// Register a public SMART app for `scope` and run the authorization steps for `account` as
    /// if they chose `patient` and pressed Allow (PKCE S256 with `verifier`); returns
    /// (client_id, authorization code).
    pub async fn authorize_app(
        &self,
        account: &str,
        scope: &str,
        patient: &str,
        redirect: &str,
        verifier: &str,
    ) -> (String, String) {
        authorize_app_on(
            &self.identity,
            &self.fhir_base,
            account,
            scope,
            patient,
            redirect,
            verifier,
        )
        .await
    }

    /// A URL under the FHIR base (`/Patient/1`), or an absolute URL as is.
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{path}", self.fhir_base)
        }
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Resp {
        let res = req.send().await.expect("sending the request");
        Resp::read(res).await
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(self.client.get(self.url(path))).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut req = self.client.get(self.url(path));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Resp {
        self.post_with(path, body, &[]).await
    }

    pub async fn post_with(&self, path: &str, body: &Value, headers: &[(&str, &str)]) -> Resp {
        let mut req = self
            .client
            .post(self.url(path))
            .header("content-type", "application/fhir+json")
            .body(body.to_string());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req).await
    }

    /// POST raw bytes with a given Content-Type.
    pub async fn post_raw(
        &self,
        path: &str,
        body: impl Into<reqwest::Body>,
        content_type: &str,
    ) -> Resp {
        self.send(
            self.client
                .post(self.url(path))
                .header("content-type", content_type)
                .body(body),
        )
        .await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Resp {
        self.put_with(path, body, &[]).await
    }

    pub async fn put_with(&self, path: &str, body: &Value, headers: &[(&str, &str)]) -> Resp {
        let mut req = self
            .client
            .put(self.url(path))
            .header("content-type", "application/fhir+json")
            .body(body.to_string());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req).await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        self.send(self.client.delete(self.url(path))).await
    }

    /// Create a resource (POST /Type), asserting 201; returns the stored resource.
    pub async fn create(&self, resource: Value) -> Value {
        let t = resource["resourceType"]
            .as_str()
            .expect("resourceType")
            .to_owned();
        let r = self.post(&format!("/{t}"), &resource).await;
        r.assert_status(201);
        r.json()
    }

    /// Create and return just the new id.
    pub async fn create_id(&self, resource: Value) -> String {
        id_of(&self.create(resource).await)
    }

    /// A search (GET /Type?query), asserting 200 and a searchset Bundle.
    pub async fn search(&self, res_type: &str, query: &str) -> Value {
        let r = self.get(&format!("/{res_type}?{query}")).await;
        assert_eq!(r.status, 200, "GET {res_type}?{query}: {}", r.describe());
        let b = r.json();
        assert_eq!(b["resourceType"], "Bundle", "GET {res_type}?{query}");
        assert_eq!(b["type"], "searchset", "GET {res_type}?{query}");
        b
    }

    /// The ids of the matches of a search, sorted.
    pub async fn search_ids(&self, res_type: &str, query: &str) -> Vec<String> {
        let mut ids = match_ids(&self.search(res_type, query).await);
        ids.sort();
        ids
    }

    /// How many current resources of a type exist (`_summary=count`).
    pub async fn count(&self, res_type: &str) -> i64 {
        let b = self.search(res_type, "_summary=count").await;
        b["total"]
            .as_i64()
            .unwrap_or_else(|| panic!("_summary=count on {res_type} has no total: {b}"))
    }

    /// Wait until every audit record queued so far is stored.
    pub async fn flush_audit(&self) {
        self.fhir.audit.flush().await;
    }

    /// Every audit row, oldest first (flushes first).
    /// Audit records of FHIR interactions (identity events — app registration, tokens,
    /// sign-ins — are left out; see [`TestApp::all_audit_rows`]).
    pub async fn audit_rows(&self) -> Vec<AuditRecord> {
        self.all_audit_rows()
            .await
            .into_iter()
            .filter(|r| r.purpose.as_deref() != Some("identity"))
            .collect()
    }

    pub async fn all_audit_rows(&self) -> Vec<AuditRecord> {
        self.flush_audit().await;
        let mut c = self.store.reader().await.expect("reader");
        c.list_audit(None, 0, 100_000)
            .await
            .expect("list_audit")
            .into_iter()
            .map(|(_, r)| r)
            .collect()
    }

    /// Poll an export status URL until it completes (at most 30 s); returns the manifest.
    pub async fn wait_export(&self, status_url: &str) -> Value {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let r = self.get(status_url).await;
            match r.status {
                200 => return r.json(),
                202 => {}
                _ => panic!("export status {status_url}: {}", r.describe()),
            }
            assert!(
                std::time::Instant::now() < deadline,
                "export {status_url} did not finish within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A response, read whole.
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Resp {
    pub async fn read(res: reqwest::Response) -> Resp {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.expect("reading the response body");
        Resp {
            status,
            headers,
            text,
        }
    }

    pub fn describe(&self) -> String {
        let mut t = self.text.clone();
        if t.len() > 2000 {
            t.truncate(2000);
            t.push('…');
        }
        format!("status {}, body {t}", self.status)
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("response is not JSON ({e}): {}", self.describe()))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    #[track_caller]
    pub fn assert_status(&self, status: u16) {
        assert_eq!(
            self.status,
            status,
            "unexpected status: {}",
            self.describe()
        );
    }

    /// Assert an OperationOutcome error with `status` whose diagnostics or expression mention
    /// `needle`; returns the outcome.
    #[track_caller]
    pub fn assert_outcome(&self, status: u16, needle: &str) -> Value {
        self.assert_status(status);
        let v = self.json();
        assert_eq!(v["resourceType"], "OperationOutcome", "{}", self.describe());
        let issues = v["issue"].as_array().cloned().unwrap_or_default();
        assert!(
            !issues.is_empty(),
            "OperationOutcome without issues: {}",
            self.describe()
        );
        assert!(
            issues
                .iter()
                .any(|i| i["severity"] == "error" || i["severity"] == "fatal"),
            "no error issue: {}",
            self.describe()
        );
        assert!(
            outcome_text(&v).contains(needle),
            "the OperationOutcome does not mention {needle:?}: {}",
            self.describe()
        );
        v
    }
}

/// All diagnostics and expressions of an OperationOutcome, as one string.
pub fn outcome_text(oo: &Value) -> String {
    let mut s = String::new();
    for i in oo["issue"].as_array().into_iter().flatten() {
        if let Some(d) = i["diagnostics"].as_str() {
            s.push_str(d);
            s.push('\n');
        }
        for e in i["expression"].as_array().into_iter().flatten() {
            if let Some(e) = e.as_str() {
                s.push_str(e);
                s.push('\n');
            }
        }
    }
    s
}

/// The expressions of an OperationOutcome's issues.
pub fn outcome_expressions(oo: &Value) -> Vec<String> {
    oo["issue"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|i| i["expression"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| e.as_str().map(str::to_owned))
        .collect()
}

pub fn id_of(resource: &Value) -> String {
    resource["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {resource}"))
        .to_owned()
}

pub fn version_of(resource: &Value) -> String {
    resource["meta"]["versionId"]
        .as_str()
        .unwrap_or_else(|| panic!("no meta.versionId in {resource}"))
        .to_owned()
}

/// Entries of a Bundle with the given `search.mode`.
pub fn entries_with_mode<'a>(bundle: &'a Value, mode: &str) -> Vec<&'a Value> {
    bundle["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["search"]["mode"] == mode)
        .collect()
}

/// The ids of the `match` entries of a searchset, in order.
pub fn match_ids(bundle: &Value) -> Vec<String> {
    entries_with_mode(bundle, "match")
        .iter()
        .map(|e| id_of(&e["resource"]))
        .collect()
}

/// `Type/id` of every `include` entry, sorted.
pub fn include_refs(bundle: &Value) -> Vec<String> {
    let mut v: Vec<String> = entries_with_mode(bundle, "include")
        .iter()
        .map(|e| {
            format!(
                "{}/{}",
                e["resource"]["resourceType"].as_str().unwrap_or_default(),
                id_of(&e["resource"])
            )
        })
        .collect();
    v.sort();
    v
}

/// The `next` link of a Bundle.
pub fn next_link(bundle: &Value) -> Option<String> {
    bundle["link"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["relation"] == "next")
        .and_then(|l| l["url"].as_str())
        .map(str::to_owned)
}

/// Percent-encode a query component.
pub fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Sorted owned strings, for comparing id sets.
pub fn sorted<S: AsRef<str>>(v: &[S]) -> Vec<String> {
    let mut out: Vec<String> = v.iter().map(|s| s.as_ref().to_owned()).collect();
    out.sort();
    out
}

/// A minimal Patient.
pub fn patient(family: &str) -> Value {
    json!({"resourceType": "Patient", "name": [{"family": family}]})
}

/// Status and body of a response, with every occurrence of `ids` replaced by a placeholder and
/// per-response values (Bundle ids, times, links) scrubbed, so the answer about a hidden
/// resource and the answer about a missing one can be compared byte for byte.
pub async fn answer(r: reqwest::RequestBuilder, ids: &[&str]) -> (u16, String) {
    let resp = r.send().await.unwrap();
    let st = resp.status().as_u16();
    let mut body = resp.text().await.unwrap();
    for id in ids {
        body = body.replace(id, "<ID>");
    }
    let mut v: Value = serde_json::from_str(&body).unwrap_or(Value::String(body.clone()));
    scrub(&mut v);
    (st, v.to_string())
}

fn scrub(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for k in ["id", "lastUpdated", "timestamp", "lastModified"] {
                if m.get(k).is_some_and(Value::is_string) {
                    m.insert(k.into(), Value::String("<X>".into()));
                }
            }
            for (k, x) in m.iter_mut() {
                if k == "url" {
                    *x = Value::String("<URL>".into());
                } else {
                    scrub(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(scrub),
        _ => {}
    }
}

/// A batch or transaction Bundle of one request entry.
pub fn bundle(kind: &str, method: &str, url: &str) -> Value {
    json!({"resourceType": "Bundle", "type": kind,
        "entry": [{"request": {"method": method, "url": url}}]})
}

/// [`TestApp::authorize_app`] on any identity service (one on a fixed clock, say).
pub async fn authorize_app_on(
    identity: &ws_identity::Identity,
    fhir_base: &str,
    account: &str,
    scope: &str,
    patient: &str,
    redirect: &str,
    verifier: &str,
) -> (String, String) {
    let scopes: Vec<String> = scope.split(' ').map(str::to_owned).collect();
    let (cid, _) = identity
        .register_client(
            "Test app",
            &[redirect.to_owned()],
            &scopes,
            false,
            false,
            "staff:admin",
        )
        .await
        .expect("registering the app")
        .expect("app accepted");
    let req = identity
        .check_authorize(
            "code",
            &cid,
            redirect,
            scope,
            "xyz",
            &ws_identity::secrets::s256(verifier),
            "S256",
            fhir_base,
        )
        .await
        .expect("checking the request")
        .expect("a valid request");
    let url = identity
        .approve(account, &req, Some(patient))
        .await
        .expect("approving")
        .expect("approved");
    let code = url
        .split("code=")
        .nth(1)
        .and_then(|c| c.split('&').next())
        .expect("a code in the redirect")
        .to_owned();
    (cid, code)
}
