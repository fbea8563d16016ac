//! Organization and membership metadata with the client, against `FakeClerk`: a
//! customer organization with a plan and seats (public) and a CRM ID (private), a seat
//! count bumped by a merge, a member's team set by a merge, and an invitation that,
//! once accepted, makes a membership with the invited metadata.
//!
//! `cargo run --example organizations`. It prints what changed, never a private value.

use std::error::Error;

use clerk_metadata::testing::FakeClerk;
use clerk_metadata_examples::organizations::run;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let fake = FakeClerk::start()?;
    let outcome = run(&fake).await?;
    println!(
        "organization: plan {}, {} seats (CRM ID kept: {}, other service's key kept: {})",
        outcome.plan, outcome.seats, outcome.has_crm_id, outcome.kept_unknown_key
    );
    println!(
        "existing member: team {}",
        outcome.team.as_deref().unwrap_or("-")
    );
    println!(
        "invited member: {} in team {} (cost center set: {})",
        outcome.invited_role,
        outcome.invited_team.as_deref().unwrap_or("-"),
        outcome.invited_has_cost_center
    );
    println!("{} members", outcome.members);
    Ok(())
}
