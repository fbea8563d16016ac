// Organizations and memberships have no unsafe metadata, and only a public field
// goes into the session token: each mistake is reported, all at once.
use clerk_metadata::{MembershipMetadata, OrganizationMetadata};

#[derive(OrganizationMetadata)]
pub struct AppOrg {
    #[metadata(public)]
    pub plan: String,
    #[metadata(unsafe)]
    pub theme: Option<String>,
    #[metadata(public, claim)]
    pub seats: u32,
    #[metadata(private, claim)]
    pub crm_id: Option<String>,
    pub untiered: bool,
}

#[derive(MembershipMetadata)]
pub struct Seat {
    #[metadata(unsafe, user_controlled)]
    pub nickname: Option<String>,
}

fn main() {}
