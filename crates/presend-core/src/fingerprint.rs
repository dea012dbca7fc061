//! Fingerprints: what identifies a finding across edits, for baselines and for the reports
//! that carry one (SARIF `partialFingerprints`, GitLab code quality).
//!
//! A finding's fingerprint is a hash of its rule, its path and its *masked*, normalised matched
//! text, never its line, so a baseline survives edits above a finding. Masked, so the baseline
//! file (which is committed) never holds an identifier, and a hash of it cannot be brute-forced
//! back into one.

use crate::finding::Finding;
use crate::privacy;

/// FNV-1a, 64 bits: stable across Rust versions and platforms (std's hasher is not promised to
/// be), and plenty for telling findings apart.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0xff;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// A stable 64-bit hash of `parts`, in hex: for identifiers of report entries that are not
/// findings (an unreadable input in GitLab Code Quality).
pub fn hash_hex(parts: &[&str]) -> String {
    format!("{:016x}", fnv1a(parts))
}

/// The matched text as a baseline keeps it: masked when identifying (whether or not the report
/// masks it), whitespace collapsed, lower case.
pub fn content(f: &Finding) -> String {
    let text = if f.category.is_identifying() {
        privacy::mask(&f.matched)
    } else {
        f.matched.clone()
    };
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The fingerprint of a finding at `path` (the repository-relative path).
pub fn fingerprint(f: &Finding, path: &str) -> String {
    format!("{:016x}", fnv1a(&[&f.rule, path, &content(f)]))
}
