// An organization update takes an organization patch, a membership update a
// membership patch: a user's patch (which may write unsafe metadata) fits neither.
use clerk_metadata::{
    Backend, MembershipMetadata, MembershipUpdate, OrganizationMetadata, OrganizationUpdate,
    UserMetadata,
};

#[derive(UserMetadata)]
pub struct AppUser {
    #[metadata(unsafe)]
    pub theme: Option<String>,
}

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
    let _ = OrganizationUpdate::new().metadata(AppUserPatch::<Backend>::new().theme("dark"));
    let _ = MembershipUpdate::new().metadata(AppOrgPatch::new().plan("team"));
    let _ = OrganizationUpdate::new().metadata(SeatPatch::new());
}
