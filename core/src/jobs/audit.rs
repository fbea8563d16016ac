//! An audit of stored metadata against the schema: which users do not fit, where and
//! why, the keys the schema does not name, and the users close to Clerk's limits.

use core::fmt;
use core::marker::PhantomData;
use std::collections::HashMap;

use serde::Serialize;
use serde::de::IgnoredAny;

use super::list::ListUsers;
use crate::client::{Error, Users};
use crate::json::escape::{KEY_CHARS, escaped};
use crate::read::{LenientUser, ProblemKind, ReadError, TierRead};
use crate::schema::metadata::{MetadataTier, UserMetadata};
use crate::schema::tier::TierKind;

/// Clerk's limit on one metadata tier, in bytes of JSON.
pub const TIER_LIMIT: usize = 8 * 1024;

/// The most characters of a sample message kept in a report.
const SAMPLE_CHARS: usize = 160;

/// How many distinct unknown keys one user may add to the report, per tier: past that,
/// its other new keys are counted under `(other keys)`, so one hostile user cannot use
/// up a tier's budget.
pub const MAX_NEW_KEYS_PER_USER: usize = 32;

/// What an [`Audit`] counts and keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditOptions {
    /// How many user IDs each finding keeps as examples (default 3).
    pub examples: usize,
    /// A tier of this many bytes or more is "near" Clerk's 8 KB (default 7,168: 7 KB).
    pub near_tier_limit: usize,
    /// The session-token claims budget, in bytes (default [`crate::claims::BUDGET`]).
    pub claims_budget: usize,
    /// How many distinct paths per tier (and for the user object), and distinct
    /// unknown keys per tier, are told apart (default 1,000); past that they are
    /// counted together, so hostile metadata with endless distinct keys cannot grow
    /// the report. Each tier has budgets of its own (hostile unsafe metadata cannot
    /// hide public findings), and one user adds at most [`MAX_NEW_KEYS_PER_USER`] new
    /// keys to a tier's.
    pub max_distinct: usize,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            examples: 3,
            near_tier_limit: 7 * 1024,
            claims_budget: crate::claims::BUDGET,
            max_distinct: 1000,
        }
    }
}

/// Where a finding is: a metadata tier, or the user object itself (an entry of the
/// list that is not a user at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Place {
    /// `public_metadata`.
    PublicMetadata,
    /// `private_metadata`.
    PrivateMetadata,
    /// `unsafe_metadata`.
    UnsafeMetadata,
    /// The user object outside its metadata.
    User,
}

impl Place {
    fn of(tier: TierKind) -> Place {
        match tier {
            TierKind::Public => Place::PublicMetadata,
            TierKind::Private => Place::PrivateMetadata,
            TierKind::Unsafe => Place::UnsafeMetadata,
        }
    }

    /// `public_metadata`, …, `user`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Place::PublicMetadata => "public_metadata",
            Place::PrivateMetadata => "private_metadata",
            Place::UnsafeMetadata => "unsafe_metadata",
            Place::User => "user",
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Users whose stored metadata does not fit the schema at one path, for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DriftFinding {
    /// The tier (or the user object).
    pub place: Place,
    /// The JSON path of the problem, as [`ReadError::path`] gives it: keys escaped and
    /// cut; under private metadata only the schema's own field names.
    /// `(other paths)` counts the paths past [`AuditOptions::max_distinct`].
    pub path: String,
    /// Why it does not fit.
    pub kind: ProblemKind,
    /// How many users.
    pub users: u64,
    /// A few of them.
    pub examples: Vec<String>,
    /// The first parser message seen here, escaped and cut, for public and unsafe
    /// metadata only (it may quote the stored value); `None` under private metadata.
    pub sample: Option<String>,
}

/// A key of public or unsafe metadata that the schema does not name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct UnknownKey {
    /// The tier.
    pub place: Place,
    /// The key, escaped and cut; `(other keys)` counts the keys past
    /// [`AuditOptions::max_distinct`].
    pub key: String,
    /// How many users have it.
    pub users: u64,
}

/// Keys of private metadata that the schema does not name: counted, never named (a
/// private key's name may itself be private).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct PrivateUnknownKeys {
    /// Users with at least one.
    pub users: u64,
    /// Keys in all.
    pub keys: u64,
}

/// Users flagged for one reason, with a few of them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct Flagged {
    /// How many users.
    pub users: u64,
    /// A few of them.
    pub examples: Vec<String>,
}

/// The sizes of one tier across the users scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TierSizes {
    /// The tier.
    pub place: Place,
    /// The largest, in bytes of JSON as sent.
    pub largest: usize,
    /// Users at or over [`AuditOptions::near_tier_limit`] and at most 8 KB.
    pub near_limit: Flagged,
    /// Users over Clerk's 8 KB (stored before the limit, or by another route): any
    /// write of the tier will be refused until it shrinks.
    pub over_limit: Flagged,
}

/// What an audit found; `Serialize` for machines, `Display` as a plain table for
/// people. It holds no private value: under private metadata only paths the schema
/// names, problem kinds and counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AuditReport {
    /// Users listed (entries that are not users included).
    pub scanned: u64,
    /// Users whose three tiers fit the schema.
    pub fitting: u64,
    /// Users a strict read ([`User::from_json`](crate::User::from_json)) takes: public
    /// and private metadata fit (unsafe metadata may not).
    pub strict_readable: u64,
    /// Entries of the list that are not users at all.
    pub unreadable: u64,
    /// Where and why users do not fit, most users first.
    pub drift: Vec<DriftFinding>,
    /// Keys of public and unsafe metadata the schema does not name (its blind spots),
    /// most users first.
    pub unknown_keys: Vec<UnknownKey>,
    /// Keys of private metadata the schema does not name, counted.
    pub private_unknown_keys: PrivateUnknownKeys,
    /// Users whose session-token claims (the public fields marked `claim`) are over
    /// [`AuditOptions::claims_budget`].
    pub over_claims_budget: Flagged,
    /// The budget they were held to.
    pub claims_budget: usize,
    /// The sizes of each tier.
    pub tier_sizes: Vec<TierSizes>,
    /// The threshold of "near" Clerk's 8 KB.
    pub near_tier_limit: usize,
}

impl AuditReport {
    /// Users that do not fit the schema (in some tier), unreadable entries included.
    pub fn not_fitting(&self) -> u64 {
        self.scanned - self.fitting
    }
}

#[derive(Default)]
struct Finding {
    users: u64,
    examples: Vec<String>,
    sample: Option<String>,
}

#[derive(Default)]
struct Sizes {
    largest: usize,
    near: Flagged,
    over: Flagged,
}

/// An audit in progress: [`record`](Audit::record) each user of a walk, then read the
/// [`report`](Audit::report). It holds counts and a few example IDs, never the users,
/// so its memory does not grow with their number.
///
/// ```
/// # use clerk_metadata::{User, UserMetadata, jobs::Audit};
/// #[derive(UserMetadata)]
/// struct AppUser { #[metadata(public)] plan: String }
/// let json = br#"{"id": "user_1", "has_image": false, "banned": false, "locked": false,
///     "created_at": 1, "updated_at": 2, "public_metadata": {"plan": 7, "legacy": true}}"#;
/// let mut audit = Audit::<AppUser>::new();
/// audit.record(&User::from_json_lenient(json)?);
/// let report = audit.report();
/// assert_eq!((report.scanned, report.fitting), (1, 0));
/// assert_eq!(report.drift[0].path, "public_metadata.plan");
/// assert_eq!(report.unknown_keys[0].key, "legacy");
/// # Ok::<(), clerk_metadata::ReadError>(())
/// ```
pub struct Audit<S> {
    options: AuditOptions,
    scanned: u64,
    fitting: u64,
    strict: u64,
    unreadable: u64,
    drift: HashMap<(Place, String, ProblemKind), Finding>,
    /// Per place (public, private, unsafe, user), how many distinct paths are told
    /// apart.
    paths: [usize; 4],
    /// Per tier (public, unsafe), the users with each unknown key, by the key escaped
    /// and cut.
    unknown: [HashMap<String, u64>; 2],
    /// Per tier (public, unsafe), the users with keys past `max_distinct`.
    other_keys: [u64; 2],
    private_unknown: PrivateUnknownKeys,
    claims: Flagged,
    sizes: [Sizes; 3],
    schema: PhantomData<fn() -> S>,
}

impl<S> fmt::Debug for Audit<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Audit")
            .field("scanned", &self.scanned)
            .field("fitting", &self.fitting)
            .finish_non_exhaustive()
    }
}

impl<S: UserMetadata> Default for Audit<S> {
    fn default() -> Self {
        Audit::new()
    }
}

/// Adds `id` to `examples` if there is room.
fn example(examples: &mut Vec<String>, limit: usize, id: &str) {
    if examples.len() < limit {
        examples.push(id.to_owned());
    }
}

impl<S: UserMetadata> Audit<S> {
    /// An audit with the default options.
    pub fn new() -> Self {
        Audit::with_options(AuditOptions::default())
    }

    /// An audit with `options`.
    pub fn with_options(options: AuditOptions) -> Self {
        Audit {
            options,
            scanned: 0,
            fitting: 0,
            strict: 0,
            unreadable: 0,
            drift: HashMap::new(),
            paths: [0; 4],
            unknown: Default::default(),
            other_keys: [0; 2],
            private_unknown: PrivateUnknownKeys::default(),
            claims: Flagged::default(),
            sizes: Default::default(),
            schema: PhantomData,
        }
    }

    /// Counts one user.
    pub fn record(&mut self, user: &LenientUser<S>) {
        self.scanned += 1;
        let id = user.profile.id.as_str();
        if user.fits() {
            self.fitting += 1;
        }
        if user.public_metadata.drift().is_none() && user.private_metadata.drift().is_none() {
            self.strict += 1;
        }
        self.tier(id, &user.public_metadata);
        self.tier(id, &user.private_metadata);
        self.tier(id, &user.unsafe_metadata);
        for (i, tier) in TierKind::ALL.into_iter().enumerate() {
            let size = user.stored_size(tier);
            let sizes = &mut self.sizes[i];
            sizes.largest = sizes.largest.max(size);
            let flagged = if size > TIER_LIMIT {
                &mut sizes.over
            } else if size >= self.options.near_tier_limit {
                &mut sizes.near
            } else {
                continue;
            };
            flagged.users += 1;
            example(&mut flagged.examples, self.options.examples, id);
        }
        if crate::claims::claim_fields(S::Public::FIELDS)
            .next()
            .is_some()
            && let Some(size) = claims_size::<S>(&user.public_metadata)
            && size > self.options.claims_budget
        {
            self.claims.users += 1;
            example(&mut self.claims.examples, self.options.examples, id);
        }
    }

    /// Counts an entry of the list that is not a user at all (an `Err` item of
    /// [`Users::list`]): by its error's path and kind. Errors of other kinds (a
    /// request that failed) are not the audit's business and are not counted.
    pub fn record_unreadable(&mut self, error: &Error) {
        let Error::NotAUser(not) = error else {
            return;
        };
        self.scanned += 1;
        self.unreadable += 1;
        let id = not.user_id.as_ref().map_or("", |id| id.as_str());
        self.finding(Place::User, &not.error, id);
    }

    fn finding(&mut self, place: Place, problem: &ReadError, id: &str) {
        let mut key = (place, problem.path().to_owned(), problem.kind());
        let slot = match place {
            Place::PublicMetadata => 0,
            Place::PrivateMetadata => 1,
            Place::UnsafeMetadata => 2,
            Place::User => 3,
        };
        if !self.drift.contains_key(&key) {
            if self.paths[slot] >= self.options.max_distinct {
                key.1 = "(other paths)".to_owned();
            } else {
                self.paths[slot] += 1;
            }
        }
        let finding = self.drift.entry(key).or_default();
        finding.users += 1;
        if !id.is_empty() {
            example(&mut finding.examples, self.options.examples, id);
        }
        if finding.sample.is_none() && place != Place::PrivateMetadata {
            // Already escaped and cut by the read; cut shorter here.
            let message = problem.message();
            finding.sample = Some(match message.char_indices().nth(SAMPLE_CHARS) {
                Some((at, _)) => format!("{}…", &message[..at]),
                None => message.to_owned(),
            });
        }
    }

    fn tier<T: MetadataTier>(&mut self, id: &str, read: &TierRead<T>) {
        let kind = <T::Tier as crate::schema::tier::Tier>::KIND;
        let place = Place::of(kind);
        let slot = match kind {
            TierKind::Public => 0,
            TierKind::Unsafe => 1,
            TierKind::Private => 2,
        };
        match read {
            TierRead::Typed(stored) => {
                if slot == 2 {
                    self.count_private(stored.unknown().len());
                    return;
                }
                let mut added = 0;
                for key in stored.unknown().keys() {
                    self.count_key(slot, key, &mut added);
                }
            }
            TierRead::Drifted(drift) => {
                self.finding(place, drift.problem(), id);
                let keys: Vec<String> =
                    serde_json::from_str::<HashMap<String, IgnoredAny>>(drift.raw().get())
                        .map(|map| {
                            map.into_keys()
                                .filter(|k| !T::KEYS.contains(&k.as_str()))
                                .collect()
                        })
                        .unwrap_or_default();
                if slot == 2 {
                    self.count_private(keys.len());
                    return;
                }
                let mut added = 0;
                for key in &keys {
                    self.count_key(slot, key, &mut added);
                }
            }
        }
    }

    /// Counts a user with unknown key `key` in tier `slot` (0 public, 1 unsafe), who
    /// has added `added` new keys to the tier so far.
    fn count_key(&mut self, slot: usize, key: &str, added: &mut usize) {
        let key = escaped(key, KEY_CHARS).to_string();
        let keys = &mut self.unknown[slot];
        if let Some(users) = keys.get_mut(&key) {
            *users += 1;
        } else if keys.len() < self.options.max_distinct && *added < MAX_NEW_KEYS_PER_USER {
            *added += 1;
            keys.insert(key, 1);
        } else {
            self.other_keys[slot] += 1;
        }
    }

    fn count_private(&mut self, keys: usize) {
        if keys > 0 {
            self.private_unknown.users += 1;
            self.private_unknown.keys += keys as u64;
        }
    }

    /// The report so far.
    pub fn report(&self) -> AuditReport {
        let mut drift: Vec<DriftFinding> = self
            .drift
            .iter()
            .map(|((place, path, kind), f)| DriftFinding {
                place: *place,
                path: path.clone(),
                kind: *kind,
                users: f.users,
                examples: f.examples.clone(),
                sample: f.sample.clone(),
            })
            .collect();
        drift.sort_by(|a, b| {
            b.users
                .cmp(&a.users)
                .then_with(|| (a.place, &a.path, a.kind).cmp(&(b.place, &b.path, b.kind)))
        });
        let places = [Place::PublicMetadata, Place::UnsafeMetadata];
        let mut unknown_keys: Vec<UnknownKey> = places
            .into_iter()
            .zip(&self.unknown)
            .flat_map(|(place, keys)| {
                keys.iter().map(move |(key, users)| UnknownKey {
                    place,
                    key: key.clone(),
                    users: *users,
                })
            })
            .chain(
                places
                    .into_iter()
                    .zip(self.other_keys)
                    .filter(|(_, users)| *users > 0)
                    .map(|(place, users)| UnknownKey {
                        place,
                        key: "(other keys)".to_owned(),
                        users,
                    }),
            )
            .collect();
        unknown_keys.sort_by(|a, b| {
            b.users
                .cmp(&a.users)
                .then_with(|| (a.place, &a.key).cmp(&(b.place, &b.key)))
        });
        let tier_sizes = TierKind::ALL
            .into_iter()
            .zip(&self.sizes)
            .map(|(tier, sizes)| TierSizes {
                place: Place::of(tier),
                largest: sizes.largest,
                near_limit: sizes.near.clone(),
                over_limit: sizes.over.clone(),
            })
            .collect();
        AuditReport {
            scanned: self.scanned,
            fitting: self.fitting,
            strict_readable: self.strict,
            unreadable: self.unreadable,
            drift,
            unknown_keys,
            private_unknown_keys: self.private_unknown,
            over_claims_budget: self.claims.clone(),
            claims_budget: self.options.claims_budget,
            tier_sizes,
            near_tier_limit: self.options.near_tier_limit,
        }
    }
}

/// The bytes of the session-token claims of a public tier, as the token carries them.
fn claims_size<S: UserMetadata>(read: &TierRead<S::Public>) -> Option<usize> {
    let object = match read {
        TierRead::Typed(stored) => match serde_json::to_value(stored).ok()? {
            serde_json::Value::Object(object) => object,
            _ => return None,
        },
        TierRead::Drifted(drift) => serde_json::from_str(drift.raw().get()).ok()?,
    };
    let claims = crate::claims::from_object(S::Public::FIELDS, &object);
    serde_json::to_vec(&claims).ok().map(|v| v.len())
}

impl<S: UserMetadata> Users<S> {
    /// Audits every user `query` selects against the schema: walks
    /// [`list`](Users::list) and [`record`](Audit::record)s each user (feature `jobs`).
    /// A request that fails (after the client's retries) ends the audit with its error.
    pub async fn audit(
        &self,
        query: ListUsers,
        options: AuditOptions,
    ) -> Result<AuditReport, Error> {
        let mut pager = self.pager(query)?;
        let mut audit = Audit::<S>::with_options(options);
        while let Some(page) = pager.next_page().await? {
            for user in &page.users {
                match user {
                    Ok(user) => audit.record(user),
                    Err(error) => audit.record_unreadable(error),
                }
            }
        }
        Ok(audit.report())
    }
}

/// Writes `text` in a column `width` characters wide.
fn cell(f: &mut fmt::Formatter<'_>, text: &str, width: usize) -> fmt::Result {
    let shown = text.chars().count();
    f.write_str(text)?;
    for _ in shown..width {
        f.write_str(" ")?;
    }
    f.write_str("  ")
}

/// A plain table for people: what fits, the drift by path, the unknown keys, the users
/// near Clerk's limits.
impl fmt::Display for AuditReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} users scanned: {} fit the schema, {} do not ({} read strictly, {} not users at all)",
            self.scanned,
            self.fitting,
            self.not_fitting(),
            self.strict_readable,
            self.unreadable
        )?;
        if !self.drift.is_empty() {
            writeln!(f)?;
            let width = self
                .drift
                .iter()
                .map(|d| d.path.chars().count())
                .max()
                .unwrap_or(0)
                .max(4);
            cell(f, "path", width)?;
            cell(f, "problem", 18)?;
            cell(f, "users", 8)?;
            writeln!(f, "examples")?;
            for d in &self.drift {
                cell(f, &d.path, width)?;
                cell(f, d.kind.describe(), 18)?;
                cell(f, &d.users.to_string(), 8)?;
                writeln!(f, "{}", d.examples.join(", "))?;
            }
        }
        if !self.unknown_keys.is_empty() || self.private_unknown_keys.users > 0 {
            writeln!(f)?;
            writeln!(f, "keys the schema does not name:")?;
            let width = self
                .unknown_keys
                .iter()
                .map(|k| k.place.as_str().len() + 1 + k.key.chars().count())
                .max()
                .unwrap_or(0)
                .max(16);
            for k in &self.unknown_keys {
                cell(f, &format!("{}.{}", k.place, k.key), width)?;
                writeln!(f, "{} users", k.users)?;
            }
            if self.private_unknown_keys.users > 0 {
                cell(f, "private_metadata (names withheld)", width)?;
                writeln!(
                    f,
                    "{} users, {} keys",
                    self.private_unknown_keys.users, self.private_unknown_keys.keys
                )?;
            }
        }
        let claims = &self.over_claims_budget;
        if claims.users > 0 {
            writeln!(f)?;
            writeln!(
                f,
                "session-token claims over {} bytes: {} users ({})",
                self.claims_budget,
                claims.users,
                claims.examples.join(", ")
            )?;
        }
        let mut sized = self
            .tier_sizes
            .iter()
            .filter(|t| t.near_limit.users > 0 || t.over_limit.users > 0)
            .peekable();
        if sized.peek().is_some() {
            writeln!(f)?;
            writeln!(
                f,
                "tiers near Clerk's 8 KB (at least {} bytes):",
                self.near_tier_limit
            )?;
            for t in sized {
                writeln!(
                    f,
                    "{}: {} near, {} over, largest {} bytes ({})",
                    t.place,
                    t.near_limit.users,
                    t.over_limit.users,
                    t.largest,
                    t.over_limit
                        .examples
                        .iter()
                        .chain(&t.near_limit.examples)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )?;
            }
        }
        Ok(())
    }
}
