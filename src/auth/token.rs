//! Opaque secrets: bearer tokens, sign-in links, calendar feeds. Only their hash is stored, so a
//! leaked database does not leak working credentials.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// `bytes` of OS randomness, base64url without padding.
pub fn random_url_safe(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// A new bearer token (256 bits).
pub fn new_token() -> String {
    random_url_safe(32)
}

/// The stored form of a secret: hex SHA-256. A fast hash is right here because the secret has 256 bits
/// of entropy; slow hashing only matters for guessable passwords.
pub fn digest(secret: &str) -> String {
    let out = Sha256::digest(secret.as_bytes());
    out.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_digests_stable() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
