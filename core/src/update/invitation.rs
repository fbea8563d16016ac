//! `UserInvitation` and `OrganizationInvitation`: validated `POST /v1/invitations` and
//! `POST /v1/organizations/{organization_id}/invitations`, their metadata typed by the
//! schema it ends up in.

use core::fmt;
use core::marker::PhantomData;

use serde::Serialize;

use super::body::write_initial_tier;
use super::create::is_email_address;
use super::organization::check_token;
use super::rules::Rules;
use crate::schema::metadata::{MembershipMetadata, Metadata, UserMetadata};
use crate::schema::tier::TierKind;
use crate::validation::{ValidationError, ValidationErrors, codes};
use crate::value::IntoValue;
use crate::wire::id::{OrganizationId, UserId};
use crate::wire::request::{ApiRequest, BodyKind, Method};
use crate::wire::version::ApiVersion;

/// The email template of a user invitation (`template_slug`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum InvitationTemplate {
    /// `invitation`: the ordinary invitation email.
    Invitation,
    /// `waitlist_invitation`: the email to a user admitted from the waitlist.
    WaitlistInvitation,
}

/// The days an invitation may be valid for, as Clerk's spec bounds `expires_in_days`.
const EXPIRY_DAYS: core::ops::RangeInclusive<u32> = 1..=365;

/// `email_address`: `local@domain`, without whitespace or control characters.
fn check_email(address: &str, errors: &mut Vec<ValidationError>) {
    if !is_email_address(address) {
        errors.push(ValidationError::new(
            "email_address",
            codes::FORM_PARAM_FORMAT_INVALID,
            "an email address is `local@domain`, without spaces",
        ));
    }
}

/// `redirect_url`: an absolute `https://` URL with a host (`http://` only for
/// `localhost`, `127.0.0.1` and `[::1]`, for development), without whitespace or
/// control characters.
fn check_redirect_url(url: &str, errors: &mut Vec<ValidationError>) {
    if !is_redirect_url(url) {
        errors.push(ValidationError::new(
            "redirect_url",
            codes::FORM_PARAM_FORMAT_INVALID,
            "redirect_url must be an absolute https:// URL (http:// only for localhost)",
        ));
    }
}

pub(crate) fn is_redirect_url(url: &str) -> bool {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) || url.len() > 2048 {
        return false;
    }
    let lower = url.to_ascii_lowercase();
    let (rest, local_only) = match (
        lower.strip_prefix("https://"),
        lower.strip_prefix("http://"),
    ) {
        (Some(rest), _) => (rest, false),
        (None, Some(rest)) => (rest, true),
        (None, None) => return false,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // No credentials in the URL, and a host.
    if authority.contains('@') {
        return false;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((inner, port)) if port.is_empty() || port.starts_with(':') => inner,
            _ => return false,
        },
        None => authority.split(':').next().unwrap_or_default(),
    };
    if host.is_empty() {
        return false;
    }
    !local_only || matches!(host, "localhost" | "127.0.0.1" | "::1")
}

/// `expires_in_days`: 1 to 365.
fn check_expiry(days: u32, errors: &mut Vec<ValidationError>) {
    if !EXPIRY_DAYS.contains(&days) {
        errors.push(ValidationError::new(
            "expires_in_days",
            codes::FORM_PARAM_VALUE_INVALID,
            "expires_in_days must be from 1 to 365",
        ));
    }
}

/// Writes `fields` as a JSON object, leaving it open for the metadata tiers.
fn open_body<T: Serialize>(fields: &T, errors: &mut Vec<ValidationError>) -> Vec<u8> {
    let mut out = serde_json::to_vec(fields).unwrap_or_else(|_| {
        errors.push(ValidationError::new(
            "invitation",
            codes::METADATA_NOT_SERIALIZABLE,
            "the invitation's fields could not be written as JSON",
        ));
        b"{}".to_vec()
    });
    out.pop();
    out
}

/// The fields of `CreateInvitation` outside its metadata.
#[derive(Clone, Serialize)]
struct UserInvitationFields {
    email_address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notify: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ignore_existing: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_in_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    template_slug: Option<InvitationTemplate>,
}

/// A validated invitation to sign up, `POST /v1/invitations`, what
/// `clerkClient.invitations.createInvitation(…)` does. When the invited user signs up,
/// the invitation's public metadata becomes theirs, so it is typed by the user schema
/// `S`'s public tier.
///
/// If the schema has required public fields, the invitation must set public metadata
/// ([`public_metadata`](Self::public_metadata)): a user created with `{}` could not be
/// read.
///
/// ```
/// use clerk_metadata::{ApiVersion, UserInvitation, UserMetadata};
///
/// #[derive(UserMetadata)]
/// pub struct AppUser {
///     #[metadata(public)]
///     pub plan: String,
/// }
///
/// let request = UserInvitation::<AppUser>::new("ada@example.com")
///     .public_metadata(AppUserPublic { plan: "team".to_owned() })
///     .redirect_url("https://app.example.com/welcome")
///     .expires_in_days(7u32)
///     .build(ApiVersion::LATEST)
///     .unwrap();
/// assert_eq!(request.path(), "/v1/invitations");
/// assert_eq!(
///     request.body(),
///     br#"{"email_address":"ada@example.com","redirect_url":"https://app.example.com/welcome","expires_in_days":7,"public_metadata":{"plan":"team"}}"#
/// );
/// ```
pub struct UserInvitation<S: UserMetadata> {
    fields: UserInvitationFields,
    public: Option<S::Public>,
    schema: PhantomData<fn() -> S>,
}

impl<S: UserMetadata> UserInvitation<S> {
    /// An invitation to `email_address`.
    #[must_use]
    pub fn new(email_address: impl IntoValue<String>) -> Self {
        UserInvitation {
            fields: UserInvitationFields {
                email_address: email_address.into_value(),
                redirect_url: None,
                notify: None,
                ignore_existing: None,
                expires_in_days: None,
                template_slug: None,
            },
            public: None,
            schema: PhantomData,
        }
    }

    /// The public metadata the new user starts with.
    #[must_use]
    pub fn public_metadata(mut self, tier: S::Public) -> Self {
        self.public = Some(tier);
        self
    }

    /// `redirect_url`: where the invitation link leads (an absolute `https://` URL).
    #[must_use]
    pub fn redirect_url(mut self, url: impl IntoValue<String>) -> Self {
        self.fields.redirect_url = Some(url.into_value());
        self
    }

    /// `notify`: whether Clerk emails the invitation (Clerk's default: yes).
    #[must_use]
    pub fn notify(mut self, notify: bool) -> Self {
        self.fields.notify = Some(notify);
        self
    }

    /// `ignore_existing`: create the invitation even if the address has one already or
    /// belongs to a user (Clerk's default: no).
    #[must_use]
    pub fn ignore_existing(mut self, ignore: bool) -> Self {
        self.fields.ignore_existing = Some(ignore);
        self
    }

    /// `expires_in_days`: 1 to 365 (Clerk's default: 30).
    #[must_use]
    pub fn expires_in_days(mut self, days: impl IntoValue<u32>) -> Self {
        self.fields.expires_in_days = Some(days.into_value());
        self
    }

    /// `template_slug`: the email template.
    #[must_use]
    pub fn template_slug(mut self, template: InvitationTemplate) -> Self {
        self.fields.template_slug = Some(template);
        self
    }

    /// Checks everything `build_with` checks, against `rules`.
    pub fn validate(&self, rules: &Rules) -> Result<(), ValidationErrors> {
        self.body(rules).map(drop)
    }

    fn body(&self, rules: &Rules) -> Result<Vec<u8>, ValidationErrors> {
        let mut errors = Vec::new();
        let f = &self.fields;
        check_email(&f.email_address, &mut errors);
        if let Some(url) = &f.redirect_url {
            check_redirect_url(url, &mut errors);
        }
        if let Some(days) = f.expires_in_days {
            check_expiry(days, &mut errors);
        }
        let mut out = open_body(f, &mut errors);
        let what = "an invited user's tier";
        let public = self.public.as_ref();
        write_initial_tier(TierKind::Public, public, what, &mut out, rules, &mut errors);
        out.push(b'}');
        ValidationErrors::from_vec(errors)?;
        Ok(out)
    }

    /// Validates the invitation against [`Rules::default`] and builds its request.
    pub fn build(&self, version: ApiVersion) -> Result<ApiRequest, ValidationErrors> {
        self.build_with(version, &Rules::default())
    }

    /// Validates the invitation against `rules` and builds `POST /v1/invitations`.
    pub fn build_with(
        &self,
        version: ApiVersion,
        rules: &Rules,
    ) -> Result<ApiRequest, ValidationErrors> {
        let body = self.body(rules)?;
        Ok(ApiRequest::new(
            Method::Post,
            "/v1/invitations".to_owned(),
            version,
            BodyKind::Json,
            body,
        ))
    }
}

impl<S: UserMetadata> Clone for UserInvitation<S>
where
    S::Public: Clone,
{
    fn clone(&self) -> Self {
        UserInvitation {
            fields: self.fields.clone(),
            public: self.public.clone(),
            schema: PhantomData,
        }
    }
}

/// Shows the fields; public metadata by whether it is set.
impl<S: UserMetadata> fmt::Debug for UserInvitation<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = &self.fields;
        f.debug_struct("UserInvitation")
            .field("email_address", &x.email_address)
            .field("redirect_url", &x.redirect_url)
            .field("notify", &x.notify)
            .field("ignore_existing", &x.ignore_existing)
            .field("expires_in_days", &x.expires_in_days)
            .field("template_slug", &x.template_slug)
            .field("public_metadata", &self.public.is_some())
            .finish()
    }
}

/// The fields of `CreateOrganizationInvitation` outside its metadata.
#[derive(Clone, Serialize)]
struct OrganizationInvitationFields {
    email_address: String,
    role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    inviter_user_id: Option<UserId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_in_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notify: Option<bool>,
}

/// A validated invitation to join an organization,
/// `POST /v1/organizations/{organization_id}/invitations`, what
/// `clerkClient.organizations.createOrganizationInvitation(…)` does. When it is
/// accepted, its public and private metadata become the new membership's, so they are
/// typed by the membership schema `M`'s tiers.
///
/// A tier left unset is created empty; if the schema has required fields in it, that
/// is an error naming the tier, since the membership could not be read.
///
/// ```
/// use clerk_metadata::{ApiVersion, MembershipMetadata, OrganizationInvitation};
///
/// #[derive(MembershipMetadata)]
/// pub struct Seat {
///     #[metadata(public)]
///     pub department: Option<String>,
///     #[metadata(private)]
///     pub cost_center: Option<String>,
/// }
///
/// let request = OrganizationInvitation::<Seat>::new("ada@example.com", "org:member")
///     .public_metadata(SeatPublic { department: Some("Research".to_owned()) })
///     .build(&"org_1".parse().unwrap(), ApiVersion::LATEST)
///     .unwrap();
/// assert_eq!(request.path(), "/v1/organizations/org_1/invitations");
/// assert_eq!(
///     request.body(),
///     br#"{"email_address":"ada@example.com","role":"org:member","public_metadata":{"department":"Research"}}"#
/// );
/// ```
pub struct OrganizationInvitation<M: MembershipMetadata> {
    fields: OrganizationInvitationFields,
    public: Option<<M as Metadata>::Public>,
    private: Option<<M as Metadata>::Private>,
}

impl<M: MembershipMetadata> OrganizationInvitation<M> {
    /// An invitation of `email_address` to join with `role` (such as `org:member`).
    #[must_use]
    pub fn new(email_address: impl IntoValue<String>, role: impl IntoValue<String>) -> Self {
        OrganizationInvitation {
            fields: OrganizationInvitationFields {
                email_address: email_address.into_value(),
                role: role.into_value(),
                inviter_user_id: None,
                redirect_url: None,
                expires_in_days: None,
                notify: None,
            },
            public: None,
            private: None,
        }
    }

    /// The public metadata the membership starts with.
    #[must_use]
    pub fn public_metadata(mut self, tier: M::Public) -> Self {
        self.public = Some(tier);
        self
    }

    /// The private metadata the membership starts with.
    #[must_use]
    pub fn private_metadata(mut self, tier: M::Private) -> Self {
        self.private = Some(tier);
        self
    }

    /// `inviter_user_id`: the inviting user, who must be an admin of the organization.
    #[must_use]
    pub fn inviter_user_id(mut self, user_id: UserId) -> Self {
        self.fields.inviter_user_id = Some(user_id);
        self
    }

    /// `redirect_url`: where the invitation link leads (an absolute `https://` URL).
    #[must_use]
    pub fn redirect_url(mut self, url: impl IntoValue<String>) -> Self {
        self.fields.redirect_url = Some(url.into_value());
        self
    }

    /// `expires_in_days`: 1 to 365 (Clerk's default: 30).
    #[must_use]
    pub fn expires_in_days(mut self, days: impl IntoValue<u32>) -> Self {
        self.fields.expires_in_days = Some(days.into_value());
        self
    }

    /// `notify`: whether Clerk emails the invitation (Clerk's default: yes).
    #[must_use]
    pub fn notify(mut self, notify: bool) -> Self {
        self.fields.notify = Some(notify);
        self
    }

    /// Checks everything `build_with` checks, against `rules`.
    pub fn validate(&self, rules: &Rules) -> Result<(), ValidationErrors> {
        self.body(rules).map(drop)
    }

    fn body(&self, rules: &Rules) -> Result<Vec<u8>, ValidationErrors> {
        let mut errors = Vec::new();
        let f = &self.fields;
        check_email(&f.email_address, &mut errors);
        check_token("role", &f.role, &mut errors);
        if let Some(url) = &f.redirect_url {
            check_redirect_url(url, &mut errors);
        }
        if let Some(days) = f.expires_in_days {
            check_expiry(days, &mut errors);
        }
        let mut out = open_body(f, &mut errors);
        let what = "a new membership's tier";
        let (public, private) = (self.public.as_ref(), self.private.as_ref());
        write_initial_tier(TierKind::Public, public, what, &mut out, rules, &mut errors);
        write_initial_tier(
            TierKind::Private,
            private,
            what,
            &mut out,
            rules,
            &mut errors,
        );
        out.push(b'}');
        ValidationErrors::from_vec(errors)?;
        Ok(out)
    }

    /// Validates the invitation against [`Rules::default`] and builds its request.
    pub fn build(
        &self,
        organization_id: &OrganizationId,
        version: ApiVersion,
    ) -> Result<ApiRequest, ValidationErrors> {
        self.build_with(organization_id, version, &Rules::default())
    }

    /// Validates the invitation against `rules` and builds
    /// `POST /v1/organizations/{organization_id}/invitations`.
    pub fn build_with(
        &self,
        organization_id: &OrganizationId,
        version: ApiVersion,
        rules: &Rules,
    ) -> Result<ApiRequest, ValidationErrors> {
        let body = self.body(rules)?;
        Ok(ApiRequest::new(
            Method::Post,
            format!("/v1/organizations/{}/invitations", organization_id.as_str()),
            version,
            BodyKind::Json,
            body,
        ))
    }
}

impl<M: MembershipMetadata> Clone for OrganizationInvitation<M>
where
    M::Public: Clone,
    M::Private: Clone,
{
    fn clone(&self) -> Self {
        OrganizationInvitation {
            fields: self.fields.clone(),
            public: self.public.clone(),
            private: self.private.clone(),
        }
    }
}

/// Shows the fields; metadata by whether each tier is set, never private values.
impl<M: MembershipMetadata> fmt::Debug for OrganizationInvitation<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = &self.fields;
        f.debug_struct("OrganizationInvitation")
            .field("email_address", &x.email_address)
            .field("role", &x.role)
            .field("inviter_user_id", &x.inviter_user_id)
            .field("redirect_url", &x.redirect_url)
            .field("expires_in_days", &x.expires_in_days)
            .field("notify", &x.notify)
            .field("public_metadata", &self.public.is_some())
            .field("private_metadata", &self.private.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::is_redirect_url;

    #[test]
    fn redirect_urls() {
        for good in [
            "https://app.example.com",
            "https://app.example.com/welcome?x=1#y",
            "HTTPS://APP.EXAMPLE.COM/",
            "https://app.example.com:8443/a",
            "http://localhost:3000/welcome",
            "http://127.0.0.1/",
            "http://[::1]:3000/",
            "https://[2001:db8::1]/",
        ] {
            assert!(is_redirect_url(good), "{good}");
        }
        for bad in [
            "",
            "app.example.com",
            "/welcome",
            "http://app.example.com",
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "https://user:pass@app.example.com",
            "https://app.example.com/ a",
            "https://app.example.com/\n",
            "http://localhost.evil.com/",
            "https://[::1/",
            "ftp://example.com",
        ] {
            assert!(!is_redirect_url(bad), "{bad:?}");
        }
    }
}
