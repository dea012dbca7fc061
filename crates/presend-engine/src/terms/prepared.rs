//! The term matcher as bytes, so that it can be built once at build time and read in place at
//! start-up: building it from the built-in packs is most of what starting presend costs (the
//! hashing, sorting and allocation of some 22,000 strings), while reading it is a few checks
//! and slices of the binary's own read-only data. [`crate::prepare_terms`] writes the bytes;
//! [`crate::Engine::with_prepared_terms`] reads them.
//!
//! The bytes carry the [`fingerprint`](super::fingerprint) of the input the matcher was built
//! from. A reader given a rule set with another fingerprint (a user's packs, a changed pack)
//! gets `None` and builds the matcher as usual, so prepared bytes can make start-up faster but
//! never change a finding.
//!
//! Layout, in the writer's byte order (a mark in the header lets a reader of the other order
//! refuse); every table begins a multiple of 8 bytes from the start, so it is read in place when
//! the bytes themselves are 8-aligned (otherwise the reader refuses):
//! - the header: [`MAGIC`], the byte-order mark, the anchors flag, the fingerprint;
//! - the slot layout (10 numbers), the bytes that begin a punctuation term (256), the root row
//!   (256 numbers);
//! - the trie's tables, then `checks` and `pattern_checks`: each a count, then its items;
//! - the uses' suggestions and exact forms: a count, then for each the index of its use, and
//!   each string as a length (or none) and its bytes.

use super::{PatternChecks, SlotLayout, Table, TermMatcher, Trie, UseText};
use bytemuck::Pod;

/// The start of prepared bytes; the number is the version of the layout.
const MAGIC: &[u8; 8] = b"PSTERMS1";

/// Written in the writer's byte order: a reader that sees another number runs in the other
/// order.
const BYTE_ORDER: u32 = 0x0102_0304;

/// Marks an absent string where a length would be.
const NONE: u32 = u32::MAX;

impl TermMatcher {
    /// The matcher as bytes, with the fingerprint of the input it was built from.
    pub(crate) fn to_prepared(&self, fingerprint: u64) -> Vec<u8> {
        let mut w = Writer::default();
        w.bytes(MAGIC);
        w.u32(BYTE_ORDER);
        w.u32(u32::from(self.trie.anchors));
        w.u64(fingerprint);
        for n in self.layout.first {
            w.u32(n);
        }
        w.pad();
        w.bytes(&self.trie.punct_first.map(u8::from));
        w.bytes(bytemuck::cast_slice(&self.trie.root[..]));
        w.table(&self.trie.nodes);
        w.table(&self.trie.edges);
        w.table(&self.trie.dense);
        w.table(&self.trie.out_start);
        w.table(&self.trie.outputs);
        w.table(&self.checks);
        w.table(&self.pattern_checks);
        w.u64(self.texts.len() as u64);
        for (check, text) in &self.texts {
            w.u32(*check);
            w.string(text.suggestion.as_deref());
            w.string(text.exact.as_deref());
        }
        w.pad();
        w.0
    }

    /// Whether the tables were read from prepared bytes (they borrow them) rather than built.
    pub(crate) fn is_prepared(&self) -> bool {
        matches!(self.trie.nodes, Table::Borrowed(_))
    }

    /// The matcher `bytes` hold, if they hold one built from input whose fingerprint is
    /// `fingerprint`, in a layout this build reads, in this machine's byte order and 8-aligned.
    pub(crate) fn from_prepared(bytes: &'static [u8], fingerprint: u64) -> Option<TermMatcher> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(MAGIC.len())? != MAGIC || r.u32()? != BYTE_ORDER {
            return None;
        }
        let anchors = r.u32()? != 0;
        if r.u64()? != fingerprint {
            return None;
        }
        let mut layout = SlotLayout::default();
        for n in &mut layout.first {
            *n = r.u32()?;
        }
        r.pad();
        let mut punct_first = [false; 256];
        for (flag, &b) in punct_first.iter_mut().zip(r.take(256)?) {
            *flag = b != 0;
        }
        let root: &'static [u32; 256] = bytemuck::try_cast_slice(r.take(256 * 4)?)
            .ok()?
            .try_into()
            .ok()?;
        let trie = Trie {
            root: Table::Borrowed(root),
            nodes: Table::Borrowed(r.table()?),
            edges: Table::Borrowed(r.table()?),
            dense: Table::Borrowed(r.table()?),
            out_start: Table::Borrowed(r.table()?),
            outputs: Table::Borrowed(r.table()?),
            punct_first,
            anchors,
        };
        let checks: &'static [u32] = r.table()?;
        let pattern_checks: &'static [[u32; 4]] = r.table()?;
        let texts = (0..r.u64()?)
            .map(|_| {
                let check = r.u32()?;
                let suggestion = r.string()?.map(Into::into);
                let exact = r.string()?.map(Into::into);
                Some((check, UseText { suggestion, exact }))
            })
            .collect::<Option<Vec<_>>>()?;
        r.pad();
        let consistent = r.at == bytes.len()
            && trie.out_start.len() == trie.nodes.len() + 1
            && layout.first.windows(2).all(|w| w[0] <= w[1])
            && pattern_checks.iter().all(|&raw| {
                let c = PatternChecks::from_raw(raw);
                c.first <= c.anchors && c.anchors <= c.end && c.end as usize <= checks.len()
            })
            && texts.windows(2).all(|w| w[0].0 < w[1].0);
        consistent.then_some(TermMatcher {
            trie,
            layout,
            checks: Table::Borrowed(checks),
            pattern_checks: Table::Borrowed(pattern_checks),
            texts,
            #[cfg(test)]
            literals: Vec::new(),
            #[cfg(test)]
            patterns: Vec::new(),
        })
    }
}

#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn bytes(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn u32(&mut self, n: u32) {
        self.bytes(&n.to_ne_bytes());
    }

    fn u64(&mut self, n: u64) {
        self.bytes(&n.to_ne_bytes());
    }

    /// Zeros up to the next multiple of 8.
    fn pad(&mut self) {
        let n = self.0.len().next_multiple_of(8);
        self.0.resize(n, 0);
    }

    fn table<T: Pod>(&mut self, items: &[T]) {
        self.pad();
        self.u64(items.len() as u64);
        self.bytes(bytemuck::cast_slice(items));
        self.pad();
    }

    fn string(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.u32(u32::try_from(s.len()).expect("a term is shorter than 4 GB"));
                self.bytes(s.as_bytes());
            }
            None => self.u32(NONE),
        }
    }
}

struct Reader {
    bytes: &'static [u8],
    at: usize,
}

impl Reader {
    fn take(&mut self, n: usize) -> Option<&'static [u8]> {
        let end = self.at.checked_add(n)?;
        let taken = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(taken)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_ne_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_ne_bytes(self.take(8)?.try_into().ok()?))
    }

    fn pad(&mut self) {
        self.at = self.at.next_multiple_of(8).min(self.bytes.len());
    }

    /// A table written by [`Writer::table`], in place: `None` when the bytes are too short or
    /// not aligned for `T`.
    fn table<T: Pod>(&mut self) -> Option<&'static [T]> {
        self.pad();
        let count = usize::try_from(self.u64()?).ok()?;
        let items = self.take(count.checked_mul(size_of::<T>())?)?;
        self.pad();
        bytemuck::try_cast_slice(items).ok()
    }

    fn string(&mut self) -> Option<Option<&'static str>> {
        match self.u32()? {
            NONE => Some(None),
            n => std::str::from_utf8(self.take(n as usize)?).ok().map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{found, EXTRA};
    use super::super::{fingerprint, TermMatcher};
    use crate::rules::{RuleSet, RuleSetBuilder};

    /// The built-in packs plus the term tests' terms with awkward edges.
    fn rules() -> RuleSet {
        let mut b = RuleSetBuilder::default();
        b.add_builtin().unwrap();
        b.add_source("extra.toml", EXTRA).unwrap();
        b.finish().unwrap()
    }

    /// `bytes` copied to a place that lives as long as the test binary, `offset` bytes past an
    /// 8-aligned address.
    fn leaked(bytes: &[u8], offset: usize) -> &'static [u8] {
        let words = vec![0u64; (bytes.len() + offset).div_ceil(8)];
        let all: &'static mut [u8] = bytemuck::cast_slice_mut(Box::leak(words.into_boxed_slice()));
        all[offset..offset + bytes.len()].copy_from_slice(bytes);
        &all[offset..offset + bytes.len()]
    }

    fn prepared(rules: &RuleSet, anchors: &[Vec<Vec<u8>>]) -> (TermMatcher, Vec<u8>, u64) {
        let built = TermMatcher::build(rules, anchors);
        let print = fingerprint(rules, anchors);
        let bytes = built.to_prepared(print);
        (built, bytes, print)
    }

    #[test]
    fn a_prepared_matcher_finds_what_the_built_one_finds() {
        let rules = rules();
        let anchors = vec![
            vec![b"nhs".to_vec(), b"ward".to_vec()],
            vec![b"bed".to_vec()],
        ];
        let (built, bytes, print) = prepared(&rules, &anchors);
        let read = TermMatcher::from_prepared(leaked(&bytes, 0), print).expect("reads back");
        let posts = include_str!("../../../../benches/data/posts-1000.txt");
        let edges = [
            "#ad x-rays naïve NHS nhs Gomer on ward 3, bed 4",
            "the gomer in bed 6 said NHS",
            "",
        ];
        let mut hits = 0;
        for t in edges.iter().copied().chain(posts.lines()) {
            let expected = found(&built, t);
            hits += expected.len();
            assert_eq!(found(&read, t), expected, "{t:?}");
        }
        assert!(hits > 1000, "the texts exercise the matcher ({hits} hits)");
        let suggested = found(&read, "the gomer");
        assert!(
            suggested.iter().any(|h| h.3.as_deref() == Some("patient")),
            "suggestions survive: {suggested:?}"
        );
    }

    #[test]
    fn prepared_bytes_of_other_terms_are_refused() {
        let rules = rules();
        let (_, bytes, print) = prepared(&rules, &[]);
        let other_anchors = [vec![b"nhs".to_vec()]];
        assert_ne!(fingerprint(&rules, &other_anchors), print);
        let builtin = RuleSet::builtin().unwrap();
        assert_ne!(fingerprint(&builtin, &[]), print);
        assert!(TermMatcher::from_prepared(leaked(&bytes, 0), print + 1).is_none());
    }

    #[test]
    fn damaged_or_misaligned_prepared_bytes_are_refused() {
        let rules = RuleSet::builtin().unwrap();
        let (_, bytes, print) = prepared(&rules, &[]);
        assert!(TermMatcher::from_prepared(leaked(&bytes, 0), print).is_some());
        assert!(TermMatcher::from_prepared(leaked(&bytes, 4), print).is_none());
        for cut in [0, 7, 8, 100, bytes.len() / 2, bytes.len() - 8] {
            let short = leaked(&bytes[..cut], 0);
            assert!(TermMatcher::from_prepared(short, print).is_none(), "{cut}");
        }
        let mut longer = bytes.clone();
        longer.extend_from_slice(&[0; 8]);
        assert!(TermMatcher::from_prepared(leaked(&longer, 0), print).is_none());
        let mut other_version = bytes.clone();
        other_version[7] ^= 1;
        assert!(TermMatcher::from_prepared(leaked(&other_version, 0), print).is_none());
    }
}
