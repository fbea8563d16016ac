// The organization and membership derives take what `UserMetadata` takes: nested
// objects, aliases, renames, generics, derives on the tiers; their patches are
// backend-only and go where their owner's update expects them.
use clerk_metadata::{
    ApiVersion, Backend, MembershipMetadata, MembershipPatch, MembershipUpdate, MetadataObject,
    OrganizationMetadata, OrganizationPatch, OrganizationUpdate, UnknownKeys,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, MetadataObject)]
#[serde(default)]
pub struct Billing {
    pub plan_code: Option<String>,
    #[serde(flatten)]
    pub unknown: UnknownKeys,
}

#[derive(OrganizationMetadata)]
#[metadata(derive(Debug, Clone, PartialEq))]
#[serde(rename_all = "camelCase")]
pub struct AppOrg<T> {
    #[metadata(public)]
    pub plan_name: T,
    #[metadata(public)]
    #[serde(alias = "seat_count", default)]
    pub seats: u32,
    #[metadata(private, nested)]
    #[serde(default)]
    pub billing: Billing,
    #[metadata(private)]
    pub r#type: Option<String>,
}

#[derive(MembershipMetadata)]
pub struct Seat {
    #[metadata(public)]
    pub department: Option<String>,
    #[metadata(private)]
    #[serde(default)]
    pub cost_center: String,
}

fn is_organization_patch<P: OrganizationPatch<Writer = Backend>>(_: &P) {}
fn is_membership_patch<P: MembershipPatch>(_: &P) {}

fn main() {
    let patch = AppOrgPatch::<String>::new()
        .plan_name("team".to_owned())
        .seats(3u32)
        .merge_billing(BillingPatch::new().plan_code("p"))
        .r#type("b2b")
        .remove_billing();
    is_organization_patch(&patch);
    let _: AppOrgPatch<String> = patch.clone();
    assert_eq!(patch.clone(), patch);
    assert!(!patch.is_empty());
    let requests = OrganizationUpdate::new()
        .metadata(patch)
        .replace_public(AppOrgPublic { plan_name: "x".to_owned(), seats: 1 })
        .build(&"org_1".parse().unwrap(), ApiVersion::LATEST);
    assert!(requests.is_err()); // public both patched and replaced
    let seat = SeatPatch::new().department("R").remove_cost_center();
    is_membership_patch(&seat);
    let _ = MembershipUpdate::new().metadata(seat);
    let (_public, _private): (AppOrgPublic<u8>, AppOrgPrivate) = AppOrg::<u8> {
        plan_name: 1,
        seats: 2,
        billing: Billing::default(),
        r#type: None,
    }
    .into_tiers();
    let _ = <Seat as MembershipMetadata>::into_tiers;
}
