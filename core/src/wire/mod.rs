//! What travels to and from Clerk's API: user IDs, API versions, typed values of
//! update fields, the requests an update builds, and Clerk's error responses.

pub(crate) mod clerk_error;
pub(crate) mod id;
pub(crate) mod request;
pub(crate) mod values;
pub(crate) mod version;
