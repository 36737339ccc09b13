//! Password acceptance (AUT-02; NIST SP 800-63B rev4 defaults from DOMAIN.md "Wellspring's
//! defaults"): at least 15 code points for a single-factor password, 8 when two-step
//! verification is on; anything up to 256 code points is accepted, never truncated; no
//! composition rules; reject breached/common passwords, repetitive or sequential ones, and
//! ones containing context words (the person's name, email, the service name).
//!
//! Length counts Unicode scalar values (`char`s) without normalization.

/// The common/breached list: lowercase, one a line, `#` comments.
const COMMON: &str = include_str!("common_passwords.txt");

/// Context words shorter than this are not checked (AUT-02: "context-specific words").
pub const MIN_CONTEXT_WORD: usize = 4;

/// Length limits; configuration with these defaults (DOMAIN.md "Wellspring's defaults").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// Minimum code points without two-step verification (rev4: 15).
    pub min_single_factor: usize,
    /// Minimum code points with two-step verification on (8).
    pub min_with_two_step: usize,
    /// Maximum accepted code points (must be ≥ 64; 256 here).
    pub max: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_single_factor: 15,
            min_with_two_step: 8,
            max: 256,
        }
    }
}

/// Why a password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("password shorter than {min} characters")]
    TooShort { min: usize },
    #[error("password longer than {max} characters")]
    TooLong { max: usize },
    /// On the breached/common list, or a common word with digits/symbols added (EX-A1).
    #[error("password is common or breached")]
    Breached,
    /// One character repeated, a repeated chunk, or a keyboard/alphabet/number sequence.
    #[error("password is repetitive or sequential")]
    Repetitive,
    /// Contains the person's name, email or the service name.
    #[error("password contains a context word")]
    Context,
}

impl PasswordProblem {
    /// Stable code, e.g. for the Spanish text elsewhere.
    pub fn code(self) -> &'static str {
        match self {
            PasswordProblem::TooShort { .. } => "too-short",
            PasswordProblem::TooLong { .. } => "too-long",
            PasswordProblem::Breached => "breached",
            PasswordProblem::Repetitive => "repetitive",
            PasswordProblem::Context => "context",
        }
    }

    /// Message to show the person (English).
    pub fn message(self) -> String {
        match self {
            PasswordProblem::TooShort { min } => format!(
                "Use at least {min} characters. A few unrelated words with spaces make a long \
                 password that is easy to remember."
            ),
            PasswordProblem::TooLong { max } => {
                format!("Use at most {max} characters.")
            }
            PasswordProblem::Breached => "This password is too common or has appeared in a \
                 data breach. Choose one that others are unlikely to use."
                .to_owned(),
            PasswordProblem::Repetitive => "This password repeats characters or follows a \
                 simple sequence (like \"aaaa\" or \"1234\"). Choose one that is harder to guess."
                .to_owned(),
            PasswordProblem::Context => "Don't use your name, your email address or \
                 \"Wellspring\" in your password."
                .to_owned(),
        }
    }
}

/// Check a new password with the default policy (AUT-02, EX-A1). `context` holds words the
/// password must not contain: the person's names, the email local part, "wellspring". Each
/// entry is also split at non-alphanumeric characters ("maria.lopez" → "maria", "lopez").
pub fn check_password(pw: &str, two_step: bool, context: &[&str]) -> Result<(), PasswordProblem> {
    check_password_with(&PasswordPolicy::default(), pw, two_step, context)
}

/// [`check_password`] under an explicit policy. Checks in this order: too long, too short,
/// breached, repetitive, context.
pub fn check_password_with(
    policy: &PasswordPolicy,
    pw: &str,
    two_step: bool,
    context: &[&str],
) -> Result<(), PasswordProblem> {
    let len = pw.chars().count();
    if len > policy.max {
        return Err(PasswordProblem::TooLong { max: policy.max });
    }
    let min = if two_step {
        policy.min_with_two_step
    } else {
        policy.min_single_factor
    };
    if len < min {
        return Err(PasswordProblem::TooShort { min });
    }
    let lower = pw.to_lowercase();
    if is_common(&lower) {
        return Err(PasswordProblem::Breached);
    }
    if is_repetitive(&lower) {
        return Err(PasswordProblem::Repetitive);
    }
    if contains_context(&lower, context) {
        return Err(PasswordProblem::Context);
    }
    Ok(())
}

fn common_list() -> impl Iterator<Item = &'static str> {
    COMMON
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn on_list(word: &str) -> bool {
    !word.is_empty() && common_list().any(|c| c == word)
}

/// Undo the usual letter substitutions ("p@ssw0rd" → "password").
fn unleet(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '@' | '4' => 'a',
            '0' => 'o',
            '1' | '!' | '|' => 'i',
            '3' => 'e',
            '$' | '5' => 's',
            '7' | '+' => 't',
            '8' => 'b',
            '9' => 'g',
            other => other,
        })
        .collect()
}

/// On the list as is, or once digits and symbols around a word are stripped ("summer2024!",
/// "!!2024summer"), or after undoing letter substitutions ("p@ssw0rd1"). Spaces are ignored
/// ("pass word").
fn is_common(lower: &str) -> bool {
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    if on_list(&compact) {
        return true;
    }
    let stripped = compact.trim_matches(|c: char| !c.is_alphabetic());
    if on_list(stripped) {
        return true;
    }
    // Substitutions only inside the word: "p@ssw0rd2024" → strip the tail first, then unleet.
    let core = compact.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    let core = core.trim_start_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    on_list(&unleet(core)) || on_list(&unleet(&compact))
}

/// Sequences a password must not be a piece of (either direction).
const SEQUENCES: &[&str] = &[
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertzuiopasdfghjklyxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "!@#$%^&*()_+",
];

/// All one character, at most three distinct characters, one chunk repeated ("abcabcabc"), or
/// a piece of an alphabet, digit or keyboard sequence ("abcdefgh…", "98765432…", "qwertyuiop");
/// the last three also with digits or symbols added around ("abcabcabc1!").
fn is_repetitive(lower: &str) -> bool {
    let chars: Vec<char> = lower.chars().collect();
    let mut distinct = chars.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() <= 3 || is_patterned(lower) {
        return true;
    }
    let core = lower.trim_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    core.chars().count() >= 6 && is_patterned(core)
}

/// A repeated chunk, a run of consecutive code points, or a piece of a known sequence.
fn is_patterned(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    for unit in 1..=n / 2 {
        if n.is_multiple_of(unit) && chars.chunks(unit).all(|c| Some(c) == chars.get(..unit)) {
            return true;
        }
    }
    if is_run(&chars) {
        return true;
    }
    // Sequences wrap around ("7890123", "xyzab"): search three copies.
    SEQUENCES.iter().any(|seq| {
        let fwd = seq.repeat(3);
        let rev: String = fwd.chars().rev().collect();
        fwd.contains(s) || rev.contains(s)
    })
}

/// Every code point one above (or every one below) the previous: "abcdef", "cba", "56789".
fn is_run(chars: &[char]) -> bool {
    let steps: Vec<i64> = chars
        .windows(2)
        .map(|w| match w {
            [a, b] => i64::from(u32::from(*b)) - i64::from(u32::from(*a)),
            _ => 0,
        })
        .collect();
    !steps.is_empty() && (steps.iter().all(|&s| s == 1) || steps.iter().all(|&s| s == -1))
}

fn contains_context(lower: &str, context: &[&str]) -> bool {
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    let unleeted = unleet(&compact);
    context
        .iter()
        .flat_map(|c| {
            let whole = c.to_lowercase();
            let parts: Vec<String> = whole
                .split(|ch: char| !ch.is_alphanumeric())
                .map(str::to_owned)
                .collect();
            std::iter::once(whole).chain(parts)
        })
        .filter(|w| w.chars().count() >= MIN_CONTEXT_WORD)
        .any(|w| compact.contains(&w) || unleeted.contains(&w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use PasswordProblem::*;

    const CTX: &[&str] = &["Maria Lopez", "maria.lopez", "wellspring"];

    #[test]
    fn aut_02_length_by_two_step() {
        // (password, two_step, expected)
        let long64 = "correct horse battery staple ".repeat(3);
        let long64 = &long64[..64];
        let long256: String = "plum tide orbit lantern "
            .chars()
            .cycle()
            .take(256)
            .collect();
        let long257: String = "plum tide orbit lantern "
            .chars()
            .cycle()
            .take(257)
            .collect();
        let rows: Vec<(&str, bool, Result<(), PasswordProblem>)> = vec![
            ("", true, Err(TooShort { min: 8 })),
            ("vrk7qzp", true, Err(TooShort { min: 8 })), // 7
            ("vrk7qzpm", true, Ok(())),                  // 8 with two-step
            ("vrk7qzpm", false, Err(TooShort { min: 15 })),
            ("vrk7qzpm wxlt8", false, Err(TooShort { min: 15 })), // 14
            ("vrk7qzpm wxlt8h", false, Ok(())),                   // 15 single-factor
            ("tulip orbit gauge", false, Ok(())), // spaces allowed, no composition rules
            (long64, false, Ok(())),              // EX-A1: 64 accepted, not truncated
            (&long256, false, Ok(())),
            (&long257, false, Err(TooLong { max: 256 })),
            ("ñandú piña ¿qué?", false, Ok(())), // 16 code points, not bytes
            ("äöüßäöü", true, Err(TooShort { min: 8 })), // 7 code points, 14 bytes
        ];
        for (pw, two_step, want) in rows {
            assert_eq!(
                check_password(pw, two_step, &[]),
                want,
                "{pw:?} two_step={two_step}"
            );
        }
    }

    #[test]
    fn aut_02_breached_and_common_word_patterns() {
        let rows = [
            ("Summer2024!", true, Err(Breached)), // EX-A1, any rev
            ("password", true, Err(Breached)),
            ("Password123!", true, Err(Breached)),
            ("P@ssw0rd2024", true, Err(Breached)),
            ("p@ssw0rd", true, Err(Breached)),
            ("!!2024Summer", true, Err(Breached)),
            ("Welcome12345678!", false, Err(Breached)),
            ("iloveyou", true, Err(Breached)),
            ("Pass Word 2024!!!", false, Err(Breached)),
            ("qwerty123", true, Err(Breached)),
            ("Football#1", true, Err(Breached)),
            ("SummerBreeze1972", true, Ok(())), // word + word is not the pattern
            ("monkey tulip 77 gauge", false, Ok(())),
        ];
        for (pw, two_step, want) in rows {
            assert_eq!(check_password(pw, two_step, &[]), want, "{pw:?}");
        }
    }

    #[test]
    fn ex_a1_twelve_char_passphrase_needs_two_step() {
        let pw = "kettle drum!"; // 12 characters, not breached
        assert_eq!(check_password(pw, true, CTX), Ok(()));
        assert_eq!(check_password(pw, false, CTX), Err(TooShort { min: 15 }));
    }

    #[test]
    fn aut_02_repetitive_and_sequential() {
        let rows = [
            ("aaaaaaaaaaaaaaaa", Err(Repetitive)),
            ("abababababababab", Err(Repetitive)),
            ("abcabcabcabcabc1", Err(Repetitive)), // repeated chunk + digit
            ("abcdefghij2024!", Err(Repetitive)),  // sequence + year + symbol
            ("x2847362519", Ok(())),               // short core: digits are not a pattern
            ("xyz9xyz9xyz9xyz9", Err(Repetitive)),
            ("abcdefghijklmnop", Err(Repetitive)),
            ("1234567890123456", Err(Repetitive)),
            ("9876543210", Err(Repetitive)),
            ("qwertyuiopasdfgh", Err(Repetitive)),
            ("ZYXWVUTSRQPONMLK", Err(Repetitive)),
            ("1qaz2wsx3edc4rfv", Err(Repetitive)),
            ("11112222", Err(Repetitive)),
            ("zq81 mvx4 tpw2", Ok(())),
        ];
        for (pw, want) in rows {
            assert_eq!(check_password(pw, true, &[]), want, "{pw:?}");
        }
    }

    #[test]
    fn aut_02_context_words() {
        let rows = [
            ("maria-loves-the-sea", Err(Context)),
            ("the LOPEZ family tree", Err(Context)),
            ("W3llspring is my health plan", Err(Context)), // substitution undone
            ("wellspring", Err(Context)),
            ("mariaLopez99sunrise", Err(Context)),
            ("orbit tulip gauge", Ok(())),
            ("the sea is wide and deep", Ok(())),
        ];
        for (pw, want) in rows {
            assert_eq!(check_password(pw, true, CTX), want, "{pw:?}");
        }
        // Context words under 4 characters are ignored.
        assert_eq!(
            check_password("bo was here today", true, &["Bo", "Li"]),
            Ok(())
        );
    }

    #[test]
    fn aut_02_codes_and_messages() {
        let rows = [
            (TooShort { min: 15 }, "too-short", "15"),
            (TooLong { max: 256 }, "too-long", "256"),
            (Breached, "breached", "breach"),
            (Repetitive, "repetitive", "sequence"),
            (Context, "context", "name"),
        ];
        for (p, code, needle) in rows {
            assert_eq!(p.code(), code);
            assert!(p.message().contains(needle), "{code}: {}", p.message());
        }
    }

    #[test]
    fn common_list_is_lowercase_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for w in common_list() {
            assert_eq!(w, w.to_lowercase(), "{w}");
            assert!(seen.insert(w), "duplicate {w}");
        }
        assert!(seen.len() >= 300);
    }
}
