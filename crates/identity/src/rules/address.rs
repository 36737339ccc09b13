//! Which address a request comes from, when the server may sit behind reverse proxies.
//!
//! The per-address sign-in throttle (AUT-01) must count the member's own address. Behind a
//! reverse proxy every request arrives from the proxy; believing `X-Forwarded-For` from anyone
//! would let an attacker pick any address per request. So only proxies the operator lists are
//! believed: walking the header from the right (the hop nearest to us), each trusted hop hands
//! over to the address it names; the first untrusted one is the client.

use std::net::IpAddr;

/// A trusted proxy: one address or a CIDR block (`10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trusted {
    net: IpAddr,
    prefix: u8,
}

impl Trusted {
    /// Parse `addr` or `addr/prefix`.
    pub fn parse(s: &str) -> Result<Trusted, String> {
        let s = s.trim();
        let (a, p) = s.split_once('/').unwrap_or((s, ""));
        let net: IpAddr = a
            .parse()
            .map_err(|_| format!("'{s}' is not an IP address or CIDR block"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = if p.is_empty() {
            max
        } else {
            p.parse::<u8>()
                .ok()
                .filter(|n| *n <= max)
                .ok_or_else(|| format!("'{s}': the prefix must be 0..={max}"))?
        };
        Ok(Trusted { net, prefix })
    }

    /// A comma-separated list (empty: none).
    pub fn parse_list(s: &str) -> Result<Vec<Trusted>, String> {
        s.split(',')
            .filter(|x| !x.trim().is_empty())
            .map(Trusted::parse)
            .collect()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        fn bits(ip: IpAddr) -> u128 {
            match ip {
                IpAddr::V4(v) => u128::from(u32::from(v)),
                IpAddr::V6(v) => u128::from(v),
            }
        }
        let ip = match ip {
            IpAddr::V6(v) => v.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        if ip.is_ipv4() != self.net.is_ipv4() {
            return false;
        }
        let width = if ip.is_ipv4() { 32 } else { 128 };
        let shift = width - u32::from(self.prefix);
        if shift >= 128 {
            return true;
        }
        (bits(ip) >> shift) == (bits(self.net) >> shift)
    }
}

/// The client's address: the peer, or — when the peer is a trusted proxy — the right-most
/// address in `X-Forwarded-For` that is not itself a trusted proxy. Malformed entries stop
/// the walk at the last address we could believe.
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[Trusted]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|t| t.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let mut client = peer;
    if let Some(h) = forwarded_for {
        for hop in h.rsplit(',') {
            let Ok(ip) = hop.trim().parse::<IpAddr>() else {
                break;
            };
            client = ip;
            if !is_trusted(ip) {
                break;
            }
        }
    }
    client
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    /// AUT-01 (issue 12, finding 8): the throttle counts the member's address, not the proxy's,
    /// and only configured proxies are believed.
    #[test]
    fn aut_01_client_address_behind_trusted_proxies() {
        let t = Trusted::parse_list("10.0.0.0/8, 192.0.2.10, fd00::/8").unwrap();
        let cases = [
            // peer, header, client
            ("198.51.100.7", None, "198.51.100.7"),
            // An untrusted peer cannot choose its address.
            ("198.51.100.7", Some("203.0.113.1"), "198.51.100.7"),
            ("10.1.2.3", Some("203.0.113.1"), "203.0.113.1"),
            // Two proxies: ours, and a trusted load balancer in front of it.
            ("10.1.2.3", Some("203.0.113.1, 192.0.2.10"), "203.0.113.1"),
            // A client that sends its own header: the spoofed left part is not believed.
            ("10.1.2.3", Some("1.2.3.4, 203.0.113.1"), "203.0.113.1"),
            // Garbage stops the walk at the last believable hop.
            ("10.1.2.3", Some("203.0.113.1, junk"), "10.1.2.3"),
            ("10.1.2.3", None, "10.1.2.3"),
            ("fd00::1", Some("2001:db8::5"), "2001:db8::5"),
            ("::ffff:10.0.0.1", Some("203.0.113.9"), "203.0.113.9"),
        ];
        for (peer, h, want) in cases {
            assert_eq!(client_address(ip(peer), h, &t), ip(want), "{peer} {h:?}");
        }
        assert_eq!(
            client_address(ip("10.1.2.3"), Some("203.0.113.1"), &[]),
            ip("10.1.2.3")
        );
        assert!(Trusted::parse("10.0.0.0/33").is_err());
        assert!(Trusted::parse("proxy.example").is_err());
        assert!(Trusted::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
    }
}
