//! The term automaton of the built-in packs, prepared by the build script and embedded, so that
//! a session reads it in place instead of building it on every start. An engine whose packs
//! are not exactly the built-in ones builds its own (see
//! [`Engine::with_prepared_terms`]).

use presend_engine::Engine;
use presend_rules::RuleSet;

/// Bytes at an 8-aligned address: the engine reads the prepared tables in place only then.
#[repr(C, align(8))]
struct Aligned<B: ?Sized>(B);

static BUILTIN_TERMS: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(
    env!("OUT_DIR"),
    "/builtin-terms.bin"
)));

/// Compile `rules`, with the prepared term automaton when `rules` has the built-in terms.
pub(crate) fn engine(rules: RuleSet) -> Engine {
    Engine::with_prepared_terms(rules, &BUILTIN_TERMS.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use presend_core::text::Segment;
    use presend_rules::RuleSetBuilder;

    #[test]
    fn the_built_in_packs_use_the_prepared_automaton() {
        let engine = engine(RuleSet::builtin().unwrap());
        assert!(
            engine.terms_prepared(),
            "the embedded automaton matches the packs"
        );
    }

    #[test]
    fn other_packs_build_their_own_automaton() {
        let mut b = RuleSetBuilder::default();
        b.add_builtin().unwrap();
        // A trust's own pack: new terms, and local words added to a built-in lexicon.
        let ours = include_str!("../../../examples/packs/our-trust.toml");
        b.add_source("our-trust.toml", ours).unwrap();
        let engine = engine(b.finish().unwrap());
        assert!(!engine.terms_prepared());
        let draft = Segment::document("draft.txt", "the punter in bay 2 is a proper wally");
        let found = engine.scan(&draft);
        assert!(
            found.iter().any(|f| &*f.rule == "our-trust/local-slang"),
            "the user's term is matched: {found:?}"
        );
    }

    #[test]
    fn the_prepared_automaton_finds_what_a_built_one_finds() {
        let prepared = engine(RuleSet::builtin().unwrap());
        let built = Engine::new(RuleSet::builtin().unwrap());
        let posts = include_str!("../../../benches/data/posts-1000.txt");
        let mut findings = 0;
        for (i, post) in posts.lines().enumerate() {
            let segment = Segment::document(format!("post-{i}.txt"), post);
            let expected = built.scan(&segment);
            findings += expected.len();
            assert_eq!(prepared.scan(&segment), expected, "post {i}");
        }
        assert!(findings > 100, "the posts give findings ({findings})");
    }
}
