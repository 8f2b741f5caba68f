//! Durations as Terraform's `timeouts` blocks write them (Go's `time.ParseDuration`: `30s`,
//! `5m`, `1h30m`, `500ms`), and reading a resource's `timeouts` block.

use std::time::Duration;

use serde_json::Value as J;

/// Parses a Go-style duration; `None` when it is not one.
pub(crate) fn parse(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s == "0" {
        return Some(Duration::ZERO);
    }
    let mut rest = s;
    let mut total = Duration::ZERO;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let n: f64 = rest[..num_end].parse().ok()?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let secs = match &rest[..unit_end] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_end..];
        total += Duration::from_secs_f64(n * secs);
    }
    Some(total)
}

/// The `timeouts.<which>` of a resource state or plan, else `default`.
pub(crate) fn timeout(obj: &J, which: &str, default: Duration) -> Duration {
    obj.get("timeouts")
        .and_then(|t| t.get(which))
        .and_then(J::as_str)
        .and_then(parse)
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(s: &str, want: Option<u64>) {
        assert_eq!(parse(s).map(|d| d.as_millis() as u64), want, "{s}");
    }

    #[test]
    fn go_durations() {
        check("30s", Some(30_000));
        check("5m", Some(300_000));
        check("1h30m", Some(5_400_000));
        check("500ms", Some(500));
        check("1.5s", Some(1500));
        check("0", Some(0));
        check("", None);
        check("5", None);
        check("5x", None);
    }
}
