//! Organizations, memberships and invitations: the two-tier schemas, their reads, their
//! requests (checked against Clerk's spec in every API version), their validation, and
//! their IDs.

use clerk_metadata::{
    ApiRequest, ApiVersion, InvitationId, InvitationTemplate, Membership, MembershipMetadata,
    MembershipPage, MembershipUpdate, Metadata, MetadataPatch, Organization, OrganizationId,
    OrganizationInvitation, OrganizationInvitationId, OrganizationMetadata, OrganizationUpdate,
    Rules, Stored, TierKind, Timestamp, UserId, UserInvitation, ValidationErrors, codes,
};
use clerk_metadata_tests::spec::{Api, Spec};
use clerk_metadata_tests::{
    AppOrg, AppOrgPatch, AppOrgPrivate, AppOrgPublic, AppUser, AppUserPublic, Billing,
    BillingPatch, Role, Seat, SeatPatch, SeatPrivate, SeatPublic,
};

const SECRET: &str = "sk_live_do_not_print_me";

fn org_id() -> OrganizationId {
    "org_2ZHFRWdcUyXvGdQjUs6k3Bq7Ytn".parse().unwrap()
}

fn user_id() -> UserId {
    "user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb".parse().unwrap()
}

fn codes_of(errors: &ValidationErrors) -> Vec<(String, String)> {
    errors
        .iter()
        .map(|e| (e.field().to_owned(), e.code().to_owned()))
        .collect()
}

fn body(request: &ApiRequest) -> serde_json::Value {
    serde_json::from_slice(request.body()).unwrap()
}

// ---- schemas -------------------------------------------------------------------

#[test]
fn organization_schemas_split_and_join_two_tiers() {
    let org = AppOrg {
        plan: "team".to_owned(),
        seats: 25,
        stripe_customer_id: Some("cus_1".to_owned()),
        crm_id: None,
        billing: Billing::default(),
    };
    let (public, private) = org.clone().into_tiers();
    assert_eq!(
        serde_json::to_string(&public).unwrap(),
        r#"{"plan":"team","seats":25}"#
    );
    assert_eq!(
        serde_json::to_string(&private).unwrap(),
        r#"{"stripe_customer_id":"cus_1","billing":{"plan_code":null,"seats_paid":0}}"#
    );
    assert_eq!(AppOrg::from_tiers(public, private), org);
    let seat = Seat {
        department: Some("Research".to_owned()),
        is_billing_contact: true,
        cost_center: None,
    };
    let (public, private): (SeatPublic, SeatPrivate) = seat.clone().into_tiers();
    assert_eq!(
        <Seat as MembershipMetadata>::from_tiers(public, private),
        seat
    );
    // The tier types are those of `Metadata`, as for users.
    fn tiers<M: Metadata>() -> (TierKind, TierKind) {
        use clerk_metadata::{MetadataTier, Tier};
        (
            <<M::Public as MetadataTier>::Tier as Tier>::KIND,
            <<M::Private as MetadataTier>::Tier as Tier>::KIND,
        )
    }
    assert_eq!(tiers::<AppOrg>(), (TierKind::Public, TierKind::Private));
    assert_eq!(tiers::<Seat>(), (TierKind::Public, TierKind::Private));
    assert_eq!(tiers::<AppUser>(), (TierKind::Public, TierKind::Private));
}

#[test]
fn organization_patches_are_backend_merge_patches_with_nested_and_alias_writes() {
    let patch = AppOrgPatch::new()
        .seats(30u32)
        .crm_id("0015g00000XyZ")
        .merge_billing(BillingPatch::new().seats_paid(30u32))
        .remove_stripe_customer_id();
    assert_eq!(
        serde_json::to_string(&patch).unwrap(),
        r#"{"public_metadata":{"seats":30},"private_metadata":{"stripe_customer_id":null,"crmId":"0015g00000XyZ","crm_id":null,"billing":{"seats_paid":30}}}"#
    );
    assert!(!patch.touches(TierKind::Unsafe));
    assert!(AppOrgPatch::new().is_empty());
    // A required field is removed only by name.
    let removed = AppOrgPatch::new().remove_required_plan();
    assert_eq!(
        serde_json::to_string(&removed).unwrap(),
        r#"{"public_metadata":{"plan":null}}"#
    );
    // `set_public` and `set_private` send every field of the tier (`None` as `null`,
    // which deletes the key, as the field setter sends it).
    let whole = SeatPatch::new().set_public(SeatPublic {
        department: None,
        is_billing_contact: false,
    });
    assert_eq!(
        serde_json::to_string(&whole).unwrap(),
        r#"{"public_metadata":{"department":null,"is_billing_contact":false}}"#
    );
}

#[test]
fn organization_patch_debug_never_shows_private_values() {
    let patch = AppOrgPatch::new()
        .plan("team")
        .stripe_customer_id(SECRET)
        .merge_billing(BillingPatch::new().plan_code(SECRET));
    let shown = format!("{patch:?}");
    assert!(shown.contains("team"), "{shown}");
    assert!(shown.contains("Backend"), "{shown}");
    assert!(!shown.contains(SECRET), "{shown}");
    let private = AppOrgPrivate {
        stripe_customer_id: Some(SECRET.to_owned()),
        crm_id: None,
        billing: Billing::default(),
    };
    assert!(!format!("{private:?}").contains(SECRET));
    let seat = SeatPrivate {
        cost_center: Some(SECRET.to_owned()),
    };
    assert!(!format!("{seat:?}").contains(SECRET));
}

#[test]
fn a_backend_patch_reads_a_trusted_flat_object_and_refuses_unknown_keys() {
    let patch: AppOrgPatch =
        serde_json::from_str(r#"{"seats": 40, "crm_id": "X", "billing": {"plan_code": "p"}}"#)
            .unwrap();
    assert_eq!(
        serde_json::to_string(&patch).unwrap(),
        r#"{"public_metadata":{"seats":40},"private_metadata":{"crmId":"X","crm_id":null,"billing":{"plan_code":"p"}}}"#
    );
    let error = serde_json::from_str::<AppOrgPatch>(r#"{"is_admin": true}"#).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("unknown field `is_admin`: it is not a metadata field"),
        "{error}"
    );
    let error = serde_json::from_str::<AppOrgPatch>(r#"{"plan": null}"#).unwrap_err();
    assert!(error.to_string().contains("plan"), "{error}");
    let error = serde_json::from_str::<SeatPatch>(r#"{"theme": "dark"}"#).unwrap_err();
    assert!(
        error.to_string().contains("unknown field `theme`"),
        "{error}"
    );
}

#[test]
fn a_non_finite_number_in_organization_metadata_fails_serialization() {
    #[derive(OrganizationMetadata)]
    struct Scores {
        #[metadata(public)]
        ratio: f64,
    }
    let patch = ScoresPatch::new().ratio(f64::NAN);
    assert!(serde_json::to_string(&patch).is_err());
    let errors = OrganizationUpdate::new()
        .metadata(ScoresPatch::new().ratio(f64::INFINITY))
        .build(&org_id(), ApiVersion::LATEST)
        .unwrap_err();
    assert_eq!(
        codes_of(&errors),
        [(
            "public_metadata.ratio".to_owned(),
            codes::METADATA_NON_FINITE_NUMBER.to_owned()
        )]
    );
}

// ---- IDs -----------------------------------------------------------------------

#[test]
fn ids_are_checked_by_prefix_and_alphabet() {
    assert_eq!(org_id().as_str(), "org_2ZHFRWdcUyXvGdQjUs6k3Bq7Ytn");
    assert!(OrganizationInvitationId::parse("orginv_2ZHFRWdcUyXvGdQjUs6k3Bq7Ytn").is_ok());
    assert!(InvitationId::parse("inv_2ZHFRWdcUyXvGdQjUs6k3Bq7Ytn").is_ok());
    for bad in [
        "",
        "org_",
        "org",
        "org_../x",
        "org_a/b",
        "org_a b",
        "org_é",
        "orginv_abc",
        "user_abc",
        "ORG_abc",
    ] {
        let error = OrganizationId::parse(bad).unwrap_err();
        assert_eq!(error.field(), "organization_id");
        assert_eq!(error.code(), codes::FORM_PARAM_FORMAT_INVALID);
        assert_eq!(
            error.message(),
            "an organization ID is `org_` followed by ASCII letters or digits"
        );
    }
    assert!(OrganizationId::parse(&format!("org_{}", "a".repeat(124))).is_ok());
    assert!(OrganizationId::parse(&format!("org_{}", "a".repeat(125))).is_err());
    assert_eq!(
        InvitationId::parse("org_1").unwrap_err().field(),
        "invitation_id"
    );
    assert_eq!(
        OrganizationInvitationId::parse("inv_1")
            .unwrap_err()
            .field(),
        "organization_invitation_id"
    );
    // UserId keeps its behaviour.
    assert_eq!(UserId::parse("org_1").unwrap_err().field(), "user_id");
    let id: OrganizationId = serde_json::from_str(r#""org_1""#).unwrap();
    assert_eq!(serde_json::to_string(&id).unwrap(), r#""org_1""#);
    assert_eq!(format!("{id} {id:?}"), r#"org_1 OrganizationId("org_1")"#);
    assert!(serde_json::from_str::<OrganizationId>(r#""org_1/..""#).is_err());
}

// ---- reads ---------------------------------------------------------------------

fn organization_json(public: &str, private: &str) -> String {
    format!(
        r#"{{"object": "organization", "id": "org_2ZHFRWdcUyXvGdQjUs6k3Bq7Ytn", "name": "Acme", "slug": "acme",
        "image_url": "https://img.clerk.com/x", "has_image": false, "members_count": 3,
        "pending_invitations_count": 1, "max_allowed_memberships": 0, "admin_delete_enabled": true,
        "public_metadata": {public}, "private_metadata": {private}, "created_by": "user_1",
        "created_at": 1700000000000, "updated_at": 1700000000001, "last_active_at": 1700000000005,
        "role_set_key": null, "missing_member_with_elevated_permissions": false, "brand_new_field": [1, 2]}}"#
    )
}

fn membership_json(public: &str, private: &str) -> String {
    format!(
        r#"{{"object": "organization_membership", "id": "orgmem_2ZHFRWdcUyXvGdQjUs6k3Bq7Ytn",
        "role": "org:admin", "role_name": "Admin", "permissions": ["org:sys_memberships:manage"],
        "public_metadata": {public}, "private_metadata": {private},
        "organization": {org},
        "public_user_data": {{"user_id": "user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb", "first_name": "Ada",
            "last_name": null, "profile_image_url": null, "image_url": "https://img.clerk.com/y",
            "has_image": false, "identifier": "ada@example.com"}},
        "created_at": 1700000000000, "updated_at": 1700000000002}}"#,
        org = organization_json(
            r#"{"plan": "team"}"#,
            &format!(r#"{{"stripe_customer_id": "{SECRET}"}}"#)
        ),
    )
}

#[test]
fn an_organization_reads_typed_tiers_and_keeps_everything_else() {
    let json = organization_json(
        r#"{"plan": "team", "seats": 25, "color": "teal"}"#,
        &format!(r#"{{"stripe_customer_id": "{SECRET}", "crm_id": "old", "erp": {{"x": 1}}}}"#),
    );
    let org = Organization::<AppOrg>::from_json(json.as_bytes()).unwrap();
    assert_eq!(org.id(), &org_id());
    assert_eq!(org.profile.name, "Acme");
    assert_eq!(org.profile.slug, "acme");
    assert_eq!(org.profile.members_count, Some(3));
    assert_eq!(org.profile.max_allowed_memberships, 0);
    assert!(org.profile.admin_delete_enabled);
    assert_eq!(org.profile.created_at, 1_700_000_000_000);
    assert_eq!(org.profile.last_active_at, Some(1_700_000_000_005));
    assert_eq!(org.profile.role_set_key, None);
    assert_eq!(
        org.profile.other.keys(),
        [
            "object",
            "missing_member_with_elevated_permissions",
            "brand_new_field"
        ]
    );
    assert_eq!(
        org.profile.other.get("brand_new_field").unwrap().get(),
        "[1, 2]"
    );
    assert_eq!(org.public_metadata.plan, "team");
    assert_eq!(org.public_metadata.seats, 25);
    assert!(org.public_metadata.unknown().contains_key("color"));
    // An alias is read.
    assert_eq!(org.private_metadata.crm_id.as_deref(), Some("old"));
    assert!(org.private_metadata.unknown().contains_key("erp"));
    // The same through Deserialize.
    let again: Organization<AppOrg> = serde_json::from_str(&json).unwrap();
    assert_eq!(again.public_metadata.value(), org.public_metadata.value());
    // Debug shows unknown public keys, never private values or keys.
    let shown = format!("{org:?}");
    assert!(shown.contains("color") && shown.contains("Acme"), "{shown}");
    assert!(!shown.contains(SECRET) && !shown.contains("erp"), "{shown}");
    // A replace built from the read writes the unknown keys back.
    let requests = OrganizationUpdate::new()
        .replace_public(org.public_metadata.clone())
        .replace_private(org.private_metadata.clone())
        .build(&org_id(), ApiVersion::LATEST)
        .unwrap();
    assert_eq!(requests.len(), 1);
    let sent = body(&requests[0]);
    assert_eq!(sent["public_metadata"]["color"], "teal");
    assert_eq!(sent["private_metadata"]["erp"]["x"], 1);
    assert_eq!(sent["private_metadata"]["crmId"], "old");
}

#[test]
fn organization_fixtures_fit_the_spec_component() {
    let json = organization_json(r#"{"plan": "team"}"#, "{}");
    let membership = membership_json(r#"{"department": "R"}"#, "{}");
    for version in ApiVersion::ALL {
        let spec = Spec::load(Api::Backend, version);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let problems =
            clerk_metadata_tests::spec::validate(&spec.component("Organization"), &value);
        assert!(problems.is_empty(), "{version}: {problems:?}");
        let value: serde_json::Value = serde_json::from_str(&membership).unwrap();
        let problems =
            clerk_metadata_tests::spec::validate(&spec.component("OrganizationMembership"), &value);
        assert!(problems.is_empty(), "{version}: {problems:?}");
    }
}

#[test]
fn organization_drift_names_the_path_and_never_a_private_value() {
    let public_drift = organization_json(r#"{"plan": 7}"#, "{}");
    let error = Organization::<AppOrg>::from_json(public_drift.as_bytes()).unwrap_err();
    assert_eq!(error.path(), "public_metadata.plan");
    assert_eq!(
        error.message(),
        "invalid type: integer `7`, expected a string"
    );

    let private_drift = organization_json(
        r#"{"plan": "team"}"#,
        &format!(r#"{{"stripe_customer_id": ["{SECRET}"]}}"#),
    );
    let error = Organization::<AppOrg>::from_json(private_drift.as_bytes()).unwrap_err();
    assert_eq!(error.path(), "private_metadata.stripe_customer_id");
    assert_eq!(
        error.message(),
        "the stored value does not fit the schema type `Option<String>`"
    );
    let nested_drift = organization_json(
        r#"{"plan": "team"}"#,
        &format!(r#"{{"billing": {{"seats_paid": "{SECRET}"}}}}"#),
    );
    let error = Organization::<AppOrg>::from_json(nested_drift.as_bytes()).unwrap_err();
    assert_eq!(error.path(), "private_metadata.billing.…");
    assert!(!error.to_string().contains(SECRET), "{error}");
    // Through Deserialize, the same.
    let error = serde_json::from_str::<Organization<AppOrg>>(&private_drift).unwrap_err();
    assert!(!error.to_string().contains(SECRET), "{error}");
    assert!(
        error
            .to_string()
            .contains("private_metadata.stripe_customer_id"),
        "{error}"
    );

    // A required public field missing.
    let missing = organization_json("{}", "{}");
    let error = Organization::<AppOrg>::from_json(missing.as_bytes()).unwrap_err();
    assert_eq!(error.path(), "public_metadata");
    assert_eq!(error.message(), "missing field `plan`");
    // A missing or null private tier reads as `{}`.
    let null_private = organization_json(r#"{"plan": "team"}"#, "null");
    let org = Organization::<AppOrg>::from_json(null_private.as_bytes()).unwrap();
    assert_eq!(org.private_metadata.stripe_customer_id, None);
    // Profile problems name their field.
    let bad_id = organization_json(r#"{"plan": "team"}"#, "{}").replace("org_2ZHF", "user_2ZHF");
    let error = Organization::<AppOrg>::from_json(bad_id.as_bytes()).unwrap_err();
    assert_eq!(error.path(), "id");
    let no_public = r#"{"id": "org_1", "name": "A", "slug": "a", "has_image": false,
        "max_allowed_memberships": 0, "admin_delete_enabled": false, "created_at": 1, "updated_at": 2}"#;
    let error = Organization::<AppOrg>::from_json(no_public.as_bytes()).unwrap_err();
    assert_eq!(error.message(), "missing field `public_metadata`");
    let twice = r#"{"id": "org_1", "id": "org_2"}"#;
    let error = Organization::<AppOrg>::from_json(twice.as_bytes()).unwrap_err();
    assert_eq!(error.message(), "duplicate field `id`");
    assert!(Organization::<AppOrg>::from_json(b"[1]").is_err());
    assert!(Organization::<AppOrg>::from_json(b"{\"id\": ").is_err());
}

#[test]
fn a_membership_reads_its_tiers_user_role_and_organization() {
    let json = membership_json(
        r#"{"department": "Research", "desk": "4F"}"#,
        &format!(r#"{{"cost_center": "{SECRET}"}}"#),
    );
    let membership = Membership::<Seat>::from_json(json.as_bytes()).unwrap();
    assert_eq!(membership.profile.role, "org:admin");
    assert_eq!(membership.profile.role_name.as_deref(), Some("Admin"));
    assert_eq!(
        membership.profile.permissions,
        ["org:sys_memberships:manage"]
    );
    assert_eq!(membership.profile.organization_id, org_id());
    assert_eq!(membership.profile.user_id, Some(user_id()));
    assert_eq!(
        membership.public_metadata.department.as_deref(),
        Some("Research")
    );
    assert!(membership.public_metadata.unknown().contains_key("desk"));
    assert_eq!(
        membership.private_metadata.cost_center.as_deref(),
        Some(SECRET)
    );
    // The embedded organization is kept whole, its private metadata too, and never shown.
    let organization = membership.profile.other.get("organization").unwrap();
    assert!(organization.get().contains(SECRET));
    let shown = format!("{membership:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(
        shown.contains("desk") && shown.contains("org:admin"),
        "{shown}"
    );

    let drift = membership_json(r#"{"is_billing_contact": "yes"}"#, "{}");
    let error = Membership::<Seat>::from_json(drift.as_bytes()).unwrap_err();
    assert_eq!(error.path(), "public_metadata.is_billing_contact");
    let drift = membership_json("{}", &format!(r#"{{"cost_center": {{"{SECRET}": 1}}}}"#));
    let error = Membership::<Seat>::from_json(drift.as_bytes()).unwrap_err();
    assert_eq!(error.path(), "private_metadata.cost_center");
    assert!(!error.to_string().contains(SECRET), "{error}");
    let bad_org = membership_json("{}", "{}").replacen(
        r#""id": "org_2ZHFRWdcUyXvGdQjUs6k3Bq7Ytn""#,
        r#""id": "nope""#,
        1,
    );
    let error = Membership::<Seat>::from_json(bad_org.as_bytes()).unwrap_err();
    assert_eq!(error.path(), "organization.id");
}

#[test]
fn a_membership_page_reads_every_membership_and_names_the_failing_one() {
    let page = format!(
        r#"{{"data": [{}, {}], "total_count": 12}}"#,
        membership_json(r#"{"department": "A"}"#, "{}"),
        membership_json(r#"{"department": "B"}"#, "{}"),
    );
    let read = MembershipPage::<Seat>::from_json(page.as_bytes()).unwrap();
    assert_eq!(read.total_count, 12);
    assert_eq!(read.data.len(), 2);
    assert_eq!(
        read.data[1].public_metadata.department.as_deref(),
        Some("B")
    );
    let through_serde: MembershipPage<Seat> = serde_json::from_str(&page).unwrap();
    assert_eq!(through_serde.data.len(), 2);
    for version in ApiVersion::ALL {
        let spec = Spec::load(Api::Backend, version);
        let value: serde_json::Value = serde_json::from_str(&page).unwrap();
        let problems = clerk_metadata_tests::spec::validate(
            &spec.component("OrganizationMemberships"),
            &value,
        );
        assert!(problems.is_empty(), "{version}: {problems:?}");
    }
    let bad = format!(
        r#"{{"data": [{}, {}], "total_count": 2}}"#,
        membership_json("{}", "{}"),
        membership_json(r#"{"department": 5}"#, "{}"),
    );
    let error = MembershipPage::<Seat>::from_json(bad.as_bytes()).unwrap_err();
    assert_eq!(error.path(), "data[1].public_metadata.department");
    let error = MembershipPage::<Seat>::from_json(br#"{"data": []}"#).unwrap_err();
    assert_eq!(error.message(), "missing field `total_count`");
}

// ---- requests ------------------------------------------------------------------

#[test]
fn an_organization_update_sends_profile_replace_and_merge_in_order() {
    let requests = OrganizationUpdate::new()
        .name("Acme, Inc.")
        .slug("acme-inc")
        .max_allowed_memberships(50u64)
        .admin_delete_enabled(false)
        .created_at(Timestamp::parse_rfc3339("2012-10-20T07:15:20.902Z").unwrap())
        .role_set_key("default")
        .replace_public(AppOrgPublic {
            plan: "team".to_owned(),
            seats: 50,
        })
        .metadata(AppOrgPatch::new().stripe_customer_id("cus_1"))
        .metadata(AppOrgPatch::new().crm_id("c-1"))
        .build(&org_id(), ApiVersion::LATEST)
        .unwrap();
    let summary: Vec<_> = requests
        .iter()
        .map(|r| (r.method().to_string(), r.path().to_owned()))
        .collect();
    let path = "/v1/organizations/org_2ZHFRWdcUyXvGdQjUs6k3Bq7Ytn";
    assert_eq!(
        summary,
        [
            ("PATCH".to_owned(), path.to_owned()),
            ("PUT".to_owned(), format!("{path}/metadata")),
            ("PATCH".to_owned(), format!("{path}/metadata")),
        ]
    );
    assert_eq!(
        requests[0].body(),
        br#"{"name":"Acme, Inc.","slug":"acme-inc","max_allowed_memberships":50,"admin_delete_enabled":false,"created_at":"2012-10-20T07:15:20.902Z","role_set_key":"default"}"#
    );
    assert_eq!(
        requests[1].body(),
        br#"{"public_metadata":{"plan":"team","seats":50}}"#
    );
    assert_eq!(
        requests[2].body(),
        br#"{"private_metadata":{"crmId":"c-1","crm_id":null,"stripe_customer_id":"cus_1"}}"#
    );
    let shown = format!(
        "{:?}",
        OrganizationUpdate::new()
            .name("Acme")
            .metadata(AppOrgPatch::new().stripe_customer_id(SECRET))
    );
    assert!(
        shown.contains("Acme") && shown.contains("private_metadata"),
        "{shown}"
    );
    assert!(!shown.contains(SECRET), "{shown}");
}

#[test]
fn organization_update_validation_reports_every_problem() {
    let errors = OrganizationUpdate::new()
        .name("   ")
        .slug("has space")
        .role_set_key("")
        .replace_private(AppOrgPrivate {
            stripe_customer_id: None,
            crm_id: None,
            billing: Billing::default(),
        })
        .metadata(AppOrgPatch::new().crm_id("x"))
        .build(&org_id(), ApiVersion::LATEST)
        .unwrap_err();
    assert_eq!(
        codes_of(&errors),
        [
            (
                "name".to_owned(),
                codes::FORM_PARAM_VALUE_INVALID.to_owned()
            ),
            (
                "slug".to_owned(),
                codes::FORM_PARAM_FORMAT_INVALID.to_owned()
            ),
            (
                "role_set_key".to_owned(),
                codes::FORM_PARAM_VALUE_INVALID.to_owned()
            ),
            (
                "private_metadata".to_owned(),
                codes::CONFLICTING_FIELDS.to_owned()
            ),
        ]
    );
    for (name, code) in [
        ("a".repeat(257), codes::FORM_PARAM_MAX_LENGTH_EXCEEDED),
        (
            "Visit https://evil.example".to_owned(),
            codes::FORM_PARAM_FORMAT_INVALID,
        ),
        ("<b>Acme</b>".to_owned(), codes::FORM_PARAM_FORMAT_INVALID),
        (
            "See WwW.acme.example".to_owned(),
            codes::FORM_PARAM_FORMAT_INVALID,
        ),
        ("Acme HTTP://X".to_owned(), codes::FORM_PARAM_FORMAT_INVALID),
    ] {
        let errors = OrganizationUpdate::new()
            .name(name)
            .validate(&Rules::default())
            .unwrap_err();
        assert_eq!(errors.iter().next().unwrap().code(), code);
    }
    for fine in [
        "a".repeat(256),
        "Acme www".to_owned(),
        "Wwwidgets Ltd".to_owned(),
    ] {
        assert!(
            OrganizationUpdate::new()
                .name(fine.clone())
                .validate(&Rules::default())
                .is_ok(),
            "{fine}"
        );
    }
    let errors = OrganizationUpdate::new()
        .build(&org_id(), ApiVersion::LATEST)
        .unwrap_err();
    assert_eq!(
        codes_of(&errors),
        [("update".to_owned(), codes::EMPTY_UPDATE.to_owned())]
    );
    // An empty patch sends nothing either.
    assert!(
        OrganizationUpdate::new()
            .metadata(AppOrgPatch::new())
            .is_empty()
    );
    // Metadata over 8 KB.
    let errors = OrganizationUpdate::new()
        .metadata(AppOrgPatch::new().plan("x".repeat(9000)))
        .build(&org_id(), ApiVersion::LATEST)
        .unwrap_err();
    assert_eq!(
        codes_of(&errors),
        [(
            "public_metadata".to_owned(),
            codes::METADATA_TOO_LARGE.to_owned()
        )]
    );
    // A year RFC 3339 cannot write.
    let far =
        Timestamp::from(std::time::UNIX_EPOCH + std::time::Duration::from_secs(400_000_000_000));
    let errors = OrganizationUpdate::new()
        .created_at(far)
        .validate(&Rules::default())
        .unwrap_err();
    assert_eq!(errors.iter().next().unwrap().field(), "created_at");
}

#[test]
fn a_membership_update_is_one_merge_request() {
    let request = MembershipUpdate::new()
        .metadata(SeatPatch::new().department("Research"))
        .metadata(SeatPatch::new().cost_center("CC-1").remove_department())
        .build(&org_id(), &user_id(), ApiVersion::LATEST)
        .unwrap();
    assert_eq!(request.method().to_string(), "PATCH");
    assert_eq!(
        request.path(),
        "/v1/organizations/org_2ZHFRWdcUyXvGdQjUs6k3Bq7Ytn/memberships/user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb/metadata"
    );
    assert_eq!(
        request.body(),
        br#"{"public_metadata":{"department":null},"private_metadata":{"cost_center":"CC-1"}}"#
    );
    let errors = MembershipUpdate::new()
        .build(&org_id(), &user_id(), ApiVersion::LATEST)
        .unwrap_err();
    assert_eq!(
        codes_of(&errors),
        [("update".to_owned(), codes::EMPTY_UPDATE.to_owned())]
    );
    let shown = format!(
        "{:?}",
        MembershipUpdate::new().metadata(SeatPatch::new().cost_center(SECRET))
    );
    assert!(!shown.contains(SECRET), "{shown}");
}

#[test]
fn a_user_invitation_types_its_metadata_with_the_user_schema() {
    let request = UserInvitation::<AppUser>::new("ada@example.com")
        .public_metadata(AppUserPublic {
            role: Role::Member,
            teams: vec!["core".to_owned()],
        })
        .redirect_url("https://app.example.com/welcome")
        .notify(false)
        .ignore_existing(true)
        .expires_in_days(365u32)
        .template_slug(InvitationTemplate::WaitlistInvitation)
        .build(ApiVersion::LATEST)
        .unwrap();
    assert_eq!(request.method().to_string(), "POST");
    assert_eq!(request.path(), "/v1/invitations");
    assert_eq!(
        request.body(),
        br#"{"email_address":"ada@example.com","redirect_url":"https://app.example.com/welcome","notify":false,"ignore_existing":true,"expires_in_days":365,"template_slug":"waitlist_invitation","public_metadata":{"role":"member","teams":["core"]}}"#
    );
    // `role` is required: without public metadata the user could not be read.
    let errors = UserInvitation::<AppUser>::new("ada@example.com")
        .build(ApiVersion::LATEST)
        .unwrap_err();
    assert_eq!(
        codes_of(&errors),
        [(
            "public_metadata".to_owned(),
            codes::FORM_PARAM_MISSING.to_owned()
        )]
    );
    let errors = UserInvitation::<AppUser>::new("not an email")
        .public_metadata(AppUserPublic {
            role: Role::Admin,
            teams: vec![],
        })
        .redirect_url("http://app.example.com")
        .expires_in_days(0u32)
        .build(ApiVersion::LATEST)
        .unwrap_err();
    assert_eq!(
        codes_of(&errors),
        [
            (
                "email_address".to_owned(),
                codes::FORM_PARAM_FORMAT_INVALID.to_owned()
            ),
            (
                "redirect_url".to_owned(),
                codes::FORM_PARAM_FORMAT_INVALID.to_owned()
            ),
            (
                "expires_in_days".to_owned(),
                codes::FORM_PARAM_VALUE_INVALID.to_owned()
            ),
        ]
    );
    for message in errors.iter().map(|e| e.message()) {
        assert!(!message.contains("not an email") && !message.contains("app.example"));
    }
}

#[test]
fn an_organization_invitation_types_its_metadata_with_the_membership_schema() {
    let request = OrganizationInvitation::<Seat>::new("ada@example.com", "org:member")
        .public_metadata(SeatPublic {
            department: Some("Research".to_owned()),
            is_billing_contact: false,
        })
        .private_metadata(SeatPrivate {
            cost_center: Some("CC-1".to_owned()),
        })
        .inviter_user_id(user_id())
        .redirect_url("https://app.example.com/join")
        .expires_in_days(1u32)
        .notify(true)
        .build(&org_id(), ApiVersion::LATEST)
        .unwrap();
    assert_eq!(
        request.path(),
        "/v1/organizations/org_2ZHFRWdcUyXvGdQjUs6k3Bq7Ytn/invitations"
    );
    assert_eq!(
        request.body(),
        br#"{"email_address":"ada@example.com","role":"org:member","inviter_user_id":"user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb","redirect_url":"https://app.example.com/join","expires_in_days":1,"notify":true,"public_metadata":{"department":"Research","is_billing_contact":false},"private_metadata":{"cost_center":"CC-1"}}"#
    );
    let errors = OrganizationInvitation::<Seat>::new("ada@example", " ")
        .expires_in_days(366u32)
        .build(&org_id(), ApiVersion::LATEST)
        .unwrap_err();
    assert_eq!(
        codes_of(&errors),
        [
            (
                "role".to_owned(),
                codes::FORM_PARAM_FORMAT_INVALID.to_owned()
            ),
            (
                "expires_in_days".to_owned(),
                codes::FORM_PARAM_VALUE_INVALID.to_owned()
            ),
        ]
    );
    let errors = OrganizationInvitation::<Seat>::new("@example.com", "")
        .build(&org_id(), ApiVersion::LATEST)
        .unwrap_err();
    assert_eq!(
        codes_of(&errors),
        [
            (
                "email_address".to_owned(),
                codes::FORM_PARAM_FORMAT_INVALID.to_owned()
            ),
            (
                "role".to_owned(),
                codes::FORM_PARAM_VALUE_INVALID.to_owned()
            ),
        ]
    );
    // A required field in a membership tier must be set.
    #[derive(MembershipMetadata)]
    struct Strict {
        #[metadata(private)]
        seat_number: u32,
    }
    let errors = OrganizationInvitation::<Strict>::new("ada@example.com", "org:member")
        .build(&org_id(), ApiVersion::LATEST)
        .unwrap_err();
    assert_eq!(
        codes_of(&errors),
        [(
            "private_metadata".to_owned(),
            codes::FORM_PARAM_MISSING.to_owned()
        )]
    );
    // NaN in a tier is refused, naming the path, and private values stay out of Debug.
    #[derive(MembershipMetadata)]
    #[metadata(derive(Debug))]
    struct Scored {
        #[metadata(private)]
        score: f64,
        #[metadata(private)]
        note: String,
    }
    let invitation = OrganizationInvitation::<Scored>::new("ada@example.com", "org:member")
        .private_metadata(ScoredPrivate {
            score: f64::NAN,
            note: SECRET.to_owned(),
        });
    let errors = invitation.build(&org_id(), ApiVersion::LATEST).unwrap_err();
    assert!(
        codes_of(&errors).contains(&(
            "private_metadata.score".to_owned(),
            codes::METADATA_NON_FINITE_NUMBER.to_owned()
        )),
        "{errors}"
    );
    assert!(!errors.to_string().contains(SECRET));
    assert!(!format!("{invitation:?}").contains(SECRET));
}

// ---- conformance ---------------------------------------------------------------

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }
    fn text(&mut self) -> String {
        const WORDS: &[&str] = &[
            "acme",
            "Ωmega",
            "a\"quote",
            "tab\there",
            "日本",
            "x",
            "line\nbreak",
        ];
        WORDS[self.below(WORDS.len())].to_owned()
    }
}

fn random_org_patch(rng: &mut Rng) -> AppOrgPatch {
    let mut patch = AppOrgPatch::new();
    if rng.coin() {
        patch = patch.plan(rng.text());
    }
    if rng.coin() {
        patch = patch.seats(rng.below(1000) as u32);
    }
    match rng.below(3) {
        0 => patch = patch.stripe_customer_id(format!("cus_{}", rng.below(99))),
        1 => patch = patch.remove_stripe_customer_id(),
        _ => {}
    }
    if rng.coin() {
        patch = patch.crm_id(rng.text());
    }
    match rng.below(3) {
        0 => patch = patch.merge_billing(BillingPatch::new().seats_paid(rng.below(50) as u32)),
        1 => {
            patch = patch.billing(Billing {
                plan_code: Some(rng.text()),
                ..Billing::default()
            })
        }
        _ => {}
    }
    patch
}

fn random_organization_update(rng: &mut Rng) -> OrganizationUpdate {
    let mut update = OrganizationUpdate::new();
    if rng.coin() {
        update = update.name(format!("Org {}", rng.text()));
    }
    if rng.coin() {
        update = update.slug(format!("org-{}", rng.below(1000)));
    }
    if rng.coin() {
        update = update.max_allowed_memberships(rng.below(100) as u64);
    }
    if rng.coin() {
        update = update.admin_delete_enabled(rng.coin());
    }
    if rng.below(4) == 0 {
        update = update.created_at(Timestamp::from_unix_millis(rng.next() % 4_000_000_000_000));
    }
    if rng.below(4) == 0 {
        update = update.role_set_key("default");
    }
    match rng.below(4) {
        0 => {
            update = update.replace_public(AppOrgPublic {
                plan: rng.text(),
                seats: rng.below(10) as u32,
            })
        }
        1 => {
            update = update.replace_private(AppOrgPrivate {
                stripe_customer_id: rng.coin().then(|| "cus_1".to_owned()),
                crm_id: None,
                billing: Billing::default(),
            })
        }
        _ => {}
    }
    for _ in 0..rng.below(3) {
        update = update.metadata(random_org_patch(rng));
    }
    update
}

fn random_seat_patch(rng: &mut Rng) -> SeatPatch {
    let mut patch = SeatPatch::new();
    match rng.below(3) {
        0 => patch = patch.department(rng.text()),
        1 => patch = patch.remove_department(),
        _ => {}
    }
    if rng.coin() {
        patch = patch.is_billing_contact(rng.coin());
    }
    if rng.coin() {
        patch = patch.cost_center(rng.text());
    }
    patch
}

fn random_user_invitation(rng: &mut Rng) -> UserInvitation<AppUser> {
    let mut invitation =
        UserInvitation::<AppUser>::new(format!("user{}@example.com", rng.below(1000)))
            .public_metadata(AppUserPublic {
                role: if rng.coin() {
                    Role::Admin
                } else {
                    Role::Member
                },
                teams: (0..rng.below(3)).map(|_| rng.text()).collect(),
            });
    if rng.coin() {
        invitation = invitation.redirect_url("https://app.example.com/welcome?from=invite");
    }
    if rng.coin() {
        invitation = invitation.notify(rng.coin());
    }
    if rng.coin() {
        invitation = invitation.ignore_existing(rng.coin());
    }
    if rng.coin() {
        invitation = invitation.expires_in_days(1 + rng.below(365) as u32);
    }
    if rng.coin() {
        invitation = invitation.template_slug(if rng.coin() {
            InvitationTemplate::Invitation
        } else {
            InvitationTemplate::WaitlistInvitation
        });
    }
    invitation
}

fn random_organization_invitation(rng: &mut Rng) -> OrganizationInvitation<Seat> {
    let mut invitation = OrganizationInvitation::<Seat>::new(
        format!("member{}@example.com", rng.below(1000)),
        if rng.coin() {
            "org:member"
        } else {
            "org:admin"
        },
    );
    if rng.coin() {
        invitation = invitation.public_metadata(SeatPublic {
            department: rng.coin().then(|| rng.text()),
            is_billing_contact: rng.coin(),
        });
    }
    if rng.coin() {
        invitation = invitation.private_metadata(SeatPrivate {
            cost_center: rng.coin().then(|| rng.text()),
        });
    }
    if rng.coin() {
        invitation = invitation.inviter_user_id(user_id());
    }
    if rng.coin() {
        invitation = invitation.redirect_url("http://localhost:3000/join");
    }
    if rng.coin() {
        invitation = invitation.expires_in_days(1 + rng.below(365) as u32);
    }
    if rng.coin() {
        invitation = invitation.notify(rng.coin());
    }
    invitation
}

#[test]
fn every_organization_membership_and_invitation_request_conforms_to_the_spec() {
    for version in ApiVersion::ALL {
        let spec = Spec::load(Api::Backend, version);
        let mut rng = Rng(0x0a11_c0de ^ version.as_str().len() as u64);
        let mut failures = Vec::new();
        let mut check = |what: &str, request: &ApiRequest| {
            if let Err(problems) = spec.check(&request.clone().into_http(), version) {
                failures.push(format!("{version} {what}: {request:?}: {problems:?}"));
            }
        };
        let (mut organizations, mut memberships, mut invitations) = (0, 0, 0);
        for _ in 0..300 {
            let update = random_organization_update(&mut rng);
            // A random update may send nothing, or patch and replace one tier.
            if let Ok(requests) = update.build(&org_id(), version) {
                organizations += 1;
                for request in &requests {
                    if !request.path().ends_with("/metadata") {
                        let sent = body(request);
                        assert!(sent.get("public_metadata").is_none(), "{version}");
                        assert!(sent.get("private_metadata").is_none(), "{version}");
                    }
                    check("organization", request);
                }
            }
            let mut update = MembershipUpdate::new();
            for _ in 0..1 + rng.below(2) {
                update = update.metadata(random_seat_patch(&mut rng));
            }
            if let Ok(request) = update.build(&org_id(), &user_id(), version) {
                memberships += 1;
                check("membership", &request);
            }
            let invitation = random_user_invitation(&mut rng);
            check("invitation", &invitation.build(version).unwrap());
            let invitation = random_organization_invitation(&mut rng);
            check(
                "organization invitation",
                &invitation.build(&org_id(), version).unwrap(),
            );
            invitations += 2;
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(organizations >= 100, "{version}: {organizations}");
        assert!(memberships >= 100, "{version}: {memberships}");
        assert!(invitations >= 200, "{version}: {invitations}");
        println!(
            "{version}: {organizations} organization updates, {memberships} membership updates, {invitations} invitations conform"
        );
    }
}

#[test]
fn the_spec_check_rejects_what_clerk_would() {
    let spec = Spec::load(Api::Backend, ApiVersion::LATEST);
    let request = |method: &str, path: &str, body: &str| {
        http::Request::builder()
            .method(method)
            .uri(path)
            .header("clerk-api-version", "2026-05-12")
            .header("content-type", "application/json")
            .body(body.as_bytes().to_vec())
            .unwrap()
    };
    let org = "/v1/organizations/org_1";
    // Metadata in UpdateOrganization is rejected by 2026-05-12.
    assert!(
        spec.check(
            &request("PATCH", org, r#"{"public_metadata":{}}"#),
            ApiVersion::LATEST
        )
        .is_err()
    );
    assert!(
        spec.check(
            &request("PATCH", org, r#"{"name":"A"}"#),
            ApiVersion::LATEST
        )
        .is_ok()
    );
    // No unsafe metadata on organizations or memberships.
    assert!(
        spec.check(
            &request(
                "PATCH",
                &format!("{org}/metadata"),
                r#"{"unsafe_metadata":{}}"#
            ),
            ApiVersion::LATEST
        )
        .is_err()
    );
    assert!(
        spec.check(
            &request(
                "PATCH",
                &format!("{org}/memberships/user_1/metadata"),
                r#"{"unsafe_metadata":{}}"#
            ),
            ApiVersion::LATEST
        )
        .is_err()
    );
    // No replace of membership metadata.
    assert!(
        spec.check(
            &request(
                "PUT",
                &format!("{org}/memberships/user_1/metadata"),
                r#"{}"#
            ),
            ApiVersion::LATEST
        )
        .is_err()
    );
    // Invitation bounds.
    assert!(
        spec.check(
            &request(
                "POST",
                "/v1/invitations",
                r#"{"email_address":"a@b.c","expires_in_days":366}"#
            ),
            ApiVersion::LATEST
        )
        .is_err()
    );
    assert!(
        spec.check(
            &request(
                "POST",
                "/v1/invitations",
                r#"{"email_address":"a@b.c","private_metadata":{}}"#
            ),
            ApiVersion::LATEST
        )
        .is_err()
    );
    assert!(
        spec.check(
            &request(
                "POST",
                &format!("{org}/invitations"),
                r#"{"email_address":"a@b.c"}"#
            ),
            ApiVersion::LATEST
        )
        .is_err()
    );
    // 2021-02-05 still takes metadata in UpdateOrganization (deprecated); the crate
    // never sends it there.
    let old = Spec::load(Api::Backend, ApiVersion::V2021_02_05);
    let mut old_request = request("PATCH", org, r#"{"public_metadata":{}}"#);
    old_request.headers_mut().insert(
        "clerk-api-version",
        http::HeaderValue::from_static("2021-02-05"),
    );
    assert!(old.check(&old_request, ApiVersion::V2021_02_05).is_ok());
}

#[test]
fn stored_tiers_of_organizations_are_the_crate_s_stored() {
    // `Organization`'s tiers are `Stored`, so the same helpers apply.
    let json = organization_json(r#"{"plan": "team", "legacy": 1}"#, "{}");
    let org = Organization::<AppOrg>::from_json(json.as_bytes()).unwrap();
    let stored: &Stored<AppOrgPublic> = &org.public_metadata;
    let (value, unknown) = stored.clone().into_parts();
    assert_eq!(value.plan, "team");
    assert_eq!(unknown.keys().collect::<Vec<_>>(), ["legacy"]);
}
