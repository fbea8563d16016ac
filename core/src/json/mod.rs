//! JSON in and out: map keys as serde hands them over, the guard that checks metadata
//! on its way out, and text from outside made safe to echo in a message.

pub(crate) mod escape;
pub(crate) mod guard;
pub(crate) mod key;
