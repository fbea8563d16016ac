//! The organization, membership and invitation calls of the client against `FakeClerk`,
//! over real HTTP on 127.0.0.1: reads keep what another service wrote, merges and
//! replaces keep it too, validation sends nothing, invitations carry their metadata to
//! the user or membership that accepts them, creates are retried only when they cannot
//! have applied. Every request the fake receives is checked against Clerk's spec.

use clerk_metadata::client::{Clerk, Error, RetryPolicy, Step};
use clerk_metadata::testing::{FakeClerk, Fault};
use clerk_metadata::{
    ApiVersion, OrganizationId, OrganizationInvitation, OrganizationUpdate, User, UserInvitation,
};
use clerk_metadata_tests::spec::{Api, Spec};
use clerk_metadata_tests::{
    AppOrg, AppOrgPatch, AppUser, AppUserPublic, BillingPatch, Role, Seat, SeatPatch, SeatPrivate,
    SeatPublic,
};
use serde_json::{Value, json};

const SECRET: &str = "CC-SECRET-4242";
/// The secret key the fake accepts, for requests made without the client.
const KEY: &str = "sk_test_FakeClerkSecretKeyForTestsOnly0000";

/// A fake holding organization `org_acme` with keys the schema does not name in both
/// tiers, top level and nested.
fn fake_with_org() -> (FakeClerk, OrganizationId) {
    let fake = FakeClerk::start().unwrap();
    let id = fake
        .insert_organization(json!({
            "id": "org_acme",
            "name": "Acme",
            "slug": "acme",
            "public_metadata": {"plan": "pro", "seats": 10, "color": "teal"},
            "private_metadata": {
                "crmId": "crm-1",
                "billing": {"seats_paid": 10, "vat_id": "EU123"},
                "erp_ref": "erp-9"
            },
        }))
        .unwrap();
    (fake, id)
}

/// Every request the fake received conforms to Clerk's spec for its version.
fn assert_conforms(fake: &FakeClerk) {
    let requests = fake.requests();
    assert!(!requests.is_empty());
    for request in requests {
        let version: ApiVersion = request
            .header("clerk-api-version")
            .unwrap()
            .parse()
            .unwrap();
        let spec = Spec::load(Api::Backend, version);
        if let Err(problems) = spec.check(&request.to_http(), version) {
            panic!("{request:?} does not conform: {problems:?}");
        }
        assert!(request.authorized(), "{request:?}");
    }
}

fn no_retries(fake: &FakeClerk) -> Clerk {
    fake.client_builder()
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_organization_read_keeps_the_keys_the_schema_does_not_name() {
    let (fake, id) = fake_with_org();
    let org = fake
        .client()
        .unwrap()
        .organizations::<AppOrg>()
        .get(&id)
        .await
        .unwrap();
    assert_eq!(org.id(), &id);
    assert_eq!(org.profile.slug, "acme");
    assert_eq!(org.public_metadata.plan, "pro");
    assert_eq!(org.public_metadata.seats, 10);
    assert!(org.public_metadata.unknown().contains_key("color"));
    assert_eq!(org.private_metadata.crm_id.as_deref(), Some("crm-1"));
    assert_eq!(org.private_metadata.billing.seats_paid, 10);
    assert!(org.private_metadata.billing.unknown.get("vat_id").is_some());
    assert!(org.private_metadata.unknown().contains_key("erp_ref"));
    assert_conforms(&fake);
}

#[tokio::test]
async fn a_merge_keeps_the_keys_another_service_wrote_at_the_top_and_nested() {
    let (fake, id) = fake_with_org();
    for version in ApiVersion::ALL {
        let orgs = fake
            .client_builder()
            .api_version(version)
            .build()
            .unwrap()
            .organizations::<AppOrg>();
        let org = orgs
            .update_metadata(
                &id,
                AppOrgPatch::new()
                    .seats(25u32)
                    .merge_billing(BillingPatch::new().seats_paid(25u32)),
            )
            .await
            .unwrap();
        assert_eq!(org.public_metadata.seats, 25);
        assert_eq!(org.private_metadata.billing.seats_paid, 25);
    }
    let stored = fake.organization(&id).unwrap();
    assert_eq!(
        stored["public_metadata"],
        json!({"plan": "pro", "seats": 25, "color": "teal"})
    );
    assert_eq!(
        stored["private_metadata"],
        json!({
            "crmId": "crm-1",
            "billing": {"seats_paid": 25, "vat_id": "EU123"},
            "erp_ref": "erp-9"
        })
    );
    assert_conforms(&fake);
}

#[tokio::test]
async fn a_replace_from_a_read_keeps_the_keys_the_schema_does_not_name() {
    let (fake, id) = fake_with_org();
    let orgs = fake.client().unwrap().organizations::<AppOrg>();
    let org = orgs.get(&id).await.unwrap();
    let mut public = org.public_metadata.clone();
    public.plan = "enterprise".to_owned();
    let org = orgs
        .update(&id, OrganizationUpdate::new().replace_public(public))
        .await
        .unwrap();
    assert_eq!(org.public_metadata.plan, "enterprise");
    let stored = fake.organization(&id).unwrap();
    assert_eq!(
        stored["public_metadata"],
        json!({"plan": "enterprise", "seats": 10, "color": "teal"})
    );
    // The private tier was not sent, so it is as it was.
    assert_eq!(stored["private_metadata"]["erp_ref"], "erp-9");
    assert_conforms(&fake);
}

#[tokio::test]
async fn a_profile_and_metadata_update_sends_its_steps_in_order() {
    let (fake, id) = fake_with_org();
    let org = fake
        .client()
        .unwrap()
        .organizations::<AppOrg>()
        .update(
            &id,
            OrganizationUpdate::new()
                .name("Acme, Inc.")
                .max_allowed_memberships(25u64)
                .metadata(AppOrgPatch::new().seats(25u32)),
        )
        .await
        .unwrap();
    assert_eq!(org.profile.name, "Acme, Inc.");
    assert_eq!(org.profile.max_allowed_memberships, 25);
    assert_eq!(org.public_metadata.seats, 25);
    let requests: Vec<(String, String)> = fake
        .requests()
        .iter()
        .map(|r| (r.method().to_owned(), r.path().to_owned()))
        .collect();
    assert_eq!(
        requests,
        [
            ("PATCH".to_owned(), "/v1/organizations/org_acme".to_owned()),
            (
                "PATCH".to_owned(),
                "/v1/organizations/org_acme/metadata".to_owned()
            ),
        ]
    );
    assert_conforms(&fake);
}

#[tokio::test]
async fn a_failed_metadata_step_after_the_profile_is_a_partial_error() {
    let (fake, id) = fake_with_org();
    fake.inject_on("PATCH", "/metadata", Fault::status(422), 1);
    let error = no_retries(&fake)
        .organizations::<AppOrg>()
        .update(
            &id,
            OrganizationUpdate::new()
                .name("Acme, Inc.")
                .metadata(AppOrgPatch::new().crm_id(SECRET)),
        )
        .await
        .unwrap_err();
    let Error::Partial(partial) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(partial.applied, [Step::UpdateOrganization]);
    assert_eq!(partial.failed, Step::MergeOrganizationMetadata);
    assert!(!partial.failed_may_have_applied());
    assert_eq!(error.applied(), [Step::UpdateOrganization]);
    let Error::Clerk(failure) = &partial.cause else {
        panic!("{error:?}");
    };
    // The failed request carried private metadata: Clerk's text is withheld.
    assert!(failure.withheld);
    assert!(!error.to_string().contains(SECRET));
    assert_eq!(fake.organization(&id).unwrap()["name"], "Acme, Inc.");
}

#[tokio::test]
async fn an_invalid_profile_update_sends_nothing() {
    let (fake, id) = fake_with_org();
    let orgs = fake.client().unwrap().organizations::<AppOrg>();
    for update in [
        OrganizationUpdate::new().name("see https://evil.example"),
        OrganizationUpdate::new().name(" "),
        OrganizationUpdate::new().slug("a b"),
        OrganizationUpdate::new()
            .name("Fine")
            .metadata(AppOrgPatch::new().plan("x".repeat(9000))),
    ] {
        let error = orgs.update(&id, update).await.unwrap_err();
        assert!(matches!(error, Error::Invalid(_)), "{error:?}");
    }
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn a_missing_organization_or_membership_is_clerks_404() {
    let (fake, _) = fake_with_org();
    let clerk = no_retries(&fake);
    let missing: OrganizationId = "org_missing".parse().unwrap();
    let error = clerk
        .organizations::<AppOrg>()
        .get(&missing)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
    let error = clerk
        .organizations::<AppOrg>()
        .update_metadata(&missing, AppOrgPatch::new().seats(1u32))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
    let Error::Clerk(failure) = &error else {
        panic!("{error:?}");
    };
    assert!(!failure.may_have_applied);
    let error = clerk
        .memberships::<Seat>(&"org_acme".parse().unwrap())
        .update_metadata(
            &"user_nobody".parse().unwrap(),
            SeatPatch::new().department("R&D"),
        )
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
    let error = clerk
        .memberships::<Seat>(&missing)
        .list()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
    assert_conforms(&fake);
}

#[tokio::test]
async fn a_membership_merge_keeps_other_keys_and_the_list_pages() {
    let (fake, org) = fake_with_org();
    let mut users = Vec::new();
    for n in 0..3 {
        let user = fake.create_user();
        fake.insert_membership(
            &org,
            &user,
            json!({
                "public_metadata": {"department": format!("d{n}"), "desk": n},
                "private_metadata": {"cost_center": "CC-0", "badge": "b"},
            }),
        )
        .unwrap();
        users.push(user);
    }
    let memberships = fake.client().unwrap().memberships::<Seat>(&org);
    let membership = memberships
        .update_metadata(
            &users[0],
            SeatPatch::new().department("Research").cost_center("CC-7"),
        )
        .await
        .unwrap();
    assert_eq!(
        membership.public_metadata.department.as_deref(),
        Some("Research")
    );
    assert_eq!(
        membership.private_metadata.cost_center.as_deref(),
        Some("CC-7")
    );
    assert_eq!(membership.profile.organization_id, org);
    assert_eq!(membership.profile.user_id.as_ref(), Some(&users[0]));
    let stored = fake.membership(&org, &users[0]).unwrap();
    assert_eq!(
        stored["public_metadata"],
        json!({"department": "Research", "desk": 0})
    );
    assert_eq!(
        stored["private_metadata"],
        json!({"cost_center": "CC-7", "badge": "b"})
    );

    let page = memberships.list().await.unwrap();
    assert_eq!(page.total_count, 3);
    assert_eq!(page.data.len(), 3);
    assert!(
        page.data
            .iter()
            .all(|m| m.public_metadata.unknown().contains_key("desk"))
    );
    let page = memberships.list_page(Some(2), Some(2)).await.unwrap();
    assert_eq!(page.total_count, 3);
    assert_eq!(page.data.len(), 1);
    let page = memberships.list_page(Some(1), None).await.unwrap();
    assert_eq!(page.data.len(), 1);
    let paths: Vec<String> = fake
        .requests()
        .iter()
        .filter(|r| r.method() == "GET")
        .map(|r| r.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/v1/organizations/org_acme/memberships",
            "/v1/organizations/org_acme/memberships?limit=2&offset=2",
            "/v1/organizations/org_acme/memberships?limit=1",
        ]
    );
    let before = fake.requests().len();
    let error = memberships.list_page(Some(0), None).await.unwrap_err();
    assert!(matches!(error, Error::Invalid(_)), "{error:?}");
    assert_eq!(fake.requests().len(), before);
    assert_conforms(&fake);
}

#[tokio::test]
async fn an_accepted_invitation_makes_a_user_with_its_public_metadata() {
    let fake = FakeClerk::start().unwrap();
    let clerk = fake.client().unwrap();
    let invitation = clerk
        .invitations::<AppUser>()
        .create(
            UserInvitation::new("ada@example.com").public_metadata(AppUserPublic {
                role: Role::Admin,
                teams: vec!["core".to_owned()],
            }),
        )
        .await
        .unwrap();
    assert_eq!(invitation.status, "pending");
    assert_eq!(invitation.email_address, "ada@example.com");
    assert_eq!(invitation.public_metadata.role, Role::Admin);
    let user_id = fake.accept_invitation(&invitation.id).unwrap();
    assert_eq!(
        fake.invitation(&invitation.id).unwrap()["status"],
        "accepted"
    );
    let user: User<AppUser> = clerk.users::<AppUser>().get(&user_id).await.unwrap();
    assert_eq!(user.public_metadata.role, Role::Admin);
    assert_eq!(user.public_metadata.teams, ["core"]);
    let stored = fake.user(&user_id).unwrap();
    assert_eq!(
        stored["email_addresses"][0]["email_address"],
        "ada@example.com"
    );
    // Accepted once only; and a second invitation to a user's address is refused.
    assert!(fake.accept_invitation(&invitation.id).is_err());
    let error = clerk
        .invitations::<AppUser>()
        .create(
            UserInvitation::new("ada@example.com").public_metadata(AppUserPublic {
                role: Role::Member,
                teams: vec![],
            }),
        )
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(422));
    assert_conforms(&fake);
}

#[tokio::test]
async fn an_accepted_organization_invitation_makes_a_membership_with_its_metadata() {
    let (fake, org) = fake_with_org();
    let clerk = fake.client().unwrap();
    let invitation = clerk
        .organization_invitations::<Seat>(&org)
        .create(
            OrganizationInvitation::new("grace@example.com", "org:admin")
                .public_metadata(SeatPublic {
                    department: Some("Research".to_owned()),
                    is_billing_contact: true,
                })
                .private_metadata(SeatPrivate {
                    cost_center: Some(SECRET.to_owned()),
                }),
        )
        .await
        .unwrap();
    assert_eq!(invitation.status, "pending");
    assert_eq!(invitation.role, "org:admin");
    assert_eq!(invitation.organization_id.as_ref(), Some(&org));
    assert!(!format!("{invitation:?}").contains(SECRET));
    let user = fake.create_user();
    fake.accept_organization_invitation(&invitation.id, &user)
        .unwrap();
    let page = clerk.memberships::<Seat>(&org).list().await.unwrap();
    let membership = page
        .data
        .iter()
        .find(|m| m.profile.user_id.as_ref() == Some(&user))
        .unwrap();
    assert_eq!(membership.profile.role, "org:admin");
    assert_eq!(
        membership.public_metadata.department.as_deref(),
        Some("Research")
    );
    assert!(membership.public_metadata.is_billing_contact);
    assert_eq!(
        membership.private_metadata.cost_center.as_deref(),
        Some(SECRET)
    );
    assert!(
        fake.accept_organization_invitation(&invitation.id, &user)
            .is_err()
    );
    assert_conforms(&fake);
}

#[tokio::test]
async fn an_invitation_create_is_retried_only_when_it_cannot_have_applied() {
    let fake = FakeClerk::start().unwrap();
    let invitations = fake.client().unwrap().invitations::<AppUser>();
    let new = |address: &str| {
        UserInvitation::new(address).public_metadata(AppUserPublic {
            role: Role::Member,
            teams: vec![],
        })
    };
    // A 503 is answered before anything is applied: retried, one invitation.
    fake.inject(Fault::status(503).retry_after("0"), 1);
    let invitation = invitations.create(new("a@example.com")).await.unwrap();
    assert_eq!(fake.requests().len(), 2);
    assert!(fake.invitation(&invitation.id).is_some());
    // A 502 may come after the invitation was made: not retried, and said so.
    fake.inject(Fault::status(502), 1);
    let error = invitations.create(new("b@example.com")).await.unwrap_err();
    let Error::Clerk(failure) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(failure.step, Step::CreateInvitation);
    assert_eq!(failure.attempts, 1);
    assert!(failure.may_have_applied);
    assert!(error.to_string().starts_with("it may have been applied"));
    assert_eq!(fake.requests().len(), 3);
    // A dropped connection: not retried either.
    fake.inject(Fault::DropConnection, 1);
    let error = invitations.create(new("c@example.com")).await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}");
    };
    assert!(transport.may_have_reached_clerk());
    assert_eq!(transport.attempts(), 1);
    assert_eq!(fake.requests().len(), 4);
    // An organization invitation likewise.
    let org = fake
        .insert_organization(json!({"id": "org_acme", "name": "Acme", "slug": "acme"}))
        .unwrap();
    fake.inject(Fault::status(502), 1);
    let error = fake
        .client()
        .unwrap()
        .organization_invitations::<Seat>(&org)
        .create(OrganizationInvitation::new("d@example.com", "org:member"))
        .await
        .unwrap_err();
    let Error::Clerk(failure) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(failure.step, Step::CreateOrganizationInvitation);
    assert_eq!(failure.attempts, 1);
    assert_eq!(fake.requests().len(), 5);
    assert_conforms(&fake);
}

#[tokio::test]
async fn an_organization_invitation_error_withholds_clerks_text() {
    let (fake, org) = fake_with_org();
    let body = json!({"errors": [{
        "code": "form_param_value_invalid",
        "message": format!("bad value {SECRET}"),
        "long_message": format!("bad value {SECRET}"),
        "meta": {"param_name": "private_metadata"},
    }]});
    fake.inject(Fault::raw(422, serde_json::to_vec(&body).unwrap()), 1);
    let error = fake
        .client()
        .unwrap()
        .organization_invitations::<Seat>(&org)
        .create(
            OrganizationInvitation::new("grace@example.com", "org:member").private_metadata(
                SeatPrivate {
                    cost_center: Some(SECRET.to_owned()),
                },
            ),
        )
        .await
        .unwrap_err();
    let Error::Clerk(failure) = &error else {
        panic!("{error:?}");
    };
    assert!(failure.withheld);
    assert!(!format!("{error} {error:?}").contains(SECRET));
    assert_conforms(&fake);
}

#[tokio::test]
async fn the_fake_answers_in_the_specs_shapes() {
    let (fake, org) = fake_with_org();
    let clerk = fake.client().unwrap();
    let user = fake.create_user();
    fake.insert_membership(&org, &user, json!({})).unwrap();
    clerk
        .memberships::<Seat>(&org)
        .update_metadata(&user, SeatPatch::new().department("R"))
        .await
        .unwrap();
    let invitation = clerk
        .invitations::<AppUser>()
        .create(
            UserInvitation::new("ada@example.com").public_metadata(AppUserPublic {
                role: Role::Member,
                teams: vec![],
            }),
        )
        .await
        .unwrap();
    clerk
        .organization_invitations::<Seat>(&org)
        .create(OrganizationInvitation::new("g@example.com", "org:member"))
        .await
        .unwrap();
    let spec = Spec::load(Api::Backend, ApiVersion::LATEST);
    let stored = fake.invitation(&invitation.id).unwrap();
    let problems = clerk_metadata_tests::spec::validate(&spec.component("Invitation"), &stored);
    assert!(problems.is_empty(), "{problems:?}");
    let http = clerk_metadata_tests::loopback_http();
    let get = |path: String| {
        http.get(format!("{}{path}", fake.url()))
            .bearer_auth(KEY)
            .send()
    };
    let org_json: Value = get(format!("/v1/organizations/{org}"))
        .await
        .unwrap()
        .bytes()
        .await
        .map(|b| serde_json::from_slice::<Value>(&b).unwrap())
        .unwrap();
    let problems = clerk_metadata_tests::spec::validate(&spec.component("Organization"), &org_json);
    assert!(problems.is_empty(), "{problems:?}");
    let page: Value = get(format!("/v1/organizations/{org}/memberships"))
        .await
        .unwrap()
        .bytes()
        .await
        .map(|b| serde_json::from_slice::<Value>(&b).unwrap())
        .unwrap();
    let problems =
        clerk_metadata_tests::spec::validate(&spec.component("OrganizationMemberships"), &page);
    assert!(problems.is_empty(), "{problems:?}");
    for request in fake.requests() {
        assert!(request.authorized(), "{request:?}");
    }
}

/// The bodies a webhook route on 127.0.0.1 received, and its URL.
async fn webhook_receiver() -> (String, std::sync::Arc<std::sync::Mutex<Vec<Value>>>) {
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/webhooks", listener.local_addr().unwrap());
    let store = got.clone();
    let app = axum::Router::new().route(
        "/api/webhooks",
        axum::routing::post(move |body: axum::body::Bytes| {
            let store = store.clone();
            async move {
                store
                    .lock()
                    .unwrap()
                    .push(serde_json::from_slice::<Value>(&body).unwrap());
                axum::http::StatusCode::OK
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, got)
}

#[tokio::test]
async fn an_accepted_invitation_delivers_user_created_with_the_invited_metadata() {
    let fake = FakeClerk::start().unwrap();
    let (url, got) = webhook_receiver().await;
    fake.add_webhook_endpoint(&url).unwrap();
    let invitation = fake
        .client()
        .unwrap()
        .invitations::<AppUser>()
        .create(
            UserInvitation::new("ada@example.com").public_metadata(AppUserPublic {
                role: Role::Admin,
                teams: vec![],
            }),
        )
        .await
        .unwrap();
    let user = fake.accept_invitation(&invitation.id).unwrap();
    // Generous: deliveries take well under a second.
    assert!(
        fake.settle_webhooks(std::time::Duration::from_secs(30))
            .await
    );
    let events = got.lock().unwrap().clone();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["type"], "user.created");
    assert_eq!(events[0]["data"]["id"], user.as_str());
    assert_eq!(events[0]["data"]["public_metadata"]["role"], "admin");
}
