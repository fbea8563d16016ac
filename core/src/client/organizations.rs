//! Organizations, memberships and invitations: the same calls as [`Users`](super::Users)
//! makes, with the same retries, partial-failure reports and secrecy.

use core::fmt;
use core::marker::PhantomData;

use super::Clerk;
use super::error::{Error, NotAUser, Step};
use crate::read::{
    Membership, MembershipPage, Organization, ReadError, SentInvitation, SentOrganizationInvitation,
};
use crate::schema::metadata::OrganizationPatch;
use crate::schema::metadata::{
    MembershipMetadata, MembershipPatch, OrganizationMetadata, UserMetadata,
};
use crate::update::invitation::{OrganizationInvitation, UserInvitation};
use crate::update::organization::{MembershipUpdate, OrganizationUpdate};
use crate::wire::id::{OrganizationId, UserId};
use crate::wire::request::Method;

/// The error of a success answer that is not the object expected.
fn not_the_object(
    applied: Vec<Step>,
    error: ReadError,
    answer: &[u8],
    object: &'static str,
) -> Error {
    let created_id = applied
        .iter()
        .any(|step| step.creates())
        .then(|| {
            serde_json::from_slice::<serde_json::Value>(answer)
                .ok()
                .and_then(|v| v.get("id").and_then(|id| id.as_str()).map(str::to_owned))
        })
        .flatten();
    Error::NotAUser(NotAUser {
        applied,
        error,
        user_id: None,
        created_id,
        object,
    })
}

macro_rules! handle {
    ($(#[$doc:meta])* $name:ident<$p:ident: $bound:path> { $($field:ident: $ty:ty),* }) => {
        $(#[$doc])*
        pub struct $name<$p> {
            clerk: Clerk,
            $($field: $ty,)*
            schema: PhantomData<fn() -> $p>,
        }

        impl<$p> Clone for $name<$p> {
            fn clone(&self) -> Self {
                $name {
                    clerk: self.clerk.clone(),
                    $($field: self.$field.clone(),)*
                    schema: PhantomData,
                }
            }
        }

        impl<$p> fmt::Debug for $name<$p> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("clerk", &self.clerk)
                    $(.field(stringify!($field), &self.$field))*
                    .finish()
            }
        }

        impl<$p: $bound> $name<$p> {
            pub(crate) fn new(clerk: Clerk $(, $field: $ty)*) -> Self {
                $name { clerk, $($field,)* schema: PhantomData }
            }
        }
    };
}

handle! {
    /// The organizations of an instance, read and written with schema `O`; made by
    /// [`Clerk::organizations`].
    Organizations<O: OrganizationMetadata> {}
}

handle! {
    /// The memberships of one organization, read and written with schema `M`; made by
    /// [`Clerk::memberships`].
    Memberships<M: MembershipMetadata> { organization_id: OrganizationId }
}

handle! {
    /// The invitations of an instance, whose public metadata is typed by the user
    /// schema `S`; made by [`Clerk::invitations`].
    Invitations<S: UserMetadata> {}
}

handle! {
    /// The invitations to one organization, whose metadata is typed by the membership
    /// schema `M`; made by [`Clerk::organization_invitations`].
    OrganizationInvitations<M: MembershipMetadata> { organization_id: OrganizationId }
}

impl<O: OrganizationMetadata> Organizations<O> {
    /// Reads organization `organization_id` (`GET /v1/organizations/{organization_id}`).
    pub async fn get(&self, organization_id: &OrganizationId) -> Result<Organization<O>, Error> {
        let path = format!("/v1/organizations/{organization_id}");
        let start = tokio::time::Instant::now();
        let body = self
            .clerk
            .send(Step::GetOrganization, http::Method::GET, &path, None, start)
            .await?;
        Organization::from_json(&body)
            .map_err(|error| not_the_object(Vec::new(), error, &body, "organization"))
    }

    /// Performs `update` on organization `organization_id`, as
    /// `clerkClient.organizations.updateOrganization` and `…Metadata` do, and returns
    /// the organization as Clerk's last answer shows it.
    ///
    /// The update is validated first ([`Error::Invalid`]: nothing sent); then its
    /// requests (profile, metadata replace, metadata merge) are sent in order, each
    /// retried as the [`RetryPolicy`](super::RetryPolicy) says. If a later request
    /// fails after an earlier one was applied, the error is [`Error::Partial`]. An
    /// update that changes nothing reads the organization and returns it.
    pub async fn update(
        &self,
        organization_id: &OrganizationId,
        update: OrganizationUpdate,
    ) -> Result<Organization<O>, Error> {
        if update.is_empty() {
            return self.get(organization_id).await;
        }
        let inner = &self.clerk.inner;
        let requests = update.build_with(organization_id, inner.version, &inner.rules)?;
        drop(update);
        let steps = requests
            .into_iter()
            .map(|request| {
                let step = match (request.method(), request.path().ends_with("/metadata")) {
                    (Method::Put, _) => Step::ReplaceOrganizationMetadata,
                    (Method::Patch, true) => Step::MergeOrganizationMetadata,
                    // An organization update builds no `POST`.
                    (Method::Patch | Method::Post, false) | (Method::Post, true) => {
                        Step::UpdateOrganization
                    }
                };
                (step, request)
            })
            .collect();
        let (applied, last) = self.clerk.send_steps(steps).await?;
        Organization::from_json(&last)
            .map_err(|error| not_the_object(applied, error, &last, "organization"))
    }

    /// Deep-merges a typed metadata patch into organization `organization_id`
    /// (`PATCH /v1/organizations/{organization_id}/metadata`; `null` deletes a key):
    /// the same as [`update`](Self::update) with `OrganizationUpdate::new().metadata(patch)`.
    pub async fn update_metadata<P>(
        &self,
        organization_id: &OrganizationId,
        patch: P,
    ) -> Result<Organization<O>, Error>
    where
        P: OrganizationPatch + Send + Sync + 'static,
    {
        self.update(organization_id, OrganizationUpdate::new().metadata(patch))
            .await
    }
}

impl<M: MembershipMetadata> Memberships<M> {
    /// The organization whose memberships these are.
    pub fn organization_id(&self) -> &OrganizationId {
        &self.organization_id
    }

    /// Deep-merges a typed metadata patch into the membership of user `user_id`
    /// (`PATCH /v1/organizations/{organization_id}/memberships/{user_id}/metadata`), as
    /// `clerkClient.organizations.updateOrganizationMembershipMetadata` does, and
    /// returns the membership as Clerk's answer shows it.
    pub async fn update_metadata<P>(
        &self,
        user_id: &UserId,
        patch: P,
    ) -> Result<Membership<M>, Error>
    where
        P: MembershipPatch + Send + Sync + 'static,
    {
        self.update(user_id, MembershipUpdate::new().metadata(patch))
            .await
    }

    /// Performs a [`MembershipUpdate`] on the membership of user `user_id`: validated
    /// first ([`Error::Invalid`]: nothing sent), then sent and retried as
    /// [`update_metadata`](Self::update_metadata) is.
    pub async fn update(
        &self,
        user_id: &UserId,
        update: MembershipUpdate,
    ) -> Result<Membership<M>, Error> {
        let inner = &self.clerk.inner;
        let request =
            update.build_with(&self.organization_id, user_id, inner.version, &inner.rules)?;
        drop(update);
        let (applied, last) = self
            .clerk
            .send_steps(vec![(Step::MergeMembershipMetadata, request)])
            .await?;
        Membership::from_json(&last)
            .map_err(|error| not_the_object(applied, error, &last, "membership"))
    }

    /// The first page of the organization's memberships
    /// (`GET /v1/organizations/{organization_id}/memberships`), at Clerk's default
    /// `limit` of 10.
    pub async fn list(&self) -> Result<MembershipPage<M>, Error> {
        self.list_page(None, None).await
    }

    /// A page of the organization's memberships: at most `limit` (Clerk takes 1 to
    /// 500; default 10) after skipping `offset` (default 0). A `limit` outside 1..=500
    /// is [`Error::Invalid`] and sends nothing.
    pub async fn list_page(
        &self,
        limit: Option<u32>,
        offset: Option<u64>,
    ) -> Result<MembershipPage<M>, Error> {
        if let Some(limit) = limit
            && !(1..=500).contains(&limit)
        {
            let error = crate::ValidationError::new(
                "limit",
                crate::codes::FORM_PARAM_VALUE_INVALID,
                "limit must be from 1 to 500",
            );
            return Err(Error::Invalid(error.into()));
        }
        let mut path = format!("/v1/organizations/{}/memberships", self.organization_id);
        let mut separator = '?';
        if let Some(limit) = limit {
            path.push_str(&format!("{separator}limit={limit}"));
            separator = '&';
        }
        if let Some(offset) = offset {
            path.push_str(&format!("{separator}offset={offset}"));
        }
        let start = tokio::time::Instant::now();
        let body = self
            .clerk
            .send(Step::ListMemberships, http::Method::GET, &path, None, start)
            .await?;
        MembershipPage::from_json(&body)
            .map_err(|error| not_the_object(Vec::new(), error, &body, "membership page"))
    }
}

impl<S: UserMetadata> Invitations<S> {
    /// Invites a user to the instance (`POST /v1/invitations`), as
    /// `clerkClient.invitations.createInvitation` does; the user who accepts it gets its
    /// public metadata. Returns the invitation as Clerk's answer shows it.
    ///
    /// Validated first ([`Error::Invalid`]: nothing sent). A create is not idempotent
    /// (a second attempt would send a second email), so it is retried only while no
    /// attempt can have reached Clerk, as [`Users::create`](super::Users::create) is;
    /// otherwise the error says whether the invitation may exist.
    pub async fn create(&self, invitation: UserInvitation<S>) -> Result<SentInvitation<S>, Error> {
        let inner = &self.clerk.inner;
        let request = invitation.build_with(inner.version, &inner.rules)?;
        drop(invitation);
        let (applied, last) = self
            .clerk
            .send_steps(vec![(Step::CreateInvitation, request)])
            .await?;
        SentInvitation::from_json(&last)
            .map_err(|error| not_the_object(applied, error, &last, "invitation"))
    }
}

impl<M: MembershipMetadata> OrganizationInvitations<M> {
    /// The organization the invitations are to.
    pub fn organization_id(&self) -> &OrganizationId {
        &self.organization_id
    }

    /// Invites a user to the organization
    /// (`POST /v1/organizations/{organization_id}/invitations`), as
    /// `clerkClient.organizations.createOrganizationInvitation` does; the membership
    /// made when it is accepted gets its public and private metadata.
    ///
    /// Validated first; retried only while no attempt can have reached Clerk, as
    /// [`Invitations::create`] is. A request carrying private metadata has Clerk's
    /// text withheld from its errors.
    pub async fn create(
        &self,
        invitation: OrganizationInvitation<M>,
    ) -> Result<SentOrganizationInvitation<M>, Error> {
        let inner = &self.clerk.inner;
        let request = invitation.build_with(&self.organization_id, inner.version, &inner.rules)?;
        drop(invitation);
        let (applied, last) = self
            .clerk
            .send_steps(vec![(Step::CreateOrganizationInvitation, request)])
            .await?;
        SentOrganizationInvitation::from_json(&last)
            .map_err(|error| not_the_object(applied, error, &last, "invitation"))
    }
}
