//! The example app's page in a real headless Chromium: the signed-in user changes a
//! preference with the page's own controls, the change lands in the fake's stored
//! metadata, and the tampered request the page then sends (a write of `role`) is
//! refused.
//!
//! It needs Chromium (Debian's `chromium`; `CHROMIUM` names another binary). Without
//! one it says so and passes, unless `CLERK_METADATA_REQUIRE_BROWSER` is set, as CI
//! sets it after installing Chromium: then a missing browser fails the test.

use std::process::Command;

use clerk_metadata::testing::FakeClerk;
use clerk_metadata_examples::axum_app::{App, router};
use serde_json::json;

fn chromium() -> Option<String> {
    let candidates = std::env::var("CHROMIUM")
        .into_iter()
        .chain(["chromium", "chromium-browser", "google-chrome"].map(String::from));
    candidates.into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// The text of the element with `id` in the dumped DOM.
fn text_of<'a>(dom: &'a str, id: &str) -> &'a str {
    let open = format!("id=\"{id}\">");
    dom.split_once(&open)
        .and_then(|(_, rest)| rest.split_once('<'))
        .map_or("", |(text, _)| text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_changes_a_preference_in_a_real_browser() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CLERK_METADATA_REQUIRE_BROWSER").is_none(),
            "CLERK_METADATA_REQUIRE_BROWSER is set, but no Chromium was found"
        );
        eprintln!("no Chromium found: the browser test did not run (set CHROMIUM to a binary)");
        return;
    };

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let fake = FakeClerk::start().unwrap();
    fake.set_authorized_party(&origin);
    let user = fake
        .insert_user(json!({
            "id": "user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb",
            "public_metadata": {"role": "member", "team": "core"},
            "unsafe_metadata": {"theme": "light", "onboarding_step": 3},
        }))
        .unwrap();
    let token = fake
        .session_token_with(&user, json!({"exp": now() + 600}))
        .unwrap();
    let clerk = fake.client().unwrap();
    let sessions = fake.session_verifier().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router(App { clerk, sessions }))
            .await
            .unwrap();
    });

    let profile =
        std::env::temp_dir().join(format!("clerk-metadata-chromium-{}", std::process::id()));
    let url = format!("{origin}/?demo=dark#token={token}");
    let output = tokio::task::spawn_blocking(move || {
        Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                &format!("--user-data-dir={}", profile.display()),
                "--virtual-time-budget=15000",
                "--dump-dom",
                &url,
            ])
            .output()
    })
    .await
    .unwrap()
    .expect("Chromium runs");
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(
        dom.contains("<title>done</title>"),
        "the page did not finish: {dom}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    assert_eq!(
        text_of(&dom, "who"),
        "Signed in as user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb (role member)"
    );
    // The page's own Save: 200, and the user's theme is now dark.
    assert_eq!(
        text_of(&dom, "status"),
        r#"saved 200 {"onboarding_step":3,"theme":"dark"}"#
    );
    // The tampered write of `role`: 422, naming the field and its tier.
    assert_eq!(
        text_of(&dom, "tamper"),
        "tampered 422 field_refused role public"
    );

    let stored = fake.user(&user).unwrap();
    assert_eq!(
        stored["unsafe_metadata"],
        json!({"theme": "dark", "onboarding_step": 3})
    );
    assert_eq!(
        stored["public_metadata"],
        json!({"role": "member", "team": "core"})
    );
    // The page's requests reached Clerk as one merge; the tampered one never left the app.
    let merges: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method() == "PATCH")
        .map(|r| String::from_utf8_lossy(r.body()).into_owned())
        .collect();
    assert_eq!(merges, [r#"{"unsafe_metadata":{"theme":"dark"}}"#]);
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
