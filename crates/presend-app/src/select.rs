//! Rule selectors: the rule and pack names a configuration writes (`disable`, `[severity]`),
//! resolved once, when the session opens, into sets of rule indices. Every subcommand then asks
//! the same resolved sets, and a scan looks a finding's rule up instead of matching every
//! pattern against it again.

use crate::suppress::rule_matches;
use presend_core::Severity;
use presend_rules::RuleSet;
use std::collections::BTreeMap;

/// A set of rules, by index into [`RuleSet::rules`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection(Vec<bool>);

impl Selection {
    /// The rules `pattern` names (`nhs-number`, `uk-identifiers/nhs-number`, a pack id, `*`);
    /// `None` when it names no loaded rule.
    pub fn resolve(pattern: &str, set: &RuleSet) -> Option<Selection> {
        let members: Vec<bool> = set
            .rules
            .iter()
            .map(|r| rule_matches(pattern, &r.full_id))
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
}
