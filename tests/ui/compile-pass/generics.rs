//! A generic schema: each tier struct declares only the parameters its fields use.

#![deny(warnings)]

use clerk_metadata::{Backend, Frontend, MetadataTier, UserMetadata};

#[derive(UserMetadata, Debug, Clone, PartialEq)]
#[metadata(derive(Debug, Clone, PartialEq))]
pub struct Tagged<T, U: Clone = u8>
where
    T: Clone,
{
    #[metadata(public)]
    pub label: T,
    #[metadata(private)]
    pub secret: Vec<u32>,
    #[metadata(unsafe)]
    pub extra: Vec<U>,
}

fn tier_of<X: MetadataTier>(_: &X) {}

fn main() {
    let value = Tagged::<String> { label: "a".to_owned(), secret: vec![1, 2], extra: vec![3] };
    let (public, private, unsafe_) = value.clone().into_tiers();
    let _: TaggedPublic<String> = public.clone();
    let _: TaggedPrivate = private.clone();
    let _: TaggedUnsafe<u8> = unsafe_.clone();
    tier_of(&public);
    assert!(Tagged::from_tiers(public, private, unsafe_) == value);
    let patch = TaggedPatch::<Frontend, String>::new().extra(vec![1]);
    let backend: TaggedPatch<Backend, String> = patch.widen().label("b".to_owned()).secret(vec![0, 0]);
    assert_eq!(
        serde_json::to_value(&backend).unwrap(),
        serde_json::json!({"public_metadata": {"label": "b"}, "private_metadata": {"secret": [0, 0]}, "unsafe_metadata": {"extra": [1]}})
    );
}
