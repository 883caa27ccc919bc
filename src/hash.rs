//! A fast, non-cryptographic hasher for maps keyed by names read from the linted file.
//! SipHash's resistance to crafted collisions buys nothing for a local linter, and its cost
//! showed up at 8% of the time on 100,000-state machines. rustc's own Fx hasher, from the
//! crate rustc keeps for it.

pub type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;
pub type FastSet<K> = rustc_hash::FxHashSet<K>;

/// Paths remembered by a 64-bit digest: 8 bytes a file, however long its path, for what a
/// run keeps of every file it walks. SipHash with fixed keys, so a digest is the same in every
/// thread; a false "seen" needs a collision with one of the set's paths, about one chance in
/// 10^14 for a million of them. Kept in chunks of a fixed size, each sorted when sealed: no
/// chunk is ever copied to grow, so the set's peak is its size.
#[derive(Debug, Default)]
pub struct PathDigests {
    chunks: Vec<Vec<u64>>,
}

const CHUNK: usize = 4096;

impl PathDigests {
    pub fn insert(&mut self, path: &std::path::Path) {
        if self.chunks.last().is_none_or(|c| c.len() == CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        if let Some(chunk) = self.chunks.last_mut() {
            chunk.push(digest(path));
        }
    }

    /// Ready for `contains`.
    pub fn seal(&mut self) {
        for chunk in &mut self.chunks {
            chunk.sort_unstable();
        }
    }

    /// Takes in the digests of `other` (both sealed, or neither).
    pub fn absorb(&mut self, other: PathDigests) {
        self.chunks.extend(other.chunks);
    }

    /// Whether `path` was inserted (after `seal`).
    pub fn contains(&self, path: &std::path::Path) -> bool {
        if self.chunks.is_empty() {
            return false;
        }
        let digest = digest(path);
        self.chunks.iter().any(|c| c.binary_search(&digest).is_ok())
    }
}

fn digest(path: &std::path::Path) -> u64 {
    use std::hash::Hasher;
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write(path.as_os_str().as_encoded_bytes());
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn equal_keys_hash_equal_and_near_keys_differ() {
        let build = rustc_hash::FxBuildHasher;
        assert_eq!(build.hash_one("States.ALL"), build.hash_one("States.ALL"));
        let names = [
            "a",
            "b",
            "ab",
            "ba",
            "S1",
            "S10",
            "S100",
            "abcdefgh",
            "abcdefgh\0",
        ];
        let mut hashes: Vec<u64> = names.iter().map(|n| build.hash_one(n)).collect();
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), names.len());
        let mut map: FastMap<&str, usize> = FastMap::default();
        map.insert("x", 1);
        assert_eq!(map.get("x"), Some(&1));
    }

    #[test]
    fn path_digests_remember_paths_inserted_from_any_thread() {
        use std::path::Path;
        let mut digests = PathDigests::default();
        assert!(!digests.contains(Path::new("/a")), "empty before sealing");
        let other = std::thread::spawn(|| digest(Path::new("/repo/b.json")))
            .join()
            .unwrap();
        assert_eq!(other, digest(Path::new("/repo/b.json")), "fixed keys");
        for p in ["/repo/a.json", "/repo/b.json", "/repo/a.json"] {
            digests.insert(Path::new(p));
        }
        digests.seal();
        assert!(digests.contains(Path::new("/repo/a.json")));
        assert!(digests.contains(Path::new("/repo/b.json")));
        assert!(!digests.contains(Path::new("/repo/c.json")));
        assert!(!digests.contains(Path::new("/repo/a.jso")));
        // Across chunks.
        let mut many = PathDigests::default();
        for i in 0..10_000 {
            many.insert(Path::new(&format!("/repo/f{i}.json")));
        }
        many.seal();
        assert!((0..10_000).all(|i| many.contains(Path::new(&format!("/repo/f{i}.json")))));
        assert!(!(10_000..10_100).any(|i| many.contains(Path::new(&format!("/repo/f{i}.json")))));
    }
}
