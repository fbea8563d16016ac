//! The one table of [`UserUpdate`]'s fields. Each field is declared once, and from
//! that declaration come its setter and `clear_…`, which writers may set it (the
//! [`CanSet`] impls), its own checks, its JSON key in the Backend API body, its form
//! key in the Frontend API body, its marker in [`fields`](crate::fields), and whether
//! `Debug` shows it.

use core::fmt;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::UserUpdate;
use super::rules::Rules;
use super::validate;
use crate::schema::writer::{Backend, Frontend, Writer};
use crate::sealed::CanSetSeal;
use crate::validation::ValidationError;
use crate::value::IntoValue;
use crate::wire::values::{PasswordHasher, Timestamp};

/// What an update does to one field.
#[derive(Clone, Default, PartialEq)]
pub(crate) enum Change<T> {
    /// Not sent.
    #[default]
    Keep,
    /// Sent as `null` (an empty value in a form), which clears the field.
    Clear,
    /// Sent with this value.
    Set(T),
}

impl<T> Change<T> {
    pub(crate) fn is_kept(&self) -> bool {
        matches!(self, Change::Keep)
    }

    /// The value, if one is set.
    pub(crate) fn set(&self) -> Option<&T> {
        match self {
            Change::Set(value) => Some(value),
            Change::Keep | Change::Clear => None,
        }
    }
}

impl<T: Serialize> Serialize for Change<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Change::Set(value) => value.serialize(serializer),
            Change::Keep | Change::Clear => serializer.serialize_none(),
        }
    }
}

/// Shows `Set(value)`, or `Set(<redacted>)` for a secret.
impl<T: fmt::Debug> fmt::Debug for Change<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Keep => f.write_str("Keep"),
            Change::Clear => f.write_str("Clear"),
            Change::Set(value) => f.debug_tuple("Set").field(value).finish(),
        }
    }
}

/// The write guard of [`UserUpdate`] fields: writer `Self` may set `Field`.
///
/// [`Backend`] may set every field; [`Frontend`] only what Clerk's Frontend API takes
/// on `PATCH /v1/me` ([`fields::FRONTEND`](crate::fields::FRONTEND)). `Field` is a
/// marker from [`fields`](crate::fields). Sealed.
#[diagnostic::on_unimplemented(
    message = "`{Self}` may not set `{Field}`: Clerk's Frontend API does not accept it",
    label = "`{Field}` can be set only through the Backend API",
    note = "the Frontend API (`PATCH /v1/me`) takes username, first_name, last_name, primary_email_address_id, primary_phone_number_id, primary_web3_wallet_id and unsafe metadata; build this update as `UserUpdate<Backend>` in server code"
)]
pub trait CanSet<Field>: Writer + CanSetSeal<Field> {}

impl<F> CanSetSeal<F> for Backend {}
impl<F> CanSet<F> for Backend {}

/// What the table says of who may set a field, as code: a `Frontend` field gets the
/// `CanSet` impl, and its form key.
macro_rules! writers {
    (frontend $name:ident) => {
        impl CanSetSeal<fields::$name> for Frontend {}
        impl CanSet<fields::$name> for Frontend {}
    };
    (backend $name:ident) => {};
}

/// A `frontend` field's entry in the Frontend API form: its value, or a clear as an
/// empty value (a form cannot say `null`); a `backend` field has none.
macro_rules! form_entry {
    (frontend $form:ident $name:ident $value:expr) => {
        match $value {
            Change::Set(value) => $form.push((stringify!($name), value.as_str())),
            Change::Clear => $form.push((stringify!($name), "")),
            Change::Keep => {}
        }
    };
    (backend $form:ident $name:ident $value:expr) => {};
}

macro_rules! shown {
    (secret $value:expr) => {
        &Secret($value)
    };
    (plain $value:expr) => {
        $value
    };
}

/// A secret field's change in `Debug`: `Set(<redacted>)`.
struct Secret<'a, T>(&'a Change<T>);

impl<T> fmt::Debug for Secret<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Change::Keep => f.write_str("Keep"),
            Change::Clear => f.write_str("Clear"),
            Change::Set(_) => f.write_str("Set(<redacted>)"),
        }
    }
}

/// The names of the `frontend` fields of the table, in its order.
macro_rules! frontend_names {
    ([$($out:tt)*]) => {
        &[$($out)*]
    };
    ([$($out:tt)*] frontend $name:ident $(, $($rest:tt)*)?) => {
        frontend_names!([$($out)* stringify!($name),] $($($rest)*)?)
    };
    ([$($out:tt)*] backend $name:ident $(, $($rest:tt)*)?) => {
        frontend_names!([$($out)*] $($($rest)*)?)
    };
}

macro_rules! user_update_fields {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident $(/ $clear:ident)? : $ty:ty => $writers:ident $shown:ident $(, check $check:ident)?;
    )*) => {
        /// The `PATCH /v1/users/{user_id}` body fields, in the spec's order.
        #[derive(Clone, Default)]
        pub(crate) struct Profile {
            $(pub(crate) $name: Change<$ty>,)*
            /// Whether a setter or clear was called: a field, once changed, stays so.
            touched: bool,
        }

        impl Profile {
            /// Whether no field is sent.
            pub(crate) fn is_empty(&self) -> bool {
                !self.touched
            }

            /// Adds the fields that are sent to a `Debug` view; secrets redacted.
            pub(crate) fn debug_fields(&self, d: &mut fmt::DebugStruct<'_, '_>) {
                $(
                    if !self.$name.is_kept() {
                        d.field(stringify!($name), shown!($shown &self.$name));
                    }
                )*
            }

            /// The checks of each field on its own; rules across fields are in
            /// `validate::across`.
            pub(crate) fn check_fields(&self, rules: &Rules, errors: &mut Vec<ValidationError>) {
                $($(
                    if let Some(value) = self.$name.set() {
                        validate::$check(stringify!($name), value, rules, errors);
                    }
                )?)*
            }

            /// The Frontend API form of the fields that are sent: each field's value, a
            /// clear as an empty value (a form cannot say `null`).
            pub(crate) fn form(&self) -> Vec<(&'static str, &str)> {
                let mut form = Vec::new();
                $(form_entry!($writers form $name &self.$name);)*
                form
            }
        }

        /// The fields that are sent, each under its name; a clear as `null`.
        impl Serialize for Profile {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(None)?;
                $(
                    if !self.$name.is_kept() {
                        map.serialize_entry(stringify!($name), &self.$name)?;
                    }
                )*
                map.end()
            }
        }

        /// Marker types, one per [`UserUpdate`] field, that name the field in the
        /// compile error of a write the writer may not make.
        #[allow(non_camel_case_types)]
        pub mod fields {
            /// The whole `public_metadata` object, written by a replace.
            #[derive(Debug)]
            pub enum public_metadata {}
            /// The whole `private_metadata` object, written by a replace.
            #[derive(Debug)]
            pub enum private_metadata {}
            /// The whole `unsafe_metadata` object, written by a replace.
            #[derive(Debug)]
            pub enum unsafe_metadata {}
            $(
                #[doc = concat!("The `", stringify!($name), "` field of a user update.")]
                #[derive(Debug)]
                pub enum $name {}
            )*

            /// The fields Clerk's Frontend API takes (`PATCH /v1/me`), each under its own
            /// name as a form key, in the order they are sent.
            pub const FRONTEND: &[&str] = frontend_names!([] $($writers $name),*);
        }

        $(writers!($writers $name);)*

        impl<C: Writer> UserUpdate<C> {
            $(
                #[doc = concat!("Sets `", stringify!($name), "`.")]
                #[doc = ""]
                $(#[doc = $doc])*
                #[must_use]
                pub fn $name(mut self, value: impl IntoValue<$ty>) -> Self
                where
                    C: CanSet<fields::$name>,
                {
                    self.profile.$name = Change::Set(value.into_value());
                    self.profile.touched = true;
                    self
                }

                $(
                    #[doc = concat!("Sends `", stringify!($name), ": null`, which clears it.")]
                    #[must_use]
                    pub fn $clear(mut self) -> Self
                    where
                        C: CanSet<fields::$name>,
                    {
                        self.profile.$name = Change::Clear;
                        self.profile.touched = true;
                        self
                    }
                )?
            )*
        }
    };
}

user_update_fields! {
    /// The user's ID in your own systems; unique across the instance.
    external_id / clear_external_id: String => backend plain;
    /// At most 256 characters.
    first_name / clear_first_name: String => frontend plain, check name;
    /// At most 256 characters.
    last_name / clear_last_name: String => frontend plain, check name;
    /// A language tag such as `en` or `en-US`.
    locale / clear_locale: String => backend plain, check language_tag;
    /// A verified email address of the user.
    primary_email_address_id / clear_primary_email_address_id: String => frontend plain, check object_id;
    /// Tell the user their primary email address changed.
    notify_primary_email_address_changed / clear_notify_primary_email_address_changed: bool => backend plain;
    /// A verified phone number of the user.
    primary_phone_number_id / clear_primary_phone_number_id: String => frontend plain, check object_id;
    /// A verified web3 wallet of the user.
    primary_web3_wallet_id / clear_primary_web3_wallet_id: String => frontend plain, check object_id;
    /// Checked against [`Rules`]: Clerk's default is 4 to 64 Latin characters, no
    /// whitespace, none of ``^$!.`#+~``. Clearing removes the username.
    username / clear_username: String => frontend plain, check username;
    /// An uploaded image to use as the profile image.
    profile_image_id / clear_profile_image_id: String => backend plain, check object_id;
    /// 8 to 72 bytes of UTF-8 (bcrypt's limit). Never shown by `Debug`.
    password / clear_password: String => backend secret, check password;
    /// A digest made with [`password_hasher`](Self::password_hasher), which must be set
    /// too. Excludes `password`. Never shown by `Debug`.
    password_digest: String => backend secret, check not_empty;
    /// The algorithm of [`password_digest`](Self::password_digest).
    password_hasher: PasswordHasher => backend plain;
    /// Skip the instance's password policy; only together with `password`.
    skip_password_checks / clear_skip_password_checks: bool => backend plain;
    /// Sign the user out of their other sessions; only together with `password`.
    sign_out_of_other_sessions / clear_sign_out_of_other_sessions: bool => backend plain;
    /// The TOTP secret to enable. Never shown by `Debug`.
    totp_secret / clear_totp_secret: String => backend secret;
    /// Backup codes (plain or bcrypt digests), each non-empty. Never shown by `Debug`.
    backup_codes: Vec<String> => backend secret, check backup_codes;
    /// Whether the user may delete themselves through the Frontend API.
    delete_self_enabled / clear_delete_self_enabled: bool => backend plain;
    /// Whether the user may create organizations through the Frontend API.
    create_organization_enabled / clear_create_organization_enabled: bool => backend plain;
    /// When the user accepted the legal requirements; sent as RFC 3339.
    legal_accepted_at / clear_legal_accepted_at: Timestamp => backend plain, check rfc3339;
    /// Skip legal checks.
    skip_legal_checks / clear_skip_legal_checks: bool => backend plain;
    /// How many organizations the user may create; 0 means unlimited.
    create_organizations_limit / clear_create_organizations_limit: u32 => backend plain;
    /// When the user signed up; sent as RFC 3339.
    created_at / clear_created_at: Timestamp => backend plain, check rfc3339;
    /// Let the user bypass Device Trust checks when signing in.
    bypass_client_trust / clear_bypass_client_trust: bool => backend plain;
}
