//! `GET /v1/users` as a stream of leniently read users, page by page, by Clerk's
//! `starting_after` cursor (or by `offset`, where asked).

use std::collections::VecDeque;

use futures_core::Stream;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::client::{Error, NotAUser, Step, Users, WalkStuck};
use crate::read::{LenientUser, User};
use crate::schema::metadata::UserMetadata;
use crate::validation::{ValidationError, ValidationErrors, codes};
use crate::wire::clerk_error::ApiError;
use crate::wire::id::{OrganizationId, UserId};
use crate::wire::values::Timestamp;

/// The largest page Clerk answers.
pub const MAX_PAGE_SIZE: u32 = 500;

/// How many values a list filter (`user_id`, `email_address`, …) takes.
pub const MAX_FILTER_VALUES: usize = 100;

/// Which users a walk lists, and in what pages: the typed parameters of Clerk's
/// `GET /v1/users` (`GetUserList`).
///
/// Every filter is optional; the users come newest first, as Clerk orders them. Pages
/// are of [`page_size`](Self::page_size) users (default 500, Clerk's most), read after
/// a cursor (`starting_after`, the ID of the last user of the previous page), which
/// costs Clerk the same however far the walk is; [`offset`](Self::offset) pages by
/// offset instead, where asked.
///
/// ```
/// # use clerk_metadata::Timestamp;
/// # use clerk_metadata::jobs::ListUsers;
/// let query = ListUsers::new()
///     .created_after(Timestamp::from_unix_millis(1_700_000_000_000))
///     .email_addresses(["ada@example.com"])
///     .page_size(100);
/// assert_eq!(
///     query.query_string(None)?,
///     "email_address=ada%40example.com&created_at_after=1700000000000&limit=100"
/// );
/// assert!(ListUsers::new().page_size(0).query_string(None).is_err());
/// // `Debug` says which filters are set, never their values.
/// assert_eq!(
///     format!("{query:?}"),
///     "ListUsers { email_address: 1, created_at_after: true, page_size: 100 }"
/// );
/// # Ok::<(), clerk_metadata::ValidationErrors>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ListUsers {
    user_ids: Vec<String>,
    email_addresses: Vec<String>,
    phone_numbers: Vec<String>,
    external_ids: Vec<String>,
    usernames: Vec<String>,
    organization_ids: Vec<String>,
    query: Option<String>,
    created_after: Option<Timestamp>,
    created_before: Option<Timestamp>,
    last_active_after: Option<Timestamp>,
    last_active_before: Option<Timestamp>,
    banned: Option<bool>,
    page_size: u32,
    offset: Option<u64>,
}

/// Which filters are set, with how many values each list holds: never a value (email
/// addresses, phone numbers and search text are personal data).
impl core::fmt::Debug for ListUsers {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut d = f.debug_struct("ListUsers");
        for (param, values) in self.lists() {
            if !values.is_empty() {
                d.field(param, &values.len());
            }
        }
        for (param, set) in [
            ("query", self.query.is_some()),
            ("created_at_after", self.created_after.is_some()),
            ("created_at_before", self.created_before.is_some()),
            ("last_active_at_after", self.last_active_after.is_some()),
            ("last_active_at_before", self.last_active_before.is_some()),
            ("banned", self.banned.is_some()),
        ] {
            if set {
                d.field(param, &true);
            }
        }
        d.field("page_size", &self.page_size);
        if let Some(offset) = self.offset {
            d.field("offset", &offset);
        }
        d.finish()
    }
}

impl Default for ListUsers {
    fn default() -> Self {
        ListUsers::new()
    }
}

impl ListUsers {
    /// Every user of the instance, in pages of 500.
    pub fn new() -> ListUsers {
        ListUsers {
            user_ids: Vec::new(),
            email_addresses: Vec::new(),
            phone_numbers: Vec::new(),
            external_ids: Vec::new(),
            usernames: Vec::new(),
            organization_ids: Vec::new(),
            query: None,
            created_after: None,
            created_before: None,
            last_active_after: None,
            last_active_before: None,
            banned: None,
            page_size: MAX_PAGE_SIZE,
            offset: None,
        }
    }

    /// Only these users (`user_id`, up to 100).
    #[must_use]
    pub fn user_ids<'a>(mut self, ids: impl IntoIterator<Item = &'a UserId>) -> Self {
        self.user_ids
            .extend(ids.into_iter().map(|id| id.as_str().to_owned()));
        self
    }

    /// Not these users (`user_id` with `-`, up to 100 with the included ones).
    #[must_use]
    pub fn excluding_user_ids<'a>(mut self, ids: impl IntoIterator<Item = &'a UserId>) -> Self {
        self.user_ids
            .extend(ids.into_iter().map(|id| format!("-{}", id.as_str())));
        self
    }

    /// Only users with one of these email addresses (`email_address`, up to 100).
    #[must_use]
    pub fn email_addresses(
        mut self,
        addresses: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.email_addresses
            .extend(addresses.into_iter().map(Into::into));
        self
    }

    /// Only users with one of these phone numbers (`phone_number`, up to 100).
    #[must_use]
    pub fn phone_numbers(mut self, numbers: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.phone_numbers
            .extend(numbers.into_iter().map(Into::into));
        self
    }

    /// Only users with one of these external IDs (`external_id`, up to 100).
    #[must_use]
    pub fn external_ids(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.external_ids.extend(ids.into_iter().map(Into::into));
        self
    }

    /// Only users with one of these usernames (`username`, up to 100).
    #[must_use]
    pub fn usernames(mut self, names: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.usernames.extend(names.into_iter().map(Into::into));
        self
    }

    /// Only members of one of these organizations (`organization_id`, up to 100).
    #[must_use]
    pub fn organization_ids<'a>(
        mut self,
        ids: impl IntoIterator<Item = &'a OrganizationId>,
    ) -> Self {
        self.organization_ids
            .extend(ids.into_iter().map(|id| id.as_str().to_owned()));
        self
    }

    /// Only users matching `text` (`query`: a partial match of their email addresses,
    /// phone numbers, usernames, web3 wallets, IDs and names).
    #[must_use]
    pub fn query(mut self, text: impl Into<String>) -> Self {
        self.query = Some(text.into());
        self
    }

    /// Only users created after `at` (`created_at_after`).
    #[must_use]
    pub fn created_after(mut self, at: Timestamp) -> Self {
        self.created_after = Some(at);
        self
    }

    /// Only users created before `at` (`created_at_before`).
    #[must_use]
    pub fn created_before(mut self, at: Timestamp) -> Self {
        self.created_before = Some(at);
        self
    }

    /// Only users last active after `at` (`last_active_at_after`).
    #[must_use]
    pub fn last_active_after(mut self, at: Timestamp) -> Self {
        self.last_active_after = Some(at);
        self
    }

    /// Only users last active before `at` (`last_active_at_before`).
    #[must_use]
    pub fn last_active_before(mut self, at: Timestamp) -> Self {
        self.last_active_before = Some(at);
        self
    }

    /// Only banned (`true`) or only not banned (`false`) users (`banned`).
    #[must_use]
    pub fn banned(mut self, banned: bool) -> Self {
        self.banned = Some(banned);
        self
    }

    /// Users per page (`limit`): 1 to 500, default 500.
    #[must_use]
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size;
        self
    }

    /// The page size.
    pub fn get_page_size(&self) -> u32 {
        self.page_size
    }

    /// Pages by `offset`, starting `offset` users in, instead of by cursor. Clerk
    /// advises the cursor for long walks: a large offset gets slower and may time out,
    /// and a user created or deleted during the walk shifts every later page.
    #[must_use]
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Checks the query: every problem at once, each naming Clerk's parameter.
    pub fn check(&self) -> Result<(), ValidationErrors> {
        let mut errors = Vec::new();
        if !(1..=MAX_PAGE_SIZE).contains(&self.page_size) {
            errors.push(ValidationError::new(
                "limit",
                codes::FORM_PARAM_VALUE_INVALID,
                "the page size must be from 1 to 500",
            ));
        }
        for (param, values) in self.lists() {
            if values.len() > MAX_FILTER_VALUES {
                errors.push(ValidationError::new(
                    param,
                    codes::FORM_PARAM_VALUE_INVALID,
                    "at most 100 values",
                ));
            }
            if values
                .iter()
                .any(|v| v.is_empty() || v.chars().any(char::is_control))
            {
                errors.push(ValidationError::new(
                    param,
                    codes::FORM_PARAM_FORMAT_INVALID,
                    "a value is empty or holds a control character",
                ));
            }
        }
        if let Some(query) = &self.query
            && (query.is_empty() || query.chars().any(char::is_control))
        {
            errors.push(ValidationError::new(
                "query",
                codes::FORM_PARAM_FORMAT_INVALID,
                "the query is empty or holds a control character",
            ));
        }
        for (param, after, before) in [
            ("created_at_after", self.created_after, self.created_before),
            (
                "last_active_at_after",
                self.last_active_after,
                self.last_active_before,
            ),
        ] {
            if let (Some(after), Some(before)) = (after, before)
                && after >= before
            {
                errors.push(ValidationError::new(
                    param,
                    codes::CONFLICTING_FIELDS,
                    "the range is empty: `after` is not before `before`",
                ));
            }
        }
        ValidationErrors::from_vec(errors)
    }

    /// A fingerprint of the users the query selects and how it walks them (its
    /// filters, and whether it pages by offset; not its page size): a 64-bit FNV-1a
    /// hash of its encoded filters, stable across runs and versions, holding none of
    /// their values.
    pub fn fingerprint(&self) -> u64 {
        let mut text = self.encode(None, false);
        if let Some(offset) = self.offset {
            text.push_str(&format!("&offset={offset}"));
        }
        text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    fn lists(&self) -> [(&'static str, &Vec<String>); 6] {
        [
            ("email_address", &self.email_addresses),
            ("phone_number", &self.phone_numbers),
            ("external_id", &self.external_ids),
            ("username", &self.usernames),
            ("user_id", &self.user_ids),
            ("organization_id", &self.organization_ids),
        ]
    }

    /// The query string of `GET /v1/users` for the page after `cursor` (the first page
    /// for `None`), or the problems of the query.
    pub fn query_string(&self, cursor: Option<&Cursor>) -> Result<String, ValidationErrors> {
        self.check()?;
        Ok(self.encode(cursor, true))
    }

    /// The query string, checked or not; `paged` adds `limit` and the position.
    fn encode(&self, cursor: Option<&Cursor>, paged: bool) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (param, values) in self.lists() {
            pairs.extend(values.iter().map(|v| (param, v.clone())));
        }
        if let Some(query) = &self.query {
            pairs.push(("query", query.clone()));
        }
        if let Some(banned) = self.banned {
            pairs.push(("banned", banned.to_string()));
        }
        let millis = |t: Timestamp| {
            t.into_inner()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        };
        let mut created_before = self.created_before.map(millis);
        let mut starting_after = None;
        if paged && let Some(cursor) = cursor {
            match &cursor.position {
                Position::Start | Position::Offset { .. } => {}
                Position::After { id, .. } => starting_after = Some(id.clone()),
                // The cursor's user is gone: the users created up to its time, and the
                // pager drops those at or before it.
                Position::Before { created_at, .. } => {
                    let bound = created_at.saturating_add(1);
                    created_before = Some(created_before.map_or(bound, |b| b.min(bound)));
                }
            }
        }
        for (param, at) in [
            ("created_at_after", self.created_after.map(millis)),
            ("created_at_before", created_before),
            ("last_active_at_after", self.last_active_after.map(millis)),
            ("last_active_at_before", self.last_active_before.map(millis)),
        ] {
            if let Some(at) = at {
                pairs.push((param, at.to_string()));
            }
        }
        if paged {
            pairs.push(("limit", self.page_size.to_string()));
            let offset = match cursor.map(|c| &c.position) {
                Some(Position::Offset { offset }) => Some(*offset),
                Some(Position::Start) | None => self.offset,
                _ => None,
            };
            if let Some(offset) = offset.filter(|n| *n > 0) {
                pairs.push(("offset", offset.to_string()));
            }
            if let Some(id) = starting_after {
                pairs.push(("starting_after", id));
            }
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

/// Where a walk is: before its first page, after a user, or at an offset. Store it
/// (it is `Serialize`) and give it back to [`Users::pager_from`] to go on from there.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Cursor {
    position: Position,
    /// Whether the walk has read its last page.
    done: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Position {
    /// Before the first page.
    #[default]
    Start,
    /// After the user `id`, created at `created_at` (ms): its next page is read with
    /// `starting_after`.
    After { id: String, created_at: i64 },
    /// After the user `id`, which Clerk no longer knows: its next page is the users
    /// created up to `created_at`, without those at or before it in Clerk's order.
    Before { id: String, created_at: i64 },
    /// After this many users, paged by offset.
    Offset { offset: u64 },
}

impl Cursor {
    /// Whether the walk has read its last page.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The ID of the last user read, if the walk is by cursor and has read a page.
    pub fn last_user_id(&self) -> Option<&str> {
        match &self.position {
            Position::After { id, .. } | Position::Before { id, .. } => Some(id),
            _ => None,
        }
    }
}

/// One page of a walk: its users, each read leniently (or the error of the one entry
/// that is not a user at all), and the cursor after it.
#[non_exhaustive]
pub struct Page<S: UserMetadata> {
    /// The users, in Clerk's order.
    pub users: Vec<Result<LenientUser<S>, Error>>,
    /// Where the walk is after this page.
    pub cursor: Cursor,
}

impl<S: UserMetadata> core::fmt::Debug for Page<S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Page")
            .field("users", &self.users.len())
            .field("cursor", &self.cursor)
            .finish()
    }
}

/// A walk over the users of a [`ListUsers`], page by page; made by [`Users::pager`].
/// It holds one cursor, never the users read.
pub struct UserPager<S: UserMetadata> {
    users: Users<S>,
    query: ListUsers,
    cursor: Cursor,
}

impl<S: UserMetadata> core::fmt::Debug for UserPager<S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("UserPager")
            .field("query", &self.query)
            .field("cursor", &self.cursor)
            .finish()
    }
}

/// The ID and creation time of a listed user.
#[derive(Deserialize)]
struct Key {
    id: String,
    created_at: i64,
}

/// The entries of a list answer, or `None` if it is not a JSON array.
fn entries(answer: &[u8]) -> Option<Vec<&RawValue>> {
    serde_json::from_slice(answer).ok()
}

/// The error of a list answer that is not a JSON array.
fn not_a_list() -> Error {
    Error::NotAUser(NotAUser {
        applied: Vec::new(),
        error: crate::read::ReadError::document("the answer is not a JSON array"),
        user_id: None,
        created_id: None,
        object: "user list",
    })
}

/// Whether a page read at `position` drops the entry of `key`: by creation time after
/// a deleted cursor user, the entries at or before it in Clerk's order.
fn dropped(position: &Position, key: Option<&Key>) -> bool {
    match (position, key) {
        (Position::Before { id, created_at }, Some(key)) => {
            (key.created_at, key.id.as_str()) >= (*created_at, id.as_str())
        }
        _ => false,
    }
}

/// How many entries of a list answer read at `position` are kept.
fn kept(position: &Position, answer: &[u8]) -> Option<usize> {
    Some(
        entries(answer)?
            .iter()
            .filter(|entry| {
                let key = serde_json::from_str::<Key>(entry.get()).ok();
                !dropped(position, key.as_ref())
            })
            .count(),
    )
}

/// Whether `error` is Clerk's refusal of a `starting_after` that names no user.
fn cursor_refused(error: &Error) -> bool {
    let Error::Clerk(failure) = error else {
        return false;
    };
    match &failure.error {
        ApiError::Clerk { status, errors } => {
            matches!(status, 400 | 404 | 422)
                && errors
                    .errors
                    .iter()
                    .any(|e| e.param_name() == Some("starting_after"))
        }
        ApiError::Unrecognized { .. } => false,
    }
}

impl<S: UserMetadata> UserPager<S> {
    /// Where the walk is.
    pub fn cursor(&self) -> &Cursor {
        &self.cursor
    }

    /// The query walked.
    pub fn query(&self) -> &ListUsers {
        &self.query
    }

    /// The next page, or `None` once the walk is over (a page shorter than the page
    /// size was the last). An error leaves the cursor where it was: calling again
    /// reads the same page again.
    ///
    /// # A deleted cursor user
    ///
    /// The cursor names the last user read (`starting_after`). If that user was
    /// deleted since, the next page is read by creation time instead
    /// (`created_at_before`): the users created up to the cursor's user, less those at
    /// or before it in Clerk's order (creation time, then ID); nothing is skipped or
    /// read twice. This rests on how Clerk answers a `starting_after` naming no user,
    /// which its API reference does not document; the pager assumes that Clerk
    /// refuses it with 400, 404 or 422 and an error naming the `starting_after`
    /// parameter, and guards against the other answer it could plausibly give, an
    /// empty or short page:
    ///
    /// - When a page read after a cursor comes back shorter than the page size (the
    ///   walk would end there), one more page is read by creation time from the
    ///   cursor. If it holds more users created before the cursor than the short page
    ///   did, the walk goes on from it instead of ending. So every walk by cursor ends
    ///   with one request more than its pages.
    /// - If the users tying with the cursor's user at its millisecond fill that page,
    ///   the check cannot tell, and the short page ends the walk.
    ///
    /// # A walk that cannot go on
    ///
    /// A full page that moves the cursor nowhere is [`Error::WalkStuck`], never a
    /// page read again forever: after a deleted cursor user, when at least a page of
    /// users were created in the same millisecond as it (Clerk's creation-time
    /// filter cannot tell them apart), or when a full page has no entry with a
    /// readable user ID and creation time. The cursor stays where it was.
    pub async fn next_page(&mut self) -> Result<Option<Page<S>>, Error> {
        if self.cursor.done {
            return Ok(None);
        }
        let mut answer = match self.fetch(&self.cursor.clone()).await {
            Err(error) if cursor_refused(&error) => {
                let Position::After { id, created_at } = self.cursor.position.clone() else {
                    return Err(error);
                };
                let gone = Cursor {
                    position: Position::Before { id, created_at },
                    done: false,
                };
                let answer = self.fetch(&gone).await?;
                self.cursor = gone;
                answer
            }
            other => other?,
        };
        let page_size = self.query.page_size as usize;
        // A short page after a cursor: check by creation time that the cursor's user
        // was not deleted with Clerk answering an empty or short page for it.
        if let Position::After { id, created_at } = &self.cursor.position
            && entries(&answer).ok_or_else(not_a_list)?.len() < page_size
        {
            let check = Cursor {
                position: Position::Before {
                    id: id.clone(),
                    created_at: *created_at,
                },
                done: false,
            };
            let checked = self.fetch(&check).await?;
            let short = entries(&answer).ok_or_else(not_a_list)?.len();
            if kept(&check.position, &checked).ok_or_else(not_a_list)? > short {
                answer = checked;
                self.cursor = check;
            }
        }
        let entries = entries(&answer).ok_or_else(not_a_list)?;
        let full = entries.len() >= page_size;
        let mut users = Vec::with_capacity(entries.len());
        let mut last = None;
        for entry in &entries {
            let key = serde_json::from_str::<Key>(entry.get()).ok();
            // By creation time after a deleted cursor: drop what came at or before it.
            if dropped(&self.cursor.position, key.as_ref()) {
                continue;
            }
            let user_id = key.as_ref().and_then(|k| UserId::parse(&k.id).ok());
            if let Some(key) = key {
                last = Some(key);
            }
            users.push(
                User::<S>::from_json_lenient(entry.get().as_bytes()).map_err(|error| {
                    Error::NotAUser(NotAUser {
                        applied: Vec::new(),
                        error,
                        user_id,
                        created_id: None,
                        object: "user",
                    })
                }),
            );
        }
        let by_offset =
            matches!(self.cursor.position, Position::Offset { .. }) || self.query.offset.is_some();
        if full && last.is_none() && !by_offset {
            // Reading on from the same cursor would read this page again, forever.
            let tied_at = match &self.cursor.position {
                Position::Before { created_at, .. } => Some(*created_at),
                _ => None,
            };
            return Err(Error::WalkStuck(WalkStuck {
                entries: entries.len(),
                tied_at,
            }));
        }
        let position = match (&self.cursor.position, &self.query.offset) {
            (Position::Offset { offset }, _) => Position::Offset {
                offset: offset.saturating_add(entries.len() as u64),
            },
            (Position::Start, Some(start)) => Position::Offset {
                offset: start.saturating_add(entries.len() as u64),
            },
            (current, _) => match last {
                Some(Key { id, created_at }) => Position::After { id, created_at },
                None => current.clone(),
            },
        };
        self.cursor = Cursor {
            position,
            done: !full,
        };
        Ok(Some(Page {
            users,
            cursor: self.cursor.clone(),
        }))
    }

    async fn fetch(&self, cursor: &Cursor) -> Result<Vec<u8>, Error> {
        let path = format!("/v1/users?{}", self.query.encode(Some(cursor), true));
        self.users.clerk.get(Step::ListUsers, &path).await
    }

    /// The walk as a stream of users, one page read at a time.
    pub fn into_stream(self) -> impl Stream<Item = Result<LenientUser<S>, Error>> {
        let state = (self, VecDeque::new(), false);
        futures_util::stream::unfold(state, |(mut pager, mut buffer, mut ended)| async move {
            loop {
                if let Some(item) = buffer.pop_front() {
                    return Some((item, (pager, buffer, ended)));
                }
                if ended {
                    return None;
                }
                match pager.next_page().await {
                    Ok(Some(page)) => buffer.extend(page.users),
                    Ok(None) => return None,
                    // The walk ends with the error; its cursor is where to go on.
                    Err(error) => {
                        ended = true;
                        return Some((Err(error), (pager, buffer, ended)));
                    }
                }
            }
        })
    }
}

impl<S: UserMetadata> Users<S> {
    /// Every user `query` selects (`GET /v1/users`), newest first, as a stream: each
    /// read leniently ([`User::from_json_lenient`]), so a user whose metadata does not
    /// fit the schema is an item with its drift, never the end of the walk; an entry
    /// that is not a user at all is an `Err` item, and the walk goes on. A request
    /// that fails (after the client's retries) is the last item. One page is held at a
    /// time, so memory stays flat however many users there are. A user created during
    /// the walk is newer than its cursor and is not listed (a later walk finds it); a
    /// user deleted during the walk is not listed once gone, and the walk goes on even
    /// if it was the cursor's own (see [`UserPager::next_page`]).
    ///
    /// A query that cannot be sent (a page size outside 1..=500, over 100 values in a
    /// filter) is refused with its [`ValidationErrors`], and nothing is sent (feature
    /// `jobs`).
    ///
    /// ```no_run
    /// # use clerk_metadata::{UserMetadata, client::Clerk, jobs::ListUsers};
    /// # use futures_util::StreamExt;
    /// # #[derive(UserMetadata)] struct AppUser { #[metadata(public)] role: Option<String> }
    /// # async fn run(clerk: Clerk) -> Result<(), clerk_metadata::client::Error> {
    /// let users = clerk.users::<AppUser>().list(ListUsers::new())?;
    /// let mut users = std::pin::pin!(users);
    /// while let Some(user) = users.next().await {
    ///     let user = user?;
    ///     if !user.problems().is_empty() {
    ///         println!("{} drifted", user.profile.id);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(
        &self,
        query: ListUsers,
    ) -> Result<impl Stream<Item = Result<LenientUser<S>, Error>> + use<S>, ValidationErrors> {
        Ok(self.pager(query)?.into_stream())
    }

    /// The walk of [`list`](Self::list), page by page, with its cursor after each.
    pub fn pager(&self, query: ListUsers) -> Result<UserPager<S>, ValidationErrors> {
        self.pager_from(query, Cursor::default())
    }

    /// The walk of [`list`](Self::list), from `cursor` (one a pager gave, for the same
    /// query): it goes on with the next page after it.
    pub fn pager_from(
        &self,
        query: ListUsers,
        cursor: Cursor,
    ) -> Result<UserPager<S>, ValidationErrors> {
        query.check()?;
        Ok(UserPager {
            users: self.clone(),
            query,
            cursor,
        })
    }

    /// How many users `query` selects (`GET /v1/users/count`); its page size and
    /// offset do not matter.
    pub async fn count(&self, query: &ListUsers) -> Result<u64, Error> {
        query.check()?;
        let path = match query.encode(None, false) {
            q if q.is_empty() => "/v1/users/count".to_owned(),
            q => format!("/v1/users/count?{q}"),
        };
        let answer = self.clerk.get(Step::CountUsers, &path).await?;
        #[derive(Deserialize)]
        struct Count {
            total_count: u64,
        }
        serde_json::from_slice::<Count>(&answer)
            .map(|c| c.total_count)
            .map_err(|_| {
                Error::NotAUser(NotAUser {
                    applied: Vec::new(),
                    error: crate::read::ReadError::document("the answer is not a total count"),
                    user_id: None,
                    created_id: None,
                    object: "user count",
                })
            })
    }
}
