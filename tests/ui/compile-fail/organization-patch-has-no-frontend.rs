// Clerk's Frontend API cannot write organization or membership metadata: their patch
// has no writer parameter, so there is no `Frontend` patch to name.
use clerk_metadata::{Frontend, MembershipMetadata, OrganizationMetadata};

#[derive(OrganizationMetadata)]
pub struct AppOrg {
    #[metadata(public)]
    pub plan: String,
}

#[derive(MembershipMetadata)]
pub struct Seat {
    #[metadata(public)]
    pub department: Option<String>,
}

fn main() {
    let _org = AppOrgPatch::<Frontend>::new().plan("enterprise");
    let _seat: SeatPatch<Frontend> = serde_json::from_str("{}").unwrap();
}
