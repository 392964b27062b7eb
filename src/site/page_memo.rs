//! Page memo hashing: a page whose template and data hash the same as at
//! its last render is not rendered again. The hash streams the serialised
//! page data straight into the hasher, so skipping a page costs no
//! rendering and no buffer.

use super::pages::{Page, SiteInfo};

/// A hash of everything a page's render depends on: its template, title,
/// section and data, and the site-wide info.
pub(super) fn page_inputs_hash(info: &SiteInfo, page: &Page) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = HashWriter(std::collections::hash_map::DefaultHasher::new());
    (page.template, &page.title, page.section).hash(&mut h.0);
    let _ = serde_json::to_writer(&mut h, &(info, &page.data));
    h.0.finish()
}

/// Feeds serialised bytes straight into a hasher, without a buffer.
struct HashWriter(std::collections::hash_map::DefaultHasher);

impl std::io::Write for HashWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        std::hash::Hasher::write(&mut self.0, bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
