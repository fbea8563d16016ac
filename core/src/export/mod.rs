//! One schema for both sides: the JSON Schema of each tier (feature `json-schema`) and
//! TypeScript declarations for Clerk's global metadata interfaces (feature
//! `typescript`), from the one `#[derive(UserMetadata)]` struct.
//!
//! [`typescript()`] is the declaration file for frontend code: public and unsafe
//! metadata and the session-token claims, and nothing of the private tier (no field
//! name, doc comment or type of it). [`typescript_with_private()`] adds
//! `UserPrivateMetadata`, for backend TypeScript that reads private metadata.
//!
//! The type descriptions are schemars': derive `schemars::JsonSchema` on the field
//! types the schema uses (the app's enums and nested structs) and on the tiers, with
//! `#[metadata(derive(schemars::JsonSchema))]`. schemars reads serde's attributes, so
//! keys and shapes follow serde (renames, `rename_all`, `Option`, `default`, enums as
//! their serde spelling); this module adds what a stored metadata object needs: unknown
//! keys allowed (`additionalProperties: true`, as Clerk and this crate keep them),
//! aliases, and the session-token claims. The TypeScript is rendered from the same
//! schemas.
//!
//! ```
//! # #[cfg(feature = "typescript")] {
//! use clerk_metadata::UserMetadata;
//! use clerk_metadata::export;
//!
//! #[derive(Clone, Copy, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
//! #[serde(rename_all = "snake_case")]
//! pub enum Role { Admin, Member }
//!
//! #[derive(UserMetadata)]
//! #[metadata(derive(schemars::JsonSchema))]
//! pub struct AppUser {
//!     /// What the user may do.
//!     #[metadata(public, claim)]
//!     pub role: Role,
//!     #[metadata(private)]
//!     pub stripe_customer_id: Option<String>,
//! }
//!
//! let declarations = export::typescript::<AppUser>();
//! assert!(declarations.contains("interface UserPublicMetadata {"));
//! assert!(declarations.contains("role: Role;"));
//! assert!(declarations.contains(r#"export type Role = "admin" | "member";"#));
//! // The frontend file says nothing of private metadata; the backend one does.
//! assert!(!declarations.contains("stripe_customer_id"));
//! let backend = export::typescript_with_private::<AppUser>();
//! assert!(backend.contains("interface UserPrivateMetadata {"));
//! assert!(backend.contains("stripe_customer_id?: string | null;"));
//! let schemas = export::json_schemas::<AppUser>();
//! assert_eq!(schemas.public["additionalProperties"], true);
//! # }
//! ```

mod schema;
#[cfg(feature = "typescript")]
mod typescript;

pub use schema::{MetadataSchemas, TierSchemas, json_schema, json_schemas, metadata_json_schemas};
#[cfg(feature = "typescript")]
#[cfg_attr(docsrs, doc(cfg(feature = "typescript")))]
pub use typescript::{
    typescript, typescript_membership, typescript_membership_with_private, typescript_organization,
    typescript_organization_with_private, typescript_with_private,
};
