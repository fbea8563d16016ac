//! Metadata written into request bodies: the patches and replaces an update holds,
//! kept typed until it is built and then serialized straight into the body, through
//! the guard that refuses a NaN or an infinity.

use std::sync::Arc;

use serde::Serialize;

use super::rules::Rules;
use crate::json::guard::{self, GuardState, Problem};
use crate::schema::field::FieldInfo;
use crate::schema::metadata::MetadataTier;
use crate::schema::patch::{MetadataPatch, tier_fields, write_tier_entries};
use crate::schema::tier::TierKind;
use crate::validation::{ValidationError, ValidationErrors, codes};

/// A guarded JSON object being written into a request body.
type JsonMap<'g, 's, 'w> = guard::Compound<
    'g,
    serde_json::ser::Compound<'s, &'w mut Vec<u8>, serde_json::ser::CompactFormatter>,
>;

/// A metadata patch, kept typed until the update is built and then written straight
/// into the request body; it holds the patches added before it.
pub(super) trait PatchWriter: Send + Sync {
    /// The patch added before this one.
    fn earlier(&self) -> Option<&dyn PatchWriter>;
    /// Whether it writes `tier`.
    fn writes(&self, tier: TierKind) -> bool;
    /// Writes its fields of `tier` into an open object, except those `written` holds,
    /// and (if `record`) adds the keys it writes to `written`.
    fn write_entries(
        &self,
        tier: TierKind,
        map: &mut JsonMap<'_, '_, '_>,
        written: &mut Vec<&'static str>,
        record: bool,
    ) -> serde_json::Result<()>;
    /// The fields it may write in `tier`.
    fn fields(&self, tier: TierKind) -> &'static [FieldInfo];
}

pub(super) struct Patched<P> {
    pub(super) patch: P,
    /// The tiers it writes, by `TierKind`: a patch does not change once added.
    pub(super) tiers: [bool; 3],
    pub(super) earlier: Option<Arc<dyn PatchWriter>>,
}

impl<P: MetadataPatch + Send + Sync> PatchWriter for Patched<P> {
    fn earlier(&self) -> Option<&dyn PatchWriter> {
        self.earlier.as_deref()
    }

    fn writes(&self, tier: TierKind) -> bool {
        self.tiers[tier as usize]
    }

    fn write_entries(
        &self,
        tier: TierKind,
        map: &mut JsonMap<'_, '_, '_>,
        written: &mut Vec<&'static str>,
        record: bool,
    ) -> serde_json::Result<()> {
        write_tier_entries(&self.patch, tier, map, |key| {
            let done = written.contains(&key);
            if !done && record {
                written.push(key);
            }
            done
        })
    }

    fn fields(&self, tier: TierKind) -> &'static [FieldInfo] {
        tier_fields::<P>(tier)
    }
}

/// A replaced tier, kept typed until the update is built.
pub(super) trait ReplaceWriter: Send + Sync {
    /// Writes the tier's object.
    fn write(&self, out: &mut Vec<u8>, state: &GuardState) -> serde_json::Result<()>;
    /// The fields of the tier.
    fn fields(&self) -> &'static [FieldInfo];
}

pub(super) struct Replaced<T>(pub(super) T);

impl<T: MetadataTier + Serialize + Send + Sync> ReplaceWriter for Replaced<T> {
    fn fields(&self) -> &'static [FieldInfo] {
        T::FIELDS
    }

    fn write(&self, out: &mut Vec<u8>, state: &GuardState) -> serde_json::Result<()> {
        guard::guarded(&self.0, &mut serde_json::Serializer::new(out), state, true)
    }
}

/// Writes the merged object of every patch that touches `tier`: the later patch's
/// field wins.
pub(super) fn write_patches<'a>(
    patches: impl Iterator<Item = &'a dyn PatchWriter>,
    tier: TierKind,
    out: &mut Vec<u8>,
    state: &GuardState,
) -> serde_json::Result<()> {
    use serde::ser::SerializeMap;
    let mut serializer = serde_json::Serializer::new(out);
    let mut map = guard::guarded_map(&mut serializer, state)?;
    let mut written = Vec::new();
    let mut writers = patches.filter(|p| p.writes(tier));
    let mut next = writers.next();
    while let Some(patch) = next {
        next = writers.next();
        // The keys written need keeping only while another patch is still to come.
        patch.write_entries(tier, &mut map, &mut written, next.is_some())?;
    }
    map.end()
}

pub(crate) fn check_size(
    tier: TierKind,
    size: usize,
    rules: &Rules,
    errors: &mut Vec<ValidationError>,
) {
    if size > rules.metadata_max_bytes {
        errors.push(ValidationError::new(
            tier.key(),
            codes::METADATA_TOO_LARGE,
            format!(
                "{tier} metadata is {size} bytes of JSON; the limit is {} bytes",
                rules.metadata_max_bytes
            ),
        ));
    }
}

/// The problem of a tier that could not be written: what the guard found, by path, or
/// else the serializer's error (never for private metadata, whose values it may quote).
pub(crate) fn serialization_error(
    tier: TierKind,
    state: &GuardState,
    schema_key: &dyn Fn(&str) -> bool,
    error: &serde_json::Error,
) -> ValidationError {
    match state.take(tier.key(), schema_key) {
        Some((problem, path)) => {
            let code = match problem {
                Problem::NonFinite => codes::METADATA_NON_FINITE_NUMBER,
                Problem::NotObject => codes::METADATA_NOT_AN_OBJECT,
                Problem::NotJson => codes::METADATA_NOT_SERIALIZABLE,
            };
            let message = format!("{path} {}", problem.describe());
            ValidationError::new(path, code, message)
        }
        None => ValidationError::new(
            tier.key(),
            codes::METADATA_NOT_SERIALIZABLE,
            match tier {
                TierKind::Private => "private metadata could not be serialized to JSON".to_owned(),
                _ => format!(
                    "{tier} metadata could not be serialized to JSON: {}",
                    crate::json::escape::escaped(
                        &error.to_string(),
                        crate::json::escape::MESSAGE_CHARS
                    )
                ),
            },
        ),
    }
}

/// Appends `"<tier>":{…}` to the open JSON object `out` (a `{` and any entries before),
/// writing `value` through the guard; problems go to `errors`.
pub(crate) fn append_tier_value<T: MetadataTier + Serialize>(
    tier: TierKind,
    value: &T,
    out: &mut Vec<u8>,
    rules: &Rules,
    errors: &mut Vec<ValidationError>,
) {
    if out.len() > 1 {
        out.push(b',');
    }
    out.extend_from_slice(tier.quoted_key().as_bytes());
    let start = out.len();
    let state = GuardState::new(tier == TierKind::Private);
    let written = guard::guarded(
        value,
        &mut serde_json::Serializer::new(&mut *out),
        &state,
        true,
    );
    match written {
        Ok(()) => check_size(tier, out.len() - start, rules, errors),
        Err(error) => {
            let schema_key = |key: &str| T::FIELDS.iter().any(|f| f.reads(key));
            errors.push(serialization_error(tier, &state, &schema_key, &error));
        }
    }
}

/// The tier a create request starts an object with: `"<tier>":{…}` appended to the open
/// object `out` when `value` is set, else a check that the schema reads the empty object
/// Clerk creates for it (`what` names that object in the message).
pub(crate) fn write_initial_tier<T>(
    tier: TierKind,
    value: Option<&T>,
    what: &str,
    out: &mut Vec<u8>,
    rules: &Rules,
    errors: &mut Vec<ValidationError>,
) where
    T: MetadataTier + Serialize + serde::de::DeserializeOwned,
{
    match value {
        Some(value) => append_tier_value(tier, value, out, rules, errors),
        None => check_empty_tier_readable::<T>(tier, what, errors),
    }
}

/// A tier that is created empty (`{}`) must be one the schema reads back: an error
/// naming the tier if its schema has required fields.
pub(crate) fn check_empty_tier_readable<T: MetadataTier + serde::de::DeserializeOwned>(
    tier: TierKind,
    what: &str,
    errors: &mut Vec<ValidationError>,
) {
    if serde_json::from_str::<T>("{}").is_err() {
        errors.push(ValidationError::new(
            tier.key(),
            codes::FORM_PARAM_MISSING,
            format!(
                "the schema has required fields in {tier} metadata: set {} ({what} is created empty, which the schema cannot read)",
                tier.key()
            ),
        ));
    }
}

/// Opens the entry of `tier` in a metadata body, `{"public_metadata":…`, starting the
/// body if this is its first tier, and gives the buffer to write the tier's object into.
/// The keys are fixed; the objects are serde_json's output.
pub(super) fn open_tier(body: &mut Option<Vec<u8>>, tier: TierKind) -> &mut Vec<u8> {
    let out = match body {
        Some(out) => {
            out.push(b',');
            out
        }
        None => {
            let out = body.insert(Vec::with_capacity(128));
            out.push(b'{');
            out
        }
    };
    out.extend_from_slice(tier.quoted_key().as_bytes());
    out
}

pub(super) fn json<T: Serialize>(value: &T) -> Result<Vec<u8>, ValidationErrors> {
    serde_json::to_vec(value).map_err(|_| {
        ValidationError::new(
            "update",
            codes::METADATA_NOT_SERIALIZABLE,
            "the request body could not be serialized",
        )
        .into()
    })
}

pub(super) fn encode(pairs: &[(&str, &str)]) -> Result<Vec<u8>, ValidationErrors> {
    serde_urlencoded::to_string(pairs)
        .map(String::into_bytes)
        .map_err(|_| {
            ValidationError::new(
                "update",
                codes::METADATA_NOT_SERIALIZABLE,
                "the form body could not be encoded",
            )
            .into()
        })
}
