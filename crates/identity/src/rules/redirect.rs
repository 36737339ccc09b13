//! Which redirect URIs an app may register and which paths the portal may redirect to.

/// May an app register `uri` as a redirect URI? `https://` with a host, or plain `http://` on
/// the loopback address itself (RFC 8252 §7.3: `127.0.0.1`, `[::1]` or `localhost`, any port);
/// no user information, no fragment. The host is compared whole: `http://localhost.evil.example`
/// and `http://127.0.0.1.evil.example` are not loopback.
pub fn redirect_uri_ok(uri: &str) -> bool {
    if uri.contains('#') || uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let (https, rest) = if let Some(r) = uri.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = uri.strip_prefix("http://") {
        (false, r)
    } else {
        return false;
    };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') || authority.contains('\\') {
        return false;
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((h, p)) => (h, p),
            None => return false,
        },
        None => match authority.split_once(':') {
            Some((h, _)) => (h, &authority[h.len()..]),
            None => (authority, ""),
        },
    };
    let port_ok = port.is_empty()
        || port.strip_prefix(':').is_some_and(|p| {
            !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
        });
    if host.is_empty() || !port_ok {
        return false;
    }
    https
        || matches!(
            host.to_ascii_lowercase().as_str(),
            "127.0.0.1" | "::1" | "localhost"
        )
}

#[cfg(test)]
mod tests {
    use super::redirect_uri_ok;

    /// Issue 12, finding 11: loopback is the host itself, not a prefix of it.
    #[test]
    fn loopback_is_the_whole_host() {
        for ok in [
            "https://app.example/cb",
            "https://app.example:8443/cb?x=1",
            "http://127.0.0.1/cb",
            "http://127.0.0.1:53121/cb",
            "http://localhost:3000/callback",
            "http://[::1]:8080/cb",
            "http://LOCALHOST/cb",
        ] {
            assert!(redirect_uri_ok(ok), "{ok}");
        }
        for bad in [
            "http://localhost.evil.example/cb",
            "http://127.0.0.1.evil.example/cb",
            "http://localhost@evil.example/cb",
            "http://127.0.0.1:80@evil.example/cb",
            "http://evil.example/cb",
            "https://app.example/cb#frag",
            "https:///cb",
            "http://localhost:x/cb",
            "http://[::1/cb",
            "javascript:alert(1)",
            "http://localhost\\@evil.example/",
            "https://app.example/c b",
        ] {
            assert!(!redirect_uri_ok(bad), "{bad}");
        }
    }
}
