//! The organization example's schemas and its run against `FakeClerk`, in the library
//! so that its test runs the same code as `cargo run --example organizations`.

use std::error::Error;

use clerk_metadata::testing::FakeClerk;
use clerk_metadata::{MembershipMetadata, OrganizationInvitation, OrganizationMetadata};
use serde_json::json;

/// What an organization (a customer) holds: its plan and seats, shown to members, and
/// the CRM's ID, for the backend only.
#[derive(OrganizationMetadata, Debug, Clone, PartialEq)]
#[metadata(derive(Debug, Clone, PartialEq))]
pub struct Customer {
    /// The plan the customer is on.
    #[metadata(public)]
    pub plan: String,
    /// Seats the customer may fill.
    #[metadata(public)]
    #[serde(default)]
    pub seats: u32,
    /// The CRM's account ID.
    #[metadata(private)]
    pub crm_id: Option<String>,
}

/// What a member is in one organization: their team, shown to the organization, and
/// the cost center their seat is charged to, for the backend only.
#[derive(MembershipMetadata, Debug, Clone, PartialEq)]
#[metadata(derive(Debug, Clone, PartialEq))]
pub struct Member {
    /// The member's team.
    #[metadata(public)]
    pub team: Option<String>,
    /// The cost center the seat is charged to.
    #[metadata(private)]
    pub cost_center: Option<String>,
}

/// What the run ended with, for the example to print and its test to check. Holds no
/// private value.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The organization's plan after the run.
    pub plan: String,
    /// The organization's seats after the bump.
    pub seats: u32,
    /// Whether the organization still has its CRM ID (kept by the merge).
    pub has_crm_id: bool,
    /// Whether the key another service wrote (`color`) survived.
    pub kept_unknown_key: bool,
    /// The existing member's team after the merge.
    pub team: Option<String>,
    /// The invited member's role and team, from their new membership.
    pub invited_role: String,
    /// The invited member's team.
    pub invited_team: Option<String>,
    /// Whether the invited member's membership carries the invited cost center.
    pub invited_has_cost_center: bool,
    /// How many members the organization has at the end.
    pub members: u64,
}

/// Seeds an organization and a member into `fake`, then: bumps the seat count by a
/// merge, sets the member's team by a merge, invites a new member with metadata, has
/// the invitee accept, and reads the memberships back.
pub async fn run(fake: &FakeClerk) -> Result<Outcome, Box<dyn Error>> {
    let org_id = fake.insert_organization(json!({
        "id": "org_acme",
        "name": "Acme",
        "slug": "acme",
        "public_metadata": {"plan": "team", "seats": 5, "color": "teal"},
        "private_metadata": {"crm_id": "crm-0042"},
    }))?;
    let alice = fake.create_user();
    fake.insert_membership(&org_id, &alice, json!({"role": "org:admin"}))?;

    let clerk = fake.client()?;
    let orgs = clerk.organizations::<Customer>();
    let org = orgs.get(&org_id).await?;
    // A merge sends only the seat count: the plan, `color` (a key this schema does
    // not name) and the private CRM ID stay as they are.
    let org = orgs
        .update_metadata(
            &org_id,
            CustomerPatch::new().seats(org.public_metadata.seats + 1),
        )
        .await?;

    let memberships = clerk.memberships::<Member>(&org_id);
    let alice_membership = memberships
        .update_metadata(&alice, MemberPatch::new().team("platform"))
        .await?;

    let invitation = clerk
        .organization_invitations::<Member>(&org_id)
        .create(
            OrganizationInvitation::new("bob@example.com", "org:member")
                .public_metadata(MemberPublic {
                    team: Some("research".to_owned()),
                })
                .private_metadata(MemberPrivate {
                    cost_center: Some("CC-7".to_owned()),
                }),
        )
        .await?;
    let bob = fake.create_user();
    fake.accept_organization_invitation(&invitation.id, &bob)?;

    let page = memberships.list().await?;
    let bob_membership = page
        .data
        .iter()
        .find(|m| m.profile.user_id.as_ref() == Some(&bob))
        .ok_or("the invited member has no membership")?;
    Ok(Outcome {
        plan: org.public_metadata.plan.clone(),
        seats: org.public_metadata.seats,
        has_crm_id: org.private_metadata.crm_id.is_some(),
        kept_unknown_key: org.public_metadata.unknown().contains_key("color"),
        team: alice_membership.public_metadata.team.clone(),
        invited_role: bob_membership.profile.role.clone(),
        invited_team: bob_membership.public_metadata.team.clone(),
        invited_has_cost_center: bob_membership.private_metadata.cost_center.is_some(),
        members: page.total_count,
    })
}
