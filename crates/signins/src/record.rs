//! One sign-in record as JSON exports write it, read leniently: Graph's
//! camelCase (`userPrincipalName`), Log Analytics' PascalCase
//! (`UserPrincipalName`) and diagnostic settings' envelope with
//! `properties` all land in the same [`Raw`], because keys are matched
//! without regard to case. Values that arrive in more than one type are
//! accepted in all of them: numbers as strings (`"durationMs":"0"`),
//! booleans as `"True"`, objects and arrays as JSON text (Log Analytics'
//! string-typed dynamic columns), a key given twice (the last one wins,
//! as in Microsoft's own Graph examples). Strings are borrowed from the
//! input where JSON allows it, so a record costs few allocations.
//!
//! `#[derive(Deserialize)]` is not used on purpose: it rejects duplicate
//! keys and matches keys by exact case.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// Owned copies of borrowed records, for values parsed from JSON text.
pub trait IntoOwned {
    type Owned;
    fn into_owned(self) -> Self::Owned;
}

/// A string, or a number or boolean written where a string was expected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Str<'a>(pub Cow<'a, str>);

impl<'a> Str<'a> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl IntoOwned for Str<'_> {
    type Owned = Str<'static>;
    fn into_owned(self) -> Str<'static> {
        Str(Cow::Owned(self.0.into_owned()))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Str<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v.to_string())))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v.to_string())))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Borrowed(if v { "true" } else { "false" })))
            }
            fn visit_unit<E>(self) -> Result<Str<'a>, E> {
                Ok(Str::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Str<'a>, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Str::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Str<'a>, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Str::default())
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// `true`, `"True"`, `"yes"`, `1` … or unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flag(pub Option<bool>);

impl IntoOwned for Flag {
    type Owned = Flag;
    fn into_owned(self) -> Flag {
        self
    }
}

pub fn parse_flag(s: &str) -> Option<bool> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("yes") || s == "1" {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") || s.eq_ignore_ascii_case("no") || s == "0" {
        Some(false)
    } else {
        None
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a boolean")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(Some(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Flag, E> {
                Ok(Flag(parse_flag(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Flag, E> {
                Ok(Flag(Some(v != 0)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Flag, E> {
                Ok(Flag(Some(v != 0)))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Flag, E> {
                Ok(Flag(None))
            }
            fn visit_unit<E>(self) -> Result<Flag, E> {
                Ok(Flag(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Flag, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Flag(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Flag, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Flag(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A sign-in error code: `50126`, `"50126"`, `"0"`; anything else is unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Code(pub Option<u32>);

impl IntoOwned for Code {
    type Owned = Code;
    fn into_owned(self) -> Code {
        self
    }
}

pub fn parse_code(s: &str) -> Option<u32> {
    let s = s.trim();
    let s = s
        .strip_prefix("AADSTS")
        .or_else(|| s.strip_prefix("aadsts"))
        .unwrap_or(s);
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Code;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an error code")
            }
            fn visit_str<E>(self, v: &str) -> Result<Code, E> {
                Ok(Code(parse_code(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Code, E> {
                Ok(Code(u32::try_from(v).ok()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Code, E> {
                Ok(Code(u32::try_from(v).ok()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Code, E> {
                Ok(Code(
                    (v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX)).then_some(v as u32),
                ))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Code, E> {
                Ok(Code(None))
            }
            fn visit_unit<E>(self) -> Result<Code, E> {
                Ok(Code(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Code, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Code(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Code, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Code(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// An object, or the same object as JSON text (Log Analytics string columns).
#[derive(Debug, Clone, Default)]
pub struct Obj<T>(pub Option<T>);

/// A list, or the same list as JSON text; anything else is an empty list.
#[derive(Debug, Clone)]
pub struct List<T>(pub Vec<T>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

impl<T: IntoOwned> IntoOwned for Obj<T> {
    type Owned = Obj<T::Owned>;
    fn into_owned(self) -> Self::Owned {
        Obj(self.0.map(IntoOwned::into_owned))
    }
}

impl<T: IntoOwned> IntoOwned for List<T> {
    type Owned = List<T::Owned>;
    fn into_owned(self) -> Self::Owned {
        List(self.0.into_iter().map(IntoOwned::into_owned).collect())
    }
}

/// Values that can also arrive as JSON text inside a string; parsed from
/// the text, they own their strings.
pub trait FromText<'a>: Sized {
    fn from_text(text: &str) -> Option<Self>;
    fn list_from_text(text: &str) -> Vec<Self>;
}

fn text_deserializer(text: &str) -> Option<serde_json::Deserializer<serde_json::de::StrRead<'_>>> {
    let t = text.trim();
    (!t.is_empty() && t != "null").then(|| serde_json::Deserializer::from_str(t))
}

macro_rules! from_text {
    ($name:ident) => {
        impl<'a> FromText<'a> for $name<'a> {
            fn from_text(text: &str) -> Option<Self> {
                let mut de = text_deserializer(text)?;
                $name::deserialize(&mut de).ok().map(IntoOwned::into_owned)
            }
            fn list_from_text(text: &str) -> Vec<Self> {
                let Some(mut de) = text_deserializer(text) else {
                    return Vec::new();
                };
                List::<$name>::deserialize(&mut de)
                    .map(|l| l.0.into_iter().map(IntoOwned::into_owned).collect())
                    .unwrap_or_default()
            }
        }
    };
}

impl<'de: 'a, 'a, T: Deserialize<'de> + FromText<'a>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de: 'a, 'a, T: Deserialize<'de> + FromText<'a>> Visitor<'de> for V<T> {
            type Value = Obj<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object or JSON text")
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<Obj<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(m)).map(|v| Obj(Some(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Obj<T>, E> {
                Ok(Obj(T::from_text(v)))
            }
            fn visit_unit<E>(self) -> Result<Obj<T>, E> {
                Ok(Obj(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Obj<T>, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Obj(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Obj<T>, E> {
                Ok(Obj(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Obj<T>, E> {
                Ok(Obj(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Obj<T>, E> {
                Ok(Obj(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Obj<T>, E> {
                Ok(Obj(None))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

impl<'de: 'a, 'a, T: Deserialize<'de> + FromText<'a>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de: 'a, 'a, T: Deserialize<'de> + FromText<'a>> Visitor<'de> for V<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list or JSON text")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<List<T>, A::Error> {
                let mut v = Vec::new();
                while let Some(item) = s.next_element::<Lenient<T>>()? {
                    if let Some(item) = item.0 {
                        v.push(item);
                    }
                }
                Ok(List(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<List<T>, E> {
                if !v.trim_start().starts_with('[') {
                    return Ok(List(Vec::new()));
                }
                Ok(List(T::list_from_text(v)))
            }
            fn visit_unit<E>(self) -> Result<List<T>, E> {
                Ok(List(Vec::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<List<T>, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(List(Vec::new()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<List<T>, E> {
                Ok(List(Vec::new()))
            }
            fn visit_i64<E>(self, _: i64) -> Result<List<T>, E> {
                Ok(List(Vec::new()))
            }
            fn visit_u64<E>(self, _: u64) -> Result<List<T>, E> {
                Ok(List(Vec::new()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<List<T>, E> {
                Ok(List(Vec::new()))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// A list element that is not an object (`7` in a list of policies) is
/// read past instead of failing the record.
struct Lenient<T>(Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Lenient<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list element")
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<Lenient<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(m)).map(|v| Lenient(Some(v)))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Lenient<T>, E> {
                Ok(Lenient(
                    T::deserialize(de::value::BorrowedStrDeserializer::<E>::new(v)).ok(),
                ))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Lenient<T>, E> {
                Ok(Lenient(
                    T::deserialize(de::value::StringDeserializer::<E>::new(v.to_string())).ok(),
                ))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Lenient<T>, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Lenient(None))
            }
            fn visit_unit<E>(self) -> Result<Lenient<T>, E> {
                Ok(Lenient(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Lenient<T>, E> {
                Ok(Lenient(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Lenient<T>, E> {
                Ok(Lenient(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Lenient<T>, E> {
                Ok(Lenient(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Lenient<T>, E> {
                Ok(Lenient(None))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// Declares a struct of optional fields read from a JSON object whose keys
/// match case-insensitively (give the keys in lower case); unknown keys are
/// skipped, a repeated key overwrites the earlier value.
macro_rules! record {
    ($(#[$m:meta])* $name:ident $(nested $nkey:literal)? { $($field:ident : $ty:ty = [$($key:literal),+]),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default)]
        pub struct $name<'a> {
            $(pub $field: Option<$ty>,)*
            _p: PhantomData<&'a ()>,
        }

        impl IntoOwned for $name<'_> {
            type Owned = $name<'static>;
            fn into_owned(self) -> $name<'static> {
                $name {
                    $($field: self.$field.map(IntoOwned::into_owned),)*
                    _p: PhantomData,
                }
            }
        }

        impl<'a> $name<'a> {
            /// Fills the fields from an object's entries; a later key
            /// overwrites an earlier one (see [`Assign`]). A nested object
            /// (diagnostic settings' `properties`) fills the same fields,
            /// which spares a second record and its copies.
            #[allow(unused_mut)]
            fn fill<'de: 'a, A: MapAccess<'de>>(&mut self, m: &mut A) -> Result<(), A::Error> {
                #[allow(non_camel_case_types, dead_code)]
                enum F { $($field,)* Nested, Other }
                fn field(k: &str) -> F {
                    // Length first: most keys of a record are not wanted
                    // and fail on a single integer comparison per candidate.
                    let b = k.as_bytes();
                    $($(
                        if b.len() == $key.len() && b.eq_ignore_ascii_case($key) {
                            return F::$field;
                        }
                    )+)*
                    $(
                        if b.len() == $nkey.len() && b.eq_ignore_ascii_case($nkey) {
                            return F::Nested;
                        }
                    )?
                    F::Other
                }
                struct Key;
                impl<'de> DeserializeSeed<'de> for Key {
                    type Value = F;
                    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<F, D::Error> {
                        d.deserialize_str(self)
                    }
                }
                impl<'de> Visitor<'de> for Key {
                    type Value = F;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("a key")
                    }
                    fn visit_str<E>(self, v: &str) -> Result<F, E> {
                        Ok(field(v))
                    }
                }
                struct Into<'r, 'a>(&'r mut $name<'a>);
                impl<'de: 'a, 'r, 'a> DeserializeSeed<'de> for Into<'r, 'a> {
                    type Value = ();
                    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
                        d.deserialize_any(self)
                    }
                }
                impl<'de: 'a, 'r, 'a> Visitor<'de> for Into<'r, 'a> {
                    type Value = ();
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("an object")
                    }
                    fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<(), M::Error> {
                        self.0.fill(&mut m)
                    }
                    fn visit_unit<E>(self) -> Result<(), E> {
                        Ok(())
                    }
                }
                while let Some(k) = m.next_key_seed(Key)? {
                    match k {
                        // `null` reaches the field's own visitor (an empty
                        // value): no Option wrapper on every field.
                        $(F::$field => Assign::assign(&mut self.$field, m.next_value::<$ty>()?),)*
                        F::Nested => m.next_value_seed(Into(self))?,
                        F::Other => {
                            m.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(())
            }
        }

        impl<'a> crate::fastjson::FastFill<'a> for $name<'a> {
            fn fast_fill(&mut self, p: &mut crate::fastjson::Parser<'a>) -> crate::fastjson::R<()> {
                #[allow(non_camel_case_types, dead_code)]
                enum F { $($field,)* Nested, Other }
                fn field(k: &str) -> F {
                    let b = k.as_bytes();
                    $($(
                        if b.len() == $key.len() && b.eq_ignore_ascii_case($key) {
                            return F::$field;
                        }
                    )+)*
                    $(
                        if b.len() == $nkey.len() && b.eq_ignore_ascii_case($nkey) {
                            return F::Nested;
                        }
                    )?
                    F::Other
                }
                p.object(|p, key| match field(&key) {
                    $(F::$field => {
                        Assign::assign(&mut self.$field, crate::fastjson::Fast::fast(p)?);
                        Ok(())
                    })*
                    F::Nested => match p.peek() {
                        Some(b'{') => self.fast_fill(p),
                        Some(b'n') => p.null(),
                        _ => Err(crate::fastjson::Bad),
                    },
                    F::Other => p.skip(),
                })
            }
        }

        impl<'a> crate::fastjson::Element<'a> for $name<'a> {
            fn from_object(p: &mut crate::fastjson::Parser<'a>) -> crate::fastjson::R<Option<Self>> {
                let mut t = Self::default();
                crate::fastjson::FastFill::fast_fill(&mut t, p)?;
                Ok(Some(t))
            }
            fn from_string(_: Cow<'a, str>) -> Option<Self> {
                None
            }
        }

        impl<'de: 'a, 'a> Deserialize<'de> for $name<'a> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V<'a>(PhantomData<&'a ()>);
                impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
                    type Value = $name<'a>;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("an object")
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<$name<'a>, A::Error> {
                        let mut out = $name::default();
                        out.fill(&mut m)?;
                        Ok(out)
                    }
                }
                d.deserialize_map(V(PhantomData))
            }
        }
    };
}

/// How a field takes a value: a later key overwrites an earlier one, except
/// where both spellings carry different parts of one thing (a location).
pub trait Assign: Sized {
    fn assign(slot: &mut Option<Self>, v: Self) {
        *slot = Some(v);
    }
}

impl Assign for Str<'_> {}
impl Assign for Flag {}
impl Assign for Code {}
impl Assign for WrapperMark {}
impl<T> Assign for Obj<T> {}
impl<T> Assign for List<T> {}

/// Diagnostic settings' envelope has `"location": "US"`, its `properties`
/// `"location": {"city": …}`; keep both.
impl Assign for Place<'_> {
    fn assign(slot: &mut Option<Self>, v: Self) {
        match slot {
            Some(old) => {
                if v.details.is_some() {
                    old.details = v.details;
                }
                if v.country_code.is_some() {
                    old.country_code = v.country_code;
                }
            }
            None => *slot = Some(v),
        }
    }
}

record!(
    /// `status` (Graph), `Status` (Log Analytics).
    Status {
        error_code: Code = [b"errorcode"],
        failure_reason: Str<'a> = [b"failurereason"],
        additional_details: Str<'a> = [b"additionaldetails"],
    }
);

record!(
    /// `deviceDetail` / `DeviceDetail`.
    Device {
        device_id: Str<'a> = [b"deviceid"],
        display_name: Str<'a> = [b"displayname"],
        operating_system: Str<'a> = [b"operatingsystem"],
        browser: Str<'a> = [b"browser"],
        is_compliant: Flag = [b"iscompliant"],
        is_managed: Flag = [b"ismanaged"],
        trust_type: Str<'a> = [b"trusttype"],
    }
);

record!(
    /// `location` (Graph) / `LocationDetails` (Log Analytics).
    Location {
        city: Str<'a> = [b"city"],
        state: Str<'a> = [b"state"],
        country: Str<'a> = [b"countryorregion"],
    }
);

record!(
    /// One entry of `appliedConditionalAccessPolicies` / `ConditionalAccessPolicies`.
    Policy {
        id: Str<'a> = [b"id"],
        display_name: Str<'a> = [b"displayname"],
        result: Str<'a> = [b"result"],
        grant_controls: List<Str<'a>> = [b"enforcedgrantcontrols"],
    }
);

record!(
    /// One entry of `authenticationDetails` (Graph beta, diagnostic settings, Log Analytics).
    Step {
        method: Str<'a> = [b"authenticationmethod"],
        method_detail: Str<'a> = [b"authenticationmethoddetail"],
        time: Str<'a> = [b"authenticationstepdatetime"],
        requirement: Str<'a> = [b"authenticationsteprequirement"],
        result_detail: Str<'a> = [b"authenticationstepresultdetail"],
        succeeded: Flag = [b"succeeded"],
    }
);

/// A location is an object in Graph and `LocationDetails`, but a plain
/// country code in diagnostic settings' envelope and Log Analytics' `Location`.
#[derive(Debug, Clone, Default)]
pub struct Place<'a> {
    pub details: Option<Location<'a>>,
    pub country_code: Option<Str<'a>>,
}

impl IntoOwned for Place<'_> {
    type Owned = Place<'static>;
    fn into_owned(self) -> Place<'static> {
        Place {
            details: self.details.map(IntoOwned::into_owned),
            country_code: self.country_code.map(IntoOwned::into_owned),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Place<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Place<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a location")
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<Place<'a>, A::Error> {
                Ok(Place {
                    details: Some(Location::deserialize(
                        de::value::MapAccessDeserializer::new(m),
                    )?),
                    country_code: None,
                })
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Place<'a>, E> {
                if v.trim_start().starts_with('{') {
                    return self.visit_str(v);
                }
                Ok(Place {
                    details: None,
                    country_code: Some(Str(Cow::Borrowed(v))),
                })
            }
            fn visit_str<E>(self, v: &str) -> Result<Place<'a>, E> {
                if v.trim_start().starts_with('{') {
                    return Ok(Place {
                        details: Location::from_text(v),
                        country_code: None,
                    });
                }
                Ok(Place {
                    details: None,
                    country_code: Some(Str(Cow::Owned(v.to_string()))),
                })
            }
            fn visit_unit<E>(self) -> Result<Place<'a>, E> {
                Ok(Place::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Place<'a>, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Place::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<Place<'a>, E> {
                Ok(Place::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<Place<'a>, E> {
                Ok(Place::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<Place<'a>, E> {
                Ok(Place::default())
            }
            fn visit_bool<E>(self, _: bool) -> Result<Place<'a>, E> {
                Ok(Place::default())
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// Whether an object is a wrapper of records rather than a record: its
/// `value`, `records` or `tables` key holds an array.
#[derive(Debug, Clone, Copy, Default)]
pub struct WrapperMark(pub bool);

impl IntoOwned for WrapperMark {
    type Owned = WrapperMark;
    fn into_owned(self) -> WrapperMark {
        self
    }
}

impl<'de> Deserialize<'de> for WrapperMark {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = WrapperMark;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("anything")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<WrapperMark, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(WrapperMark(true))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<WrapperMark, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(WrapperMark(false))
            }
            fn visit_str<E>(self, _: &str) -> Result<WrapperMark, E> {
                Ok(WrapperMark(false))
            }
            fn visit_i64<E>(self, _: i64) -> Result<WrapperMark, E> {
                Ok(WrapperMark(false))
            }
            fn visit_u64<E>(self, _: u64) -> Result<WrapperMark, E> {
                Ok(WrapperMark(false))
            }
            fn visit_f64<E>(self, _: f64) -> Result<WrapperMark, E> {
                Ok(WrapperMark(false))
            }
            fn visit_bool<E>(self, _: bool) -> Result<WrapperMark, E> {
                Ok(WrapperMark(false))
            }
            fn visit_unit<E>(self) -> Result<WrapperMark, E> {
                Ok(WrapperMark(false))
            }
        }
        d.deserialize_any(V)
    }
}

record!(
    /// A sign-in record as any JSON export writes it. Diagnostic settings'
    /// `properties` fill the same fields as the envelope around them.
    Raw nested b"properties" {
        // Diagnostic settings' envelope.
        time: Str<'a> = [b"time"],
        category: Str<'a> = [b"category"],
        result_type: Code = [b"resulttype"],
        result_description: Str<'a> = [b"resultdescription"],
        caller_ip: Str<'a> = [b"calleripaddress"],
        identity: Str<'a> = [b"identity"],
        // Graph / properties / Log Analytics columns.
        id: Str<'a> = [b"id"],
        created: Str<'a> = [b"createddatetime"],
        time_generated: Str<'a> = [b"timegenerated"],
        table: Str<'a> = [b"type"],
        correlation_id: Str<'a> = [b"correlationid"],
        upn: Str<'a> = [b"userprincipalname"],
        user_display: Str<'a> = [b"userdisplayname"],
        user_id: Str<'a> = [b"userid"],
        user_type: Str<'a> = [b"usertype"],
        app: Str<'a> = [b"appdisplayname"],
        app_id: Str<'a> = [b"appid"],
        resource: Str<'a> = [b"resourcedisplayname"],
        resource_id: Str<'a> = [b"resourceidentity", b"resourceid"],
        ip: Str<'a> = [b"ipaddress"],
        client_app: Str<'a> = [b"clientappused"],
        user_agent: Str<'a> = [b"useragent"],
        interactive: Flag = [b"isinteractive"],
        event_types: List<Str<'a>> = [b"signineventtypes"],
        sp_id: Str<'a> = [b"serviceprincipalid"],
        sp_name: Str<'a> = [b"serviceprincipalname"],
        ca_status: Str<'a> = [b"conditionalaccessstatus"],
        policies: List<Policy<'a>> = [b"appliedconditionalaccesspolicies", b"conditionalaccesspolicies"],
        device: Obj<Device<'a>> = [b"devicedetail"],
        place: Place<'a> = [b"location"],
        place_details: Place<'a> = [b"locationdetails"],
        status: Obj<Status<'a>> = [b"status"],
        steps: List<Step<'a>> = [b"authenticationdetails"],
        auth_requirement: Str<'a> = [b"authenticationrequirement"],
        protocol: Str<'a> = [b"authenticationprotocol"],
        transfer: Str<'a> = [b"originaltransfermethod"],
        asn: Str<'a> = [b"autonomoussystemnumber"],
        token_type: Str<'a> = [b"incomingtokentype"],
        wrapper: WrapperMark = [b"value", b"records", b"tables"],
    }
);

from_text!(Status);
from_text!(Device);
from_text!(Location);
from_text!(Policy);
from_text!(Step);

impl<'a> FromText<'a> for Str<'a> {
    fn from_text(text: &str) -> Option<Self> {
        Some(Str(Cow::Owned(text.to_string())))
    }
    fn list_from_text(text: &str) -> Vec<Self> {
        let Some(mut de) = text_deserializer(text) else {
            return Vec::new();
        };
        List::<Str>::deserialize(&mut de)
            .map(|l| l.0.into_iter().map(IntoOwned::into_owned).collect())
            .unwrap_or_default()
    }
}

impl<T: IntoOwned> IntoOwned for Box<T> {
    type Owned = Box<T::Owned>;
    fn into_owned(self) -> Self::Owned {
        Box::new((*self).into_owned())
    }
}

/// Parses one record. The bytes are checked as UTF-8 once, then parsed as
/// text, which spares the per-string check of byte parsing.
pub fn parse(bytes: &[u8]) -> Result<Raw<'_>, serde_json::Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) => match fast(text) {
            Some(raw) => Ok(raw),
            None => serde_json::from_str(text),
        },
        // Invalid UTF-8 somewhere: byte parsing reports where.
        Err(_) => serde_json::from_slice(bytes),
    }
}

/// The fast path ([`crate::fastjson`]); `None` when it gives up.
pub fn fast(text: &str) -> Option<Raw<'_>> {
    let mut p = crate::fastjson::Parser::new(text);
    if p.peek() != Some(b'{') {
        return None;
    }
    let mut raw = Raw::default();
    crate::fastjson::FastFill::fast_fill(&mut raw, &mut p).ok()?;
    p.end().ok()?;
    Some(raw)
}

/// The `serde` path alone (the reference the fast path is checked against).
pub fn parse_with_serde(bytes: &[u8]) -> Result<Raw<'_>, serde_json::Error> {
    serde_json::from_slice(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_last_wins_and_case_is_ignored() {
        let r = parse(br#"{"homeTenantId":"a","id":"x","ID":"y","status":{"errorCode":50126},"Status":{"errorCode":0}}"#).unwrap();
        assert_eq!(r.id.unwrap().as_str(), "y");
        assert_eq!(r.status.unwrap().0.unwrap().error_code, Some(Code(Some(0))));
    }

    #[test]
    fn flexible_values() {
        let r = parse(
            br#"{"resultType":"50126","isInteractive":"True","autonomousSystemNumber":8075,
            "Status":"{\"errorCode\":53003,\"failureReason\":\"Blocked\"}",
            "DeviceDetail":"{\"operatingSystem\":\"Ios\",\"isCompliant\":false}",
            "LocationDetails":"{\"countryOrRegion\":\"JP\",\"city\":\"Tokyo\"}",
            "Location":"JP",
            "ConditionalAccessPolicies":"[{\"id\":\"p1\",\"result\":\"failure\"},7]",
            "SignInEventTypes":"[\"nonInteractiveUser\"]"}"#,
        )
        .unwrap();
        assert_eq!(r.result_type, Some(Code(Some(50126))));
        assert_eq!(r.interactive, Some(Flag(Some(true))));
        assert_eq!(r.asn.unwrap().as_str(), "8075");
        let st = r.status.unwrap().0.unwrap();
        assert_eq!(st.error_code, Some(Code(Some(53003))));
        assert_eq!(st.failure_reason.unwrap().as_str(), "Blocked");
        let dev = r.device.unwrap().0.unwrap();
        assert_eq!(dev.operating_system.unwrap().as_str(), "Ios");
        assert_eq!(dev.is_compliant, Some(Flag(Some(false))));
        assert_eq!(r.place.unwrap().country_code.unwrap().as_str(), "JP");
        let loc = r.place_details.unwrap().details.unwrap();
        assert_eq!(loc.city.unwrap().as_str(), "Tokyo");
        let pols = r.policies.unwrap().0;
        assert_eq!(pols.len(), 1);
        assert_eq!(pols[0].result.as_ref().unwrap().as_str(), "failure");
        assert_eq!(r.event_types.unwrap().0[0].as_str(), "nonInteractiveUser");
    }

    #[test]
    fn borrowed_where_possible() {
        let text = br#"{"userPrincipalName":"a@contoso.com","appDisplayName":"Caf\u00e9"}"#;
        let r = parse(text).unwrap();
        assert!(matches!(r.upn.unwrap().0, Cow::Borrowed(_)));
        assert_eq!(r.app.unwrap().as_str(), "Café");
    }

    #[test]
    fn diagnostic_envelope() {
        let r = parse(br#"{"time":"2025-04-11T16:17:00.7397744Z","category":"SignInLogs","resultType":"0","location":"US",
            "properties":{"id":"r1","location":{"city":"Redmond","countryOrRegion":"US"},"status":{"errorCode":0}}}"#).unwrap();
        assert_eq!(r.id.unwrap().as_str(), "r1");
        assert_eq!(r.category.unwrap().as_str(), "SignInLogs");
        // Envelope and properties both say where: both parts are kept.
        let place = r.place.unwrap();
        assert_eq!(place.country_code.unwrap().as_str(), "US");
        assert_eq!(place.details.unwrap().city.unwrap().as_str(), "Redmond");
    }

    #[test]
    fn wrappers_are_marked() {
        assert!(
            parse(br#"{"value":[{"id":"a"}]}"#)
                .unwrap()
                .wrapper
                .unwrap()
                .0
        );
        assert!(!parse(br#"{"value":"x"}"#).unwrap().wrapper.unwrap().0);
    }
}
