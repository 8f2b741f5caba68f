//! Randomness: the operating system's CSPRNG for everything, except a deterministic generator
//! when a resource is given a `seed` (`random_integer`), so the same seed always gives the same
//! result on every machine.
//!
//! Uniform choices use rejection sampling, so no value is more likely than another.

use infra_core::{Diagnostic, Diagnostics};
use sha2::{Digest, Sha256};

/// A source of uniformly distributed 64-bit words.
pub(crate) trait RandomSource {
    fn next_u64(&mut self) -> Result<u64, Diagnostics>;

    /// A uniform integer in `0..n` (`n` > 0; `n` = 0 stands for 2^64).
    fn below(&mut self, n: u64) -> Result<u64, Diagnostics> {
        if n == 0 {
            return self.next_u64();
        }
        // Accept only draws below the largest multiple of n that fits in 64 bits; the draws above
        // it would make the smallest remainders more likely.
        let zone = u64::MAX - (u64::MAX - n + 1) % n;
        loop {
            let x = self.next_u64()?;
            if x <= zone {
                return Ok(x % n);
            }
        }
    }

    /// A uniform index into a slice of `len` elements; an error for an empty slice.
    fn index(&mut self, len: usize) -> Result<usize, Diagnostics> {
        let n = u64::try_from(len).ok().filter(|&n| n > 0).ok_or_else(|| {
            Diagnostics::from(Diagnostic::error(
                "Nothing to choose from",
                "A random choice was asked of an empty set of values. This is a bug in infra.",
            ))
        })?;
        Ok(usize::try_from(self.below(n)?).unwrap_or(0))
    }
}

/// The operating system's cryptographically secure generator.
pub(crate) struct OsRandom;

impl RandomSource for OsRandom {
    fn next_u64(&mut self) -> Result<u64, Diagnostics> {
        getrandom::u64().map_err(|e| rng_failed(e).into())
    }
}

/// Fills `buf` from the operating system's CSPRNG.
pub(crate) fn fill(buf: &mut [u8]) -> Result<(), Diagnostics> {
    getrandom::fill(buf).map_err(|e| rng_failed(e).into())
}

fn rng_failed(e: getrandom::Error) -> Diagnostic {
    Diagnostic::error(
        "Random number generation failed",
        format!("The operating system's random number generator failed: {e}. Check that the system can provide randomness, then retry."),
    )
}

/// A deterministic generator (xoshiro256**) whose state is the SHA-256 of a seed string.
pub(crate) struct SeededRandom {
    s: [u64; 4],
}

impl SeededRandom {
    pub(crate) fn new(seed: &str) -> SeededRandom {
        let digest = Sha256::digest(seed.as_bytes());
        let mut s = [0u64; 4];
        for (i, chunk) in digest.chunks_exact(8).enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            s[i] = u64::from_le_bytes(b);
        }
        if s == [0; 4] {
            s[0] = 1; // the all-zero state is the one xoshiro cannot leave
        }
        SeededRandom { s }
    }
}

impl RandomSource for SeededRandom {
    fn next_u64(&mut self) -> Result<u64, Diagnostics> {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        Ok(result)
    }
}

/// A random non-negative 63-bit integer in decimal, as Go's `rand.Int()` gives the null provider.
pub(crate) fn decimal_id() -> Result<String, Diagnostics> {
    Ok((OsRandom.next_u64()? >> 1).to_string())
}

/// A random (version 4) UUID, as `terraform_data` ids are.
pub(crate) fn uuid_v4() -> Result<String, Diagnostics> {
    let mut b = [0u8; 16];
    fill(&mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = crate::attrs::hex(&b);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_generators_repeat_and_differ_by_seed() {
        let draw = |seed: &str| {
            let mut r = SeededRandom::new(seed);
            (0..8).map(|_| r.below(1000).unwrap()).collect::<Vec<_>>()
        };
        assert_eq!(draw("abc"), draw("abc"));
        assert_ne!(draw("abc"), draw("abd"));
        assert!(draw("").iter().all(|&x| x < 1000));
    }

    #[test]
    fn below_stays_in_range() {
        let mut r = SeededRandom::new("range");
        for n in [1u64, 2, 3, 7, 10, u64::MAX] {
            for _ in 0..100 {
                assert!(r.below(n).unwrap() < n);
            }
        }
        assert_eq!(r.below(1).unwrap(), 0);
        let _ = r.below(0).unwrap();
        assert!(r.index(0).is_err());
        assert_eq!(r.index(1).unwrap(), 0);
    }

    #[test]
    fn ids_have_their_shapes() {
        let d = decimal_id().unwrap();
        assert!(d.parse::<i64>().is_ok_and(|n| n >= 0), "{d}");
        let u = uuid_v4().unwrap();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"), "{u}");
    }
}
