//! Prepares the term automaton of the built-in packs at build time
//! ([`presend_engine::prepare_terms`]), so that starting presend reads it in place instead of
//! building it (building it is most of one draft's start-up). When the built-in packs do not
//! load here the file is left empty, and presend builds the automaton at start-up as it does
//! for any other packs (the packs' own error then appears at run time).

use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let bytes = match presend_rules::RuleSet::builtin() {
        Ok(set) => presend_engine::prepare_terms(&set),
        Err(_) => Vec::new(),
    };
    std::fs::write(out.join("builtin-terms.bin"), bytes).expect("write OUT_DIR");
    // The packs and the engine are build dependencies: cargo runs this again when they change.
    println!("cargo:rerun-if-changed=build.rs");
}
