//! DynamoDB numbers (`N`): kept as text, converted only when exact.
//!
//! DynamoDB numbers have up to 38 significant digits, more than any Rust
//! float holds exactly. A conversion that would lose digits is refused
//! rather than rounded.

use std::fmt;

/// Why a number attribute does not convert into the type asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NumberError {
    NotANumber,
    NotWhole,
    OutOfRange,
    Inexact,
}

impl NumberError {
    /// The message for number `text` converted into type `target`.
    pub(super) fn describe(self, text: &str, target: &str) -> String {
        match self {
            NumberError::NotANumber => format!("`{text}` is not a number"),
            NumberError::NotWhole => {
                format!("number `{text}` is not a whole number, expected {target}")
            }
            NumberError::OutOfRange => format!("number `{text}` is out of range for {target}"),
            NumberError::Inexact => {
                format!("number `{text}` cannot be represented exactly as {target}")
            }
        }
    }
}

/// Whether `text` is a decimal number: `[+-]digits[.digits][e[+-]digits]`,
/// with digits on at least one side of the point.
pub(super) fn is_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let digits_from = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let int_end = digits_from(i);
    let mut digits = int_end - i;
    i = int_end;
    if bytes.get(i) == Some(&b'.') {
        let frac_end = digits_from(i + 1);
        digits += frac_end - (i + 1);
        i = frac_end;
    }
    if digits == 0 {
        return false;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_end = digits_from(i);
        if exp_end == i {
            return false;
        }
        i = exp_end;
    }
    i == bytes.len()
}

/// A decimal number in normal form: `0.<digits> × 10^point`, `digits`
/// without leading or trailing zeros (empty for zero, whose sign is dropped).
#[derive(Debug, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    point: i64,
}

impl Decimal {
    fn parse(text: &str) -> Option<Decimal> {
        if !is_number(text) {
            return None;
        }
        let (negative, rest) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => (&rest[..at], &rest[at + 1..]),
            None => (rest, ""),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        // An exponent too large for i64 only has to stay out of every range.
        let exponent: i64 = if exponent.is_empty() {
            0
        } else {
            exponent.parse().unwrap_or(if exponent.starts_with('-') {
                -(1 << 40)
            } else {
                1 << 40
            })
        };
        let all = int.bytes().chain(frac.bytes());
        let leading = all.clone().take_while(|&d| d == b'0').count();
        let mut digits: Vec<u8> = all.skip(leading).collect();
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        if digits.is_empty() {
            return Some(Decimal {
                negative: false,
                digits,
                point: 0,
            });
        }
        let int_len = i64::try_from(int.len()).unwrap_or(i64::MAX);
        let leading = i64::try_from(leading).unwrap_or(i64::MAX);
        Some(Decimal {
            negative,
            digits,
            point: int_len.saturating_sub(leading).saturating_add(exponent),
        })
    }

    /// The value as a whole number: its sign and magnitude.
    fn whole(&self) -> Result<(bool, u128), NumberError> {
        let len = i64::try_from(self.digits.len()).unwrap_or(i64::MAX);
        if self.point < len {
            return Err(NumberError::NotWhole);
        }
        if self.point > 39 {
            return Err(NumberError::OutOfRange);
        }
        let mut magnitude: u128 = 0;
        for i in 0..self.point {
            let digit = usize::try_from(i)
                .ok()
                .and_then(|i| self.digits.get(i))
                .map_or(0, |d| d - b'0');
            magnitude = magnitude
                .checked_mul(10)
                .and_then(|m| m.checked_add(u128::from(digit)))
                .ok_or(NumberError::OutOfRange)?;
        }
        Ok((self.negative, magnitude))
    }
}

/// A whole number type that a number attribute converts into.
pub(super) trait Whole: Sized + std::str::FromStr + TryFrom<i128> + TryFrom<u128> {}

macro_rules! whole {
    ($($ty:ty),*) => { $(impl Whole for $ty {})* };
}
whole!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

/// Number `text` as the whole number type `T`, exactly.
///
/// `12`, `+12`, `1.2E1` and `12.0` are all 12; `12.5` is not whole.
pub(super) fn whole<T: Whole>(text: &str) -> Result<T, NumberError> {
    if let Ok(value) = text.parse::<T>() {
        return Ok(value);
    }
    let (negative, magnitude) = Decimal::parse(text)
        .ok_or(NumberError::NotANumber)?
        .whole()?;
    if negative {
        // The magnitude of i128::MIN is 2^127, which `as` maps onto i128::MIN itself.
        if magnitude > i128::MIN.unsigned_abs() {
            return Err(NumberError::OutOfRange);
        }
        T::try_from((magnitude as i128).wrapping_neg()).map_err(|_| NumberError::OutOfRange)
    } else {
        T::try_from(magnitude).map_err(|_| NumberError::OutOfRange)
    }
}

/// A float type that a number attribute converts into.
pub(super) trait Float: Copy + std::str::FromStr + fmt::LowerExp {
    /// Significant decimal digits that always survive a round trip.
    const DIGITS: usize;
    /// Decimal exponents (`point`) safely inside the normal range.
    const POINTS: std::ops::RangeInclusive<i64>;
    fn is_finite(self) -> bool;
}

impl Float for f64 {
    const DIGITS: usize = 15;
    const POINTS: std::ops::RangeInclusive<i64> = -300..=300;
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
}

impl Float for f32 {
    const DIGITS: usize = 6;
    const POINTS: std::ops::RangeInclusive<i64> = -35..=35;
    fn is_finite(self) -> bool {
        f32::is_finite(self)
    }
}

/// Number `text` as the float type `T`, when `T` holds the same decimal
/// value: its shortest representation reads back as `text`'s number. So
/// `0.1` converts, and `0.1000000000000000000001` does not.
pub(super) fn float<T: Float>(text: &str) -> Result<T, NumberError> {
    let decimal = Decimal::parse(text).ok_or(NumberError::NotANumber)?;
    let value: T = text.parse().map_err(|_| NumberError::NotANumber)?;
    if !value.is_finite() {
        return Err(NumberError::OutOfRange);
    }
    if decimal.digits.len() <= T::DIGITS && T::POINTS.contains(&decimal.point) {
        return Ok(value);
    }
    if decimal.digits.is_empty() || Decimal::parse(&format!("{value:e}")).as_ref() == Some(&decimal)
    {
        Ok(value)
    } else {
        Err(NumberError::Inexact)
    }
}

/// How a number reads when no type is asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Natural {
    U64(u64),
    I64(i64),
    F64(f64),
    /// Not exactly an `i64`, a `u64` or an `f64` (or not a number at all).
    Text,
}

/// Number `text` as the first of `u64`, `i64` and `f64` that holds it exactly.
pub(super) fn natural(text: &str) -> Natural {
    if let Ok(v) = text.parse::<u64>() {
        return Natural::U64(v);
    }
    if let Ok(v) = text.parse::<i64>() {
        return Natural::I64(v);
    }
    if let Ok(v) = whole::<u64>(text) {
        return Natural::U64(v);
    }
    if let Ok(v) = whole::<i64>(text) {
        return Natural::I64(v);
    }
    match float::<f64>(text) {
        Ok(v) => Natural::F64(v),
        Err(_) => Natural::Text,
    }
}

/// Number `text` as plain JSON: a number when [`natural`] finds one, else its digits as a string.
pub(super) fn to_json(text: &str) -> serde_json::Value {
    let number = match natural(text) {
        Natural::U64(v) => Some(v.into()),
        Natural::I64(v) => Some(v.into()),
        Natural::F64(v) => serde_json::Number::from_f64(v),
        Natural::Text => None,
    };
    number.map_or_else(
        || serde_json::Value::String(text.to_owned()),
        serde_json::Value::Number,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_decimal_numbers_only() {
        for ok in [
            "0", "-1", "+1", "1.5", ".5", "5.", "1e5", "1E+5", "-2.5e-3", "00012",
        ] {
            assert!(is_number(ok), "{ok}");
        }
        for bad in [
            "", "-", ".", "e5", "1e", "1e+", "1.2.3", "abc", "1 ", " 1", "NaN", "inf", "0x10",
            "1_000",
        ] {
            assert!(!is_number(bad), "{bad}");
        }
    }

    #[test]
    fn whole_numbers_are_exact_at_every_width() {
        assert_eq!(whole::<u8>("255"), Ok(255));
        assert_eq!(whole::<u8>("256"), Err(NumberError::OutOfRange));
        assert_eq!(whole::<u8>("-1"), Err(NumberError::OutOfRange));
        assert_eq!(whole::<i8>("-128"), Ok(-128));
        assert_eq!(whole::<u32>("1.2E1"), Ok(12));
        assert_eq!(whole::<u32>("12.000"), Ok(12));
        assert_eq!(whole::<u32>("-0"), Ok(0));
        assert_eq!(whole::<i32>("12.5"), Err(NumberError::NotWhole));
        assert_eq!(whole::<i32>("abc"), Err(NumberError::NotANumber));
        assert_eq!(
            whole::<u128>("340282366920938463463374607431768211455"),
            Ok(u128::MAX)
        );
        assert_eq!(
            whole::<u128>("340282366920938463463374607431768211456"),
            Err(NumberError::OutOfRange)
        );
        assert_eq!(
            whole::<i128>("-170141183460469231731687303715884105728"),
            Ok(i128::MIN)
        );
        assert_eq!(
            whole::<i128>("-170141183460469231731687303715884105729"),
            Err(NumberError::OutOfRange)
        );
        assert_eq!(
            whole::<i128>("-1.7E38"),
            Ok(-170_000_000_000_000_000_000_000_000_000_000_000_000)
        );
        assert_eq!(whole::<u64>("1e400"), Err(NumberError::OutOfRange));
        assert_eq!(whole::<u64>("1e-400"), Err(NumberError::NotWhole));
    }

    #[test]
    fn floats_convert_only_when_exact() {
        assert_eq!(float::<f64>("0.1"), Ok(0.1));
        assert_eq!(float::<f64>("-2.5e-3"), Ok(-0.0025));
        assert_eq!(float::<f64>("0"), Ok(0.0));
        assert_eq!(
            float::<f64>("123456789012345678"),
            Err(NumberError::Inexact)
        );
        assert_eq!(
            float::<f64>("9007199254740992"),
            Ok(9_007_199_254_740_992.0)
        );
        assert_eq!(
            float::<f64>("0.1000000000000000000001"),
            Err(NumberError::Inexact)
        );
        assert_eq!(float::<f64>("1e400"), Err(NumberError::OutOfRange));
        assert_eq!(float::<f64>("1e-400"), Err(NumberError::Inexact));
        assert_eq!(float::<f32>("1.5"), Ok(1.5));
        assert_eq!(float::<f32>("16777217"), Err(NumberError::Inexact));
        assert_eq!(float::<f32>("3.1415927"), Ok(std::f32::consts::PI));
    }

    #[test]
    fn natural_numbers_prefer_integers_then_exact_floats_then_text() {
        assert_eq!(natural("42"), Natural::U64(42));
        assert_eq!(natural("-42"), Natural::I64(-42));
        assert_eq!(natural("1E+2"), Natural::U64(100));
        assert_eq!(natural("1.5"), Natural::F64(1.5));
        assert_eq!(natural("1e20"), Natural::F64(1e20));
        assert_eq!(natural("12345678901234567890123456789"), Natural::Text);
        assert_eq!(
            to_json("12345678901234567890123456789"),
            serde_json::json!("12345678901234567890123456789")
        );
        assert_eq!(to_json("-7"), serde_json::json!(-7));
    }
}
