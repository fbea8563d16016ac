use clerk_metadata::UserMetadata;

#[derive(UserMetadata)]
pub struct AppUser<'a> {
    pub role: String,
    #[metadata(private, public)]
    pub stripe_customer_id: String,
    #[metadata(unsafe)]
    #[serde(flatten)]
    pub theme: std::collections::BTreeMap<String, String>,
    #[metadata(unsafe)]
    pub nickname: &'a str,
}

fn main() {}
