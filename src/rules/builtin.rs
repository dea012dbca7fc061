//! The packs compiled into the binary, so presend works with no configuration at all.

/// `(file name, TOML source)` of every built-in pack, in load order (lexicons first).
pub const BUILTIN_PACKS: &[(&str, &str)] = &[
    ("referents.toml", include_str!("../../rules/referents.toml")),
    (
        "uk-identifiers.toml",
        include_str!("../../rules/uk-identifiers.toml"),
    ),
    ("language.toml", include_str!("../../rules/language.toml")),
    ("markdown.toml", include_str!("../../rules/markdown.toml")),
];
