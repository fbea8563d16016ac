use clerk_metadata::{CanWrite, Frontend, Public};

pub enum Role {}

impl CanWrite<Role, Public> for Frontend {}

fn main() {}
