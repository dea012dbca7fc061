//! Rule selectors: the rule, pack and category names a configuration writes (`disable`,
//! `[severity]`) and the command line gives (`--select`, `--extend-select`, `--ignore`), resolved
//! once, when the session opens, into sets of rule indices. Every subcommand then asks
//! the same resolved sets, and a scan looks a finding's rule up instead of matching every
//! pattern against it again.

use crate::suppress::rule_matches;
use presend_core::{Category, Severity};
use presend_rules::RuleSet;
use std::collections::BTreeMap;

/// A set of rules, by index into [`RuleSet::rules`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection(Vec<bool>);

impl Selection {
    /// The rules `pattern` names (`nhs-number`, `uk-identifiers/nhs-number`, a pack id, a
    /// category such as `defamation`, `*`); `None` when it names no loaded rule.
    pub fn resolve(pattern: &str, set: &RuleSet) -> Option<Selection> {
        let members: Vec<bool> = set
            .rules
            .iter()
            .map(|r| rule_matches(pattern, &r.full_id) || r.category.as_str() == pattern.trim())
            .collect();
        members.contains(&true).then_some(Selection(members))
    }

    /// Whether rule `index` is in the set.
    pub fn contains(&self, index: usize) -> bool {
        self.0.get(index).copied().unwrap_or(false)
    }

    fn add(&mut self, other: &Selection) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), false);
        }
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine |= *theirs;
        }
    }
}

/// The command line's rule selectors, as ruff spells them.
#[derive(Debug, Clone, Default)]
pub struct Selectors {
    /// Only these rules run (every rule when empty).
    pub select: Vec<String>,
    /// These run as well as `select`'s.
    pub extend_select: Vec<String>,
    /// These never run.
    pub ignore: Vec<String>,
}

impl Selectors {
    /// Whether no selector was given.
    pub fn is_empty(&self) -> bool {
        self.select.is_empty() && self.extend_select.is_empty() && self.ignore.is_empty()
    }

    /// The rules these selectors turn off: everything outside `select` and `extend_select`
    /// (when `select` is given), and everything `ignore` names. The error names the first
    /// selector that matches no loaded rule, pack or category, with the nearest name that does.
    pub fn resolve(&self, set: &RuleSet) -> Result<RuleSettings, String> {
        let selection = |p: &String| {
            Selection::resolve(p, set).ok_or_else(|| match nearest_selector(p, set) {
                Some(near) => {
                    format!("`{p}` is no loaded rule, pack or category (did you mean `{near}`?)")
                }
                None => format!("`{p}` is no loaded rule, pack or category"),
            })
        };
        let mut off = RuleSettings::default();
        if !self.select.is_empty() {
            let mut on = Selection(vec![false; set.rules.len()]);
            for p in self.select.iter().chain(&self.extend_select) {
                on.add(&selection(p)?);
            }
            off.disabled = Selection(on.0.iter().map(|kept| !kept).collect());
        } else {
            for p in &self.extend_select {
                selection(p)?;
            }
        }
        for p in &self.ignore {
            off.disabled.add(&selection(p)?);
        }
        Ok(off)
    }
}

/// The loaded rule, pack or category name closest to `typo`, if any is close.
fn nearest_selector(typo: &str, set: &RuleSet) -> Option<String> {
    let names = set
        .rules
        .iter()
        .flat_map(|r| [r.full_id.to_string(), r.id.clone(), r.pack.to_string()])
        .chain(Category::ALL.iter().map(|c| c.as_str().to_string()));
    names
        .map(|n| (strsim::jaro_winkler(typo, &n), n))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}

/// Which rules are disabled and which severities are overridden, resolved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleSettings {
    disabled: Selection,
    /// In the order written; a later entry wins.
    severity: Vec<(Selection, Severity)>,
}

impl RuleSettings {
    /// Resolve one table's `disable` list and `[severity]` table; the error is the first
    /// pattern that names no loaded rule.
    pub fn resolve<'a>(
        disable: impl IntoIterator<Item = &'a String>,
        severity: &BTreeMap<String, Severity>,
        set: &RuleSet,
    ) -> Result<RuleSettings, String> {
        let selection = |p: &String| Selection::resolve(p, set).ok_or_else(|| p.clone());
        let mut settings = RuleSettings::default();
        for p in disable {
            settings.disabled.add(&selection(p)?);
        }
        for (p, s) in severity {
            settings.severity.push((selection(p)?, *s));
        }
        Ok(settings)
    }

    /// These settings refined by `later` (a `per-path` table after the top level).
    pub fn extend(&mut self, later: &RuleSettings) {
        self.disabled.add(&later.disabled);
        self.severity.extend(later.severity.iter().cloned());
    }

    /// Whether rule `index` is disabled.
    pub fn is_disabled(&self, index: usize) -> bool {
        self.disabled.contains(index)
    }

    /// Rule `index`'s severity: the last override that names it, else `default`.
    pub fn severity(&self, index: usize, default: Severity) -> Severity {
        self.severity
            .iter()
            .rfind(|(s, _)| s.contains(index))
            .map_or(default, |(_, severity)| *severity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_resolve_to_the_rules_they_name() {
        let set = RuleSet::builtin().unwrap();
        let nhs = set.find("uk-identifiers/nhs-number").unwrap();
        let pack = Selection::resolve("uk-identifiers", &set).unwrap();
        assert!(pack.contains(nhs));
        assert!(Selection::resolve("nhs-number", &set)
            .unwrap()
            .contains(nhs));
        assert!(Selection::resolve("nhs", &set).is_none());
        let later_wins: BTreeMap<String, Severity> =
            [("nhs-number".to_string(), Severity::Info)].into();
        let mut s = RuleSettings::resolve(&Vec::new(), &BTreeMap::new(), &set).unwrap();
        s.extend(&RuleSettings::resolve(&Vec::new(), &later_wins, &set).unwrap());
        assert_eq!(s.severity(nhs, Severity::Error), Severity::Info);
        assert!(!s.is_disabled(nhs));
        let unknown = RuleSettings::resolve(&vec!["nhs-nmber".to_string()], &BTreeMap::new(), &set);
        assert_eq!(unknown.unwrap_err(), "nhs-nmber");
    }

    #[test]
    fn select_keeps_only_what_it_names_and_ignore_removes() {
        let set = RuleSet::builtin().unwrap();
        let nhs = set.find("uk-identifiers/nhs-number").unwrap();
        let libel = set
            .rules
            .iter()
            .position(|r| r.category == Category::Defamation)
            .unwrap();
        let words = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let only_defamation = Selectors {
            select: words(&["defamation"]),
            ..Selectors::default()
        }
        .resolve(&set)
        .unwrap();
        assert!(only_defamation.is_disabled(nhs));
        assert!(!only_defamation.is_disabled(libel));
        let extended = Selectors {
            select: words(&["defamation"]),
            extend_select: words(&["nhs-number"]),
            ignore: words(&[]),
        }
        .resolve(&set)
        .unwrap();
        assert!(!extended.is_disabled(nhs));
        let ignored = Selectors {
            ignore: words(&["uk-identifiers"]),
            ..Selectors::default()
        }
        .resolve(&set)
        .unwrap();
        assert!(ignored.is_disabled(nhs) && !ignored.is_disabled(libel));
        let typo = Selectors {
            select: words(&["defamaton"]),
            ..Selectors::default()
        }
        .resolve(&set)
        .unwrap_err();
        assert!(typo.contains("did you mean `defamation`?"), "{typo}");
    }
}
