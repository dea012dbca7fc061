//! What can be known about a pack pattern from its parsed syntax alone, without compiling it:
//! the literals every match starts with (so the engine's term pass can find where it may start)
//! and a bound on the size of its compiled automaton (so loading knows whether compiling it can
//! fail).
//!
//! The build script includes this file too: it analyses every built-in pattern once, at build
//! time, so that starting presend parses none of them (see `build.rs`). Keep it free of other
//! crate modules; it may use only `regex_syntax` and `regex_automata`.

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// The syntax settings every pack pattern is parsed with: those of a `regex::bytes` regex with
/// Unicode off.
pub fn syntax() -> regex_automata::util::syntax::Config {
    regex_automata::util::syntax::Config::new()
        .unicode(false)
        .utf8(false)
}

/// The most a pattern may cost, in [`nfa_units`], for its compilation to be left until a scan
/// needs it. A unit stands for at most 64 bytes of compiled NFA (measured on every built-in
/// pattern: 12 to 43, plus a fixed part; the bound is checked by the loader's tests), so a
/// pattern under this bound compiles to about 1 MiB at most, a quarter of the size limit: it
/// cannot fail to compile once its syntax has been checked.
/// Patterns over it are compiled when the pack loads.
pub const LAZY_UNITS: u64 = 16 * 1024;

/// A generous upper bound on the size of a pattern's compiled NFA, in units of one state or one
/// class range (each UTF-8 sequence of a Unicode class counted separately), with counted
/// repetitions expanded.
pub fn nfa_units(hir: &Hir) -> u64 {
    let sum = |subs: &[Hir]| {
        subs.iter()
            .fold(1u64, |a, h| a.saturating_add(nfa_units(h)))
    };
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => 1,
        HirKind::Literal(lit) => lit.0.len() as u64 + 1,
        HirKind::Class(Class::Bytes(c)) => c.ranges().len() as u64 + 1,
        // A Unicode range becomes up to a few UTF-8 byte sequences of up to four bytes each.
        HirKind::Class(Class::Unicode(c)) => (c.ranges().len() as u64).saturating_mul(16) + 1,
        HirKind::Repetition(r) => {
            let times = u64::from(r.max.unwrap_or(r.min).max(r.min)).saturating_add(1);
            nfa_units(&r.sub).saturating_mul(times).saturating_add(1)
        }
        HirKind::Capture(c) => nfa_units(&c.sub).saturating_add(2),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => sum(subs),
    }
}

/// The literals every match of a pattern starts with, lower-cased, when the pattern begins with
/// an ASCII word boundary and each literal with an ASCII word character: then a match can only
/// start at an ASCII word start where one of them is (compared ASCII case-insensitively). `None`
/// when the pattern is not of that shape (it then runs unanchored).
pub fn anchor_literals(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    if !starts_with_ascii_boundary(hir) {
        return None;
    }
    let mut lits: Vec<Vec<u8>> = Vec::new();
    for (bytes, _) in prefixes(hir)? {
        let first = *bytes.first()?;
        if !(first.is_ascii_alphanumeric() || first == b'_') {
            return None;
        }
        lits.push(bytes);
    }
    // Shorter literals are a little less selective but keep the automaton small: cut them
    // until there are few (`[0-9]{3}` gives a thousand three-digit literals, or ten digits).
    let mut len = lits.iter().map(Vec::len).max().unwrap_or(0);
    loop {
        lits.iter_mut().for_each(|l| l.truncate(len));
        lits.sort_unstable();
        lits.dedup();
        if lits.len() <= MAX_ANCHOR_LITERALS || len == 1 {
            break;
        }
        len -= 1;
    }
    // Nearly every word starts with one of twenty letters: the shared pass is cheaper.
    let single_letters = lits
        .iter()
        .filter(|l| l.len() == 1 && l[0].is_ascii_alphabetic())
        .count();
    if single_letters > MAX_SINGLE_LETTERS {
        return None;
    }
    // A literal that another one starts with makes the longer one redundant.
    let mut kept: Vec<Vec<u8>> = Vec::with_capacity(lits.len());
    for lit in lits {
        if !kept.iter().any(|k| lit.starts_with(k)) {
            kept.push(lit);
        }
    }
    (!kept.is_empty()).then_some(kept)
}

/// The most literals one anchored pattern adds to the term automaton (a list of 200 town names
/// stays whole; `[0-9]{3}` becomes ten digits).
pub const MAX_ANCHOR_LITERALS: usize = 256;

/// An anchor is worth it only if few words start with it: more than this many single-letter
/// literals (after cutting) and the pattern runs unanchored instead.
const MAX_SINGLE_LETTERS: usize = 3;

/// A literal prefix, and whether it is the whole match (so what follows may extend it).
type Prefix = (Vec<u8>, bool);

/// The most prefixes one part of a pattern may have before they are cut shorter.
const MAX_PREFIXES: usize = 256;

/// Byte classes larger than this (after case folding) end a prefix.
const MAX_CLASS_BYTES: usize = 16;

/// ASCII-lower-cased literal prefixes of `hir`: every match, lower-cased, starts with one of
/// them. `None` when nothing useful can be said (a large class first, a Unicode class). Only
/// the start of the pattern is visited, and case-insensitive patterns give one lower-case
/// literal per word rather than every mix of cases.
fn prefixes(hir: &Hir) -> Option<Vec<Prefix>> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(vec![(Vec::new(), true)]),
        HirKind::Literal(lit) => Some(vec![(lit.0.to_ascii_lowercase(), true)]),
        HirKind::Class(Class::Bytes(c)) => {
            // Stop as soon as the class is too large (most are: `[A-Za-z0-9]`).
            let mut seen = [false; 256];
            let mut bytes: Vec<u8> = Vec::with_capacity(MAX_CLASS_BYTES);
            for r in c.ranges() {
                for b in r.start()..=r.end() {
                    let lower = b.to_ascii_lowercase();
                    if !std::mem::replace(&mut seen[lower as usize], true) {
                        if bytes.len() == MAX_CLASS_BYTES {
                            return None;
                        }
                        bytes.push(lower);
                    }
                }
            }
            bytes.sort_unstable();
            Some(bytes.into_iter().map(|b| (vec![b], true)).collect())
        }
        HirKind::Class(Class::Unicode(_)) => None,
        HirKind::Capture(c) => prefixes(&c.sub),
        HirKind::Alternation(subs) => {
            let mut out = Vec::new();
            for sub in subs {
                out.extend(prefixes(sub)?);
                if out.len() > 2 * MAX_PREFIXES {
                    out = few(out)?;
                }
            }
            few(out)
        }
        HirKind::Repetition(r) => {
            let once = r.min == 1 && r.max == Some(1);
            let mut out: Vec<Prefix> = prefixes(&r.sub)?
                .into_iter()
                .map(|(lit, exact)| (lit, exact && once))
                .collect();
            if r.min == 0 {
                // It may match nothing, and then what follows starts the match.
                out.push((Vec::new(), true));
            }
            few(out)
        }
        HirKind::Concat(subs) => {
            let mut acc: Vec<Prefix> = vec![(Vec::new(), true)];
            for sub in subs {
                if !acc.iter().any(|p| p.1) {
                    break;
                }
                let next = prefixes(sub)
                    .filter(|next| acc.len().saturating_mul(next.len()) <= MAX_PREFIXES);
                let grown = next.as_ref().and_then(|next| {
                    let mut grown = Vec::new();
                    for (lit, exact) in &acc {
                        if !exact {
                            grown.push((lit.clone(), false));
                            continue;
                        }
                        for (more, more_exact) in next {
                            grown.push(([&lit[..], &more[..]].concat(), *more_exact));
                        }
                    }
                    few(grown)
                });
                match grown {
                    Some(g) => acc = g,
                    None => {
                        // Stop here: what was gathered so far is still a prefix.
                        acc.iter_mut().for_each(|p| p.1 = false);
                        break;
                    }
                }
            }
            few(acc)
        }
    }
}

/// `prefixes` without duplicates, cut shorter (and no longer exact) until there are at most
/// [`MAX_PREFIXES`]; `None` if even single bytes are too many.
fn few(mut out: Vec<Prefix>) -> Option<Vec<Prefix>> {
    out.sort_unstable();
    out.dedup();
    let mut len = out.iter().map(|p| p.0.len()).max().unwrap_or(0);
    while out.len() > MAX_PREFIXES {
        if len <= 1 {
            return None;
        }
        len -= 1;
        for p in &mut out {
            if p.0.len() > len {
                p.0.truncate(len);
                p.1 = false;
            }
        }
        out.sort_unstable();
        out.dedup();
    }
    Some(out)
}

/// Whether every match of `hir` starts with an ASCII word boundary assertion.
fn starts_with_ascii_boundary(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Look(look) => matches!(look, Look::WordAscii | Look::WordStartAscii),
        HirKind::Concat(subs) => subs.first().is_some_and(starts_with_ascii_boundary),
        HirKind::Capture(c) => starts_with_ascii_boundary(&c.sub),
        HirKind::Alternation(subs) => subs.iter().all(starts_with_ascii_boundary),
        _ => false,
    }
}
