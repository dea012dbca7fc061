//! Calendar dates in the forms people write: `12/03/1948`, `12.3.48`, `12-03-1948`,
//! `1948-03-12`, `12 March 1948`, `12th of Mar '48`, `March 12, 1948`.
//!
//! Why: a date of birth is an identifier only when it is a date at all. `31/02/1948`, `12/13/48`
//! or a score like `14/15` must not be reported, and a regex cannot know that February has 28
//! days, or 29 in a leap year. UK order is day-month-year; a four-digit first field means ISO
//! (year-month-day). Separators must agree (`12/03-1948` is not a date).

use super::{consistent_separators, Verdict};

/// A year as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Year {
    /// Four digits.
    Full(u32),
    /// Two digits, century unknown (`48`).
    TwoDigit(u32),
}

impl Year {
    fn is_leap(self) -> bool {
        match self {
            Year::Full(y) => y % 4 == 0 && (y % 100 != 0 || y % 400 == 0),
            // `00` may be 2000 (leap), so a two-digit year divisible by 4 is given the benefit.
            Year::TwoDigit(y) => y % 4 == 0,
        }
    }

    fn is_plausible(self) -> bool {
        match self {
            Year::Full(y) => (1880..=2100).contains(&y),
            Year::TwoDigit(y) => y < 100,
        }
    }
}

/// Whether day/month/year names a day that exists.
pub fn is_real_date(day: u32, month: u32, year: Year) -> bool {
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year.is_leap() => 29,
        2 => 28,
        _ => return false,
    };
    year.is_plausible() && (1..=days).contains(&day)
}

/// The month a word names (`mar`, `March`, `Sept`), if any.
fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let w = word.to_ascii_lowercase();
    let w = w.trim_end_matches('.');
    if w == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| w.len() >= 3 && m.starts_with(w) && (w.len() == 3 || w.len() == m.len()))
        .map(|i| i as u32 + 1)
}

/// Split into runs of digits and runs of letters, dropping ordinal suffixes and `of`.
fn tokens(text: &str) -> (Vec<&str>, Vec<&str>) {
    let mut numbers = Vec::new();
    let mut words = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let digit = bytes[i].is_ascii_digit();
        let alpha = bytes[i].is_ascii_alphabetic();
        let mut j = i;
        while j < bytes.len()
            && ((digit && bytes[j].is_ascii_digit()) || (alpha && bytes[j].is_ascii_alphabetic()))
        {
            j += 1;
        }
        if digit {
            numbers.push(&text[i..j]);
        } else if alpha {
            let w = &text[i..j];
            let after_number = i > 0 && bytes[i - 1].is_ascii_digit();
            let ordinal = ["st", "nd", "rd", "th"].contains(&w.to_ascii_lowercase().as_str());
            let filler = (after_number && ordinal) || w.eq_ignore_ascii_case("of");
            if !filler {
                words.push(w);
            }
        }
        i = j.max(i + 1);
    }
    (numbers, words)
}

fn year_of(s: &str) -> Option<Year> {
    let n: u32 = s.parse().ok()?;
    match s.len() {
        2 => Some(Year::TwoDigit(n)),
        4 => Some(Year::Full(n)),
        _ => None,
    }
}

fn small(s: &str) -> Option<u32> {
    (1..=2).contains(&s.len()).then(|| s.parse().ok()).flatten()
}

/// `12031948` or `19480312`: eight digits, day first or year first.
fn compact(s: &str) -> bool {
    if s.len() != 8 {
        return false;
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let day_first = is_real_date(n(0..2), n(2..4), Year::Full(n(4..8)));
    let year_first = is_real_date(n(6..8), n(4..6), Year::Full(n(0..4)));
    day_first || year_first
}

/// `12/03/1948`, `12.3.48`, `1948-03-12`, `12 03 1948`, `12031948`.
fn numeric(text: &str, numbers: &[&str]) -> bool {
    if let [one] = numbers {
        return compact(one);
    }
    let [a, b, c] = numbers else { return false };
    if !consistent_separators(text) {
        return false;
    }
    let (day, month, year) = if a.len() == 4 { (c, b, a) } else { (a, b, c) };
    match (small(day), small(month), year_of(year)) {
        (Some(d), Some(m), Some(y)) => is_real_date(d, m, y),
        _ => false,
    }
}

/// `12 March 1948`, `March 12, 1948`, `12th of Mar '48`: the day comes before the year either way.
fn with_month_name(numbers: &[&str], words: &[&str]) -> bool {
    let ([day, year], [word]) = (numbers, words) else {
        return false;
    };
    match (small(day), month_number(word), year_of(year)) {
        (Some(d), Some(m), Some(y)) => is_real_date(d, m, y),
        _ => false,
    }
}

/// The `calendar-date` validator.
pub fn calendar_date(text: &str) -> Verdict {
    let (numbers, words) = tokens(text);
    let ok = if words.is_empty() {
        numeric(text, &numbers)
    } else {
        with_month_name(&numbers, &words)
    };
    Verdict::from_bool(ok)
}

/// The `birth-date` validator: a real calendar date whose four-digit year (when it has one) is
/// not after the current year. A two-digit year has no century, so it cannot be in the future.
pub fn birth_date(text: &str) -> Verdict {
    let latest = current_year();
    let (numbers, _) = tokens(text);
    let future = numbers.iter().any(|n| {
        let year = match n.len() {
            4 => n.parse::<u32>().ok(),
            // `12031948` / `19480312`: either end may hold the year.
            8 => [&n[..4], &n[4..]]
                .iter()
                .filter_map(|y| y.parse::<u32>().ok())
                .filter(|y| (1880..=2100).contains(y))
                .min(),
            _ => None,
        };
        year.is_some_and(|y| y > latest)
    });
    if future {
        return Verdict::INVALID;
    }
    calendar_date(text)
}

/// The current year (UTC) from the system clock; 2100 if the clock is unreadable, so that a
/// broken clock never hides a date of birth.
fn current_year() -> u32 {
    // The browser build has no system clock: `SystemTime::now` panics on wasm32-unknown-unknown.
    if cfg!(all(target_arch = "wasm32", target_os = "unknown")) {
        return 2100;
    }
    let Ok(since) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) else {
        return 2100;
    };
    year_of_day((since.as_secs() / 86_400) as i64)
}

/// The Gregorian year of a day counted from 1970-01-01 (civil-from-days, H. Hinnant).
fn year_of_day(days: i64) -> u32 {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let year = yoe + era * 400 + i64::from(mp >= 10);
    year as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_people_write_are_dates() {
        for d in [
            "12/03/1948",
            "12.3.48",
            "12-03-1948",
            "1948-03-12",
            "12 March 1948",
            "12th March 1948",
            "12th of Mar '48",
            "March 12, 1948",
            "Sept 3 1950",
            "1 Jan 2001",
            "29/02/1948",
            "12 03 1948",
            "12031948",
            "19480312",
        ] {
            assert!(calendar_date(d).valid, "{d}");
        }
    }

    #[test]
    fn impossible_or_implausible_dates_are_not() {
        for d in [
            "31/02/1948",
            "12/13/1948",
            "00/03/1948",
            "29/02/1949",
            "29/02/1900",
            "12/03-1948",
            "12 Marchy 1948",
            "31 April 1948",
            "12/03/1648",
            "12/03/948",
            "120/80",
            "31021948",
            "1234567",
        ] {
            assert!(!calendar_date(d).valid, "{d}");
        }
    }

    #[test]
    fn a_birth_date_is_not_in_the_future() {
        assert!(birth_date("12/03/1948").valid);
        assert!(birth_date("12/03/48").valid);
        assert!(!birth_date("12/03/2099").valid);
        assert!(!birth_date("20990312").valid);
        assert!(!birth_date("31/02/1948").valid);
    }

    #[test]
    fn days_map_to_years() {
        assert_eq!(year_of_day(0), 1970);
        assert_eq!(year_of_day(364), 1970);
        assert_eq!(year_of_day(365), 1971);
        // 2000-02-29 is day 11016; 2024-12-31 is day 20088, 2025-01-01 day 20089.
        assert_eq!(year_of_day(11_016), 2000);
        assert_eq!(year_of_day(20_088), 2024);
        assert_eq!(year_of_day(20_089), 2025);
        assert!(current_year() >= 2025);
    }

    #[test]
    fn leap_years_follow_the_gregorian_rule() {
        assert!(is_real_date(29, 2, Year::Full(2000)));
        assert!(!is_real_date(29, 2, Year::Full(1900)));
        assert!(is_real_date(29, 2, Year::TwoDigit(0)));
    }

    #[test]
    fn month_names_need_three_letters_or_the_full_word() {
        assert_eq!(month_number("Mar"), Some(3));
        assert_eq!(month_number("march"), Some(3));
        assert_eq!(month_number("Sept."), Some(9));
        assert_eq!(month_number("Ma"), None);
        assert_eq!(month_number("Marc"), None);
    }
}
