//! The packs compiled into the binary, so presend works with no configuration at all.

/// presend's own pack: its checks, channels and the lexicons its validators read. Always loaded,
/// also with `--no-builtin`.
pub const PRESEND_PACK: (&str, &str) =
    ("presend.toml", include_str!("../../../rules/presend.toml"));

/// `(file name, TOML source)` of every built-in pack, in load order (lexicons first).
pub const BUILTIN_PACKS: &[(&str, &str)] = &[
    (
        "referents.toml",
        include_str!("../../../rules/referents.toml"),
    ),
    (
        "uk-identifiers.toml",
        include_str!("../../../rules/uk-identifiers.toml"),
    ),
    (
        "unprofessional.toml",
        include_str!("../../../rules/unprofessional.toml"),
    ),
    (
        "discriminatory.toml",
        include_str!("../../../rules/discriminatory.toml"),
    ),
    (
        "defamation.toml",
        include_str!("../../../rules/defamation.toml"),
    ),
    (
        "confidentiality.toml",
        include_str!("../../../rules/confidentiality.toml"),
    ),
    (
        "boundaries.toml",
        include_str!("../../../rules/boundaries.toml"),
    ),
    ("conduct.toml", include_str!("../../../rules/conduct.toml")),
    (
        "clinical-image.toml",
        include_str!("../../../rules/clinical-image.toml"),
    ),
];

// What `build.rs` prepared from the same files: each pack in the form `prepared.rs` reads (instead
// of the TOML, at start-up), the analysis of every built-in pattern, and presend's own channel ids.
include!(concat!(env!("OUT_DIR"), "/builtin_data.rs"));

/// The analysis the build made of pattern `source`, if it is a built-in pattern that parses and
/// compiles lazily: `Some(anchor literals)` (themselves `None` for an unanchored pattern).
pub(crate) fn checked_pattern(source: &str) -> Option<Option<&'static [&'static [u8]]>> {
    CHECKED_PATTERNS
        .binary_search_by(|(s, _)| (*s).cmp(source))
        .ok()
        .map(|i| CHECKED_PATTERNS[i].1)
}
