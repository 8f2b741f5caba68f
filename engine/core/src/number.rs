//! Terraform's number: an arbitrary-precision binary float with a precision in bits, as Go's
//! `big.Float` (which cty uses). Literals parse at 512 bits, integers made by functions carry 64 bits
//! and floats from `f64` math carry 53 bits. Display is the shortest decimal that reads back to the
//! same value at that precision (Go's `Text('f', -1)`).
//!
//! # Precision rules (as cty 1.16 / Terraform 1.11 on Go's `math/big`)
//!
//! * [`Number::parse`]: 512 bits; [`Number::from_i64`], [`Number::from_u64`], [`Number::zero`]: 64;
//!   [`Number::from_f64`] and the infinities: 53; [`Number::from_bigint`]: max(64, bit length).
//! * `add`, `sub`, `div`: correctly rounded (to nearest, ties to even) to the larger operand precision.
//! * `mul`: the product is rounded to 512 bits, and the result precision is the larger of the operand
//!   precisions and the bits that rounded product needs (cty's `Multiply`), so `i64 × i64` is exact.
//! * `rem`: cty's `Modulo`, `x - y·trunc(x/y)` evaluated with big.Float at the precision of `x`.
//! * `neg`, `abs`, `floor`, `ceil`, `trunc`: exact, keep the precision.
//!
//! Values are finite or ±Inf, never NaN. Equality, ordering and hashing are by numeric value
//! (precision and the sign of zero are ignored); [`Number::cty_equals`] is cty's looser `==`. The
//! binary exponent range is Go's (±2³¹): beyond it results overflow to ±Inf or underflow to ±0.
//!
//! # Signed zero (as big.Float, and so Terraform: `tostring(0 * -1)` is `"-0"`, `1/(0 * -1)` is -Inf)
//!
//! Zero carries a sign, which [`fmt::Display`] shows (`-0`) and [`Number::is_sign_negative`] and
//! [`Number::to_f64`] report; it is still zero: `-0 == 0` (same hash, `cmp` Equal),
//! [`Number::is_zero`] holds, [`Number::is_negative`] does not, [`Number::signum`] is 0 and
//! [`Number::to_i64`] is `Some(0)`. Where a result is zero its sign is big.Float's (ToNearestEven):
//!
//! * `add`: `-0 + -0 = -0`, `±0 + ±0 = +0` otherwise; `x + ±0 = x`; an exact cancellation `x + -x`
//!   is `+0`. `sub` is `x + (-y)`: `-0 - +0 = -0`, `0 - 0 = +0`, `x - x = +0`.
//! * `mul`, `div`: the sign is the xor of the operand signs, for zero and infinite results too:
//!   `0 × -1 = -0`, `-0 / 5 = -0`, `1 / -0 = -Inf`, `-1 / -0 = +Inf`, `-1 / Inf = -0`.
//! * `neg` flips it (`neg(0) = -0`); `abs` clears it; `floor`, `ceil`, `trunc` keep the operand's
//!   (`ceil(-0.5) = -0`, `trunc(-0.5) = -0`, `floor(-0) = -0`).
//! * Underflow keeps the sign of the exact result; [`Number::parse`] keeps the literal's (`-0` and
//!   `-1e-1000000000` are -0, as Go's `ParseFloat`); [`Number::from_f64`] keeps the f64's.
//! * `rem` is cty's `x - y·trunc(x/y)` with `trunc` through a big.Int (so an unsigned 0): a zero
//!   remainder is `+0`, but `-0 % y = -0` for `y > 0` (and `+0` for `y < 0`).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{ToPrimitive, Zero};

mod display;
mod parse;
#[cfg(test)]
mod tests;

/// Go's `big.MaxExp` / `big.MinExp`, for the exponent of the `0.1xxx × 2^exp` form.
const MAX_EXP: i64 = i32::MAX as i64;
const MIN_EXP: i64 = i32::MIN as i64;

/// A Terraform number (finite or infinite; never NaN).
#[derive(Clone)]
pub struct Number {
    kind: Kind,
    /// Precision in bits; the mantissa of a finite value never has more significant bits than this.
    prec: u32,
}

/// The value. Finite values are canonical: the mantissa is odd (so the representation of a value is
/// unique, which gives `Eq` and `Hash` for free, up to the sign of zero, which [`Number`]'s `Eq` and
/// `Hash` ignore) and `exp` is the exponent of its lowest bit.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
enum Kind {
    /// ±0 (true for -0).
    Zero(bool),
    Inf(bool),
    Fin {
        neg: bool,
        mant: Mant,
        exp: i64,
    },
}

/// An odd mantissa; `Small` exactly when it fits in 64 bits (so the representation stays unique).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
enum Mant {
    Small(u64),
    Big(BigUint),
}

impl Mant {
    fn bits(&self) -> u64 {
        match self {
            Mant::Small(v) => u64::from(64 - v.leading_zeros()),
            Mant::Big(b) => b.bits(),
        }
    }

    fn big(&self) -> Cow<'_, BigUint> {
        match self {
            Mant::Small(v) => Cow::Owned(BigUint::from(*v)),
            Mant::Big(b) => Cow::Borrowed(b),
        }
    }
}

/// An arithmetic operation with no defined result.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArithmeticError {
    /// `0/0`, `Inf - Inf` and the like.
    #[error("the result is not a number")]
    NotANumber,
}

// ---------------------------------------------------------------------------------------------
// Canonical construction and rounding (round to nearest, ties to even).

/// `None` when the value with lowest-bit exponent `exp` and `bits` mantissa bits is within Go's
/// exponent range, else the overflowed (±Inf) or underflowed (±0) value.
fn out_of_range(neg: bool, exp: i64, bits: u64) -> Option<Kind> {
    let top = exp + bits as i64;
    if top > MAX_EXP {
        Some(Kind::Inf(neg))
    } else if top < MIN_EXP {
        Some(Kind::Zero(neg))
    } else {
        None
    }
}

/// The exact value `±m × 2^exp`, canonicalised (`m = 0` gives a zero of that sign).
fn make_u128(neg: bool, m: u128, exp: i64) -> Kind {
    if m == 0 {
        return Kind::Zero(neg);
    }
    let tz = m.trailing_zeros();
    let m = m >> tz;
    let exp = exp + i64::from(tz);
    if let Some(k) = out_of_range(neg, exp, u64::from(128 - m.leading_zeros())) {
        return k;
    }
    let mant = match u64::try_from(m) {
        Ok(v) => Mant::Small(v),
        Err(_) => Mant::Big(BigUint::from(m)),
    };
    Kind::Fin { neg, mant, exp }
}

/// The exact value `±m × 2^exp`, canonicalised (`m = 0` gives a zero of that sign).
fn make_big(neg: bool, m: BigUint, exp: i64) -> Kind {
    let Some(tz) = m.trailing_zeros() else {
        return Kind::Zero(neg);
    };
    let m = if tz > 0 { m >> tz } else { m };
    let exp = exp + tz as i64;
    let bits = m.bits();
    if let Some(k) = out_of_range(neg, exp, bits) {
        return k;
    }
    let mant = if bits <= 64 {
        Mant::Small(m.to_u64().unwrap_or(0))
    } else {
        Mant::Big(m)
    };
    Kind::Fin { neg, mant, exp }
}

/// `±m × 2^exp` rounded to `prec` bits.
fn round_u128(neg: bool, m: u128, exp: i64, prec: u32) -> Kind {
    let n = 128 - m.leading_zeros();
    if n <= prec {
        return make_u128(neg, m, exp);
    }
    let shift = n - prec;
    let half = (m >> (shift - 1)) & 1 == 1;
    let rest = m & ((1u128 << (shift - 1)) - 1) != 0;
    let mut q = m >> shift;
    if half && (rest || q & 1 == 1) {
        q += 1;
    }
    make_u128(neg, q, exp + i64::from(shift))
}

/// `m` shifted right by `shift` bits, rounded to nearest even; `sticky` says that the true value
/// has nonzero bits below those of `m`.
fn shr_round(m: &BigUint, shift: u64, sticky: bool) -> BigUint {
    if shift == 0 {
        return m.clone();
    }
    let bits = m.bits();
    if shift > bits {
        return BigUint::zero();
    }
    let half = m.bit(shift - 1);
    let rest = sticky || m.trailing_zeros().is_some_and(|tz| tz < shift - 1);
    let mut q = m >> shift;
    if half && (rest || q.bit(0)) {
        q += 1u32;
    }
    q
}

/// `±(m + sticky·ε) × 2^exp` rounded to `prec` bits. With `sticky`, `m` must have more than `prec` bits.
fn round_big(neg: bool, m: BigUint, exp: i64, prec: u32, sticky: bool) -> Kind {
    let n = m.bits();
    if n <= u64::from(prec) {
        debug_assert!(
            !sticky || m.is_zero(),
            "sticky rounding needs the guard bits"
        );
        return make_big(neg, m, exp);
    }
    let shift = n - u64::from(prec);
    make_big(neg, shr_round(&m, shift, sticky), exp + shift as i64)
}

/// `k` rounded to `prec` bits.
fn round_kind(k: &Kind, prec: u32) -> Kind {
    match k {
        Kind::Fin { neg, mant, exp } if mant.bits() > u64::from(prec) => match mant {
            Mant::Small(v) => round_u128(*neg, u128::from(*v), *exp, prec),
            Mant::Big(b) => round_big(*neg, b.clone(), *exp, prec, false),
        },
        _ => k.clone(),
    }
}

fn negate(k: Kind) -> Kind {
    match k {
        Kind::Zero(n) => Kind::Zero(!n),
        Kind::Inf(n) => Kind::Inf(!n),
        Kind::Fin { neg, mant, exp } => Kind::Fin {
            neg: !neg,
            mant,
            exp,
        },
    }
}

/// Below zero (-0 is not).
fn is_neg(k: &Kind) -> bool {
    matches!(k, Kind::Inf(true) | Kind::Fin { neg: true, .. })
}

/// The sign bit (set for -0 too).
fn sign_bit(k: &Kind) -> bool {
    match k {
        Kind::Zero(n) | Kind::Inf(n) | Kind::Fin { neg: n, .. } => *n,
    }
}

// ---------------------------------------------------------------------------------------------
// Arithmetic on values, rounded to a given precision (Go's `z.Add(x, y)` etc. with `z.prec = prec`).

/// `x + y` (or `x - y` when `negate_y`).
fn add_kinds(x: &Kind, y: &Kind, negate_y: bool, prec: u32) -> Result<Kind, ArithmeticError> {
    match (x, y) {
        (Kind::Inf(a), Kind::Inf(b)) if *a != (*b ^ negate_y) => Err(ArithmeticError::NotANumber),
        (Kind::Inf(a), _) => Ok(Kind::Inf(*a)),
        (_, Kind::Inf(b)) => Ok(Kind::Inf(*b ^ negate_y)),
        // -0 + -0 = -0; any other sum of zeros is +0.
        (Kind::Zero(a), Kind::Zero(b)) => Ok(Kind::Zero(*a && (*b ^ negate_y))),
        (_, Kind::Zero(_)) => Ok(round_kind(x, prec)),
        (Kind::Zero(_), _) => {
            let r = round_kind(y, prec);
            Ok(if negate_y { negate(r) } else { r })
        }
        (
            Kind::Fin {
                neg: na,
                mant: a,
                exp: ea,
            },
            Kind::Fin {
                neg: nb,
                mant: b,
                exp: eb,
            },
        ) => Ok(add_finite(*na, a, *ea, *nb ^ negate_y, b, *eb, prec)),
    }
}

fn add_finite(na: bool, a: &Mant, ea: i64, nb: bool, b: &Mant, eb: i64, prec: u32) -> Kind {
    if let (Mant::Small(a), Mant::Small(b)) = (a, b) {
        let emin = ea.min(eb);
        let (da, db) = (ea - emin, eb - emin);
        let (ba, bb) = (
            i64::from(64 - a.leading_zeros()),
            i64::from(64 - b.leading_zeros()),
        );
        if ba + da <= 126 && bb + db <= 126 {
            let (a, b) = (u128::from(*a) << da, u128::from(*b) << db);
            let (neg, m) = if na == nb {
                (na, a + b)
            } else {
                match a.cmp(&b) {
                    Ordering::Equal => return Kind::Zero(false), // exact cancellation: +0
                    Ordering::Greater => (na, a - b),
                    Ordering::Less => (nb, b - a),
                }
            };
            return round_u128(neg, m, emin, prec);
        }
    }
    // Let `a` be the operand with the higher top bit.
    let (ta, tb) = (ea + a.bits() as i64, eb + b.bits() as i64);
    let (na, a, ea, ta, nb, b, eb, tb) = if ta >= tb {
        (na, a, ea, ta, nb, b, eb, tb)
    } else {
        (nb, b, eb, tb, na, a, ea, ta)
    };
    // When `b < 2^l` with `l` at least two bits below both the lowest bit of `a` and the rounding
    // position of the result, every such `b` rounds `a ± b` the same way: replace it by `2^(l-1)`
    // so that the exact sum stays small even across huge exponent gaps.
    let l = (ea - 1).min(ta - i64::from(prec) - 2);
    let (b, eb): (Cow<'_, BigUint>, i64) = if tb <= l {
        (Cow::Owned(BigUint::from(1u32)), l - 1)
    } else {
        (b.big(), eb)
    };
    let emin = ea.min(eb);
    let a = a.big().into_owned() << (ea - emin) as u64;
    let b = b.into_owned() << (eb - emin) as u64;
    let (neg, m) = if na == nb {
        (na, a + b)
    } else {
        match a.cmp(&b) {
            Ordering::Equal => return Kind::Zero(false), // exact cancellation: +0
            Ordering::Greater => (na, a - b),
            Ordering::Less => (nb, b - a),
        }
    };
    round_big(neg, m, emin, prec, false)
}

/// `x × y`; the sign is the xor of the operand signs (zeros included).
fn mul_kinds(x: &Kind, y: &Kind, prec: u32) -> Result<Kind, ArithmeticError> {
    let sign = sign_bit(x) ^ sign_bit(y);
    match (x, y) {
        (Kind::Inf(_), Kind::Zero(_)) | (Kind::Zero(_), Kind::Inf(_)) => {
            Err(ArithmeticError::NotANumber)
        }
        (Kind::Inf(_), _) | (_, Kind::Inf(_)) => Ok(Kind::Inf(sign)),
        (Kind::Zero(_), _) | (_, Kind::Zero(_)) => Ok(Kind::Zero(sign)),
        (
            Kind::Fin {
                neg: na,
                mant: a,
                exp: ea,
            },
            Kind::Fin {
                neg: nb,
                mant: b,
                exp: eb,
            },
        ) => {
            let (neg, exp) = (na ^ nb, ea + eb);
            Ok(match (a, b) {
                (Mant::Small(a), Mant::Small(b)) => {
                    round_u128(neg, u128::from(*a) * u128::from(*b), exp, prec)
                }
                _ => round_big(neg, a.big().as_ref() * b.big().as_ref(), exp, prec, false),
            })
        }
    }
}

/// `x / y`; the sign is the xor of the operand signs (zeros included), so `x/±0` is ±Inf by the
/// signs of `x` and of the zero.
fn div_kinds(x: &Kind, y: &Kind, prec: u32) -> Result<Kind, ArithmeticError> {
    let sign = sign_bit(x) ^ sign_bit(y);
    match (x, y) {
        (Kind::Zero(_), Kind::Zero(_)) | (Kind::Inf(_), Kind::Inf(_)) => {
            Err(ArithmeticError::NotANumber)
        }
        (Kind::Inf(_), _) | (_, Kind::Zero(_)) => Ok(Kind::Inf(sign)),
        (Kind::Zero(_), _) | (_, Kind::Inf(_)) => Ok(Kind::Zero(sign)),
        (
            Kind::Fin {
                neg: na,
                mant: a,
                exp: ea,
            },
            Kind::Fin {
                neg: nb,
                mant: b,
                exp: eb,
            },
        ) => Ok(div_finite(na ^ nb, a, *ea, b, *eb, prec)),
    }
}

fn div_finite(neg: bool, a: &Mant, ea: i64, b: &Mant, eb: i64, prec: u32) -> Kind {
    if let (Mant::Small(a), Mant::Small(b)) = (a, b) {
        if a % b == 0 {
            return round_u128(neg, u128::from(a / b), ea - eb, prec);
        }
    }
    let (a, b) = (a.big(), b.big());
    // Enough quotient bits for the rounding bit and one guard bit; the remainder is the sticky bit.
    let s = (i64::from(prec) + 2 + b.bits() as i64 - a.bits() as i64).max(0) as u64;
    let (q, r) = (a.into_owned() << s).div_rem(b.as_ref());
    round_big(neg, q, ea - eb - s as i64, prec, !r.is_zero())
}

/// `x` truncated toward zero (exact; a zero result keeps the sign of `x`).
fn trunc_kind(k: &Kind) -> Kind {
    match k {
        Kind::Fin { neg, mant, exp } if *exp < 0 => {
            let shift = exp.unsigned_abs();
            if shift >= mant.bits() {
                return Kind::Zero(*neg);
            }
            match mant {
                Mant::Small(v) => make_u128(*neg, u128::from(v >> shift), 0),
                Mant::Big(b) => make_big(*neg, b >> shift, 0),
            }
        }
        _ => k.clone(),
    }
}

/// Compares magnitudes.
fn cmp_mag(a: &Mant, ea: i64, b: &Mant, eb: i64) -> Ordering {
    let (ta, tb) = (ea + a.bits() as i64, eb + b.bits() as i64);
    if ta != tb {
        return ta.cmp(&tb);
    }
    let emin = ea.min(eb);
    match (a, b) {
        // Same top bit and at most 64 bits each: the shifts are below 64.
        (Mant::Small(a), Mant::Small(b)) => {
            (u128::from(*a) << (ea - emin)).cmp(&(u128::from(*b) << (eb - emin)))
        }
        _ => (a.big().into_owned() << (ea - emin) as u64)
            .cmp(&(b.big().into_owned() << (eb - emin) as u64)),
    }
}

// ---------------------------------------------------------------------------------------------

impl Number {
    /// Precision of number literals and of strings converted to numbers.
    pub const LITERAL_PRECISION: u32 = 512;
    /// Precision of integers made by functions (cty's `NumberIntVal`).
    pub const INT_PRECISION: u32 = 64;
    /// Precision of floats from `f64` math (cty's `NumberFloatVal`).
    pub const FLOAT_PRECISION: u32 = 53;

    fn with(kind: Kind, prec: u32) -> Number {
        Number { kind, prec }
    }

    /// Parses a decimal literal (`12`, `-1.5`, `1e-3`, `1E+10`) at 512 bits. `None` when malformed.
    ///
    /// Exactly Go's `big.ParseFloat(s, 10, 512, big.ToNearestEven)`, which cty uses for literals and
    /// for string-to-number conversion: an optional sign, digits with an optional `.` (`1.` and `.5`
    /// are fine), an optional exponent `e`/`E` (power of ten) or `p`/`P` (power of two) with optional
    /// sign; or `Inf`/`inf` with optional sign. No spaces, underscores or prefixes. The rounding is
    /// Go's: exact (so correctly rounded) whenever the decimal exponent, including the count of
    /// fraction digits, is within ±248; beyond that the power of five is itself rounded at 576 bits
    /// as Go does. A literal whose binary exponent leaves ±2³¹ is malformed (Go: "exponent
    /// overflow"); one whose power of five overflows is ±Inf or ±0 (e.g. `1e1000000000` is +Inf).
    /// A zero keeps the literal's sign (`-0`, `-0.0e5` and `-1e-1000000000` are -0, as in Go).
    /// The work is bounded by the literal's length, whatever its exponent.
    pub fn parse(s: &str) -> Option<Number> {
        parse::parse(s)
    }

    /// An integer, exact, at 64 bits (as cty's `NumberIntVal`).
    pub fn from_i64(v: i64) -> Number {
        Number::with(
            make_u128(v < 0, u128::from(v.unsigned_abs()), 0),
            Self::INT_PRECISION,
        )
    }

    /// An unsigned integer, exact, at 64 bits.
    pub fn from_u64(v: u64) -> Number {
        Number::with(make_u128(false, u128::from(v), 0), Self::INT_PRECISION)
    }

    /// A float at 53 bits (as cty's `NumberFloatVal`). `None` for NaN; infinities map to ±Inf and
    /// -0.0 to -0.
    pub fn from_f64(v: f64) -> Option<Number> {
        if v.is_nan() {
            return None;
        }
        let neg = v.is_sign_negative();
        if v.is_infinite() {
            return Some(Number::with(Kind::Inf(neg), Self::FLOAT_PRECISION));
        }
        let bits = v.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (m, exp) = if biased == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), biased - 1075)
        };
        Some(Number::with(
            make_u128(neg, u128::from(m), exp),
            Self::FLOAT_PRECISION,
        ))
    }

    /// +Inf (at 53 bits, as cty's `PositiveInfinity`).
    pub fn pos_inf() -> Number {
        Number::with(Kind::Inf(false), Self::FLOAT_PRECISION)
    }

    /// -Inf (at 53 bits).
    pub fn neg_inf() -> Number {
        Number::with(Kind::Inf(true), Self::FLOAT_PRECISION)
    }

    /// +0 at 64 bits (as cty's `Zero`).
    pub fn zero() -> Number {
        Number::with(Kind::Zero(false), Self::INT_PRECISION)
    }

    /// True for +0 and -0.
    pub fn is_zero(&self) -> bool {
        matches!(self.kind, Kind::Zero(_))
    }

    /// True for values below zero (including -Inf); zero, -0 included, is never negative (as
    /// big.Float's `Sign() < 0`). See [`Number::is_sign_negative`] for the sign bit.
    pub fn is_negative(&self) -> bool {
        is_neg(&self.kind)
    }

    /// True when the sign bit is set: for values below zero and for -0 (big.Float's `Signbit`).
    pub fn is_sign_negative(&self) -> bool {
        sign_bit(&self.kind)
    }

    pub fn is_infinite(&self) -> bool {
        matches!(self.kind, Kind::Inf(_))
    }

    pub fn is_finite(&self) -> bool {
        !self.is_infinite()
    }

    /// True for finite integral values (as big.Float's `IsInt`).
    pub fn is_integer(&self) -> bool {
        match &self.kind {
            Kind::Zero(_) => true,
            Kind::Inf(_) => false,
            Kind::Fin { exp, .. } => *exp >= 0,
        }
    }

    /// -1, 0 or 1 by the sign of the value (0 for -0 too).
    pub fn signum(&self) -> i32 {
        match &self.kind {
            Kind::Zero(_) => 0,
            k if is_neg(k) => -1,
            _ => 1,
        }
    }

    /// The value as i64 when it is an integer that fits (`Some(0)` for -0).
    pub fn to_i64(&self) -> Option<i64> {
        match &self.kind {
            Kind::Zero(_) => Some(0),
            Kind::Inf(_) => None,
            Kind::Fin {
                neg,
                mant: Mant::Small(m),
                exp,
            } if (0..64).contains(exp) => {
                let mag = u128::from(*m) << exp;
                if *neg {
                    (mag <= 1u128 << 63).then(|| (mag as i128).wrapping_neg() as i64)
                } else {
                    i64::try_from(mag).ok()
                }
            }
            Kind::Fin { .. } => None,
        }
    }

    /// The value as u64 when it is a non-negative integer that fits (`Some(0)` for -0).
    pub fn to_u64(&self) -> Option<u64> {
        match &self.kind {
            Kind::Zero(_) => Some(0),
            Kind::Fin {
                neg: false,
                mant: Mant::Small(m),
                exp,
            } if (0..64).contains(exp) => u64::try_from(u128::from(*m) << exp).ok(),
            _ => None,
        }
    }

    /// Nearest f64, ties to even (infinities map to infinities, -0 to -0.0; out of range values
    /// overflow to ±infinity or underflow to ±0 through the subnormals).
    pub fn to_f64(&self) -> f64 {
        let (neg, mant, exp) = match &self.kind {
            Kind::Zero(neg) => return if *neg { -0.0 } else { 0.0 },
            Kind::Inf(neg) => {
                return if *neg {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                }
            }
            Kind::Fin { neg, mant, exp } => (*neg, mant, *exp),
        };
        let sign = if neg { -1.0 } else { 1.0 };
        let top = exp + mant.bits() as i64;
        if top > 1024 {
            return sign * f64::INFINITY;
        }
        // The lowest bit an f64 of this magnitude keeps (normal, else subnormal).
        let lsb = (top - 53).max(-1074);
        let q: u64 = if exp >= lsb {
            // At most 53 bits: exact.
            mant.big().to_u64().unwrap_or(0) << (exp - lsb)
        } else {
            shr_round(&mant.big(), (lsb - exp) as u64, false)
                .to_u64()
                .unwrap_or(0)
        };
        let scale = if lsb >= -1022 {
            f64::from_bits(((lsb + 1023) as u64) << 52)
        } else {
            f64::from_bits(1u64 << (lsb + 1074))
        };
        // q ≤ 2^53 and q·2^lsb is representable (or overflows to infinity): one exact product.
        sign * (q as f64 * scale)
    }

    /// The integer part as a big integer (truncated toward zero); `None` for infinities.
    pub fn to_bigint_trunc(&self) -> Option<BigInt> {
        match trunc_kind(&self.kind) {
            Kind::Zero(_) => Some(BigInt::zero()),
            Kind::Inf(_) => None,
            Kind::Fin { neg, mant, exp } => {
                let mag = mant.big().into_owned() << exp as u64;
                Some(BigInt::from_biguint(
                    if neg { Sign::Minus } else { Sign::Plus },
                    mag,
                ))
            }
        }
    }

    /// An integer, exact, at max(64, bit length) bits (as `new(big.Float).SetInt`).
    pub fn from_bigint(v: &BigInt) -> Number {
        let prec = u32::try_from(v.bits())
            .unwrap_or(u32::MAX)
            .max(Self::INT_PRECISION);
        Number::with(
            make_big(v.sign() == Sign::Minus, v.magnitude().clone(), 0),
            prec,
        )
    }

    /// `self + o`; `Inf + -Inf` is an error (as in Terraform).
    pub fn checked_add(&self, o: &Number) -> Result<Number, ArithmeticError> {
        let prec = self.prec.max(o.prec);
        Ok(Number::with(
            add_kinds(&self.kind, &o.kind, false, prec)?,
            prec,
        ))
    }

    /// `self - o`; `Inf - Inf` is an error (as in Terraform).
    pub fn checked_sub(&self, o: &Number) -> Result<Number, ArithmeticError> {
        let prec = self.prec.max(o.prec);
        Ok(Number::with(
            add_kinds(&self.kind, &o.kind, true, prec)?,
            prec,
        ))
    }

    /// `self × o`; `0 × Inf` is an error (as in Terraform).
    pub fn checked_mul(&self, o: &Number) -> Result<Number, ArithmeticError> {
        let kind = mul_kinds(&self.kind, &o.kind, 512)?;
        let needed = match &kind {
            Kind::Fin { mant, .. } => u32::try_from(mant.bits()).unwrap_or(u32::MAX),
            _ => 0,
        };
        Ok(Number::with(kind, self.prec.max(o.prec).max(needed)))
    }

    /// `self + o`. The undefined sum `Inf + -Inf` (an error in Terraform: use [`Number::checked_add`]
    /// to report it) gives +Inf.
    pub fn add(&self, o: &Number) -> Number {
        self.checked_add(o).unwrap_or_else(|_| Number::pos_inf())
    }

    /// `self - o`. The undefined `Inf - Inf` (an error in Terraform: use [`Number::checked_sub`])
    /// gives +Inf.
    pub fn sub(&self, o: &Number) -> Number {
        self.checked_sub(o).unwrap_or_else(|_| Number::pos_inf())
    }

    /// `self × o`. The undefined `0 × Inf` (an error in Terraform: use [`Number::checked_mul`])
    /// gives +Inf.
    pub fn mul(&self, o: &Number) -> Number {
        self.checked_mul(o).unwrap_or_else(|_| Number::pos_inf())
    }

    /// Division as Terraform does it: `x/±0` is ±Inf (the sign is the xor of the signs, so `1/-0`
    /// is -Inf), `0/0` is an error. `Inf/Inf` is an error too.
    pub fn div(&self, o: &Number) -> Result<Number, ArithmeticError> {
        let prec = self.prec.max(o.prec);
        Ok(Number::with(div_kinds(&self.kind, &o.kind, prec)?, prec))
    }

    /// Terraform's `%`: truncated remainder with the dividend's sign; `x % 0` is `x` (even for an
    /// infinite `x`). Any other infinite operand is an error (Terraform fails on those too).
    /// The result has the precision of `self`. A zero remainder is +0, except `-0 % y` (y > 0),
    /// which is -0 (cty subtracts `y × +0` from `x`).
    pub fn rem(&self, o: &Number) -> Result<Number, ArithmeticError> {
        if o.is_zero() {
            return Ok(self.clone());
        }
        if self.is_infinite() || o.is_infinite() {
            return Err(ArithmeticError::NotANumber);
        }
        let px = self.prec;
        // Integers well inside the precision: no rounding anywhere, so this is the exact remainder
        // (a zero remainder of a nonzero `x` is the cancellation `x - x`, so +0; a zero `x` takes the
        // general path for its sign).
        if let (Some(x), Some(y), false) = (self.to_i64(), o.to_i64(), self.is_zero()) {
            if 64 - x.unsigned_abs().leading_zeros() < px {
                let r = i128::from(x) % i128::from(y);
                return Ok(Number::with(make_u128(r < 0, r.unsigned_abs(), 0), px));
            }
        }
        // cty: rat = x / y; work = SetInt(trunc(rat)) at x's precision; work = y × work; x - work.
        // The truncation goes through a big.Int, which has no -0.
        let rat = div_kinds(&self.kind, &o.kind, px.max(o.prec))?;
        let work = match trunc_kind(&rat) {
            Kind::Zero(_) => Kind::Zero(false),
            k => round_kind(&k, px),
        };
        let work = mul_kinds(&o.kind, &work, px)?;
        Ok(Number::with(add_kinds(&self.kind, &work, true, px)?, px))
    }

    /// `-self`; flips the sign of zero too (`neg(0)` is -0).
    pub fn neg(&self) -> Number {
        Number::with(negate(self.kind.clone()), self.prec)
    }

    /// `|self|`; +0 for ±0.
    pub fn abs(&self) -> Number {
        match &self.kind {
            Kind::Inf(_) => Number::with(Kind::Inf(false), self.prec),
            Kind::Fin { mant, exp, .. } => Number::with(
                Kind::Fin {
                    neg: false,
                    mant: mant.clone(),
                    exp: *exp,
                },
                self.prec,
            ),
            Kind::Zero(_) => Number::with(Kind::Zero(false), self.prec),
        }
    }

    /// The integer part (toward zero); exact, keeps the precision and the sign (`trunc(-0.5)` is -0).
    pub fn trunc(&self) -> Number {
        Number::with(trunc_kind(&self.kind), self.prec)
    }

    /// The greatest integer not above the value; exact, keeps the precision. Infinities stay; a zero
    /// result keeps the sign of the value (`floor(-0)` is -0, `floor(0.5)` is +0).
    pub fn floor(&self) -> Number {
        self.round_integral(true)
    }

    /// The least integer not below the value; exact, keeps the precision. Infinities stay; a zero
    /// result keeps the sign of the value (`ceil(-0.5)` is -0).
    pub fn ceil(&self) -> Number {
        self.round_integral(false)
    }

    fn round_integral(&self, down: bool) -> Number {
        let Kind::Fin { neg, mant, exp } = &self.kind else {
            return self.clone();
        };
        if *exp >= 0 {
            return self.clone();
        }
        let shift = exp.unsigned_abs();
        let mut q = if shift >= mant.bits() {
            BigUint::zero()
        } else {
            mant.big().as_ref() >> shift
        };
        // Not an integer (the mantissa is odd and exp < 0): away from zero when the direction says so.
        if *neg == down {
            q += 1u32;
        }
        // floor/ceil of a p-bit value fits in p bits, so this rounding is exact; q = 0 gives ±0 by `neg`.
        Number::with(round_big(*neg, q, 0, self.prec, false), self.prec)
    }

    /// Precision in bits (53, 64 or 512 in practice).
    pub fn precision(&self) -> u32 {
        self.prec
    }

    /// cty's `==` on numbers (`rawNumberEqual`), which Terraform uses for `==`, `!=` and sets: equal
    /// signs and, when either is an integer, equal integers; otherwise equal display text. So
    /// `0.1` (512 bits) equals the 53-bit float nearest 0.1, which `==` on [`Number`] denies.
    pub fn cty_equals(&self, o: &Number) -> bool {
        if self.signum() != o.signum() {
            return false;
        }
        match (self.is_integer(), o.is_integer()) {
            (true, true) => self == o,
            (false, false) => self == o || self.to_string() == o.to_string(),
            _ => false,
        }
    }
}

impl PartialEq for Number {
    /// Numeric: `-0 == 0`.
    fn eq(&self, o: &Number) -> bool {
        match (&self.kind, &o.kind) {
            (Kind::Zero(_), Kind::Zero(_)) => true,
            (a, b) => a == b,
        }
    }
}
impl Eq for Number {}
impl PartialOrd for Number {
    fn partial_cmp(&self, o: &Number) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Number {
    fn cmp(&self, o: &Number) -> Ordering {
        fn rank(k: &Kind) -> i8 {
            match k {
                Kind::Inf(true) => -2,
                Kind::Fin { neg: true, .. } => -1,
                Kind::Zero(_) => 0,
                Kind::Fin { neg: false, .. } => 1,
                Kind::Inf(false) => 2,
            }
        }
        match (&self.kind, &o.kind) {
            (
                Kind::Fin {
                    neg: na,
                    mant: a,
                    exp: ea,
                },
                Kind::Fin {
                    neg: nb,
                    mant: b,
                    exp: eb,
                },
            ) if na == nb => {
                let c = cmp_mag(a, *ea, b, *eb);
                if *na {
                    c.reverse()
                } else {
                    c
                }
            }
            (a, b) => rank(a).cmp(&rank(b)),
        }
    }
}
impl Hash for Number {
    fn hash<H: Hasher>(&self, h: &mut H) {
        // The representation is canonical, so equal values hash equally whatever their precision;
        // the sign of zero is left out, as -0 == 0.
        match &self.kind {
            Kind::Zero(_) => Kind::Zero(false).hash(h),
            k => k.hash(h),
        }
    }
}
impl fmt::Display for Number {
    /// Go's `Text('f', -1)`: `+Inf`/`-Inf` for infinities, `-0` for -0.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = display::format(self);
        // Honour a width (`{:>8}`); a precision would truncate the text, so it is ignored.
        if f.width().is_some() && f.precision().is_none() {
            f.pad(&text)
        } else {
            f.write_str(&text)
        }
    }
}
impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Number({}, prec {})", display::format(self), self.prec)
    }
}

impl From<i64> for Number {
    fn from(v: i64) -> Number {
        Number::from_i64(v)
    }
}
impl From<i32> for Number {
    fn from(v: i32) -> Number {
        Number::from_i64(i64::from(v))
    }
}
impl From<u64> for Number {
    fn from(v: u64) -> Number {
        Number::from_u64(v)
    }
}
impl From<u32> for Number {
    fn from(v: u32) -> Number {
        Number::from_u64(u64::from(v))
    }
}
impl From<usize> for Number {
    fn from(v: usize) -> Number {
        Number::from_u64(v as u64)
    }
}
