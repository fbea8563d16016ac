//! `NewUser<S>`: a typed, validated `POST /v1/users` (Clerk's `CreateUser`), with the
//! metadata tiers of schema `S`.

use core::fmt;

use serde::Serialize;

use super::body::write_initial_tier;
use super::rules::Rules;
use super::validate;
use crate::claims::ClaimsBudget;
use crate::schema::metadata::UserMetadata;
use crate::schema::tier::TierKind;
use crate::validation::{ValidationError, ValidationErrors, codes};
use crate::value::IntoValue;
use crate::wire::request::{ApiRequest, BodyKind, Method};
use crate::wire::values::{PasswordHasher, Timestamp};
use crate::wire::version::ApiVersion;

/// A new Clerk user, with the metadata of schema `S`: what
/// `clerkClient.users.createUser(params)` sends (`POST /v1/users`, the spec's
/// `CreateUser`), validated before anything is sent.
///
/// Setters are named as the JSON fields of the spec (the same in the three API versions);
/// untouched fields are not sent. The metadata tiers are the schema's own types:
/// [`metadata`](Self::metadata) sets all three from one value of `S`, and
/// [`public_metadata`](Self::public_metadata) and its siblings one tier each. A tier that
/// is not set is created empty (`{}`), so [`build`](Self::build) refuses to leave out a
/// tier whose schema struct cannot be read from `{}` (it has a required field): the new
/// user would hold metadata the schema cannot read back.
///
/// ```
/// use clerk_metadata::{ApiVersion, NewUser, UserMetadata};
/// # #[derive(UserMetadata)]
/// # pub struct AppUser {
/// #     #[metadata(public)] pub role: String,
/// #     #[metadata(private)] pub stripe_customer_id: Option<String>,
/// # }
///
/// let request = NewUser::<AppUser>::new()
///     .email_address("ada@example.com")
///     .username("ada_l")
///     .password("correct horse battery staple")
///     .public_metadata(AppUserPublic { role: "member".to_owned() })
///     .build(ApiVersion::LATEST)?;
/// assert_eq!(request.path(), "/v1/users");
/// assert_eq!(
///     request.body(),
///     br#"{"email_address":["ada@example.com"],"username":"ada_l","password":"correct horse battery staple","public_metadata":{"role":"member"}}"#
/// );
///
/// // `role` is required: a user created without public metadata could not be read.
/// let errors = NewUser::<AppUser>::new().email_address("bob@example.com").build(ApiVersion::LATEST).unwrap_err();
/// assert!(errors.contains("public_metadata", "form_param_missing"));
/// # Ok::<(), clerk_metadata::ValidationErrors>(())
/// ```
///
/// `Debug` shows the fields that are set, with `password`, `password_digest`,
/// `totp_secret` and `backup_codes` redacted, and the metadata tiers by name only.
pub struct NewUser<S: UserMetadata> {
    fields: Fields,
    public: Option<S::Public>,
    private: Option<S::Private>,
    unsafe_: Option<S::Unsafe>,
}

/// How an email address or phone number is created: Clerk's
/// `…_identification_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    Verified,
    Reserved,
}

/// The profile fields of the `CreateUser` body, in the spec's order; `None` is not sent.
#[derive(Clone, Default, Serialize)]
struct Fields {
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    locale: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    email_address: Vec<String>,
    /// Sent only when some address is reserved.
    #[serde(skip_serializing_if = "all_verified")]
    email_address_identification_status: Vec<Status>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    phone_number: Vec<String>,
    #[serde(skip_serializing_if = "all_verified")]
    phone_number_identification_status: Vec<Status>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    web3_wallet: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password_digest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password_hasher: Option<PasswordHasher>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skip_password_checks: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skip_password_requirement: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    totp_secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    backup_codes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delete_self_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    legal_accepted_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skip_legal_checks: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skip_user_requirement: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    create_organization_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    create_organizations_limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bypass_client_trust: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    banned: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    locked: Option<bool>,
}

fn all_verified(statuses: &[Status]) -> bool {
    statuses.iter().all(|s| *s == Status::Verified)
}

/// Generates the setters of plain fields: one per field, named as it.
macro_rules! setters {
    ($($(#[doc = $doc:literal])* $name:ident: $ty:ty;)*) => {
        impl<S: UserMetadata> NewUser<S> {
            $(
                #[doc = concat!("Sets `", stringify!($name), "`.")]
                #[doc = ""]
                $(#[doc = $doc])*
                #[must_use]
                pub fn $name(mut self, value: impl IntoValue<$ty>) -> Self {
                    self.fields.$name = Some(value.into_value());
                    self
                }
            )*
        }
    };
}

setters! {
    /// The user's ID in your own systems; unique across the instance.
    external_id: String;
    /// At most 256 characters.
    first_name: String;
    /// At most 256 characters.
    last_name: String;
    /// A language tag such as `en` or `en-US`.
    locale: String;
    /// Checked against [`Rules`]: Clerk's default is 4 to 64 Latin characters, no
    /// whitespace, none of ``^$!.`#+~``. Unique across the instance.
    username: String;
    /// 8 to 72 bytes of UTF-8 (bcrypt's limit). Never shown by `Debug`; Clerk stores
    /// only its digest.
    password: String;
    /// Skip the instance's password policy; only together with `password` or
    /// `password_digest`.
    skip_password_checks: bool;
    /// Create the user without a password in an instance that asks for one.
    skip_password_requirement: bool;
    /// The TOTP secret to enable (30 s, 6 digits, SHA-1). Never shown by `Debug`.
    totp_secret: String;
    /// Whether the user may delete themselves through the Frontend API.
    delete_self_enabled: bool;
    /// When the user accepted the legal requirements; sent as RFC 3339.
    legal_accepted_at: Timestamp;
    /// Skip legal checks.
    skip_legal_checks: bool;
    /// Do not enforce the instance's required identification types.
    skip_user_requirement: bool;
    /// Whether the user may create organizations through the Frontend API.
    create_organization_enabled: bool;
    /// How many organizations the user may create; 0 means unlimited.
    create_organizations_limit: u32;
    /// When the user signed up; sent as RFC 3339.
    created_at: Timestamp;
    /// Let the user bypass Device Trust checks when signing in.
    bypass_client_trust: bool;
    /// Create the user banned.
    banned: bool;
    /// Create the user locked.
    locked: bool;
}

impl<S: UserMetadata> NewUser<S> {
    /// A user with nothing set yet.
    #[must_use]
    pub fn new() -> Self {
        NewUser {
            fields: Fields::default(),
            public: None,
            private: None,
            unsafe_: None,
        }
    }

    /// Adds an email address, created verified. The first address (verified or
    /// reserved) becomes the user's primary one. Unique across the instance.
    #[must_use]
    pub fn email_address(mut self, address: impl IntoValue<String>) -> Self {
        self.fields.email_address.push(address.into_value());
        self.fields
            .email_address_identification_status
            .push(Status::Verified);
        self
    }

    /// Adds an email address created reserved: unverified, usable to sign in, and
    /// locked so that no other user can claim it.
    #[must_use]
    pub fn reserved_email_address(mut self, address: impl IntoValue<String>) -> Self {
        self.fields.email_address.push(address.into_value());
        self.fields
            .email_address_identification_status
            .push(Status::Reserved);
        self
    }

    /// Adds a phone number, created verified. The first number becomes the user's
    /// primary one. Unique across the instance.
    #[must_use]
    pub fn phone_number(mut self, number: impl IntoValue<String>) -> Self {
        self.fields.phone_number.push(number.into_value());
        self.fields
            .phone_number_identification_status
            .push(Status::Verified);
        self
    }

    /// Adds a phone number created reserved (see
    /// [`reserved_email_address`](Self::reserved_email_address)).
    #[must_use]
    pub fn reserved_phone_number(mut self, number: impl IntoValue<String>) -> Self {
        self.fields.phone_number.push(number.into_value());
        self.fields
            .phone_number_identification_status
            .push(Status::Reserved);
        self
    }

    /// Adds a web3 wallet. The first becomes the user's primary one.
    #[must_use]
    pub fn web3_wallet(mut self, wallet: impl IntoValue<String>) -> Self {
        self.fields.web3_wallet.push(wallet.into_value());
        self
    }

    /// Sets `password_digest` and `password_hasher`, the algorithm it was made with:
    /// a password migrated from another system. Excludes `password`. The digest is
    /// never shown by `Debug`.
    #[must_use]
    pub fn password_digest(
        mut self,
        digest: impl IntoValue<String>,
        hasher: PasswordHasher,
    ) -> Self {
        self.fields.password_digest = Some(digest.into_value());
        self.fields.password_hasher = Some(hasher);
        self
    }

    /// Sets `backup_codes`: plain codes or their bcrypt digests, each non-empty. Never
    /// shown by `Debug`.
    #[must_use]
    pub fn backup_codes<I>(mut self, codes: I) -> Self
    where
        I: IntoIterator,
        I::Item: IntoValue<String>,
    {
        self.fields.backup_codes = Some(codes.into_iter().map(IntoValue::into_value).collect());
        self
    }

    /// Sets all three metadata tiers from one value of the schema.
    #[must_use]
    pub fn metadata(self, metadata: S) -> Self {
        let (public, private, unsafe_) = metadata.into_tiers();
        self.public_metadata(public)
            .private_metadata(private)
            .unsafe_metadata(unsafe_)
    }

    /// Sets the user's public metadata (the backend writes, the browser reads).
    #[must_use]
    pub fn public_metadata(mut self, tier: S::Public) -> Self {
        self.public = Some(tier);
        self
    }

    /// Sets the user's private metadata (backend only).
    #[must_use]
    pub fn private_metadata(mut self, tier: S::Private) -> Self {
        self.private = Some(tier);
        self
    }

    /// Sets the user's unsafe metadata (the signed-in user may change it).
    #[must_use]
    pub fn unsafe_metadata(mut self, tier: S::Unsafe) -> Self {
        self.unsafe_ = Some(tier);
        self
    }

    /// Validates the user against [`Rules::default`] and builds its request,
    /// `POST /v1/users` (JSON), for API version `version`.
    pub fn build(&self, version: ApiVersion) -> Result<ApiRequest, ValidationErrors> {
        self.build_with(version, &Rules::default())
    }

    /// Checks everything `build_with` checks, without building the request: `validate`
    /// passes exactly when `build_with` would succeed.
    pub fn validate(&self, rules: &Rules) -> Result<(), ValidationErrors> {
        self.body(rules).map(drop)
    }

    /// Validates the user against `rules` and builds its request. Every problem is
    /// reported at once, each with the field (`email_address[1]`,
    /// `private_metadata`, …), a stable code and a sentence that never quotes the value.
    pub fn build_with(
        &self,
        version: ApiVersion,
        rules: &Rules,
    ) -> Result<ApiRequest, ValidationErrors> {
        let body = self.body(rules)?;
        Ok(ApiRequest::new(
            Method::Post,
            "/v1/users".to_owned(),
            version,
            BodyKind::Json,
            body,
        ))
    }

    /// The warnings against `rules`: problems that do not stop `build`, such as
    /// session-token claims over a [`ClaimsBudget::Warn`] budget.
    pub fn warnings(&self, rules: &Rules) -> Vec<ValidationError> {
        match rules.claims_budget {
            ClaimsBudget::Warn(budget) => self.claims_over(budget).into_iter().collect(),
            _ => Vec::new(),
        }
    }

    fn claims_over(&self, budget: usize) -> Option<ValidationError> {
        let public = self.public.as_ref()?;
        let size = match crate::claims::check::<S>(public, budget) {
            Ok(_) => return None,
            Err(over) => over.size,
        };
        Some(ValidationError::new(
            TierKind::Public.key(),
            codes::CLAIMS_OVER_BUDGET,
            format!(
                "the session-token claims this user's public metadata sets take {size} bytes, over the budget of {budget} (Clerk advises about 1.2 KB: the token lives in a 4 KB cookie)"
            ),
        ))
    }

    /// The JSON body, or every problem found.
    fn body(&self, rules: &Rules) -> Result<Vec<u8>, ValidationErrors> {
        let mut errors = Vec::new();
        self.check_fields(rules, &mut errors);
        if let ClaimsBudget::Error(budget) = rules.claims_budget {
            errors.extend(self.claims_over(budget));
        }
        let mut out = match serde_json::to_vec(&self.fields) {
            Ok(out) => out,
            // Only a timestamp outside 1970 to 9999 fails, and its check named it.
            Err(_) => {
                if errors.is_empty() {
                    errors.push(ValidationError::new(
                        "user",
                        codes::FORM_PARAM_FORMAT_INVALID,
                        "the user's fields could not be written as JSON",
                    ));
                }
                b"{}".to_vec()
            }
        };
        // `{…}` → `{…,"public_metadata":{…},…}`
        out.pop();
        let what = "a new user's tier";
        let public = self.public.as_ref();
        write_initial_tier(TierKind::Public, public, what, &mut out, rules, &mut errors);
        let private = self.private.as_ref();
        write_initial_tier(
            TierKind::Private,
            private,
            what,
            &mut out,
            rules,
            &mut errors,
        );
        let unsafe_ = self.unsafe_.as_ref();
        write_initial_tier(
            TierKind::Unsafe,
            unsafe_,
            what,
            &mut out,
            rules,
            &mut errors,
        );
        out.push(b'}');
        ValidationErrors::from_vec(errors)?;
        Ok(out)
    }

    /// The checks of each field, and across fields.
    fn check_fields(&self, rules: &Rules, errors: &mut Vec<ValidationError>) {
        let f = &self.fields;
        if let Some(name) = &f.first_name {
            validate::name("first_name", name, rules, errors);
        }
        if let Some(name) = &f.last_name {
            validate::name("last_name", name, rules, errors);
        }
        if let Some(locale) = &f.locale {
            validate::language_tag("locale", locale, rules, errors);
        }
        if let Some(username) = &f.username {
            validate::username("username", username, rules, errors);
        }
        if let Some(password) = &f.password {
            validate::password("password", password, rules, errors);
        }
        if let Some(digest) = &f.password_digest {
            validate::not_empty("password_digest", digest, rules, errors);
            if f.password.is_some() {
                errors.push(ValidationError::new(
                    "password_digest",
                    codes::CONFLICTING_FIELDS,
                    "send either password or password_digest, not both",
                ));
            }
        }
        if f.skip_password_checks.is_some() && f.password.is_none() && f.password_digest.is_none() {
            errors.push(ValidationError::new(
                "skip_password_checks",
                codes::FORM_PARAM_MISSING,
                "skip_password_checks can be sent only together with password or password_digest",
            ));
        }
        if let Some(backup_codes) = &f.backup_codes {
            validate::backup_codes("backup_codes", backup_codes, rules, errors);
        }
        for (field, at) in [
            ("legal_accepted_at", &f.legal_accepted_at),
            ("created_at", &f.created_at),
        ] {
            if let Some(at) = at {
                validate::rfc3339(field, at, rules, errors);
            }
        }
        identifiers("email_address", &f.email_address, is_email_address, errors);
        identifiers("phone_number", &f.phone_number, |n| !n.is_empty(), errors);
        identifiers("web3_wallet", &f.web3_wallet, |w| !w.is_empty(), errors);
    }
}

/// Checks each item of an identification list (`email_address`, …): its shape, and
/// that it is not listed twice (compared without regard to ASCII case, as Clerk keeps
/// them unique).
fn identifiers(
    list: &'static str,
    items: &[String],
    shaped: fn(&str) -> bool,
    errors: &mut Vec<ValidationError>,
) {
    for (i, item) in items.iter().enumerate() {
        if !shaped(item) {
            let what = match list {
                "email_address" => "an email address is `local@domain`, without spaces",
                "phone_number" => "a phone number must not be empty",
                _ => "a web3 wallet must not be empty",
            };
            errors.push(ValidationError::new(
                format!("{list}[{i}]"),
                codes::FORM_PARAM_FORMAT_INVALID,
                what,
            ));
        } else if let Some(first) = items[..i].iter().position(|o| o.eq_ignore_ascii_case(item)) {
            errors.push(ValidationError::new(
                format!("{list}[{i}]"),
                codes::FORM_PARAM_VALUE_INVALID,
                format!("{list}[{i}] repeats {list}[{first}]"),
            ));
        }
    }
}

/// `local@domain`, neither part empty, without whitespace or control characters.
pub(crate) fn is_email_address(address: &str) -> bool {
    address
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty())
        && !address.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl<S: UserMetadata> Default for NewUser<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: UserMetadata> Clone for NewUser<S>
where
    S::Public: Clone,
    S::Private: Clone,
    S::Unsafe: Clone,
{
    fn clone(&self) -> Self {
        NewUser {
            fields: self.fields.clone(),
            public: self.public.clone(),
            private: self.private.clone(),
            unsafe_: self.unsafe_.clone(),
        }
    }
}

/// Shows the fields that are set, with secrets (`password`, `password_digest`,
/// `totp_secret`, `backup_codes`) redacted, and metadata by tier only.
impl<S: UserMetadata> fmt::Debug for NewUser<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("NewUser");
        let x = &self.fields;
        macro_rules! plain {
            ($($name:ident),*) => {$(
                if let Some(value) = &x.$name {
                    d.field(stringify!($name), value);
                }
            )*};
        }
        macro_rules! secret {
            ($($name:ident),*) => {$(
                if x.$name.is_some() {
                    d.field(stringify!($name), &format_args!("<redacted>"));
                }
            )*};
        }
        plain!(external_id, first_name, last_name, locale);
        if !x.email_address.is_empty() {
            d.field("email_address", &x.email_address);
        }
        if !x.phone_number.is_empty() {
            d.field("phone_number", &x.phone_number);
        }
        if !x.web3_wallet.is_empty() {
            d.field("web3_wallet", &x.web3_wallet);
        }
        plain!(username);
        secret!(password, password_digest);
        plain!(
            password_hasher,
            skip_password_checks,
            skip_password_requirement
        );
        secret!(totp_secret, backup_codes);
        plain!(
            delete_self_enabled,
            legal_accepted_at,
            skip_legal_checks,
            skip_user_requirement,
            create_organization_enabled,
            create_organizations_limit,
            created_at,
            bypass_client_trust,
            banned,
            locked
        );
        let tiers: Vec<&str> = [
            (TierKind::Public, self.public.is_some()),
            (TierKind::Private, self.private.is_some()),
            (TierKind::Unsafe, self.unsafe_.is_some()),
        ]
        .into_iter()
        .filter(|(_, set)| *set)
        .map(|(tier, _)| tier.key())
        .collect();
        if !tiers.is_empty() {
            d.field("metadata", &tiers);
        }
        d.finish()
    }
}
