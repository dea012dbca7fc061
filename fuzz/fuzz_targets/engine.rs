//! Arbitrary bytes through the built-in packs: every span inside the text, on char boundaries.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn engine() -> &'static presend_engine::Engine {
    static ENGINE: OnceLock<presend_engine::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| presend_engine::Engine::new(presend_rules::RuleSet::builtin().unwrap()))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let findings = engine().scan(&presend_core::text::Segment::document("-", text.clone()));
    for f in &findings {
        let (s, e) = f.byte_range;
        assert!(s <= e && e <= text.len());
        assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
    }
    let doc = presend_input::source::Document::new("-", text.clone());
    let (redacted, _) = presend_app::pipeline::redact(engine(), &doc, &Default::default());
    assert_eq!(redacted.matches('\n').count(), text.matches('\n').count());
});
