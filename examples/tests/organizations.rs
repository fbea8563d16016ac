//! The organization example's run, checked: the merges keep what they do not name, and
//! the accepted invitation's membership has the invited metadata.

use clerk_metadata::testing::FakeClerk;
use clerk_metadata_examples::organizations::{Outcome, run};

#[tokio::test]
async fn the_organization_example_runs_to_its_outcome() {
    let fake = FakeClerk::start().unwrap();
    let outcome = run(&fake).await.unwrap();
    assert_eq!(
        outcome,
        Outcome {
            plan: "team".to_owned(),
            seats: 6,
            has_crm_id: true,
            kept_unknown_key: true,
            team: Some("platform".to_owned()),
            invited_role: "org:member".to_owned(),
            invited_team: Some("research".to_owned()),
            invited_has_cost_center: true,
            members: 2,
        }
    );
    let stored = fake.organization(&"org_acme".parse().unwrap()).unwrap();
    assert_eq!(stored["private_metadata"]["crm_id"], "crm-0042");
    assert_eq!(stored["public_metadata"]["color"], "teal");
}
