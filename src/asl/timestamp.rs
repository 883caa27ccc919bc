//! Timestamps as Wait `Timestamp` and the Choice `Timestamp…` operators take them: RFC 3339
//! date-times with an uppercase `T` and `Z` or a numeric offset.
//!
//! ```text
//! timestamp := YYYY '-' MM '-' DD 'T' hh ':' mm ':' ss ( '.' digit+ )? ( 'Z' | ('+'|'-') hh ':' mm )
//! ```
//!
//! Field ranges: month 01–12, day valid for the month (leap years included), hour 00–23,
//! minute 00–59, second 00–60 (60 for a leap second), offset hours 00–23 and minutes 00–59.

use super::{char_at, char_range, SyntaxError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp {
    pub year: u32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// Offset from UTC in minutes (`Z` is 0).
    pub offset_minutes: i32,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub fn is_leap_year(year: u32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

pub fn parse(s: &str) -> Result<Timestamp, SyntaxError> {
    let mut p = Parser {
        s,
        b: s.as_bytes(),
        i: 0,
    };
    if s.is_empty() {
        return Err(SyntaxError::new("the timestamp is empty", 0..0));
    }
    let year = p.number(4, "a 4-digit year")?;
    p.expect(b'-', "'-' after the year")?;
    let month = p.number(2, "a 2-digit month")?;
    if !(1..=12).contains(&month) {
        return Err(SyntaxError::new(
            format!("month {month} is out of range (01–12)"),
            p.i - 2..p.i,
        ));
    }
    p.expect(b'-', "'-' after the month")?;
    let day = p.number(2, "a 2-digit day")?;
    let days = days_in_month(year, month);
    if day == 0 || day > days {
        let month_name = MONTHS[month as usize - 1];
        let message = if day == 0 {
            "day 0 is out of range: days start at 01".to_string()
        } else if month == 2 {
            format!("day {day} is out of range: February {year} has {days} days")
        } else {
            format!("day {day} is out of range: {month_name} has {days} days")
        };
        return Err(SyntaxError::new(message, p.i - 2..p.i));
    }
    match p.peek() {
        None => return Err(SyntaxError::new(
            "the time is missing: a timestamp needs a date and a time, e.g. 2016-03-14T01:59:00Z",
            0..p.i,
        )),
        Some(b'T') => p.i += 1,
        Some(b't') => {
            return Err(SyntaxError::new(
                "the date and the time must be separated by an uppercase 'T', not 't'",
                p.i..p.i + 1,
            ))
        }
        Some(b' ') => {
            return Err(SyntaxError::new(
                "the date and the time must be separated by 'T', not a space",
                p.i..p.i + 1,
            ))
        }
        Some(_) => return Err(p.unexpected("'T' between the date and the time")),
    }
    let hour = p.number(2, "a 2-digit hour")?;
    if hour > 23 {
        return Err(SyntaxError::new(
            format!("hour {hour} is out of range (00–23)"),
            p.i - 2..p.i,
        ));
    }
    p.expect(b':', "':' after the hour")?;
    let minute = p.number(2, "2-digit minutes")?;
    if minute > 59 {
        return Err(SyntaxError::new(
            format!("minute {minute} is out of range (00–59)"),
            p.i - 2..p.i,
        ));
    }
    if p.peek().is_none() || matches!(p.peek(), Some(b'Z' | b'+' | b'-')) {
        return Err(SyntaxError::new(
            "the seconds are missing: write hh:mm:ss, e.g. 01:59:00",
            p.i - 5..p.i,
        ));
    }
    p.expect(b':', "':' after the minutes")?;
    let second = p.number(2, "2-digit seconds")?;
    if second > 60 {
        return Err(SyntaxError::new(
            format!("second {second} is out of range (00–59)"),
            p.i - 2..p.i,
        ));
    }
    if p.peek() == Some(b'.') {
        p.i += 1;
        let start = p.i;
        while p.peek().is_some_and(|c| c.is_ascii_digit()) {
            p.i += 1;
        }
        if p.i == start {
            return Err(p.unexpected("digits after the '.' of the fractional seconds"));
        }
    }
    let offset_minutes = match p.peek() {
        None => {
            return Err(SyntaxError::new(
                "the time zone is missing: end with 'Z' for UTC or an offset like +02:00",
                0..s.len(),
            ))
        }
        Some(b'Z') => {
            p.i += 1;
            0
        }
        Some(b'z') => {
            return Err(SyntaxError::new(
                "the UTC designator must be an uppercase 'Z', not 'z'",
                p.i..p.i + 1,
            ))
        }
        Some(sign @ (b'+' | b'-')) => {
            let start = p.i;
            p.i += 1;
            let digits = s.as_bytes()[p.i..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if digits == 4 {
                return Err(SyntaxError::new(
                    "the offset must be written as +hh:mm or -hh:mm, e.g. +02:00",
                    start..p.i + digits,
                ));
            }
            let hours = p.number(2, "a 2-digit offset hour, as in +02:00")?;
            if hours > 23 {
                return Err(SyntaxError::new(
                    format!("offset hour {hours} is out of range (00–23)"),
                    p.i - 2..p.i,
                ));
            }
            if p.peek() != Some(b':') {
                return Err(SyntaxError::new(
                    "the offset must be written as +hh:mm or -hh:mm, e.g. +02:00",
                    start..(p.i + 2).min(s.len()).max(p.i),
                ));
            }
            p.i += 1;
            let minutes = p.number(2, "2-digit offset minutes, as in +02:00")?;
            if minutes > 59 {
                return Err(SyntaxError::new(
                    format!("offset minute {minutes} is out of range (00–59)"),
                    p.i - 2..p.i,
                ));
            }
            let total = (hours * 60 + minutes) as i32;
            if sign == b'-' {
                -total
            } else {
                total
            }
        }
        Some(_) => return Err(p.unexpected("'Z' or an offset like +02:00 after the time")),
    };
    if p.i < s.len() {
        return Err(p.unexpected("nothing after the time zone"));
    }
    Ok(Timestamp {
        year,
        month,
        day,
        hour,
        minute,
        second,
        offset_minutes,
    })
}

struct Parser<'s> {
    s: &'s str,
    b: &'s [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn unexpected(&self, expected: &str) -> SyntaxError {
        match char_at(self.s, self.i) {
            Some(c) => SyntaxError::new(
                format!("expected {expected}, found '{c}'"),
                char_range(self.s, self.i),
            ),
            None => SyntaxError::new(
                format!("expected {expected}, but the timestamp ends"),
                self.s.len().saturating_sub(1)..self.s.len(),
            ),
        }
    }

    fn expect(&mut self, c: u8, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.unexpected(what))
        }
    }

    /// Exactly `n` ASCII digits.
    fn number(&mut self, n: usize, what: &str) -> Result<u32, SyntaxError> {
        let start = self.i;
        let mut value = 0u32;
        while self.i < start + n {
            match self.peek() {
                Some(c) if c.is_ascii_digit() => {
                    value = value * 10 + u32::from(c - b'0');
                    self.i += 1;
                }
                _ => {
                    let found_digits = self.i - start;
                    if found_digits > 0 {
                        return Err(SyntaxError::new(
                            format!(
                                "expected {what}, found only {found_digits} digit{}",
                                if found_digits == 1 { "" } else { "s" }
                            ),
                            start..self.i,
                        ));
                    }
                    return Err(self.unexpected(what));
                }
            }
        }
        if self.peek().is_some_and(|c| c.is_ascii_digit()) {
            let mut end = self.i;
            while self.b.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
            return Err(SyntaxError::new(
                format!("expected {what}, found {} digits", end - start),
                start..end,
            ));
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> SyntaxError {
        match parse(s) {
            Ok(t) => panic!("{s:?} should not parse: {t:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn accepts_rfc3339() {
        let t = parse("2016-03-14T01:59:00Z").unwrap();
        assert_eq!(
            (
                t.year,
                t.month,
                t.day,
                t.hour,
                t.minute,
                t.second,
                t.offset_minutes
            ),
            (2016, 3, 14, 1, 59, 0, 0)
        );
        assert_eq!(
            parse("2016-03-14T01:59:00.123+02:00")
                .unwrap()
                .offset_minutes,
            120
        );
        assert_eq!(
            parse("2016-03-14T01:59:00-05:30").unwrap().offset_minutes,
            -330
        );
        for s in [
            "2024-02-29T00:00:00Z",
            "2000-02-29T23:59:59Z",
            "2016-12-31T23:59:60Z",
            "2016-03-14T01:59:00.123456789Z",
            "0000-01-01T00:00:00+23:59",
            "2016-04-30T00:00:00-00:00",
        ] {
            parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}"));
        }
    }

    #[test]
    fn rejects_with_a_reason() {
        let cases: &[(&str, &str, std::ops::Range<usize>)] = &[
            ("", "empty", 0..0),
            ("2016-03-14 01:59:00Z", "not a space", 10..11),
            ("2016-03-14t01:59:00Z", "uppercase 'T', not 't'", 10..11),
            ("2016-03-14T01:59:00z", "uppercase 'Z', not 'z'", 19..20),
            ("2016-13-01T00:00:00Z", "month 13 is out of range", 5..7),
            ("2016-00-01T00:00:00Z", "month 0 is out of range", 5..7),
            (
                "2016-02-30T00:00:00Z",
                "day 30 is out of range: February 2016 has 29 days",
                8..10,
            ),
            ("2023-02-29T00:00:00Z", "February 2023 has 28 days", 8..10),
            ("1900-02-29T00:00:00Z", "February 1900 has 28 days", 8..10),
            (
                "2016-04-31T00:00:00Z",
                "day 31 is out of range: April has 30 days",
                8..10,
            ),
            ("2016-04-00T00:00:00Z", "day 0", 8..10),
            ("2016-03-14T24:00:00Z", "hour 24 is out of range", 11..13),
            ("2016-03-14T01:60:00Z", "minute 60 is out of range", 14..16),
            ("2016-03-14T01:59:61Z", "second 61 is out of range", 17..19),
            ("2016-03-14T01:59:00+24:00", "offset hour 24", 20..22),
            ("2016-03-14T01:59:00+02:60", "offset minute 60", 23..25),
            ("2016-03-14T01:59:00+0200", "+hh:mm", 19..24),
            ("2016-03-14T01:59:00", "time zone is missing", 0..19),
            ("2016-03-14", "time is missing", 0..10),
            ("2016-03-14T01:59Z", "seconds are missing", 11..16),
            ("2016-03-14T01:59:00.Z", "digits after the '.'", 20..21),
            (
                "2016-03-14T01:59:00ZZ",
                "nothing after the time zone",
                20..21,
            ),
            (
                "16-03-14T01:59:00Z",
                "4-digit year, found only 2 digits",
                0..2,
            ),
            (
                "2016-3-14T01:59:00Z",
                "2-digit month, found only 1 digit",
                5..6,
            ),
            ("20160-03-14T01:59:00Z", "found 5 digits", 0..5),
            (
                "2016/03/14T01:59:00Z",
                "'-' after the year, found '/'",
                4..5,
            ),
            ("2016-03-14T01:59:00é", "found 'é'", 19..21),
            ("2016-03-14T01:59:00+02:", "offset minutes", 22..23),
            ("now", "4-digit year", 0..1),
        ];
        for (s, needle, range) in cases {
            let e = err(s);
            assert!(
                e.message.contains(needle),
                "{s:?}: {:?} lacks {needle:?}",
                e.message
            );
            assert_eq!(&e.offset_range, range, "{s:?}: {}", e.message);
        }
    }

    #[test]
    fn never_panics_on_truncations() {
        let full = "2016-03-14T01:59:00.123+02:00";
        for end in 0..=full.len() {
            let _ = parse(&full[..end]);
            let _ = parse(&format!("{}é", &full[..end]));
        }
    }
}
