//! Arbitrary bytes through the built-in packs: every span inside the text, on char boundaries.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn engine() -> &'static presend::Engine {
    static ENGINE: OnceLock<presend::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| presend::Engine::new(presend::RuleSet::builtin().unwrap()))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let findings = engine().scan(&presend::text::Segment::document("-", text.clone()));
    for f in &findings {
        let (s, e) = f.byte_range;
        assert!(s <= e && e <= text.len());
        assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
    }
    let doc = presend::source::Document::new("-", text.clone());
    let (redacted, _) = presend::pipeline::redact(engine(), &doc, &Default::default());
    assert_eq!(redacted.matches('\n').count(), text.matches('\n').count());
});
