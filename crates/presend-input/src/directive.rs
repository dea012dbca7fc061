//! Inline suppressions: `presend-allow RULE[, RULE…]: reason`.
//!
//! The same token works bare in a plain-text draft or a CSV cell, and inside a comment in
//! Markdown (`<!-- presend-allow nhs-number: fictional example for training -->`), `#` or `//`
//! comments. A reason is required; the reader records a suppression without one so that the
//! pipeline can report it rather than silently ignore it.

/// The word that starts a suppression.
pub const TOKEN: &str = "presend-allow";

/// A suppression found on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Rule ids as written (`nhs-number`, `uk-identifiers/nhs-number`, or a pack id).
    pub rules: Vec<String>,
    /// Why it is allowed; `None` when missing or empty.
    pub reason: Option<String>,
    /// Byte range of the whole directive within the line (including `<!--` … `-->`).
    pub range: (usize, usize),
    /// Byte offset of the token itself within the line.
    pub token_at: usize,
    /// Nothing else is on the line: the directive applies to the next line.
    pub standalone: bool,
}

/// Find a directive on `line` (without its line ending).
pub fn parse_line(line: &str) -> Option<Directive> {
    let at = find_token(line)?;
    let after = at + TOKEN.len();
    let mut end = line.len();
    let mut rest = &line[after..];
    for closer in ["-->", "*/"] {
        if let Some(i) = rest.find(closer) {
            end = after + i + closer.len();
            rest = &rest[..i];
        }
    }
    let (rules_part, reason) = match rest.find(':') {
        Some(i) => (&rest[..i], Some(rest[i + 1..].trim())),
        None => (rest, None),
    };
    let rules: Vec<String> = rules_part
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let reason = reason.filter(|r| !r.is_empty()).map(str::to_string);
    let mut start = at;
    let before = line[..at].trim_end();
    if let Some(opener) = ["<!--", "//", "#"].iter().find(|o| before.ends_with(**o)) {
        start = before.len() - opener.len();
    }
    let outside = format!("{}{}", &line[..start], &line[end..]);
    Some(Directive {
        rules,
        reason,
        range: (start, end),
        token_at: at,
        standalone: outside.trim().is_empty(),
    })
}

fn find_token(line: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&line.as_bytes()[from..], TOKEN.as_bytes()) {
        let at = from + i;
        let before_ok = line[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '-' || c == '_'));
        let after_ok = line[at + TOKEN.len()..]
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || c == ':');
        if before_ok && after_ok {
            return Some(at);
        }
        from = at + TOKEN.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_comment_on_its_own_line() {
        let d = parse_line("<!-- presend-allow nhs-number: fictional example for training -->")
            .unwrap();
        assert_eq!(d.rules, ["nhs-number"]);
        assert_eq!(d.reason.as_deref(), Some("fictional example for training"));
        assert!(d.standalone);
        assert_eq!(d.range.0, 0);
    }

    #[test]
    fn trailing_bare_directive_with_two_rules() {
        let line = "Call 0113 243 3144 presend-allow uk-identifiers/phone, age: trust switchboard";
        let d = parse_line(line).unwrap();
        assert_eq!(d.rules, ["uk-identifiers/phone", "age"]);
        assert!(!d.standalone);
        assert_eq!(&line[d.range.0..d.range.1], &line[19..]);
    }

    #[test]
    fn missing_reason_is_kept_as_none() {
        let d = parse_line("# presend-allow nhs-number").unwrap();
        assert_eq!(d.reason, None);
        let d = parse_line("<!-- presend-allow nhs-number: -->").unwrap();
        assert_eq!(d.reason, None);
    }

    #[test]
    fn lookalike_words_are_not_directives() {
        assert!(parse_line("presend-allowed is not a thing").is_none());
        assert!(parse_line("nopresend-allow x: y").is_none());
    }
}
