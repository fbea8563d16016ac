//! Organization metadata beyond the API: copied into the session token from the
//! session's active organization (`{{org.public_metadata}}`,
//! `{{org_membership.public_metadata}}`) and read back typed, and delivered by
//! `FakeClerk`'s webhooks as `organization.*`, `organizationMembership.*` and
//! `organizationInvitation.*` events, verified and typed with the organization and
//! membership schemas. Everything runs over real HTTP on 127.0.0.1.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use clerk_metadata::claims;
use clerk_metadata::session::SessionClaims;
use clerk_metadata::testing::FakeClerk;
use clerk_metadata::webhooks::{
    Delivery, OrganizationEvent, WebhookError, WebhookEvent, WebhookSecret, Webhooks,
};
use clerk_metadata::{
    MembershipMetadata, MembershipUpdate, OrganizationInvitation, OrganizationMetadata,
    OrganizationUpdate, UserMetadata,
};
use clerk_metadata_tests::{AppOrg, AppOrgPatch, AppUser, Seat, SeatPatch};
use serde::Deserialize;
use serde_json::{Value, json};

/// A private value that must show in no `Debug` and no error.
const PRIVATE: &str = "cus_OrgSecretRef";

#[derive(UserMetadata)]
pub struct Person {
    #[metadata(public, claim)]
    pub role: Option<String>,
}

#[derive(OrganizationMetadata)]
pub struct Customer {
    /// The customer's plan, copied into the token of its members' sessions.
    #[metadata(public, claim = "org_plan")]
    pub plan: String,
    #[metadata(public, claim = "org_seats")]
    #[serde(default)]
    pub seats: u32,
    #[metadata(public)]
    pub notes: Option<String>,
    #[metadata(private)]
    pub crm_id: Option<String>,
}

#[derive(MembershipMetadata)]
pub struct Member {
    #[metadata(public, claim = "team")]
    pub team: Option<String>,
    #[metadata(private)]
    pub cost_center: Option<String>,
}

/// Every claims struct the token carries, flattened into one.
#[derive(Debug, Deserialize)]
struct AppClaims {
    #[serde(flatten)]
    person: PersonClaims,
    #[serde(flatten)]
    customer: CustomerClaims,
    #[serde(flatten)]
    member: MemberClaims,
}

/// The customization of the three schemas, merged as the Dashboard holds one.
fn customization() -> Value {
    let mut merged = serde_json::Map::new();
    for template in [
        claims::template::<Person>(),
        claims::organization_template::<Customer>(),
        claims::membership_template::<Member>(),
    ] {
        let Value::Object(template) = template else {
            panic!("a template is an object")
        };
        merged.extend(template);
    }
    Value::Object(merged)
}

#[test]
fn the_templates_copy_from_the_active_organization_and_membership() {
    assert_eq!(
        claims::organization_template::<Customer>(),
        json!({
            "org_plan": "{{org.public_metadata.plan}}",
            "org_seats": "{{org.public_metadata.seats}}",
        })
    );
    assert_eq!(
        claims::membership_template::<Member>(),
        json!({"team": "{{org_membership.public_metadata.team}}"})
    );
    // A schema without claims gives an empty customization.
    assert_eq!(claims::organization_template::<AppOrg>(), json!({}));
}

async fn claims_of(fake: &FakeClerk, user: &clerk_metadata::UserId) -> SessionClaims<AppClaims> {
    let token = fake.session_token(user).unwrap();
    fake.session_verifier()
        .unwrap()
        .verify::<AppClaims>(&token)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_token_carries_the_active_organizations_public_metadata_typed() {
    let fake = FakeClerk::start().unwrap();
    fake.customize_session_token(customization());
    let user = fake
        .insert_user(json!({"id": "user_ada", "public_metadata": {"role": "editor"}}))
        .unwrap();
    let org = fake
        .insert_organization(json!({
            "id": "org_acme",
            "slug": "acme",
            "public_metadata": {"plan": "pro", "seats": 12, "notes": "not a claim"},
            "private_metadata": {"crm_id": PRIVATE},
        }))
        .unwrap();
    fake.insert_membership(
        &org,
        &user,
        json!({
            "role": "org:admin",
            "permissions": ["org:sys_memberships:manage"],
            "public_metadata": {"team": "platform"},
            "private_metadata": {"cost_center": PRIVATE},
        }),
    )
    .unwrap();

    // No active organization: the organization's claims are absent (`null` in the
    // token), the user's are there.
    let claims = claims_of(&fake, &user).await;
    assert!(claims.o.is_none());
    assert_eq!(claims.custom.person.role.as_deref(), Some("editor"));
    assert_eq!(claims.custom.customer.plan, None);
    assert_eq!(claims.custom.member.team, None);
    assert_eq!(claims.claim("org_plan"), Some(&Value::Null));

    // With it: `o` and every claim, typed.
    fake.set_active_organization(&user, Some(&org)).unwrap();
    let claims = claims_of(&fake, &user).await;
    let o = claims.o.as_ref().unwrap();
    assert_eq!(o.id, "org_acme");
    assert_eq!(o.rol.as_deref(), Some("admin"));
    assert_eq!(o.slg.as_deref(), Some("acme"));
    assert_eq!(o.per.as_deref(), Some("sys_memberships:manage"));
    assert_eq!(claims.custom.customer.plan.as_deref(), Some("pro"));
    assert_eq!(claims.custom.customer.seats, Some(12));
    assert_eq!(claims.custom.member.team.as_deref(), Some("platform"));
    // Only claim-marked public fields are copied: never a private one, nor `notes`.
    let token = fake.session_token(&user).unwrap();
    let payload = token.split('.').nth(1).unwrap();
    use base64::Engine;
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    let payload = String::from_utf8(payload).unwrap();
    assert!(!payload.contains(PRIVATE) && !payload.contains("not a claim"));

    // A write through the client reaches the next token.
    let clerk = fake.client().unwrap();
    clerk
        .organizations::<Customer>()
        .update(
            &org,
            OrganizationUpdate::new().metadata(CustomerPatch::new().plan("enterprise")),
        )
        .await
        .unwrap();
    clerk
        .memberships::<Member>(&org)
        .update(
            &user,
            MembershipUpdate::new().metadata(MemberPatch::new().remove_team()),
        )
        .await
        .unwrap();
    let claims = claims_of(&fake, &user).await;
    assert_eq!(claims.custom.customer.plan.as_deref(), Some("enterprise"));
    assert_eq!(claims.custom.member.team, None);

    // Each schema's claims also read on their own, from one verified token.
    let verified = fake
        .session_verifier()
        .unwrap()
        .verify::<PersonClaims>(&fake.session_token(&user).unwrap())
        .await
        .unwrap();
    let customer = verified.custom_as::<CustomerClaims>().unwrap();
    assert_eq!(customer.plan.as_deref(), Some("enterprise"));

    // A claim of the wrong type is the app's typed error, naming the claim only.
    fake.insert_organization(json!({
        "id": "org_acme", "slug": "acme",
        "public_metadata": {"plan": "pro", "seats": "twelve"},
    }))
    .unwrap();
    let verified = fake
        .session_verifier()
        .unwrap()
        .verify::<PersonClaims>(&fake.session_token(&user).unwrap())
        .await
        .unwrap();
    let error = verified.custom_as::<CustomerClaims>().unwrap_err();
    let text = error.to_string();
    assert!(text.contains("org_seats"), "{text}");
    assert!(!text.contains("twelve"), "{text}");
    // Flattened, the claim's name is lost to serde's flatten, and still no value.
    let error = verified.custom_as::<AppClaims>().unwrap_err();
    assert!(!error.to_string().contains("twelve"), "{error}");

    // Leaving the organization, or making another one active, changes the claims.
    fake.set_active_organization(&user, None).unwrap();
    assert!(claims_of(&fake, &user).await.o.is_none());
}

#[test]
fn only_a_member_can_have_an_organization_active() {
    let fake = FakeClerk::start().unwrap();
    let user = fake.create_user();
    let org = fake
        .insert_organization(json!({"id": "org_other", "public_metadata": {"plan": "x"}}))
        .unwrap();
    let error = fake.set_active_organization(&user, Some(&org)).unwrap_err();
    assert!(error.to_string().contains("not a member"), "{error}");
}

/// One delivery as received: its headers and body.
type Received = (HeaderMap, Vec<u8>);

/// A webhook route on 127.0.0.1 that keeps the headers and body of every delivery.
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
}

async fn receive(
    State(receiver): State<Receiver>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    receiver.got.lock().unwrap().push((headers, body.to_vec()));
    StatusCode::NO_CONTENT
}

async fn receiver() -> (Receiver, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhooks", listener.local_addr().unwrap());
    let receiver = Receiver::default();
    let app = axum::Router::new()
        .route("/webhooks", axum::routing::post(receive))
        .with_state(receiver.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (receiver, url)
}

/// The deliveries received so far, verified with `secret` and read with the test
/// schemas, in the order sent (one endpoint, no chaos: the fake delivers in order).
fn verified(receiver: &Receiver, webhooks: &Webhooks) -> Vec<Delivery<AppUser>> {
    receiver
        .got
        .lock()
        .unwrap()
        .iter()
        .map(|(headers, body)| webhooks.event::<AppUser>(headers, body).unwrap())
        .collect()
}

#[tokio::test]
async fn the_fake_delivers_organization_events_that_read_typed() {
    let fake = FakeClerk::start().unwrap();
    let (receiver, url) = receiver().await;
    let endpoint = fake.add_webhook_endpoint(&url).unwrap();
    let webhooks = Webhooks::new(WebhookSecret::new(endpoint.secret()).unwrap());
    let org = fake
        .insert_organization(json!({
            "id": "org_acme", "slug": "acme",
            "public_metadata": {"plan": "pro", "seats": 3, "color": "teal"},
            "private_metadata": {"stripe_customer_id": PRIVATE},
        }))
        .unwrap();
    let alice = fake.create_user();
    fake.insert_membership(&org, &alice, json!({"role": "org:admin"}))
        .unwrap();
    let clerk = fake.client().unwrap();

    // An organization merge, a membership merge, an invitation and its acceptance.
    clerk
        .organizations::<AppOrg>()
        .update(
            &org,
            OrganizationUpdate::new().metadata(AppOrgPatch::new().seats(4u32)),
        )
        .await
        .unwrap();
    clerk
        .memberships::<Seat>(&org)
        .update(
            &alice,
            MembershipUpdate::new().metadata(SeatPatch::new().department("Finance")),
        )
        .await
        .unwrap();
    let invitation = clerk
        .organization_invitations::<Seat>(&org)
        .create(
            OrganizationInvitation::new("bob@example.com", "org:member").public_metadata(
                clerk_metadata_tests::SeatPublic {
                    department: Some("Sales".into()),
                    is_billing_contact: true,
                },
            ),
        )
        .await
        .unwrap();
    let bob = fake.create_user();
    fake.accept_organization_invitation(&invitation.id, &bob)
        .unwrap();
    assert!(fake.settle_webhooks(Duration::from_secs(30)).await);

    let deliveries = verified(&receiver, &webhooks);
    let types: Vec<&str> = deliveries.iter().map(|d| d.event.event_type()).collect();
    assert_eq!(
        types,
        [
            "organization.updated",
            "organizationMembership.updated",
            "organizationInvitation.created",
            "organizationInvitation.accepted",
            "organizationMembership.created",
        ]
    );
    // The records name the object each event is about.
    let records = fake.webhook_deliveries();
    assert_eq!(records[0].object_id(), "org_acme");
    assert_eq!(records[2].object_id(), invitation.id.as_str());

    let typed: Vec<OrganizationEvent<AppOrg, Seat>> = deliveries
        .iter()
        .map(|d| {
            d.event
                .organization_event::<AppOrg, Seat>()
                .unwrap()
                .unwrap()
        })
        .collect();
    let OrganizationEvent::OrganizationUpdated(updated) = &typed[0] else {
        panic!("{:?}", typed[0])
    };
    assert_eq!(updated.public_metadata.seats, 4);
    assert_eq!(updated.public_metadata.plan, "pro");
    assert_eq!(
        updated.private_metadata.stripe_customer_id.as_deref(),
        Some(PRIVATE)
    );
    // What the schema does not name is kept.
    assert_eq!(
        updated.public_metadata.unknown()["color"].get(),
        r#""teal""#
    );
    let OrganizationEvent::MembershipUpdated(membership) = &typed[1] else {
        panic!("{:?}", typed[1])
    };
    assert_eq!(
        membership.public_metadata.department.as_deref(),
        Some("Finance")
    );
    let OrganizationEvent::InvitationAccepted(accepted) = &typed[3] else {
        panic!("{:?}", typed[3])
    };
    assert_eq!(accepted.id, invitation.id);
    assert_eq!(accepted.status, "accepted");
    let OrganizationEvent::MembershipCreated(created) = &typed[4] else {
        panic!("{:?}", typed[4])
    };
    assert_eq!(created.public_metadata.department.as_deref(), Some("Sales"));
    assert!(created.public_metadata.is_billing_contact);

    // No private value in any Debug.
    for (delivery, event) in deliveries.iter().zip(&typed) {
        for text in [format!("{delivery:?}"), format!("{event:?}")] {
            assert!(!text.contains(PRIVATE), "{text}");
        }
    }
    // A user event is not an organization event.
    let user_event = WebhookEvent::<AppUser>::Other {
        event_type: "session.created".into(),
        data: serde_json::value::RawValue::from_string("{}".into()).unwrap(),
    };
    assert!(user_event.organization_event::<AppOrg, Seat>().is_none());
}

#[tokio::test]
async fn an_organization_event_that_does_not_fit_names_the_path_never_the_value() {
    let fake = FakeClerk::start().unwrap();
    let (receiver, url) = receiver().await;
    let endpoint = fake.add_webhook_endpoint(&url).unwrap();
    let webhooks = Webhooks::new(WebhookSecret::new(endpoint.secret()).unwrap());
    // Private metadata of another shape: the billing object holds a string.
    let org = fake
        .insert_organization(json!({
            "id": "org_drift",
            "public_metadata": {"plan": "pro"},
            "private_metadata": {"billing": PRIVATE},
        }))
        .unwrap();
    fake.client()
        .unwrap()
        .organizations::<Customer>()
        .update(&org, OrganizationUpdate::new().name("Drift Inc"))
        .await
        .unwrap();
    assert!(fake.settle_webhooks(Duration::from_secs(30)).await);
    let delivery = verified(&receiver, &webhooks).remove(0);
    // It verifies and arrives as an organization event; reading it with a schema it
    // does not fit is the app's typed error.
    let error = delivery
        .event
        .organization_event::<AppOrg, Seat>()
        .unwrap()
        .unwrap_err();
    assert_eq!(error.reason(), "organization_does_not_fit");
    let WebhookError::Organization(read) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(read.path(), "private_metadata.billing");
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(PRIVATE), "{text}");
    }
    // As an axum answer: 422 with the path.
    let response = axum::response::IntoResponse::into_response(error);
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // An `organization.deleted` without an ID is not an event this crate can read.
    let deleted = WebhookEvent::<AppUser>::Other {
        event_type: "organization.deleted".into(),
        data: serde_json::value::RawValue::from_string(r#"{"deleted":true}"#.into()).unwrap(),
    };
    let error = deleted
        .organization_event::<AppOrg, Seat>()
        .unwrap()
        .unwrap_err();
    assert_eq!(error.reason(), "not_an_event");
    let deleted = WebhookEvent::<AppUser>::Other {
        event_type: "organization.deleted".into(),
        data: serde_json::value::RawValue::from_string(
            r#"{"deleted":true,"id":"org_gone","object":"organization"}"#.into(),
        )
        .unwrap(),
    };
    let Some(Ok(OrganizationEvent::OrganizationDeleted(gone))) =
        deleted.organization_event::<AppOrg, Seat>()
    else {
        panic!("not read as a deletion")
    };
    assert_eq!(gone.id.as_str(), "org_gone");
}
