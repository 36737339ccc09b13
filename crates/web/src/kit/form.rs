//! Reading `application/x-www-form-urlencoded` bodies and query strings.

/// The fields of a form, in order (a name may repeat).
pub type Fields = Vec<(String, String)>;

/// Decode an `application/x-www-form-urlencoded` body or query string.
pub fn form(body: &[u8]) -> Fields {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            let dec = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (dec(k), dec(v))
        })
        .collect()
}

/// The first value of field `name`.
pub fn field<'a>(f: &'a [(String, String)], name: &str) -> Option<&'a str> {
    f.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Percent-encode a value for a URL (a `next=` parameter, a query value).
pub fn pct(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}
