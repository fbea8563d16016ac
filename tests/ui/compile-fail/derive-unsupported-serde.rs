use clerk_metadata::UserMetadata;

#[derive(UserMetadata)]
#[serde(transparent)]
pub struct AppUser {
    #[metadata(public)]
    #[serde(with = "my_codec", skip)]
    pub role: String,
    #[metadata(unsafe)]
    #[serde(rename = "t")]
    pub theme: String,
    #[metadata(unsafe)]
    #[serde(alias = "t")]
    pub nickname: String,
}

fn main() {}
