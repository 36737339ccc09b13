//! The MLLP listener (HL7 v2 over TCP): each message framed `0x0B … 0x1C 0x0D`, answered with
//! one ACK in the same framing, in order, on the connection it came on.
//!
//! A frame that never ends (the peer stops sending for [`IDLE`], closes mid-frame, or starts a
//! new frame first) is not a message: nothing is stored. A frame interrupted by a new start
//! byte is answered with an AR naming the truncation; one longer than the message limit too.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::rules::ack::{ack, hl7_now};
use crate::rules::oru::{AckCode, Header, MAX_MESSAGE_BYTES, Refusal};
use crate::service::RecordsService;

const START: u8 = 0x0b;
const END: u8 = 0x1c;
const CR: u8 = 0x0d;

/// A connection that sends nothing for this long is closed.
pub const IDLE: Duration = Duration::from_secs(60);

/// Which peers may send results: MLLP has no authentication of its own, so the listener
/// takes connections only from the lab interfaces' addresses (`WELLSPRING_HL7_ALLOW`, addresses
/// or CIDR blocks), and from this machine when none are listed. Anyone else is disconnected
/// before a byte is read (and the attempt logged without its content).
#[derive(Debug, Clone, Default)]
pub struct Peers(pub Vec<ws_identity::rules::address::Trusted>);

impl Peers {
    pub fn allows(&self, ip: std::net::IpAddr) -> bool {
        if self.0.is_empty() {
            ip.is_loopback()
        } else {
            self.0.iter().any(|t| t.contains(ip))
        }
    }
}

/// Serve MLLP on `listener` until `shutdown` resolves, to the `peers` allowed.
pub async fn serve(
    listener: TcpListener,
    svc: RecordsService,
    peers: Peers,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    if !peers.allows(peer.ip()) {
                        tracing::warn!(peer = %peer.ip(), "MLLP connection refused: not an allowed lab interface");
                        drop(stream);
                        continue;
                    }
                    let svc = svc.clone();
                    tokio::spawn(async move {
                        if let Err(e) = connection(stream, peer.to_string(), svc).await {
                            tracing::debug!(error = %e, "MLLP connection ended");
                        }
                    });
                }
                Err(e) => {
                    tracing::warn!(error = %e, "MLLP accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }
}

/// Frames read from a byte stream.
#[derive(Debug, Default)]
pub struct Framer {
    buf: Vec<u8>,
    in_frame: bool,
}

/// What the framer found.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A whole message.
    Message(Vec<u8>),
    /// A frame cut short by a new start byte, or too long: answer AR.
    Broken(String),
}

impl Framer {
    /// Feed bytes; the frames they complete.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Frame> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if !self.in_frame {
                if b == START {
                    self.in_frame = true;
                    self.buf.clear();
                }
                // Bytes between frames (keep-alive newlines) are ignored.
                i += 1;
                continue;
            }
            match b {
                START => {
                    out.push(Frame::Broken(
                        "the frame was cut short: a new message started before its end (0x1C 0x0D)"
                            .into(),
                    ));
                    self.buf.clear();
                }
                END if bytes.get(i + 1) == Some(&CR) => {
                    out.push(Frame::Message(std::mem::take(&mut self.buf)));
                    self.in_frame = false;
                    i += 1;
                }
                END if i + 1 == bytes.len() => {
                    // The CR may come in the next read: keep the END to decide then.
                    self.buf.push(END);
                }
                CR if self.buf.last() == Some(&END) => {
                    self.buf.pop();
                    out.push(Frame::Message(std::mem::take(&mut self.buf)));
                    self.in_frame = false;
                }
                b => {
                    self.buf.push(b);
                    if self.buf.len() > MAX_MESSAGE_BYTES {
                        out.push(Frame::Broken(format!(
                            "the message is longer than {MAX_MESSAGE_BYTES} bytes"
                        )));
                        self.buf.clear();
                        self.in_frame = false;
                    }
                }
            }
            i += 1;
        }
        out
    }

    /// Whether a frame is open (the peer closing now truncates it).
    pub fn in_frame(&self) -> bool {
        self.in_frame
    }
}

fn framed(ack: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(ack.len() + 3);
    v.push(START);
    v.extend_from_slice(ack.as_bytes());
    v.push(END);
    v.push(CR);
    v
}

async fn connection(
    mut stream: TcpStream,
    peer: String,
    svc: RecordsService,
) -> std::io::Result<()> {
    let caller = RecordsService::interface_caller(&peer);
    let mut framer = Framer::default();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match tokio::time::timeout(IDLE, stream.read(&mut buf)).await {
            Ok(r) => r?,
            Err(_) => {
                if framer.in_frame() {
                    tracing::info!("MLLP frame abandoned (idle): nothing stored");
                }
                return Ok(());
            }
        };
        if n == 0 {
            if framer.in_frame() {
                tracing::info!("MLLP connection closed mid-frame: nothing stored");
            }
            return Ok(());
        }
        for frame in framer.push(&buf[..n]) {
            let reply = match frame {
                Frame::Message(bytes) => {
                    let text = String::from_utf8_lossy(&bytes);
                    svc.receive_hl7(&caller, &text).await.ack
                }
                Frame::Broken(reason) => {
                    let now = svc.clock().now_micros();
                    ack(
                        &Header::default(),
                        Some(&Refusal {
                            code: AckCode::Reject,
                            hl7_error: 100,
                            location: None,
                            reason,
                        }),
                        &hl7_now(now),
                        &format!("WS{now}"),
                    )
                }
            };
            stream.write_all(&framed(&reply)).await?;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn only_allowed_peers_and_by_default_only_this_machine() {
        let local: std::net::IpAddr = "127.0.0.1".parse().unwrap();
        let lab: std::net::IpAddr = "10.1.2.3".parse().unwrap();
        assert!(Peers::default().allows(local));
        assert!(!Peers::default().allows(lab));
        let p = Peers(ws_identity::rules::address::Trusted::parse_list("10.1.0.0/16").unwrap());
        assert!(p.allows(lab));
        assert!(!p.allows(local));
    }

    #[test]
    fn frames_split_across_reads_and_back_to_back() {
        let mut f = Framer::default();
        assert_eq!(f.push(b"\x0bMSH|a\rPI"), []);
        assert_eq!(f.push(b"D|1\x1c"), []);
        assert_eq!(
            f.push(b"\r\x0bMSH|b\x1c\r"),
            [
                Frame::Message(b"MSH|a\rPID|1".to_vec()),
                Frame::Message(b"MSH|b".to_vec())
            ]
        );
        assert!(!f.in_frame());
    }

    #[test]
    fn a_truncated_frame_followed_by_a_new_one_is_broken_then_the_new_one_is_read() {
        let mut f = Framer::default();
        let got = f.push(b"\x0bMSH|cut\x0bMSH|whole\x1c\r");
        assert!(matches!(&got[0], Frame::Broken(r) if r.contains("cut short")));
        assert_eq!(got[1], Frame::Message(b"MSH|whole".to_vec()));
        // Closing mid-frame leaves it open (the connection handler stores nothing).
        assert_eq!(f.push(b"\x0bMSH|never ends"), []);
        assert!(f.in_frame());
    }
}
