//! Validation alone on a full update (every field set), beside the full build of the
//! same update, so validation's share of the write path is visible.
//!
//! `cargo bench -p clerk-metadata-tests --bench validation`

use std::hint::black_box;

use clerk_metadata::{ApiVersion, Backend, PasswordHasher, Rules, Timestamp, UserId, UserUpdate};
use clerk_metadata_tests::{AppUserPatch, Role, Theme};
use criterion::{Criterion, criterion_group, criterion_main};

fn full_update() -> UserUpdate<Backend> {
    UserUpdate::<Backend>::new()
        .external_id("crm-42")
        .first_name("John")
        .last_name("Wick")
        .locale("en-US")
        .primary_email_address_id("idn_2OEpKhcCN1Lat9NQ0G6puh7q5Rb")
        .notify_primary_email_address_changed(true)
        .primary_phone_number_id("idn_29w83yL7CwVlJXylYLxcslromF1")
        .primary_web3_wallet_id("idn_29w83yL7CwVlJXylYLxcslromF2")
        .username("jwick")
        .profile_image_id("img_2OEpKhcCN1Lat9NQ0G6puh7q5Rb")
        .password("correct horse battery staple")
        .skip_password_checks(true)
        .sign_out_of_other_sessions(true)
        .totp_secret("JBSWY3DPEHPK3PXP")
        .backup_codes(vec![
            "a1b2c3".to_owned(),
            "d4e5f6".to_owned(),
            "g7h8i9".to_owned(),
        ])
        .delete_self_enabled(false)
        .create_organization_enabled(true)
        .legal_accepted_at(Timestamp::parse_rfc3339("2012-10-20T07:15:20.902Z").unwrap())
        .skip_legal_checks(true)
        .create_organizations_limit(5u32)
        .created_at(Timestamp::parse_rfc3339("2012-10-20T07:15:20Z").unwrap())
        .bypass_client_trust(true)
        .metadata(
            AppUserPatch::<Backend>::new()
                .role(Role::Admin)
                .theme(Theme::Dark),
        )
}

fn bench(c: &mut Criterion) {
    let update = full_update();
    // password_digest and password_hasher exclude password, so they have their own run.
    let digest = UserUpdate::<Backend>::new()
        .password_digest("$2a$10$N9qo8uLOickgx2ZMRZoMye")
        .password_hasher(PasswordHasher::Bcrypt);
    let rules = Rules::default();
    let id = UserId::parse("user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb").unwrap();
    update.validate(ApiVersion::LATEST, &rules).unwrap();
    digest.validate(ApiVersion::LATEST, &rules).unwrap();

    let mut group = c.benchmark_group("validation");
    group.bench_function("validate_full_update", |b| {
        b.iter(|| black_box(&update).validate(ApiVersion::LATEST, &rules))
    });
    group.bench_function("validate_digest_update", |b| {
        b.iter(|| black_box(&digest).validate(ApiVersion::LATEST, &rules))
    });
    group.bench_function("build_full_update", |b| {
        b.iter(|| black_box(&update).build(&id, ApiVersion::LATEST))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
