//! Arbitrary text as a rule pack: loading may fail, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(source) = std::str::from_utf8(data) {
        if let Ok(set) = presend_rules::load_pack_source("fuzz.toml", source) {
            // A pack that loads must also compile and scan its own examples.
            let engine = presend_engine::Engine::new(set);
            let _ = presend_engine::selftest::run_examples(&engine, &[]);
        }
    }
});
