//! Upload files on the local disk, under random names outside any public folder.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{StoreError, StoreResult, random_token};

/// Files named by 64 random hex digits in two-level folders (`ab/abcdef…`), so that a
/// folder never contains more than a few thousand files and names reveal nothing.
#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

fn is_storage_name(name: &str) -> bool {
    name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl FileStore {
    /// Opens the folder, creating it with owner-only permissions.
    pub fn open(root: impl Into<PathBuf>) -> StoreResult<FileStore> {
        let root = root.into();
        std::fs::create_dir_all(&root)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(FileStore { root })
    }

    fn path(&self, name: &str) -> StoreResult<PathBuf> {
        if !is_storage_name(name) {
            return Err(StoreError::InvalidStoredValue(format!(
                "file name {name:?}"
            )));
        }
        Ok(self.root.join(&name[..2]).join(name))
    }

    /// Writes the bytes durably (temporary file, fsync, rename) and returns the new name.
    pub async fn put(&self, bytes: Vec<u8>) -> StoreResult<String> {
        let name = random_token();
        let path = self.path(&name)?;
        tokio::task::spawn_blocking(move || write_durably(&path, &bytes))
            .await
            .map_err(|error| std::io::Error::other(error.to_string()))??;
        Ok(name)
    }

    pub async fn get(&self, name: &str) -> StoreResult<Vec<u8>> {
        let path = self.path(name)?;
        Ok(tokio::fs::read(path).await?)
    }

    /// Deletes a file; a file already gone is not an error.
    pub async fn delete(&self, name: &str) -> StoreResult<()> {
        let path = self.path(name)?;
        match tokio::fs::remove_file(path).await {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error.into()),
            _ => Ok(()),
        }
    }
}

fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = path
        .parent()
        .ok_or_else(|| std::io::Error::other("no parent folder"))?;
    std::fs::create_dir_all(folder)?;
    let temporary = path.with_extension("part");
    {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&temporary, path)?;
    std::fs::File::open(folder)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn file_round_trip_and_name_check() {
        let folder = tempfile::tempdir().unwrap();
        let store = FileStore::open(folder.path().join("uploads")).unwrap();
        let name = store.put(b"isi".to_vec()).await.unwrap();
        assert!(is_storage_name(&name));
        assert_eq!(store.get(&name).await.unwrap(), b"isi");
        assert!(store.get("../../etc/passwd").await.is_err());
        store.delete(&name).await.unwrap();
        store.delete(&name).await.unwrap();
        assert!(store.get(&name).await.is_err());
    }
}
