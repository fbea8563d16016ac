#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
pub mod claims;
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub mod client;
#[cfg(feature = "json-schema")]
#[cfg_attr(docsrs, doc(cfg(feature = "json-schema")))]
pub mod export;
#[cfg(feature = "jobs")]
#[cfg_attr(docsrs, doc(cfg(feature = "jobs")))]
pub mod jobs;
mod json;
mod read;
mod schema;
mod sealed;
#[cfg(feature = "session")]
#[cfg_attr(docsrs, doc(cfg(feature = "session")))]
pub mod session;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod update;
mod validation;
mod value;
#[cfg(feature = "webhooks")]
#[cfg_attr(docsrs, doc(cfg(feature = "webhooks")))]
pub mod webhooks;
mod wire;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private_0_1;

pub use clerk_metadata_macros::{
    MembershipMetadata, MetadataObject, OrganizationMetadata, UserMetadata,
};
pub use read::{
    Drift, FrontendUser, LenientUser, Membership, MembershipPage, MembershipProfile, Organization,
    OrganizationProfile, OtherFields, ProblemKind, ReadError, SentInvitation,
    SentOrganizationInvitation, TierRead, User, UserProfile, WithPrivateMetadata,
};
pub use schema::metadata::{
    MembershipMetadata, MembershipPatch, Metadata, MetadataTier, OrganizationMetadata,
    OrganizationPatch, UserMetadata,
};
pub use schema::patch::{MetadataObject, MetadataPatch, TierPatch};
pub use schema::stored::Stored;
pub use schema::tier::{Private, Public, Tier, TierKind, Unsafe};
pub use schema::unknown::UnknownKeys;
pub use schema::writer::{Backend, CanWrite, Frontend, Within, Writer};
pub use serde_json;
pub use update::UserUpdate;
pub use update::create::NewUser;
pub use update::invitation::{InvitationTemplate, OrganizationInvitation, UserInvitation};
pub use update::organization::{MembershipUpdate, OrganizationUpdate};
pub use update::rules::Rules;
pub use update::table::{CanSet, fields};
pub use validation::{ValidationError, ValidationErrors, codes};
pub use value::IntoValue;
pub use wire::clerk_error::{ApiError, ClerkError, ClerkErrors};
pub use wire::id::{InvitationId, OrganizationId, OrganizationInvitationId, UserId};
pub use wire::request::{ApiRequest, BodyKind, CLERK_API_VERSION, Method};
pub use wire::values::{PasswordHasher, Timestamp};
pub use wire::version::{ApiVersion, UnknownApiVersion};
