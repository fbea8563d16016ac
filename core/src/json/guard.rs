//! A serializer adapter that checks metadata on its way to JSON.
//!
//! serde_json writes a NaN or an infinity as `null`, and in a metadata patch `null`
//! deletes the key: a set would silently become a deletion. And a metadata tier is
//! always a JSON object; a hand-written tier type could serialize as something else.
//! [`Guard`] wraps any serializer and forwards everything to it, but fails on a
//! non-finite float anywhere in the value, and (at the top) on anything that is not an
//! object. It records what it found, and where, in a [`GuardState`], so the caller can
//! report the JSON path without reading a serializer's message.

use core::cell::RefCell;
use core::fmt;

use serde::ser::{
    self, Serialize, SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant,
    SerializeTuple, SerializeTupleStruct, SerializeTupleVariant, Serializer,
};

use crate::json::escape::{KEY_CHARS, escaped};

/// What the guard refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    /// A NaN or an infinity.
    NonFinite,
    /// The top-level value is not a JSON object.
    NotObject,
    /// A value handed to serde_json as raw JSON text is not one JSON value.
    NotJson,
}

impl Problem {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Problem::NonFinite => {
                "is NaN or infinite: JSON has no such number, and it would be sent as null, which deletes the key"
            }
            Problem::NotObject => {
                "does not serialize as a JSON object, which a metadata tier must be"
            }
            Problem::NotJson => {
                "holds raw JSON text that is not one JSON value, which would be written into the request as it is"
            }
        }
    }
}

/// One step of the path to a refused value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    /// A struct field: a name from a type, never data.
    Field(&'static str),
    /// A map key (`None` if it is not a string): data.
    MapKey(Option<String>),
    /// An array index.
    Index(usize),
}

/// What a guarded serialization found, shared by every level of it.
pub(crate) struct GuardState {
    found: RefCell<Option<(Problem, Vec<Segment>)>>,
    /// Map keys are data: in private metadata only the schema's own keys are shown.
    hide_map_keys: bool,
}

impl GuardState {
    pub(crate) fn new(hide_map_keys: bool) -> Self {
        GuardState {
            found: RefCell::new(None),
            hide_map_keys,
        }
    }

    fn refuse<E: ser::Error>(&self, problem: Problem) -> E {
        *self.found.borrow_mut() = Some((problem, Vec::new()));
        E::custom(problem.describe())
    }

    /// Adds the step an error passed through on its way out (innermost first).
    fn step(&self, segment: impl FnOnce() -> Segment) {
        if let Some((_, path)) = self.found.borrow_mut().as_mut() {
            path.push(segment());
        }
    }

    /// What was refused, with its path written after `prefix` (`unsafe_metadata.a.b[2]`).
    /// `schema_key` says which keys of the tier object are the schema's own: where map
    /// keys are hidden, those are still shown.
    pub(crate) fn take(
        &self,
        prefix: &str,
        schema_key: &dyn Fn(&str) -> bool,
    ) -> Option<(Problem, String)> {
        let (problem, mut path) = self.found.borrow_mut().take()?;
        path.reverse();
        Some((problem, self.render(prefix, &path, schema_key)))
    }

    fn render(&self, prefix: &str, path: &[Segment], schema_key: &dyn Fn(&str) -> bool) -> String {
        use fmt::Write;
        let mut out = prefix.to_owned();
        for (depth, segment) in path.iter().enumerate() {
            match segment {
                Segment::Field(name) => {
                    let _ = write!(out, ".{}", escaped(name, KEY_CHARS));
                }
                Segment::MapKey(Some(key))
                    if !self.hide_map_keys || (depth == 0 && schema_key(key)) =>
                {
                    let _ = write!(out, ".{}", escaped(key, KEY_CHARS));
                }
                Segment::MapKey(_) => out.push_str(".*"),
                Segment::Index(i) => {
                    let _ = write!(out, "[{i}]");
                }
            }
        }
        out
    }
}

/// Serializes `value` through the guard; see the module docs.
pub(crate) fn guarded<S: Serializer, T: Serialize + ?Sized>(
    value: &T,
    serializer: S,
    state: &GuardState,
    top_is_object: bool,
) -> Result<S::Ok, S::Error> {
    value.serialize(Guard {
        inner: serializer,
        state,
        top: top_is_object,
    })
}

/// Opens a guarded JSON object on `serializer`, for entries written one by one.
pub(crate) fn guarded_map<S: Serializer>(
    serializer: S,
    state: &GuardState,
) -> Result<Compound<'_, S::SerializeMap>, S::Error> {
    Guard {
        inner: serializer,
        state,
        top: true,
    }
    .serialize_map(None)
}

/// The serializer adapter. `top` is set for the tier object itself.
pub(crate) struct Guard<'a, S> {
    inner: S,
    state: &'a GuardState,
    top: bool,
}

/// A value inside a guarded one: serializes through a guard of its own.
struct Inner<'a, T: ?Sized> {
    value: &'a T,
    state: &'a GuardState,
    top: bool,
}

impl<T: Serialize + ?Sized> Serialize for Inner<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Guard {
            inner: serializer,
            state: self.state,
            top: self.top,
        })
    }
}

impl<'a, S> Guard<'a, S> {
    /// A scalar or array is fine anywhere but at the top of a tier.
    #[inline]
    fn not_top<E: ser::Error>(&self) -> Result<(), E> {
        if self.top {
            Err(self.state.refuse(Problem::NotObject))
        } else {
            Ok(())
        }
    }
}

macro_rules! forward_scalars {
    ($($method:ident($ty:ty);)*) => {
        $(#[inline]
        fn $method(self, v: $ty) -> Result<S::Ok, S::Error> {
            self.not_top()?;
            self.inner.$method(v)
        })*
    };
}

impl<'a, S: Serializer> Serializer for Guard<'a, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Compound<'a, S::SerializeSeq>;
    type SerializeTuple = Compound<'a, S::SerializeTuple>;
    type SerializeTupleStruct = Compound<'a, S::SerializeTupleStruct>;
    type SerializeTupleVariant = Compound<'a, S::SerializeTupleVariant>;
    type SerializeMap = Compound<'a, S::SerializeMap>;
    type SerializeStruct = Compound<'a, S::SerializeStruct>;
    type SerializeStructVariant = Compound<'a, S::SerializeStructVariant>;

    forward_scalars! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_i128(i128);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_u128(u128);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_unit_struct(&'static str);
    }

    #[inline]
    fn serialize_f32(self, v: f32) -> Result<S::Ok, S::Error> {
        self.not_top()?;
        if !v.is_finite() {
            return Err(self.state.refuse(Problem::NonFinite));
        }
        self.inner.serialize_f32(v)
    }

    #[inline]
    fn serialize_f64(self, v: f64) -> Result<S::Ok, S::Error> {
        self.not_top()?;
        if !v.is_finite() {
            return Err(self.state.refuse(Problem::NonFinite));
        }
        self.inner.serialize_f64(v)
    }

    #[inline]
    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.not_top()?;
        self.inner.serialize_none()
    }

    #[inline]
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        let inner = Inner {
            value,
            state: self.state,
            top: self.top,
        };
        self.inner.serialize_some(&inner)
    }

    #[inline]
    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.not_top()?;
        self.inner.serialize_unit()
    }

    #[inline]
    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<S::Ok, S::Error> {
        self.not_top()?;
        self.inner.serialize_unit_variant(name, index, variant)
    }

    #[inline]
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        let inner = Inner {
            value,
            state: self.state,
            top: self.top,
        };
        self.inner.serialize_newtype_struct(name, &inner)
    }

    #[inline]
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        self.not_top()?;
        let state = self.state;
        let inner = Inner {
            value,
            state,
            top: false,
        };
        self.inner
            .serialize_newtype_variant(name, index, variant, &inner)
            .inspect_err(|_| state.step(|| Segment::Field(variant)))
    }

    #[inline]
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        self.not_top()?;
        let state = self.state;
        Ok(Compound::new(state, self.inner.serialize_seq(len)?))
    }

    #[inline]
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        self.not_top()?;
        let state = self.state;
        Ok(Compound::new(state, self.inner.serialize_tuple(len)?))
    }

    #[inline]
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        self.not_top()?;
        let state = self.state;
        Ok(Compound::new(
            state,
            self.inner.serialize_tuple_struct(name, len)?,
        ))
    }

    #[inline]
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        self.not_top()?;
        let state = self.state;
        Ok(Compound::new(
            state,
            self.inner
                .serialize_tuple_variant(name, index, variant, len)?,
        ))
    }

    #[inline]
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        let state = self.state;
        Ok(Compound::new(state, self.inner.serialize_map(len)?))
    }

    #[inline]
    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        let (state, top) = (self.state, self.top);
        let mut compound = Compound::new(state, self.inner.serialize_struct(name, len)?);
        // Raw JSON text is checked before it is written: a type of the app's could
        // hand serde_json anything under this name.
        compound.raw = (name == RAW_VALUE).then_some(top);
        Ok(compound)
    }

    #[inline]
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        self.not_top()?;
        let state = self.state;
        Ok(Compound::new(
            state,
            self.inner
                .serialize_struct_variant(name, index, variant, len)?,
        ))
    }

    #[inline]
    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// A compound value (array, object, …) inside a guarded one.
pub(crate) struct Compound<'a, C> {
    inner: C,
    state: &'a GuardState,
    /// The index of the next array element.
    index: usize,
    /// For serde_json's raw JSON (`RawValue`): whether it is the top of a tier.
    raw: Option<bool>,
}

/// The name under which serde_json's `RawValue` hands over JSON text to write as it is.
const RAW_VALUE: &str = "$serde_json::private::RawValue";

/// Whether `text` is exactly one JSON value (and, for `object`, an object).
fn is_one_value(text: &str, object: bool) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
        && (!object || text.trim_start().starts_with('{'))
}

impl<'a, C> Compound<'a, C> {
    fn new(state: &'a GuardState, inner: C) -> Self {
        Compound {
            inner,
            state,
            index: 0,
            raw: None,
        }
    }

    /// Serializes the next element with `write`, recording its index on an error.
    #[inline]
    fn element<E>(
        &mut self,
        write: impl FnOnce(&mut C, &GuardState) -> Result<(), E>,
    ) -> Result<(), E> {
        let (state, index) = (self.state, self.index);
        self.index += 1;
        write(&mut self.inner, state).inspect_err(|_| state.step(|| Segment::Index(index)))
    }

    #[inline]
    fn wrap<'v, T: ?Sized>(&self, value: &'v T) -> Inner<'v, T>
    where
        'a: 'v,
    {
        Inner {
            value,
            state: self.state,
            top: false,
        }
    }

    fn key_segment<K: Serialize + ?Sized>(&self, key: &K) -> Segment {
        match serde_json::to_value(key) {
            Ok(serde_json::Value::String(key)) => Segment::MapKey(Some(key)),
            _ => Segment::MapKey(None),
        }
    }
}

macro_rules! sequence {
    ($trait:ident, $method:ident) => {
        impl<C: $trait> $trait for Compound<'_, C> {
            type Ok = C::Ok;
            type Error = C::Error;

            #[inline]
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
                self.element(|inner, state| {
                    inner.$method(&Inner {
                        value,
                        state,
                        top: false,
                    })
                })
            }

            #[inline]
            fn end(self) -> Result<C::Ok, C::Error> {
                self.inner.end()
            }
        }
    };
}

sequence!(SerializeTuple, serialize_element);
sequence!(SerializeTupleStruct, serialize_field);
sequence!(SerializeTupleVariant, serialize_field);

impl<C: SerializeSeq> SerializeSeq for Compound<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    #[inline]
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        self.element(|inner, state| {
            inner.serialize_element(&Inner {
                value,
                state,
                top: false,
            })
        })
    }

    #[inline]
    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

impl<C: SerializeMap> SerializeMap for Compound<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    #[inline]
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), C::Error> {
        self.inner.serialize_key(key)
    }

    #[inline]
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        let state = self.state;
        let wrapped = self.wrap(value);
        self.inner
            .serialize_value(&wrapped)
            .inspect_err(|_| state.step(|| Segment::MapKey(None)))
    }

    #[inline]
    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Result<(), C::Error> {
        let wrapped = self.wrap(value);
        match self.inner.serialize_entry(key, &wrapped) {
            Ok(()) => Ok(()),
            Err(error) => {
                self.state.step(|| self.key_segment(key));
                Err(error)
            }
        }
    }

    #[inline]
    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

macro_rules! fields {
    ($trait:ident) => {
        impl<C: $trait> $trait for Compound<'_, C> {
            type Ok = C::Ok;
            type Error = C::Error;

            #[inline]
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), C::Error> {
                let state = self.state;
                if let Some(top) = self.raw {
                    let text = match serde_json::to_value(value) {
                        Ok(serde_json::Value::String(text)) if is_one_value(&text, top) => text,
                        _ => return Err(state.refuse(Problem::NotJson)),
                    };
                    return self.inner.serialize_field(key, text.as_str());
                }
                let wrapped = self.wrap(value);
                self.inner
                    .serialize_field(key, &wrapped)
                    .inspect_err(|_| state.step(|| Segment::Field(key)))
            }

            #[inline]
            fn skip_field(&mut self, key: &'static str) -> Result<(), C::Error> {
                self.inner.skip_field(key)
            }

            #[inline]
            fn end(self) -> Result<C::Ok, C::Error> {
                self.inner.end()
            }
        }
    };
}

fields!(SerializeStruct);
fields!(SerializeStructVariant);

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[derive(serde::Serialize)]
    struct Scores {
        best: f64,
        by_game: BTreeMap<String, Vec<f32>>,
    }

    fn check<T: Serialize>(value: &T, hide: bool) -> Result<String, (Problem, String)> {
        let state = GuardState::new(hide);
        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::new(&mut out);
        match guarded(value, &mut serializer, &state, true) {
            Ok(()) => Ok(String::from_utf8(out).unwrap()),
            Err(_) => Err(state
                .take("unsafe_metadata", &|key| key == "scores")
                .expect("the guard records why")),
        }
    }

    #[test]
    fn finite_values_pass_through_unchanged() {
        let value = Scores {
            best: 1.5,
            by_game: [("chess".to_owned(), vec![1.0, 2.5])].into(),
        };
        assert_eq!(
            check(&value, false).unwrap(),
            r#"{"best":1.5,"by_game":{"chess":[1.0,2.5]}}"#
        );
        let raw = serde_json::value::RawValue::from_string("[1, 2]".to_owned()).unwrap();
        let with_raw: BTreeMap<&str, &serde_json::value::RawValue> = [("k", &*raw)].into();
        assert_eq!(check(&with_raw, false).unwrap(), r#"{"k":[1, 2]}"#);
    }

    #[test]
    fn a_non_finite_float_is_refused_with_its_path() {
        let value = Scores {
            best: 0.0,
            by_game: [("go\n".to_owned(), vec![1.0, f32::INFINITY])].into(),
        };
        assert_eq!(
            check(&value, false).unwrap_err(),
            (
                Problem::NonFinite,
                r"unsafe_metadata.by_game.go\u{a}[1]".to_owned()
            )
        );
        assert_eq!(
            check(&value, true).unwrap_err(),
            (
                Problem::NonFinite,
                "unsafe_metadata.by_game.*[1]".to_owned()
            )
        );
        let nan = Scores {
            best: f64::NAN,
            by_game: BTreeMap::new(),
        };
        assert_eq!(
            check(&nan, false).unwrap_err(),
            (Problem::NonFinite, "unsafe_metadata.best".to_owned())
        );
    }

    #[test]
    fn hidden_map_keys_show_only_the_schema_keys_of_the_tier() {
        let tier: BTreeMap<&str, BTreeMap<&str, f64>> =
            [("scores", [("sk_live_key", f64::NAN)].into())].into();
        assert_eq!(
            check(&tier, true).unwrap_err(),
            (Problem::NonFinite, "unsafe_metadata.scores.*".to_owned())
        );
        let other: BTreeMap<&str, f64> = [("sk_live_key", f64::NAN)].into();
        assert_eq!(
            check(&other, true).unwrap_err(),
            (Problem::NonFinite, "unsafe_metadata.*".to_owned())
        );
    }

    /// Sends its text as raw JSON, as serde_json's `RawValue` does.
    struct Raw(&'static str);

    impl Serialize for Raw {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut raw = serializer.serialize_struct(RAW_VALUE, 1)?;
            raw.serialize_field(RAW_VALUE, self.0)?;
            raw.end()
        }
    }

    #[test]
    fn raw_json_must_be_one_json_value() {
        let injected: BTreeMap<&str, Raw> =
            [("note", Raw(r#"1},"public_metadata":{"role":"admin""#))].into();
        assert_eq!(
            check(&injected, false).unwrap_err(),
            (Problem::NotJson, "unsafe_metadata.note".to_owned())
        );
        let fine: BTreeMap<&str, Raw> = [("note", Raw(r#"{"a": [1, "}"]}"#))].into();
        assert_eq!(check(&fine, false).unwrap(), r#"{"note":{"a": [1, "}"]}}"#);
        assert_eq!(check(&Raw(r#"{"k": 1}"#), false).unwrap(), r#"{"k": 1}"#);
        assert_eq!(
            check(&Raw("[1]"), false).unwrap_err(),
            (Problem::NotJson, "unsafe_metadata".to_owned())
        );
    }

    #[test]
    fn the_top_must_be_an_object() {
        for refused in [check(&7, false), check(&"x", false), check(&[1], false)] {
            assert_eq!(
                refused.unwrap_err(),
                (Problem::NotObject, "unsafe_metadata".to_owned())
            );
        }
        assert_eq!(
            check(&Some(BTreeMap::<String, u8>::new()), false).unwrap(),
            "{}"
        );
        assert!(check(&None::<BTreeMap<String, u8>>, false).is_err());
    }
}
