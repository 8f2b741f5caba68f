//! Go duration strings (`"300ms"`, `"1.5h"`, `"2h45m"`), parsed as Go's `time.ParseDuration` does,
//! since that is what Terraform's time provider uses to read `create_duration` and
//! `destroy_duration`. Negative durations are refused: a sleep cannot last less than nothing.

use std::time::Duration;

/// Parses a Go duration string; the error is a sentence for a diagnostic detail.
pub(crate) fn parse_go_duration(s: &str) -> Result<Duration, String> {
    let invalid = || format!("{s:?} is not a valid duration.");
    let mut rest = s;
    let mut negative = false;
    if let Some(r) = rest.strip_prefix('-') {
        negative = true;
        rest = r;
    } else if let Some(r) = rest.strip_prefix('+') {
        rest = r;
    }
    if rest == "0" {
        return Ok(Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int_part, r) = rest.split_at(int_len);
        rest = r;
        let mut frac_part = "";
        if let Some(r) = rest.strip_prefix('.') {
            let frac_len = r.bytes().take_while(u8::is_ascii_digit).count();
            (frac_part, rest) = r.split_at(frac_len);
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(invalid());
        }
        let unit_len = rest
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (unit, r) = rest.split_at(unit_len);
        rest = r;
        if unit.is_empty() {
            return Err(format!("{s:?} has a number without a unit. Add one of ns, us, ms, s, m or h, as in \"30s\"."));
        }
        let nanos_per_unit: u128 = match unit {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "{s:?} has the unknown unit {unit:?}. Valid units are ns, us, ms, s, m and h."
                ))
            }
        };
        let int: u128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| too_long(s))?
        };
        let mut nanos = int.checked_mul(nanos_per_unit).ok_or_else(|| too_long(s))?;
        // Fractions are truncated to whole nanoseconds, as Go does.
        let mut scale: u128 = 1;
        let mut frac: u128 = 0;
        for d in frac_part.bytes().take(30) {
            frac = frac * 10 + u128::from(d - b'0');
            scale *= 10;
        }
        nanos += frac * nanos_per_unit / scale;
        total = total.checked_add(nanos).ok_or_else(|| too_long(s))?;
        if total > i64::MAX as u128 {
            return Err(too_long(s));
        }
    }
    if negative && total > 0 {
        return Err(format!(
            "{s:?} is negative; a duration must be zero or more."
        ));
    }
    let secs = u64::try_from(total / 1_000_000_000).map_err(|_| too_long(s))?;
    Ok(Duration::new(secs, (total % 1_000_000_000) as u32))
}

fn too_long(s: &str) -> String {
    format!("{s:?} is longer than the longest duration allowed (about 292 years).")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn ok(s: &str, nanos: u128) {
        assert_eq!(parse_go_duration(s).map(|d| d.as_nanos()), Ok(nanos), "{s}");
    }

    #[track_caller]
    fn err(s: &str, fragment: &str) {
        let e = parse_go_duration(s).unwrap_err();
        assert!(e.contains(fragment), "{s}: {e}");
    }

    #[test]
    fn parses_as_go_does() {
        ok("0", 0);
        ok("0s", 0);
        ok("50ms", 50_000_000);
        ok("1m30s", 90_000_000_000);
        ok("1.5h", 5_400_000_000_000);
        ok("2h45m", 9_900_000_000_000);
        ok(".5s", 500_000_000);
        ok("1.s", 1_000_000_000);
        ok("10us", 10_000);
        ok("10\u{b5}s", 10_000);
        ok("10\u{3bc}s", 10_000);
        ok("1ns", 1);
        ok("+5s", 5_000_000_000);
        ok("-0", 0);
        ok("2562047h", 2_562_047 * 3_600_000_000_000);
    }

    #[test]
    fn refuses_what_go_refuses_and_negatives() {
        err("", "not a valid duration");
        err("s", "not a valid duration");
        err(".s", "not a valid duration");
        err("30", "without a unit");
        err("1d", "unknown unit \"d\"");
        err("1 s", "unknown unit");
        err("-5s", "negative");
        err("2562048h", "longest duration");
        err(
            "99999999999999999999999999999999999999999h",
            "longest duration",
        );
    }
}
