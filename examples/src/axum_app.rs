//! The app of `examples/axum_app.rs`: Clerk's documented `POST /api/update-user`, a
//! browser's preference write, an admin route, and a page to try them.

use axum::Router;
use axum::extract::{FromRef, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use clerk_metadata::axum::{BrowserJson, Forbidden, Session, SignedIn};
use clerk_metadata::client::{Clerk, Error};
use clerk_metadata::session::SessionVerifier;
use clerk_metadata::{Backend, Frontend, FrontendUser, UserId, UserMetadata, UserUpdate};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Who the user is to the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// May change other users' roles.
    Admin,
    /// A regular user.
    #[default]
    Member,
}

/// The colour scheme the user picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Follow the system setting.
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// The app's metadata. The session token carries `role` as its own claim: paste
/// `claims::template::<AppUser>()` into the Clerk Dashboard (Sessions, customize session
/// token), and read it as `Session<AppUserClaims>`.
#[derive(UserMetadata)]
pub struct AppUser {
    /// Only the backend, here the admin route, may change it. Copied into the session
    /// token.
    #[metadata(public, claim)]
    #[serde(default)]
    pub role: Role,
    /// The user's own choice, written from the browser.
    #[metadata(unsafe)]
    #[serde(default)]
    pub theme: Theme,
}

/// The app's state: the client and the session verifier, each taken by `FromRef`.
#[derive(Clone, FromRef)]
pub struct App {
    /// Clerk's Backend API.
    pub clerk: Clerk,
    /// Verifies the browser's session token.
    pub sessions: SessionVerifier,
}

/// The app's routes.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/api/me", get(me))
        .route("/api/update-user", post(update_user))
        .route("/api/preferences", post(preferences))
        .route("/api/admin/role", post(set_role))
        .with_state(app)
}

/// The page: plain HTML and `fetch`, no build step.
async fn page() -> Html<&'static str> {
    Html(include_str!("page.html"))
}

/// `GET /api/me`: the user's browser view, or that nobody is signed in.
async fn me(State(app): State<App>, user: Option<SignedIn>) -> Result<Response, Error> {
    Ok(match user {
        Some(user) => {
            let me = app.clerk.users::<AppUser>().get(&user.user_id).await?;
            FrontendUser::from(me).into_response()
        }
        None => axum::Json(json!({"signed_in": false})).into_response(),
    })
}

/// `POST /api/update-user`, as in Clerk's `updateUser` docs: the signed-in user gets
/// first name John and last name Wick, and the answer is the updated user.
async fn update_user(
    State(app): State<App>,
    user: SignedIn,
) -> Result<FrontendUser<AppUser>, Error> {
    let update = UserUpdate::<Backend>::new()
        .first_name("John")
        .last_name("Wick");
    let updated_user = app
        .clerk
        .users::<AppUser>()
        .update(&user.user_id, update)
        .await?;
    Ok(FrontendUser::from(updated_user))
}

/// `POST /api/preferences`: the browser's patch of the user's own unsafe metadata. A
/// body that tries to write `role` is refused with 422 before anything is sent.
async fn preferences(
    State(app): State<App>,
    user: SignedIn,
    BrowserJson(patch): BrowserJson<AppUserPatch<Frontend>>,
) -> Result<FrontendUser<AppUser>, Error> {
    let updated = app
        .clerk
        .users::<AppUser>()
        .update(&user.user_id, UserUpdate::new().metadata(patch))
        .await?;
    Ok(FrontendUser::from(updated))
}

/// The admin route's body.
#[derive(Deserialize)]
struct RoleChange {
    user_id: UserId,
    role: Role,
}

/// `POST /api/admin/role`: an admin sets another user's public role. Who is an admin
/// is read from the session token's `role` claim (the schema's claims): no API call.
async fn set_role(
    State(app): State<App>,
    Session(session): Session<AppUserClaims>,
    axum::Json(change): axum::Json<RoleChange>,
) -> Result<Response, Error> {
    if session.custom.role != Some(Role::Admin) {
        return Ok(Forbidden::new("admin_only").into_response());
    }
    let updated = app
        .clerk
        .users::<AppUser>()
        .update_metadata(
            &change.user_id,
            AppUserPatch::<Backend>::new().role(change.role),
        )
        .await?;
    Ok(FrontendUser::from(updated).into_response())
}
