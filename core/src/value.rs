//! What a setter takes for a field: the value itself, or something that plainly is one.

use std::borrow::Cow;
use std::time::SystemTime;

use crate::wire::values::Timestamp;

/// A value that a setter of a field of type `T` takes: a `T`, a `T` for an `Option<T>`
/// field, text for a `String`, a `SystemTime` for a [`Timestamp`].
///
/// It plays the part of `Into<T>` in every setter of this crate (patches and
/// [`UserUpdate`](crate::UserUpdate)), with fewer conversions, so that a literal still
/// finds its type: `.risk_score(3)` is a `u32` where `Into<u32>` would make it an `i32`
/// and fail. As with `Into`, a `collect()` passed straight to a setter needs its type
/// (`.teams(names.collect::<Vec<_>>())`).
///
/// ```
/// # use clerk_metadata::IntoValue;
/// fn set<T>(value: impl IntoValue<T>) -> T {
///     value.into_value()
/// }
/// let n: u32 = set(3);
/// let name: String = set("John");
/// let id: Option<String> = set("cus_1");
/// let none: Option<String> = set(None);
/// assert_eq!((n, name.as_str(), id.as_deref(), none), (3, "John", Some("cus_1"), None));
/// ```
pub trait IntoValue<T> {
    /// The value.
    fn into_value(self) -> T;
}

impl<T> IntoValue<T> for T {
    #[inline]
    fn into_value(self) -> T {
        self
    }
}

impl<T> IntoValue<Option<T>> for T {
    #[inline]
    fn into_value(self) -> Option<T> {
        Some(self)
    }
}

macro_rules! text {
    ($($ty:ty),*) => {$(
        impl IntoValue<String> for $ty {
            #[inline]
    fn into_value(self) -> String {
                self.into()
            }
        }
        impl IntoValue<Option<String>> for $ty {
            #[inline]
    fn into_value(self) -> Option<String> {
                Some(self.into())
            }
        }
    )*};
}

text!(&str, &String, Box<str>, Cow<'_, str>);

impl IntoValue<Timestamp> for SystemTime {
    #[inline]
    fn into_value(self) -> Timestamp {
        Timestamp::from(self)
    }
}
