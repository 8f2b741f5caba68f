//! Identifiers and facts about the running process that the state records: random lineages and
//! lock IDs, timestamps, and who is acting (`user@host`, pid).
//!
//! Uses only `std` (no `uuid`/`chrono`/`rand`): randomness comes from `/dev/urandom`, falling back
//! to std's randomly seeded hasher where that device does not exist. Nothing here touches state.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A point in time, stored as milliseconds since the Unix epoch (UTC) and shown in RFC 3339
/// (`2024-05-01T12:00:00.123Z`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp {
    pub unix_millis: i64,
}

impl Timestamp {
    /// The current time.
    pub fn now() -> Timestamp {
        let millis = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
        };
        Timestamp {
            unix_millis: millis,
        }
    }

    pub fn from_millis(unix_millis: i64) -> Timestamp {
        Timestamp { unix_millis }
    }

    /// Time elapsed since this instant (zero if it lies in the future).
    pub fn elapsed(&self) -> Duration {
        let now = Timestamp::now().unix_millis;
        Duration::from_millis(u64::try_from(now.saturating_sub(self.unix_millis)).unwrap_or(0))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = self.unix_millis.rem_euclid(1000);
        let secs = self.unix_millis.div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
            rem / 3600,
            (rem / 60) % 60,
            rem % 60
        )
    }
}

/// Converts days since 1970-01-01 to a proleptic Gregorian (year, month, day); Howard Hinnant's
/// well-known `civil_from_days` algorithm.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `n` random bytes: from `/dev/urandom`, or from std's randomly keyed SipHash when that fails.
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        if f.read_exact(&mut buf).is_ok() {
            return buf;
        }
    }
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    for chunk in buf.chunks_mut(8) {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        h.write_i64(Timestamp::now().unix_millis);
        h.write_u32(std::process::id());
        let bytes = h.finish().to_le_bytes();
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
    buf
}

/// A random identifier in the textual UUID (version 4) form, as Terraform uses for lineages and
/// lock IDs: `053c6e09-6d79-4a38-8858-f66ea011cb72`.
pub fn new_uuid() -> String {
    uuid_text(random_bytes(16))
}

/// A UUID-shaped identifier determined by `seed` and `name` (FNV-1a, two 64-bit lanes): the
/// lineage an environment will get at its first write, known before that write.
pub fn derived_uuid(seed: &str, name: &str) -> String {
    let lane = |basis: u64| {
        let mut h = basis;
        for b in seed.bytes().chain([0u8]).chain(name.bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
    };
    let mut bytes = lane(0xcbf2_9ce4_8422_2325).to_be_bytes().to_vec();
    bytes.extend(lane(0x6c62_272e_07bb_0142).to_be_bytes());
    uuid_text(bytes)
}

fn uuid_text(mut b: Vec<u8>) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The host name of this machine (`localhost` when it cannot be found).
pub fn host_name() -> String {
    for file in ["/proc/sys/kernel/hostname", "/etc/hostname"] {
        if let Ok(s) = std::fs::read_to_string(file) {
            let s = s.trim();
            if !s.is_empty() {
                return s.to_string();
            }
        }
    }
    for var in ["HOSTNAME", "COMPUTERNAME"] {
        if let Ok(s) = std::env::var(var) {
            if !s.trim().is_empty() {
                return s.trim().to_string();
            }
        }
    }
    "localhost".to_string()
}

/// The user running this process (`unknown` when no variable names one).
pub fn user_name() -> String {
    for var in ["USER", "LOGNAME", "USERNAME"] {
        if let Ok(s) = std::env::var(var) {
            if !s.trim().is_empty() {
                return s.trim().to_string();
            }
        }
    }
    "unknown".to_string()
}

/// `user@host`, as Terraform records in its lock info.
pub fn who() -> String {
    format!("{}@{}", user_name(), host_name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn shows(millis: i64, want: &str) {
        assert_eq!(Timestamp::from_millis(millis).to_string(), want);
    }

    #[test]
    fn timestamps_render_as_rfc3339() {
        shows(0, "1970-01-01T00:00:00.000Z");
        shows(951_782_400_000, "2000-02-29T00:00:00.000Z");
        shows(1_714_564_800_123, "2024-05-01T12:00:00.123Z");
        shows(-1, "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn uuids_are_well_formed_and_distinct() {
        let a = new_uuid();
        let b = new_uuid();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
        assert_eq!(&a[14..15], "4");
    }

    #[test]
    fn derived_uuids_depend_on_both_inputs() {
        let a = derived_uuid("db-1", "prod");
        assert_eq!(a, derived_uuid("db-1", "prod"));
        assert_ne!(a, derived_uuid("db-2", "prod"));
        assert_ne!(a, derived_uuid("db-1", "dev"));
        assert_ne!(derived_uuid("ab", "c"), derived_uuid("a", "bc"));
        assert_eq!((a.len(), &a[14..15]), (36, "4"));
    }
}
