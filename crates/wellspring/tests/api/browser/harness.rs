//! A real headless Chromium driven over WebDriver: `chromedriver` runs as a child process on a
//! free loopback port (killed on drop), the browser gets a fresh profile directory, and
//! [`run`] saves a screenshot and the page source of any failing test to
//! `target/browser-failures/<test>.png` / `.html`.
//!
//! The browser tests never skip: without Chromium and chromedriver they fail and say how to
//! install them (Debian: `apt-get install -y --no-install-recommends chromium chromium-driver`).

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::support::{Backend, TestApp};

/// How long one flow may take before it counts as hung (then it fails with a screenshot).
const FLOW_TIMEOUT: Duration = Duration::from_secs(300);
/// How long a page may take to settle after a click.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(30);

const INSTALL_HINT: &str = "the browser tests drive a real headless Chromium: install it with \
     `apt-get install -y --no-install-recommends chromium chromium-driver` (as root; .ci/run does this)";

fn chromium_binary() -> PathBuf {
    std::env::var_os("WELLSPRING_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

fn chromedriver_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("WELLSPRING_CHROMEDRIVER") {
        return Some(PathBuf::from(p));
    }
    let default = PathBuf::from("/usr/bin/chromedriver");
    if default.is_file() {
        return Some(default);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("chromedriver"))
            .find(|p| p.is_file())
    })
}

/// Both binaries, or a failure that says what to install.
fn require_browser() -> (PathBuf, PathBuf) {
    let chromium = chromium_binary();
    assert!(
        chromium.is_file(),
        "Chromium not found at {}: {INSTALL_HINT}",
        chromium.display()
    );
    let driver = chromedriver_binary().unwrap_or_else(|| {
        panic!("chromedriver not found (looked in /usr/bin and PATH): {INSTALL_HINT}")
    });
    (chromium, driver)
}

/// `target/` of this build (the test binary lives in `target/<profile>/deps/`).
fn target_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(d);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("finding a free loopback port")
        .port()
}

/// A `chromedriver` child process; killed (and its scratch directory removed) on drop.
struct Driver {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Driver {
    async fn start(binary: &Path) -> Driver {
        let dir = std::env::temp_dir().join(format!(
            "wellspring-browser-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).expect("creating the browser scratch directory");
        let port = free_port();
        let log =
            std::fs::File::create(dir.join("chromedriver.log")).expect("chromedriver log file");
        let log2 = log.try_clone().expect("chromedriver log file");
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}. {INSTALL_HINT}", binary.display()));
        let mut driver = Driver { child, port, dir };
        driver.wait_ready().await;
        driver
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("chromedriver.log")).unwrap_or_default();
        let start = log.len().saturating_sub(2000);
        log.get(start..).unwrap_or(&log).to_owned()
    }

    async fn wait_ready(&mut self) {
        let http = crate::support::new_client();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "chromedriver exited at start ({status}):\n{}",
                    self.log_tail()
                );
            }
            if let Ok(r) = http.get(format!("{}/status", self.url())).send().await
                && let Ok(v) = r.json::<Value>().await
                && v["value"]["ready"] == true
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver on port {} not ready within 30 s:\n{}",
                self.port,
                self.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One browser session against one running app.
pub struct Browser {
    client: Client,
    base: String,
    /// The last field filled in: [`Browser::click_submit`] submits its form.
    last_field: std::sync::Mutex<Option<String>>,
    // Dropped last: the session is closed first (see `run`).
    driver: Driver,
}

impl Browser {
    async fn start(chromium: &Path, driver_bin: &Path, base: &str) -> Browser {
        let driver = Driver::start(driver_bin).await;
        let profile = driver.dir.join("profile");
        let caps = json!({
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "goog:chromeOptions": {
                "binary": chromium.display().to_string(),
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    // Wide enough for the full navigation (the narrow layout folds it into a menu),
                    // and English pages whatever the machine's locale.
                    "--window-size=1280,1000",
                    "--lang=en-US",
                    format!("--user-data-dir={}", profile.display()),
                ],
                "prefs": {"intl.accept_languages": "en-US,en"},
            },
        });
        let Value::Object(caps) = caps else {
            unreachable!("capabilities are an object")
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&driver.url())
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "opening a Chromium session through chromedriver failed: {e}\n{INSTALL_HINT}\nchromedriver log:\n{}",
                    driver.log_tail()
                )
            });
        Browser {
            client,
            base: base.to_owned(),
            last_field: std::sync::Mutex::new(None),
            driver,
        }
    }

    /// The WebDriver client, for anything the helpers don't cover.
    #[allow(dead_code)]
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Open a path of the app (`/register`), or an absolute URL as is.
    pub async fn goto(&self, path: &str) {
        let url = if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        };
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("opening {url}: {e}"));
    }

    /// The element with this id (fails the test if the page has none).
    pub async fn by_id(&self, id: &str) -> fantoccini::elements::Element {
        match self.client.find(Locator::Id(id)).await {
            Ok(e) => e,
            Err(e) => panic!(
                "no element with id {id:?} on {} ({e}); the page says:\n{}",
                self.url().await,
                self.text().await
            ),
        }
    }

    /// Type `text` into the field with this id, as a person would (a date field gets its
    /// ISO value set directly: what Chromium expects typed into it depends on the locale).
    pub async fn fill(&self, id: &str, text: &str) {
        let el = self.by_id(id).await;
        let kind = el.attr("type").await.ok().flatten().unwrap_or_default();
        if kind == "date" {
            self.client
                .execute(
                    "arguments[0].value = arguments[1];\
                     arguments[0].dispatchEvent(new Event('input', {bubbles: true}));\
                     arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
                    vec![
                        serde_json::to_value(&el).expect("element as JSON"),
                        json!(text),
                    ],
                )
                .await
                .unwrap_or_else(|e| panic!("setting the date field {id:?}: {e}"));
        } else {
            el.clear()
                .await
                .unwrap_or_else(|e| panic!("clearing {id:?}: {e}"));
            el.send_keys(text)
                .await
                .unwrap_or_else(|e| panic!("typing into {id:?}: {e}"));
        }
        *self.last_field.lock().expect("last field") = Some(id.to_owned());
    }

    /// The current value of a field.
    pub async fn value(&self, id: &str) -> String {
        self.by_id(id)
            .await
            .prop("value")
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    /// Press the submit button of the form holding the field filled last (or, with none, of
    /// the first form in the main content) and wait for the next page.
    pub async fn click_submit(&self) {
        let last = self.last_field.lock().expect("last field").take();
        let css = match &last {
            Some(id) => format!("form:has(#{id}) button[type=submit]"),
            None => "main form button[type=submit]".to_owned(),
        };
        self.click(&css).await;
    }

    /// Click the first VISIBLE element matching a CSS selector and wait for the page to
    /// settle (the same markup may appear twice, e.g. the wide and the folded navigation).
    pub async fn click(&self, css: &str) {
        let found = self
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("looking for {css:?}: {e}"));
        let mut target = None;
        for el in found {
            if el.is_displayed().await.unwrap_or(false) {
                target = Some(el);
                break;
            }
        }
        let Some(el) = target else {
            panic!(
                "nothing visible matches {css:?} on {}; the page says:\n{}",
                self.url().await,
                self.text().await
            );
        };
        // A mark on the old page: the next page won't have it.
        let _ = self
            .client
            .execute("window.__wsOldPage = true;", vec![])
            .await;
        *self.last_field.lock().expect("last field") = None;
        el.click()
            .await
            .unwrap_or_else(|e| panic!("clicking {css:?}: {e}"));
        self.settle().await;
    }

    /// Wait until a new document has loaded (after a click that navigates).
    async fn settle(&self) {
        let deadline = Instant::now() + SETTLE_TIMEOUT;
        loop {
            let done = self
                .client
                .execute(
                    "return document.readyState === 'complete' && !window.__wsOldPage;",
                    vec![],
                )
                .await;
            if matches!(done, Ok(Value::Bool(true))) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the page did not change within {SETTLE_TIMEOUT:?} after a click (at {})",
                self.url().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Choose an option of a `<select>` by its value.
    pub async fn select(&self, id: &str, value: &str) {
        let el = self.by_id(id).await;
        fantoccini::elements::Element::select_by_value(&el, value)
            .await
            .unwrap_or_else(|e| panic!("choosing {value:?} in {id:?}: {e}"));
    }

    /// The text a person sees on the page (`innerText` of the body).
    pub async fn text(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// The visible text of every element matching a CSS selector.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut out = Vec::new();
        for el in self
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default()
        {
            out.push(el.text().await.unwrap_or_default());
        }
        out
    }

    /// How many elements match a CSS selector.
    pub async fn count(&self, css: &str) -> usize {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map(|v| v.len())
            .unwrap_or(0)
    }

    /// The address the browser is at (for a failed load: the address it tried).
    pub async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_else(|e| format!("<unknown: {e}>"))
    }

    /// The path and query of the current address (`/sign-in?next=%2F`).
    pub async fn path(&self) -> String {
        match self.client.current_url().await {
            Ok(u) => match u.query() {
                Some(q) => format!("{}?{q}", u.path()),
                None => u.path().to_owned(),
            },
            Err(e) => format!("<unknown: {e}>"),
        }
    }

    /// Make the window `width` CSS pixels wide (390: a phone).
    pub async fn set_width(&self, width: u32) {
        self.client
            .set_window_size(width, 900)
            .await
            .expect("resizing the window");
    }

    /// The widest element's overflow past the viewport, in CSS pixels (0: nothing scrolls
    /// sideways).
    pub async fn horizontal_overflow(&self) -> i64 {
        let v = self
            .client
            .execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                vec![],
            )
            .await
            .expect("measuring the page");
        v.as_i64().unwrap_or(0)
    }

    /// The `id` (or, without one, the class) of the element that has the keyboard focus.
    pub async fn focused(&self) -> String {
        let v = self
            .client
            .execute(
                "const e = document.activeElement; return e ? (e.id || e.className || e.tagName) : '';",
                vec![],
            )
            .await
            .expect("reading the focus");
        v.as_str().unwrap_or("").to_owned()
    }

    /// Assert the page shows `needle` (compared as the user reads it).
    #[track_caller]
    pub fn assert_shows<'a>(&'a self, needle: &'a str) -> impl Future<Output = ()> + 'a {
        let caller = std::panic::Location::caller();
        async move {
            let text = self.text().await;
            assert!(
                text.contains(needle),
                "[{caller}] the page at {} does not show {needle:?}; it says:\n{text}",
                self.url().await
            );
        }
    }

    /// Assert the page does NOT show `needle`.
    #[track_caller]
    pub fn assert_hides<'a>(&'a self, needle: &'a str) -> impl Future<Output = ()> + 'a {
        let caller = std::panic::Location::caller();
        async move {
            let text = self.text().await;
            assert!(
                !text.contains(needle),
                "[{caller}] the page at {} shows {needle:?} but should not; it says:\n{text}",
                self.url().await
            );
        }
    }

    /// Screenshot and source of the page, for a failed test; returns where they went.
    async fn save_failure(&self, test: &str) -> Option<PathBuf> {
        let dir = target_dir().join("browser-failures");
        std::fs::create_dir_all(&dir).ok()?;
        let png = dir.join(format!("{test}.png"));
        let html = dir.join(format!("{test}.html"));
        let shot = tokio::time::timeout(Duration::from_secs(20), self.client.screenshot()).await;
        if let Ok(Ok(bytes)) = shot {
            let _ = std::fs::write(&png, bytes);
        }
        let source = tokio::time::timeout(Duration::from_secs(20), self.client.source()).await;
        if let Ok(Ok(src)) = source {
            let url = self.url().await;
            let _ = std::fs::write(&html, format!("<!-- {url} -->\n{src}"));
        }
        Some(png)
    }

    async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(20), self.client.clone().close()).await;
        drop(self.driver);
    }
}

/// Run one flow on a fresh SQLite app with its own browser (one back end is enough here: the
/// API tests cover both). On failure the screenshot and page source are saved and their paths
/// printed, then the failure is re-raised.
pub async fn run<F>(test: &str, flow: F)
where
    F: for<'a> FnOnce(&'a TestApp, &'a Browser) -> Pin<Box<dyn Future<Output = ()> + 'a>>,
{
    let (chromium, driver) = require_browser();
    let app = TestApp::start(Backend::Sqlite).await;
    let browser = Browser::start(&chromium, &driver, &app.base).await;
    let outcome = futures::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(async {
        match tokio::time::timeout(FLOW_TIMEOUT, flow(&app, &browser)).await {
            Ok(()) => {}
            Err(_) => panic!(
                "the browser flow {test} did not finish within {FLOW_TIMEOUT:?} (at {})",
                browser.url().await
            ),
        }
    }))
    .await;
    if outcome.is_err()
        && let Some(png) = browser.save_failure(test).await
    {
        eprintln!(
            "browser test {test} failed: screenshot {} and page source {}",
            png.display(),
            png.with_extension("html").display()
        );
    }
    browser.close().await;
    app.stop().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
