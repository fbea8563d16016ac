//! The app's own HTTP client and clerk-metadata's client side by side, each making a
//! real request to a server on 127.0.0.1 (the crate's `FakeClerk`).

use clerk_metadata::UserMetadata;
use clerk_metadata::testing::FakeClerk;

/// The app's schema.
#[derive(UserMetadata)]
pub struct App {
    /// Shown in the UI.
    #[metadata(public)]
    pub role: Option<String>,
}

#[tokio::test]
async fn the_apps_own_client_works_beside_the_clerk_client() {
    let fake = FakeClerk::start().unwrap();
    let id = fake.create_user();
    // The app's own client, made the usual way: it must not panic, and it must work.
    let http = reqwest::Client::new();
    let answer = http
        .get(format!("{}/v1/users/{id}", fake.url()))
        .send()
        .await
        .unwrap();
    // No key sent: the fake's refusal, in Clerk's envelope.
    assert_eq!(answer.status(), 401);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "authentication_invalid");
    // The crate's client.
    let user = fake.client().unwrap().users::<App>().get(&id).await.unwrap();
    assert_eq!(user.profile.id, id);
    // And the app's client again, after the crate's was built.
    let again = reqwest::Client::new()
        .get(format!("{}/v1/jwks", fake.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 401);
}
