//! The engine's behaviour, rule kind by rule kind, on a fixture pack (tests/fixtures) so that
//! growing the built-in packs cannot change what these tests mean.

use presend_core::text::Segment;
use presend_core::{Category, Finding, Severity};
use presend_engine::Engine;
use presend_engine::ScanOptions;
use presend_rules::RuleSetBuilder;

fn engine() -> Engine {
    let mut b = RuleSetBuilder::default();
    b.add_path(std::path::Path::new("tests/fixtures/every-kind.toml"))
        .expect("fixture pack loads");
    Engine::new(b.finish().expect("fixture pack links"))
}

fn scan(text: &str) -> Vec<Finding> {
    engine().scan(&Segment::document("-", text))
}

fn scan_for(text: &str, channel: &str) -> Vec<Finding> {
    let options = ScanOptions {
        channel: Some(channel.into()),
    };
    engine().scan_with(&Segment::document("-", text), &options)
}

fn rules(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| &*f.rule).collect()
}

fn only(findings: &[Finding], rule: &str) -> Finding {
    let matching: Vec<_> = findings.iter().filter(|f| &*f.rule == rule).collect();
    assert_eq!(
        matching.len(),
        1,
        "want one {rule}, got {:?}",
        rules(findings)
    );
    matching[0].clone()
}

#[test]
fn validator_rejects_a_bad_check_digit() {
    assert!(scan("NHS 943 476 5918").is_empty());
    let f = only(&scan("NHS 943 476 5919"), "fixture/nhs");
    assert_eq!(f.matched, "943 476 5919");
}

#[test]
fn context_words_raise_confidence() {
    let with = only(&scan("nhs 943 476 5919"), "fixture/nhs").confidence;
    let without = only(&scan("ref 943 476 5919"), "fixture/nhs").confidence;
    assert!(with > without, "{with} vs {without}");
}

#[test]
fn spans_point_into_the_original_text_after_normalisation() {
    // Full-width digits and a zero-width space: found on the normalised view, reported on the
    // characters the user typed (columns in characters).
    let text = "é NHS ９４３ ４７６\u{200B} ５９１９ ok";
    let f = only(&scan(text), "fixture/nhs");
    assert_eq!(f.matched, "９４３ ４７６\u{200B} ５９１９");
    assert_eq!((f.start.line, f.start.column), (1, 7));
    assert_eq!(f.end.column, 7 + f.matched.chars().count() as u32);
    assert_eq!(&text[f.byte_range.0..f.byte_range.1], f.matched);
}

#[test]
fn rule_allow_list_silences_an_exact_phrase() {
    assert!(scan("test number 999 000 0018").is_empty());
}

#[test]
fn pack_allow_list_silences_every_rule_of_the_pack() {
    let mut b = RuleSetBuilder::default();
    b.add_source(
        "p.toml",
        "[pack]\nid=\"p\"\nname=\"p\"\nversion=\"1\"\ndescription=\"d\"\nallow=[\"Cockermouth\"]\n\
         [[rule]]\nid=\"r\"\ncategory=\"unprofessional\"\nseverity=\"warning\"\nmessage=\"m\"\n\
         why=\"w\"\ninstead=\"i\"\nterms=[\"cock\"]\n",
    )
    .unwrap();
    let e = Engine::new(b.finish().unwrap());
    assert!(e
        .scan(&Segment::document("-", "Cockermouth clinic"))
        .is_empty());
    assert!(e.scan(&Segment::document("-", "Cock Lane")).len() == 1);
}

#[test]
fn terms_match_whole_words_only() {
    assert!(scan("catalogue of dogma")
        .iter()
        .all(|f| f.matched != "cat"));
    assert_eq!(only(&scan("the cat sat"), "fixture/pets").matched, "cat");
}

#[test]
fn trailing_star_matches_any_word_ending() {
    assert_eq!(only(&scan("two dogs"), "fixture/pets").matched, "dogs");
    assert_eq!(only(&scan("blasted"), "fixture/swear").matched, "blasted");
}

#[test]
fn masked_spelling_is_an_ordinary_term() {
    assert_eq!(
        only(&scan("what a f*ck up"), "fixture/swear").matched,
        "f*ck"
    );
}

#[test]
fn term_suggestion_is_reported() {
    let f = only(&scan("blast it"), "fixture/swear");
    assert_eq!(f.suggestion.as_deref(), Some("bother"));
}

#[test]
fn case_sensitive_term_ignores_other_cases() {
    assert!(scan("Gomer Pyle").is_empty());
    only(&scan("another GOMER"), "fixture/swear");
}

#[test]
fn phrases_match_across_line_breaks_and_extra_spaces() {
    // `when` is a signal, so look at raw rule hits rather than findings.
    let e = engine();
    let when = e.rules().find("fixture/when").unwrap();
    let text = "we arrived last\n   night";
    let hits = e.hits(text, &ScanOptions::default());
    let hit = hits
        .iter()
        .find(|h| h.rule == when)
        .expect("a hit of `when`");
    assert_eq!(&text[hit.span.0..hit.span.1], "last\n   night");
}

#[test]
fn near_needs_both_sets_within_the_window() {
    let f = only(&scan("photo of the wound"), "fixture/photo");
    assert_eq!(f.matched, "photo of the wound");
    assert_eq!(f.parts.len(), 2);
    assert!(scan("photo of the team and then much later a wound").is_empty());
}

#[test]
fn ordered_near_respects_order() {
    only(&scan("first and second"), "fixture/ordered");
    assert!(rules(&scan("second and first")).is_empty());
}

#[test]
fn negative_context_lowers_one_severity_step() {
    let f = only(&scan("photo of the wound, consent given"), "fixture/photo");
    assert_eq!(f.severity, Severity::Warning);
}

#[test]
fn doubt_lowers_confidence_not_severity() {
    let plain = only(&scan("he is a liar"), "fixture/opinion");
    let doubted = only(&scan("i think he is a liar"), "fixture/opinion");
    assert_eq!(doubted.severity, plain.severity);
    assert!(doubted.confidence < plain.confidence);
}

#[test]
fn signals_report_nothing_on_their_own() {
    assert!(scan("bed 4").is_empty());
}

#[test]
fn combination_needs_min_distinct_signals_and_names_them() {
    assert!(scan("83F in bed 4").is_empty());
    let f = only(&scan("83F in bed 4 last night"), "fixture/combo");
    assert_eq!(f.category, Category::IndirectIdentifier);
    assert!(f.message.contains("age") && f.message.contains("bed") && f.message.contains("time"));
    assert_eq!(f.parts.len(), 3);
}

#[test]
fn quoted_term_is_a_mention_capped_at_info() {
    let f = only(&scan("we never say 'blast' here"), "fixture/swear");
    assert_eq!(f.severity, Severity::Info);
}

#[test]
fn introduced_term_is_a_mention_capped_at_info() {
    let f = only(&scan("the term blast is rude"), "fixture/swear");
    assert_eq!(f.severity, Severity::Info);
}

#[test]
fn channel_rules_apply_only_to_their_channel() {
    assert!(!rules(&scan("NHS 943 476 5919")).contains(&"fixture/whatsapp-id"));
    only(
        &scan_for("NHS 943 476 5919", "whatsapp"),
        "fixture/whatsapp-id",
    );
}

#[test]
fn findings_carry_guidance_and_lines() {
    let f = only(&scan("first line\nphoto of the wound"), "fixture/photo");
    assert_eq!((f.start.line, f.start.column), (2, 1));
    assert_eq!(&*f.why, "Clinical images need consent.");
    assert_eq!(&*f.instead, "Do not post it.");
}

#[test]
fn scanning_twice_gives_the_same_findings() {
    let text = "83F in bed 4 last night, photo of the wound, NHS 943 476 5919, blast";
    assert_eq!(scan(text), scan(text));
}
