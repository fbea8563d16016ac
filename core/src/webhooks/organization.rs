//! Organization, membership and organization-invitation events, typed by the app's
//! organization and membership schemas.

use core::fmt;

use serde::Deserialize;

use super::error::WebhookError;
use super::event::WebhookEvent;
use crate::read::{Membership, Organization, SentOrganizationInvitation};
use crate::schema::metadata::{MembershipMetadata, OrganizationMetadata, UserMetadata};
use crate::wire::id::OrganizationId;

/// An `organization.*`, `organizationMembership.*` or `organizationInvitation.*` event,
/// its data read with organization schema `O` and membership schema `M`, from
/// [`WebhookEvent::organization_event`].
///
/// The objects are read exactly as the Backend API's are
/// ([`Organization::from_json`], [`Membership::from_json`],
/// [`SentOrganizationInvitation::from_json`]): public and private metadata must fit
/// the schema (only the backend writes them), unknown keys are kept. `Debug` shows no
/// private metadata.
#[non_exhaustive]
pub enum OrganizationEvent<O: OrganizationMetadata, M: MembershipMetadata> {
    /// `organization.created`.
    OrganizationCreated(Organization<O>),
    /// `organization.updated`: the whole organization as it now is.
    OrganizationUpdated(Organization<O>),
    /// `organization.deleted`.
    OrganizationDeleted(DeletedOrganization),
    /// `organizationMembership.created`: a user joined (an invitation accepted, or the
    /// backend added them).
    MembershipCreated(Membership<M>),
    /// `organizationMembership.updated`: the whole membership as it now is (its role,
    /// its metadata).
    MembershipUpdated(Membership<M>),
    /// `organizationMembership.deleted`: the membership as it was.
    MembershipDeleted(Membership<M>),
    /// `organizationInvitation.created`.
    InvitationCreated(SentOrganizationInvitation<M>),
    /// `organizationInvitation.accepted`: the membership it makes has its metadata
    /// (an `organizationMembership.created` event of its own).
    InvitationAccepted(SentOrganizationInvitation<M>),
    /// `organizationInvitation.revoked`.
    InvitationRevoked(SentOrganizationInvitation<M>),
}

/// The `data` of an `organization.deleted` event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeletedOrganization {
    /// The deleted organization.
    pub id: OrganizationId,
}

#[derive(Deserialize)]
struct DeletedData {
    id: OrganizationId,
}

impl<O: OrganizationMetadata, M: MembershipMetadata> OrganizationEvent<O, M> {
    /// The event's `type`: `organization.updated`, `organizationMembership.created`, ….
    pub fn event_type(&self) -> &'static str {
        match self {
            OrganizationEvent::OrganizationCreated(_) => "organization.created",
            OrganizationEvent::OrganizationUpdated(_) => "organization.updated",
            OrganizationEvent::OrganizationDeleted(_) => "organization.deleted",
            OrganizationEvent::MembershipCreated(_) => "organizationMembership.created",
            OrganizationEvent::MembershipUpdated(_) => "organizationMembership.updated",
            OrganizationEvent::MembershipDeleted(_) => "organizationMembership.deleted",
            OrganizationEvent::InvitationCreated(_) => "organizationInvitation.created",
            OrganizationEvent::InvitationAccepted(_) => "organizationInvitation.accepted",
            OrganizationEvent::InvitationRevoked(_) => "organizationInvitation.revoked",
        }
    }

    /// Reads `data` as the event `event_type` names; `None` for a type that is not an
    /// organization, membership or organization-invitation event.
    fn read(event_type: &str, data: &[u8]) -> Option<Result<Self, WebhookError>> {
        let organization = |data: &[u8]| Organization::from_json(data);
        let membership = |data: &[u8]| Membership::from_json(data);
        let invitation = |data: &[u8]| SentOrganizationInvitation::from_json(data);
        let event = match event_type {
            "organization.created" => organization(data).map(Self::OrganizationCreated),
            "organization.updated" => organization(data).map(Self::OrganizationUpdated),
            "organization.deleted" => {
                return Some(
                    serde_json::from_slice::<DeletedData>(data)
                        .map(|d| Self::OrganizationDeleted(DeletedOrganization { id: d.id }))
                        .map_err(|_| WebhookError::NotAnEvent),
                );
            }
            "organizationMembership.created" => membership(data).map(Self::MembershipCreated),
            "organizationMembership.updated" => membership(data).map(Self::MembershipUpdated),
            "organizationMembership.deleted" => membership(data).map(Self::MembershipDeleted),
            "organizationInvitation.created" => invitation(data).map(Self::InvitationCreated),
            "organizationInvitation.accepted" => invitation(data).map(Self::InvitationAccepted),
            "organizationInvitation.revoked" => invitation(data).map(Self::InvitationRevoked),
            _ => return None,
        };
        Some(event.map_err(WebhookError::Organization))
    }
}

impl<S: UserMetadata> WebhookEvent<S> {
    /// An organization, membership or organization-invitation event, read with
    /// organization schema `O` and membership schema `M`; `None` for any other event
    /// (these arrive as [`WebhookEvent::Other`], their data kept as sent).
    ///
    /// An object whose metadata does not fit its schema is
    /// [`WebhookError::Organization`] (named by path, never by a private value); an
    /// `organization.deleted` without an organization ID is
    /// [`WebhookError::NotAnEvent`].
    ///
    /// ```
    /// use clerk_metadata::{MembershipMetadata, OrganizationMetadata, UserMetadata};
    /// use clerk_metadata::webhooks::{OrganizationEvent, WebhookError, WebhookEvent};
    ///
    /// #[derive(UserMetadata)]
    /// pub struct AppUser { #[metadata(public)] pub role: Option<String> }
    /// #[derive(OrganizationMetadata)]
    /// pub struct Customer { #[metadata(public)] pub seats: u32 }
    /// #[derive(MembershipMetadata)]
    /// pub struct Member { #[metadata(public)] pub team: Option<String> }
    ///
    /// fn handle(event: WebhookEvent<AppUser>) -> Result<(), WebhookError> {
    ///     match event.organization_event::<Customer, Member>().transpose()? {
    ///         Some(OrganizationEvent::OrganizationUpdated(org)) => {
    ///             // store `org.profile.id`, `org.public_metadata.seats`, …
    ///         }
    ///         Some(OrganizationEvent::MembershipCreated(membership)) => {
    ///             // `membership.public_metadata.team`, seeded by the invitation
    ///         }
    ///         _ => {}
    ///     }
    ///     Ok(())
    /// }
    /// ```
    pub fn organization_event<O, M>(&self) -> Option<Result<OrganizationEvent<O, M>, WebhookError>>
    where
        O: OrganizationMetadata,
        M: MembershipMetadata,
    {
        match self {
            WebhookEvent::Other { event_type, data } => {
                OrganizationEvent::read(event_type, data.get().as_bytes())
            }
            _ => None,
        }
    }
}

/// Objects as their own `Debug` shows them (no private metadata).
impl<O: OrganizationMetadata, M: MembershipMetadata> fmt::Debug for OrganizationEvent<O, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut t = f.debug_tuple(variant_name(self.event_type()));
        match self {
            OrganizationEvent::OrganizationCreated(o)
            | OrganizationEvent::OrganizationUpdated(o) => t.field(o),
            OrganizationEvent::OrganizationDeleted(d) => t.field(d),
            OrganizationEvent::MembershipCreated(m)
            | OrganizationEvent::MembershipUpdated(m)
            | OrganizationEvent::MembershipDeleted(m) => t.field(m),
            OrganizationEvent::InvitationCreated(i)
            | OrganizationEvent::InvitationAccepted(i)
            | OrganizationEvent::InvitationRevoked(i) => t.field(i),
        };
        t.finish()
    }
}

/// The variant's name from the event type: `organizationMembership.created` →
/// `MembershipCreated`.
fn variant_name(event_type: &'static str) -> &'static str {
    match event_type {
        "organization.created" => "OrganizationCreated",
        "organization.updated" => "OrganizationUpdated",
        "organization.deleted" => "OrganizationDeleted",
        "organizationMembership.created" => "MembershipCreated",
        "organizationMembership.updated" => "MembershipUpdated",
        "organizationMembership.deleted" => "MembershipDeleted",
        "organizationInvitation.created" => "InvitationCreated",
        "organizationInvitation.accepted" => "InvitationAccepted",
        "organizationInvitation.revoked" => "InvitationRevoked",
        _ => "OrganizationEvent",
    }
}
