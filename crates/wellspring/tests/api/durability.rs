//! Group commit keeps every acknowledged write (issue 17, "Done means"): the real binary on a
//! SQLite file takes concurrent `POST Patient`s from sixteen clients (so writes queue and share
//! COMMITs), is killed with SIGKILL in the middle of the load, and started again on the same
//! file: every Patient whose creation was answered 201 is there.

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn exe() -> &'static str {
    env!("CARGO_BIN_EXE_wellspring")
}

fn start(db: &str, dir: &std::path::Path) -> (Server, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("server.log"))
        .unwrap();
    let child = Command::new(exe())
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database",
            db,
        ])
        .env("WELLSPRING_OUTBOX_DIR", dir.join("outbox"))
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log))
        .spawn()
        .unwrap();
    (Server(child), format!("http://127.0.0.1:{port}"))
}

async fn wait_up(c: &reqwest::Client, base: &str) {
    for _ in 0..300 {
        if c.get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not start");
}

fn cli(args: &[&str]) -> String {
    let out = Command::new(exe()).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9() {
    let dir = std::env::temp_dir().join(format!("ws-kill9-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}/kill.db", dir.display());
    let reg = cli(&[
        "apps",
        "register",
        "--name",
        "kill9",
        "--integration",
        "--database",
        &db,
    ]);
    let client_id = reg
        .lines()
        .find_map(|l| l.strip_prefix("client_id:"))
        .expect("client_id line")
        .trim()
        .to_owned();
    let token = cli(&[
        "apps",
        "token",
        "--client-id",
        &client_id,
        "--database",
        &db,
    ])
    .trim()
    .lines()
    .last()
    .unwrap()
    .to_owned();

    let (mut server, base) = start(&db, &dir);
    let c = reqwest::Client::builder().no_proxy().build().unwrap();
    wait_up(&c, &base).await;

    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut clients = Vec::new();
    for n in 0..16 {
        let (c, base, token, acked) = (c.clone(), base.clone(), token.clone(), acked.clone());
        clients.push(tokio::spawn(async move {
            for i in 0.. {
                let body = serde_json::json!({"resourceType": "Patient",
                    "name": [{"family": format!("Kill{n}x{i}"), "given": ["Nine"]}]});
                let Ok(r) = c
                    .post(format!("{base}/fhir/Patient"))
                    .bearer_auth(&token)
                    .header("content-type", "application/fhir+json")
                    .body(body.to_string())
                    .send()
                    .await
                else {
                    break;
                };
                if r.status().as_u16() != 201 {
                    break;
                }
                let Ok(v) = r.json::<serde_json::Value>().await else {
                    break;
                };
                acked
                    .lock()
                    .unwrap()
                    .push(v["id"].as_str().unwrap().to_owned());
            }
        }));
    }
    // Let the load run, then kill the server without warning (SIGKILL).
    let t0 = std::time::Instant::now();
    while acked.lock().unwrap().len() < 300 && t0.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    for t in clients {
        t.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 300,
        "only {} writes answered before the kill",
        acked.len()
    );

    let (_server, base) = start(&db, &dir);
    wait_up(&c, &base).await;
    let mut missing = Vec::new();
    for id in &acked {
        let r = c
            .get(format!("{base}/fhir/Patient/{id}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        if r.status().as_u16() != 200 {
            missing.push((id.clone(), r.status().as_u16()));
        }
    }
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged Patients are gone after kill -9: {:?}",
        missing.len(),
        acked.len(),
        &missing[..missing.len().min(5)]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
