//! Properties that must hold for any input, checked on generated text (proptest): spans lie
//! inside the input on character boundaries, normalising twice changes nothing, scanning is
//! deterministic, and a redacted draft has no identifier left.

use presend_core::text::Segment;
use presend_engine::normalize::Normalized;
use presend_engine::Engine;
use presend_rules::RuleSet;
use proptest::prelude::*;
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(RuleSet::builtin().expect("built-in packs load")))
}

/// Text that looks like a draft: words, numbers, identifiers, emoji, invisible and full-width
/// characters, line breaks.
fn drafty() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("NHS number ".to_string()),
        Just("943 476 5919".to_string()),
        Just("９４３ ４７６ ５９１９".to_string()),
        Just("9\u{200B}4\u{200B}3".to_string()),
        Just("Mrs Jones ".to_string()),
        Just("DOB 12/03/1948 ".to_string()),
        Just("bed 4 ".to_string()),
        Just("83F ".to_string()),
        Just("last night ".to_string()),
        Just("pic of the wound ".to_string()),
        Just("f*cking ".to_string()),
        Just("my consultant is useless ".to_string()),
        Just("👩‍⚕️🇬🇧 ".to_string()),
        Just("\r\n".to_string()),
        Just("\u{FEFF}".to_string()),
        Just("ｆｕｌｌ ".to_string()),
        Just("'quoted' ".to_string()),
        "[a-zA-Z0-9 .,/-]{0,12}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn spans_lie_inside_the_input_on_character_boundaries(text in drafty()) {
        for f in engine().scan(&Segment::document("-", text.clone())) {
            let (s, e) = f.byte_range;
            prop_assert!(s <= e && e <= text.len(), "{s}..{e} outside {}", text.len());
            prop_assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
            // The match is the span's text; a combination's is its parts, joined.
            let joined: Vec<&str> = f.parts.iter().map(|p| &text[p.byte_range.0..p.byte_range.1]).collect();
            prop_assert!(f.matched == text[s..e] || f.matched == joined.join(" … "),
                "match text differs from its span for {}", f.rule);
            for p in &f.parts {
                prop_assert!(p.byte_range.1 <= text.len());
                prop_assert!(text.is_char_boundary(p.byte_range.0) && text.is_char_boundary(p.byte_range.1));
            }
            prop_assert!(f.start <= f.end);
        }
    }

    #[test]
    fn normalising_is_idempotent(text in drafty()) {
        let once = Normalized::new(&text).as_str().to_string();
        let twice = Normalized::new(&once).as_str().to_string();
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn normalised_spans_map_back_inside_the_original(text in drafty(), a in 0usize..64, b in 0usize..64) {
        let n = Normalized::new(&text);
        let len = n.as_str().len();
        let (a, b) = (a.min(len), b.min(len));
        let (s, e) = n.to_original((a.min(b), a.max(b)));
        prop_assert!(s <= e && e <= text.len());
    }

    #[test]
    fn scanning_is_deterministic(text in drafty()) {
        let seg = Segment::document("-", text);
        prop_assert_eq!(engine().scan(&seg), engine().scan(&seg));
    }

    #[test]
    fn redacted_drafts_have_no_identifier_left(text in drafty()) {
        let doc = presend_input::source::Document::new("-", text.clone());
        let (redacted, _) = presend_app::pipeline::redact(engine(), &doc, &Default::default());
        let left: Vec<_> = engine()
            .scan(&Segment::document("-", redacted.clone()))
            .into_iter()
            .filter(|f| f.category.is_identifying())
            .map(|f| f.rule.to_string())
            .collect();
        prop_assert!(left.is_empty(), "{left:?} left in {redacted:?}");
        prop_assert_eq!(redacted.matches('\n').count(), text.matches('\n').count());
    }
}
