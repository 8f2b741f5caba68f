//! Terraform's number: an arbitrary-precision binary float with a precision in bits, as Go's
//! `big.Float` (which cty uses). Literals parse at 512 bits, integers made by functions carry 64 bits
//! and floats from `f64` math carry 53 bits; arithmetic uses the larger operand precision and rounds
//! to nearest even. Display is the shortest decimal that reads back to the same value at that precision.
//! STUB: being implemented.

use std::cmp::Ordering;
use std::fmt;

/// A Terraform number (finite or infinite; never NaN).
#[derive(Clone, Debug)]
pub struct Number {
    _todo: (),
}

impl Number {
    /// Parses a decimal literal (`12`, `-1.5`, `1e-3`, `1E+10`) at 512 bits. `None` when malformed.
    pub fn parse(_s: &str) -> Option<Number> { todo!() }
    /// An integer, exact, at 64 bits (as cty's `NumberIntVal`).
    pub fn from_i64(_v: i64) -> Number { todo!() }
    /// An unsigned integer, exact, at 64 bits.
    pub fn from_u64(_v: u64) -> Number { todo!() }
    /// A float at 53 bits (as cty's `NumberFloatVal`). `None` for NaN; infinities map to ±Inf.
    pub fn from_f64(_v: f64) -> Option<Number> { todo!() }
    pub fn pos_inf() -> Number { todo!() }
    pub fn neg_inf() -> Number { todo!() }
    pub fn zero() -> Number { todo!() }
    pub fn is_zero(&self) -> bool { todo!() }
    pub fn is_negative(&self) -> bool { todo!() }
    pub fn is_infinite(&self) -> bool { todo!() }
    pub fn is_integer(&self) -> bool { todo!() }
    /// The value as i64 when it is an integer that fits.
    pub fn to_i64(&self) -> Option<i64> { todo!() }
    /// Nearest f64 (infinities map to infinities).
    pub fn to_f64(&self) -> f64 { todo!() }
    /// The integer part as a big integer (truncated toward zero); `None` for infinities.
    pub fn to_bigint_trunc(&self) -> Option<num_bigint::BigInt> { todo!() }
    pub fn from_bigint(_v: &num_bigint::BigInt) -> Number { todo!() }
    pub fn add(&self, _o: &Number) -> Number { todo!() }
    pub fn sub(&self, _o: &Number) -> Number { todo!() }
    pub fn mul(&self, _o: &Number) -> Number { todo!() }
    /// Division as Terraform does it: `x/0` is ±Inf (of the sign of x), `0/0` is an error.
    pub fn div(&self, _o: &Number) -> Result<Number, ArithmeticError> { todo!() }
    /// Terraform's `%`: truncated remainder with the dividend's sign; `x % 0` is `x`.
    pub fn rem(&self, _o: &Number) -> Result<Number, ArithmeticError> { todo!() }
    pub fn neg(&self) -> Number { todo!() }
    pub fn abs(&self) -> Number { todo!() }
    pub fn floor(&self) -> Number { todo!() }
    pub fn ceil(&self) -> Number { todo!() }
    /// Precision in bits (53, 64 or 512 in practice).
    pub fn precision(&self) -> u32 { todo!() }
}

/// An arithmetic operation with no defined result.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArithmeticError {
    /// `0/0`, `Inf - Inf` and the like.
    #[error("the result is not a number")]
    NotANumber,
}

impl PartialEq for Number {
    fn eq(&self, _o: &Number) -> bool { todo!() }
}
impl Eq for Number {}
impl PartialOrd for Number {
    fn partial_cmp(&self, o: &Number) -> Option<Ordering> { Some(self.cmp(o)) }
}
impl Ord for Number {
    fn cmp(&self, _o: &Number) -> Ordering { todo!() }
}
impl std::hash::Hash for Number {
    fn hash<H: std::hash::Hasher>(&self, _h: &mut H) { todo!() }
}
impl fmt::Display for Number {
    /// Go's `Text('f', -1)`: `+Inf`/`-Inf` for infinities.
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result { todo!() }
}
