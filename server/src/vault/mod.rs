//! The credential vault: AES-256-GCM with a random 96-bit nonce per encryption, and
//! associated data binding each ciphertext to its tenant and connector, so a row copied
//! to another connector or tenant fails to decrypt.
//!
//! Keys form a ring: every ciphertext names the id of the key that sealed it; the first
//! key seals, every key opens, so keys rotate without downtime. The ring comes from
//! `CONNECTORS_MASTER_KEY` (`base64key` or `id:base64key,id:base64key`) or, by default,
//! from a key file generated in the data directory with mode 0600.
//!
//! Why one long file: sealing, opening and the key ring are one security boundary, kept in
//! one place to review; about a third is tests.

mod canary;
mod rotate;

use std::fmt;
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// What [`Vault::seal`] returns. The store owns the type (it keeps these bytes); the
/// vault only depends on it.
pub use crate::store::Sealed;
pub use canary::{UnlockError, key_ring, unlock};
pub use rotate::{RotationReport, rotate};

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("CONNECTORS_MASTER_KEY is malformed: {0}")]
    BadKeySpec(String),
    #[error("the master key file {path} cannot be used: {reason}")]
    KeyFile { path: PathBuf, reason: String },
    #[error("no key with id {0:?} is in the key ring")]
    UnknownKey(String),
    /// Wrong key, tampered data, or data bound to another tenant or connector. The
    /// message says no more, on purpose.
    #[error("the ciphertext could not be decrypted")]
    Undecryptable,
    #[error("the system random number generator failed")]
    Random,
}

/// One master key: an id that ciphertexts name, and the cipher built from the key bytes.
struct MasterKey {
    id: String,
    cipher: Aes256Gcm,
}

/// The keys the vault knows; the first seals. `Debug` shows only the ids.
pub struct KeyRing {
    keys: Vec<MasterKey>,
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRing")
            .field("key_ids", &self.ids())
            .finish()
    }
}

/// A key's default id: a fingerprint (the first 8 hex digits of its SHA-256), stable
/// for as long as the key is, and revealing nothing usable about it.
fn fingerprint(key: &[u8]) -> String {
    let digest = format!("{:x}", Sha256::digest(key));
    format!("f{}", &digest[..8])
}

fn decode_key(encoded: &str) -> Result<SecretBox<[u8; KEY_LEN]>, VaultError> {
    let bytes = STANDARD
        .decode(encoded.trim())
        .map_err(|_| VaultError::BadKeySpec("a key is not valid base64".into()))?;
    let key: [u8; KEY_LEN] = bytes.as_slice().try_into().map_err(|_| {
        VaultError::BadKeySpec(format!(
            "a key must be {KEY_LEN} bytes, found {}",
            bytes.len()
        ))
    })?;
    Ok(SecretBox::new(Box::new(key)))
}

impl KeyRing {
    /// Parses `key` or `id:key,id:key` (keys in standard base64, 32 bytes each).
    pub fn parse(spec: &SecretString) -> Result<Self, VaultError> {
        let mut keys = Vec::new();
        for part in spec
            .expose_secret()
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (id, encoded) = match part.split_once(':') {
                Some((id, encoded)) => (Some(id.trim()), encoded),
                None => (None, part),
            };
            let key = decode_key(encoded)?;
            let id = match id {
                Some(id)
                    if !id.is_empty()
                        && id
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
                {
                    id.to_owned()
                }
                Some(_) => {
                    return Err(VaultError::BadKeySpec(
                        "key ids use letters, digits, - and _".into(),
                    ));
                }
                None => fingerprint(key.expose_secret()),
            };
            if keys.iter().any(|k: &MasterKey| k.id == id) {
                return Err(VaultError::BadKeySpec(format!(
                    "the key id {id:?} appears twice"
                )));
            }
            let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key.expose_secret()));
            keys.push(MasterKey { id, cipher });
        }
        if keys.is_empty() {
            return Err(VaultError::BadKeySpec("no key given".into()));
        }
        Ok(KeyRing { keys })
    }

    /// Reads the key file, creating it (mode 0600) with a fresh random key if missing.
    /// Returns the ring and whether the file was just created, so the caller can say so
    /// once in the log.
    pub fn load_or_create_file(path: &Path) -> Result<(Self, bool), VaultError> {
        let file_error = |reason: String| VaultError::KeyFile {
            path: path.to_owned(),
            reason,
        };
        match std::fs::read_to_string(path) {
            Ok(contents) => {
                check_private(path).map_err(file_error)?;
                Ok((Self::parse(&SecretString::from(contents))?, false))
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; KEY_LEN];
                getrandom::fill(&mut key).map_err(|_| VaultError::Random)?;
                let spec =
                    SecretString::from(format!("{}:{}", fingerprint(&key), STANDARD.encode(key)));
                key.fill(0);
                match write_private(path, spec.expose_secret()) {
                    Ok(()) => Ok((Self::parse(&spec)?, true)),
                    // Another process created it first: use theirs.
                    Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                        Self::load_or_create_file(path)
                    }
                    Err(error) => Err(file_error(error.to_string())),
                }
            }
            Err(error) => Err(file_error(error.to_string())),
        }
    }

    /// Puts a freshly generated key first in the key file (replacing the file atomically,
    /// mode 0600), so it seals from now on while the older keys still open. Returns the
    /// new key's id.
    pub fn prepend_generated_key(path: &Path) -> Result<String, VaultError> {
        let file_error = |reason: String| VaultError::KeyFile {
            path: path.to_owned(),
            reason,
        };
        let existing = std::fs::read_to_string(path).map_err(|e| file_error(e.to_string()))?;
        let existing = SecretString::from(existing);
        Self::parse(&existing)?;
        let mut key = [0u8; KEY_LEN];
        getrandom::fill(&mut key).map_err(|_| VaultError::Random)?;
        let id = fingerprint(&key);
        let spec = SecretString::from(format!(
            "{id}:{},{}",
            STANDARD.encode(key),
            existing.expose_secret().trim()
        ));
        key.fill(0);
        replace_private(path, spec.expose_secret()).map_err(|e| file_error(e.to_string()))?;
        Ok(id)
    }

    /// The id of the key that seals new ciphertexts.
    pub fn current_id(&self) -> &str {
        // `parse` refuses an empty ring.
        self.keys.first().map_or("", |key| key.id.as_str())
    }

    pub fn ids(&self) -> Vec<&str> {
        self.keys.iter().map(|key| key.id.as_str()).collect()
    }

    fn key(&self, id: &str) -> Result<&MasterKey, VaultError> {
        self.keys
            .iter()
            .find(|key| key.id == id)
            .ok_or_else(|| VaultError::UnknownKey(id.to_owned()))
    }
}

/// Writes a new file readable by its owner only, atomically: it appears complete or not
/// at all, and fails with `AlreadyExists` if another process got there first.
#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    // A hard link never replaces an existing file: the no-clobber "rename".
    publish_draft(path, contents, |draft| std::fs::hard_link(draft, path))
}

/// Replaces a file atomically with one readable by its owner only.
#[cfg(unix)]
fn replace_private(path: &Path, contents: &str) -> std::io::Result<()> {
    publish_draft(path, contents, |draft| std::fs::rename(draft, path))
}

/// Writes `contents` to a fresh owner-only draft beside `path`, synced to disk, then lets
/// `publish` put it in place; the draft never outlives the call.
#[cfg(unix)]
fn publish_draft(
    path: &Path,
    contents: &str,
    publish: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).map_err(std::io::Error::other)?;
    let draft = path.with_extension(format!("draft-{}", u64::from_le_bytes(suffix)));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&draft)?;
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        publish(&draft)
    })();
    let _ = std::fs::remove_file(&draft);
    written
}

#[cfg(not(unix))]
fn replace_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| e.to_string())?
        .permissions()
        .mode();
    if mode & 0o077 == 0 {
        Ok(())
    } else {
        Err(format!(
            "it is readable by others (mode {:o}); run chmod 600 on it",
            mode & 0o777
        ))
    }
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?
        .write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<(), String> {
    Ok(())
}

/// What a ciphertext is bound to. Decrypting with any other binding fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Binding {
    pub tenant_id: Uuid,
    pub connector_id: Uuid,
}

impl Binding {
    fn associated_data(&self) -> String {
        format!("tenant:{}|connector:{}", self.tenant_id, self.connector_id)
    }
}

/// Seals and opens secrets. `Debug` shows the key ids only.
#[derive(Debug)]
pub struct Vault {
    ring: KeyRing,
}

impl Vault {
    pub fn new(ring: KeyRing) -> Self {
        Vault { ring }
    }

    pub fn ring(&self) -> &KeyRing {
        &self.ring
    }

    /// Encrypts under the current key with a fresh random nonce.
    pub fn seal(&self, plaintext: &[u8], binding: Binding) -> Result<Sealed, VaultError> {
        let key = self.ring.key(self.ring.current_id())?;
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|_| VaultError::Random)?;
        let aad = binding.associated_data();
        let ciphertext = key
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| VaultError::Undecryptable)?;
        Ok(Sealed {
            key_id: key.id.clone(),
            nonce: nonce.to_vec(),
            ciphertext,
        })
    }

    /// Decrypts with the key the ciphertext names, if the binding matches.
    pub fn open(
        &self,
        sealed: &Sealed,
        binding: Binding,
    ) -> Result<SecretBox<Vec<u8>>, VaultError> {
        let key = self.ring.key(&sealed.key_id)?;
        if sealed.nonce.len() != NONCE_LEN {
            return Err(VaultError::Undecryptable);
        }
        let aad = binding.associated_data();
        let plaintext = key
            .cipher
            .decrypt(
                Nonce::from_slice(&sealed.nonce),
                Payload {
                    msg: &sealed.ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| VaultError::Undecryptable)?;
        Ok(SecretBox::new(Box::new(plaintext)))
    }

    /// Re-encrypts under the current key (for `rotate-key`); a no-op for ciphertexts
    /// already under it.
    pub fn reseal(&self, sealed: &Sealed, binding: Binding) -> Result<Option<Sealed>, VaultError> {
        if sealed.key_id == self.ring.current_id() {
            return Ok(None);
        }
        let plaintext = self.open(sealed, binding)?;
        self.seal(plaintext.expose_secret(), binding).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_spec(id: &str, byte: u8) -> String {
        format!("{id}:{}", STANDARD.encode([byte; KEY_LEN]))
    }

    fn vault(spec: &str) -> Vault {
        Vault::new(KeyRing::parse(&SecretString::from(spec.to_owned())).unwrap())
    }

    fn binding() -> Binding {
        Binding {
            tenant_id: Uuid::from_u128(1),
            connector_id: Uuid::from_u128(2),
        }
    }

    #[test]
    fn a_secret_round_trips_and_the_ciphertext_hides_it() {
        let vault = vault(&key_spec("k1", 7));
        let sealed = vault.seal(b"sk_live_abcdef123456", binding()).unwrap();
        assert_eq!(sealed.key_id, "k1");
        assert_eq!(sealed.nonce.len(), 12);
        assert!(!sealed.ciphertext.windows(6).any(|w| w == b"sk_liv"));
        assert_eq!(
            vault.open(&sealed, binding()).unwrap().expose_secret(),
            b"sk_live_abcdef123456"
        );
    }

    #[test]
    fn every_encryption_uses_a_fresh_nonce() {
        let vault = vault(&key_spec("k1", 7));
        let first = vault.seal(b"same", binding()).unwrap();
        let second = vault.seal(b"same", binding()).unwrap();
        assert_ne!(first.nonce, second.nonce);
        assert_ne!(first.ciphertext, second.ciphertext);
    }

    #[test]
    fn a_ciphertext_moved_to_another_connector_or_tenant_fails() {
        let vault = vault(&key_spec("k1", 7));
        let sealed = vault.seal(b"token", binding()).unwrap();
        let other_connector = Binding {
            connector_id: Uuid::from_u128(3),
            ..binding()
        };
        let other_tenant = Binding {
            tenant_id: Uuid::from_u128(9),
            ..binding()
        };
        assert!(matches!(
            vault.open(&sealed, other_connector),
            Err(VaultError::Undecryptable)
        ));
        assert!(matches!(
            vault.open(&sealed, other_tenant),
            Err(VaultError::Undecryptable)
        ));
    }

    #[test]
    fn tampering_and_wrong_keys_fail() {
        let sealed = vault(&key_spec("k1", 7)).seal(b"token", binding()).unwrap();
        let mut tampered = sealed.clone();
        tampered.ciphertext[0] ^= 1;
        assert!(matches!(
            vault(&key_spec("k1", 7)).open(&tampered, binding()),
            Err(VaultError::Undecryptable)
        ));
        assert!(matches!(
            vault(&key_spec("k1", 8)).open(&sealed, binding()),
            Err(VaultError::Undecryptable)
        ));
        assert!(matches!(
            vault(&key_spec("k2", 7)).open(&sealed, binding()),
            Err(VaultError::UnknownKey(_))
        ));
    }

    #[test]
    fn the_first_key_seals_and_every_key_opens() {
        let old = vault(&key_spec("old", 1));
        let sealed_old = old.seal(b"legacy", binding()).unwrap();
        let ring = vault(&format!("{},{}", key_spec("new", 2), key_spec("old", 1)));
        assert_eq!(ring.ring().current_id(), "new");
        assert_eq!(
            ring.open(&sealed_old, binding()).unwrap().expose_secret(),
            b"legacy"
        );

        let resealed = ring
            .reseal(&sealed_old, binding())
            .unwrap()
            .expect("re-encrypted");
        assert_eq!(resealed.key_id, "new");
        assert!(
            ring.reseal(&resealed, binding()).unwrap().is_none(),
            "already current"
        );
        let new_only = vault(&key_spec("new", 2));
        assert_eq!(
            new_only.open(&resealed, binding()).unwrap().expose_secret(),
            b"legacy"
        );
    }

    #[test]
    fn key_specs_are_checked() {
        let parse = |spec: &str| KeyRing::parse(&SecretString::from(spec.to_owned()));
        let unnamed = parse(&STANDARD.encode([5u8; KEY_LEN])).unwrap();
        assert!(unnamed.current_id().starts_with('f') && unnamed.current_id().len() == 9);
        for bad in [
            "",
            "not base64!",
            &STANDARD.encode([1u8; 16]),
            "a b:AAAA",
            &format!("{},{}", key_spec("x", 1), key_spec("x", 2)),
        ] {
            assert!(
                matches!(parse(bad), Err(VaultError::BadKeySpec(_))),
                "{bad:?}"
            );
        }
        let printed = format!("{:?}", parse(&key_spec("k1", 7)).unwrap());
        assert!(printed.contains("k1") && !printed.contains(&STANDARD.encode([7u8; KEY_LEN])));
    }

    #[cfg(unix)]
    #[test]
    fn the_generated_key_file_is_private_and_stable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/master.key");
        let (ring, created) = KeyRing::load_or_create_file(&path).unwrap();
        assert!(created);
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let sealed = Vault::new(ring).seal(b"kept", binding()).unwrap();

        let (again, created) = KeyRing::load_or_create_file(&path).unwrap();
        assert!(!created);
        assert_eq!(
            Vault::new(again)
                .open(&sealed, binding())
                .unwrap()
                .expose_secret(),
            b"kept"
        );

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let racing_dir = tempfile::tempdir().unwrap();
        let racing = racing_dir.path().join("master.key");
        let ids: Vec<String> = (0..8)
            .map(|_| {
                let path = racing.clone();
                std::thread::spawn(move || {
                    KeyRing::load_or_create_file(&path)
                        .unwrap()
                        .0
                        .current_id()
                        .to_owned()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|thread| thread.join().unwrap())
            .collect();
        assert!(
            ids.iter().all(|id| id == &ids[0]),
            "servers starting together made different keys: {ids:?}"
        );

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            KeyRing::load_or_create_file(&path),
            Err(VaultError::KeyFile { .. })
        ));
    }
}
