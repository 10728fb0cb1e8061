//! Atomic replacement of the output tree.
//!
//! 1. Validate every path and secret before touching the disk.
//! 2. Write everything into a sibling `NAME.infrac-tmp-XXXX` directory.
//! 3. Swap it with `NAME` (Linux: one `renameat2(RENAME_EXCHANGE)`; elsewhere,
//!    or where the filesystem lacks it: rename the old tree aside, rename the
//!    new one in, and put the old one back if that fails), then delete the old tree.
//!
//! Until step 3 the previous tree is untouched; any failure removes the
//! temporary directory and leaves it byte-identical.
//!
//! Files are not fsynced: the swap is atomic with respect to failures and
//! crashes of infrac, not to power loss.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use cap_std::ambient_authority;
use cap_std::fs::Dir;
use rayon::prelude::*;

use crate::manifest::{Manifest, ManifestEntry};
use crate::path::{MANIFEST_NAME, validate_path};
use crate::secrets::{SecretMode, SecretResolver, substitute};
use crate::{EmitError, OutputFile, SecretUse, Summary};

/// Replace the tree at `out_dir` with exactly `files` (plus the manifest).
///
/// Refuses to replace a non-empty directory that has no manifest. On error,
/// nothing at `out_dir` has changed.
pub fn write_tree(
    out_dir: &Path,
    files: Vec<OutputFile>,
    secrets: &dyn SecretResolver,
    mode: SecretMode,
) -> Result<Summary, EmitError> {
    write_tree_with(out_dir, files, secrets, mode, &|_| Ok(()))
}

/// A hook called with a file's index after it is written (tests inject failures with it);
/// files are written in parallel, so it is called from several threads.
pub(crate) type AfterWrite = dyn Fn(usize) -> io::Result<()> + Sync;

/// A file ready to be written.
struct Prepared {
    path: String,
    bytes: Vec<u8>,
}

/// [`write_tree`], with a hook called after each file is written (tests use it
/// to inject failures).
pub(crate) fn write_tree_with(
    out_dir: &Path,
    mut files: Vec<OutputFile>,
    secrets: &dyn SecretResolver,
    mode: SecretMode,
    after_write: &AfterWrite,
) -> Result<Summary, EmitError> {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    check_paths(&files)?;

    // Secrets, all before touching the disk.
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut missing: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut unsafe_values: BTreeMap<String, String> = BTreeMap::new();
    // Substitution and hashing read every byte of the output: in parallel, in file order.
    let done: Vec<_> = files
        .into_par_iter()
        .map(|file| {
            let (substituted, names, lacking, unsafe_here) =
                substitute(&file.contents, secrets, mode);
            let entry = ManifestEntry::new(
                &file.path,
                &file.contents,
                &file.plugin,
                names.iter().cloned().collect(),
            );
            let ready = Prepared {
                path: file.path,
                bytes: substituted.unwrap_or(file.contents),
            };
            (entry, ready, names, lacking, unsafe_here)
        })
        .collect();
    let mut entries = Vec::with_capacity(done.len());
    let mut prepared = Vec::with_capacity(done.len());
    for (entry, ready, names, lacking, unsafe_here) in done {
        unsafe_values.extend(unsafe_here);
        for name in names {
            uses.entry(name).or_default().insert(ready.path.clone());
        }
        for name in lacking {
            missing.entry(name).or_default().insert(ready.path.clone());
        }
        entries.push(entry);
        prepared.push(ready);
    }
    let to_uses = |map: BTreeMap<String, BTreeSet<String>>| -> Vec<SecretUse> {
        map.into_iter()
            .map(|(name, files)| SecretUse {
                name,
                files: files.into_iter().collect(),
            })
            .collect()
    };
    if !missing.is_empty() {
        return Err(EmitError::MissingSecrets(to_uses(missing)));
    }
    if !unsafe_values.is_empty() {
        return Err(EmitError::UnsafeSecrets(
            unsafe_values.into_iter().collect(),
        ));
    }

    let (parent_path, name) = split_out_dir(out_dir)?;
    std::fs::create_dir_all(&parent_path).map_err(io_err("create", &parent_path))?;
    let parent = Dir::open_ambient_dir(&parent_path, ambient_authority())
        .map_err(io_err("open", &parent_path))?;
    let replaced = check_previous(&parent, &name, out_dir)?;

    let tmp_name =
        create_temp_dir(&parent, &name).map_err(io_err("create a directory beside", out_dir))?;
    let tmp_path = parent_path.join(&tmp_name);
    let written = write_all(
        &parent,
        &tmp_name,
        &prepared,
        &entries,
        after_write,
        &tmp_path,
    )
    .and_then(|()| swap(&parent, &tmp_name, &name, replaced, out_dir));
    if let Err(e) = written {
        remove_tree(&parent, &tmp_name);
        return Err(e);
    }

    let summary = Summary {
        files: prepared.len(),
        bytes: prepared.iter().map(|p| p.bytes.len() as u64).sum(),
        kept_secrets: Vec::new(),
        resolved_secrets: Vec::new(),
        replaced,
    };
    let summary = match mode {
        SecretMode::Keep => Summary {
            kept_secrets: to_uses(uses),
            ..summary
        },
        SecretMode::Resolve => Summary {
            resolved_secrets: uses.into_keys().collect(),
            ..summary
        },
    };
    Ok(summary)
}

/// Paths valid, unique, and no file used as a directory. `files` is sorted.
fn check_paths(files: &[OutputFile]) -> Result<(), EmitError> {
    let mut by_path: BTreeMap<&str, &str> = BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        validate_path(&file.path).map_err(|reason| EmitError::BadPath {
            path: file.path.clone(),
            plugin: file.plugin.clone(),
            reason,
        })?;
        if i > 0 && files[i - 1].path == file.path {
            return Err(EmitError::Duplicate {
                path: file.path.clone(),
                first: files[i - 1].plugin.clone(),
                second: file.plugin.clone(),
            });
        }
        by_path.insert(&file.path, &file.plugin);
    }
    for file in files {
        for (idx, _) in file.path.match_indices('/') {
            let ancestor = &file.path[..idx];
            if let Some(plugin) = by_path.get(ancestor) {
                return Err(EmitError::FileDirConflict {
                    file: ancestor.to_string(),
                    file_plugin: plugin.to_string(),
                    path: file.path.clone(),
                    plugin: file.plugin.clone(),
                });
            }
        }
    }
    Ok(())
}

fn split_out_dir(out_dir: &Path) -> Result<(PathBuf, String), EmitError> {
    let bad = || EmitError::BadOutputDir(out_dir.to_path_buf());
    let name = out_dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(bad)?
        .to_string();
    let parent = match out_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

/// Whether a previous tree exists; refuse if it is not ours.
fn check_previous(parent: &Dir, name: &str, out_dir: &Path) -> Result<bool, EmitError> {
    let meta = match parent.symlink_metadata(name) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(io_err("inspect", out_dir)(e)),
    };
    if !meta.is_dir() {
        return Err(EmitError::NotADirectory(out_dir.to_path_buf()));
    }
    let dir = parent.open_dir(name).map_err(io_err("open", out_dir))?;
    if dir
        .symlink_metadata(MANIFEST_NAME)
        .is_ok_and(|m| m.is_file())
    {
        return Ok(true);
    }
    let mut entries = dir.entries().map_err(io_err("list", out_dir))?;
    if entries.next().is_some() {
        return Err(EmitError::NotOurs(out_dir.to_path_buf()));
    }
    Ok(true)
}

fn create_temp_dir(parent: &Dir, name: &str) -> io::Result<String> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mut last = io::Error::other("no attempt");
    for _ in 0..16 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tag = (u64::from(std::process::id()) << 32 ^ u64::from(seed)).wrapping_add(n);
        let tmp = format!("{name}.infrac-tmp-{:08x}", tag & 0xffff_ffff);
        match parent.create_dir(&tmp) {
            Ok(()) => return Ok(tmp),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// Writes every file (in parallel: creating small files is mostly system time, which the
/// cores share) and then the manifest. Directories are created first, once each.
fn write_all(
    parent: &Dir,
    tmp_name: &str,
    files: &[Prepared],
    entries: &[ManifestEntry],
    after_write: &AfterWrite,
    tmp_path: &Path,
) -> Result<(), EmitError> {
    let tmp = parent
        .open_dir(tmp_name)
        .map_err(io_err("open", tmp_path))?;
    // Every directory, parents before children (sorted), each made once: resolving an
    // existing path again through the capability costs more than writing a small file.
    let dirs: BTreeSet<&str> = files
        .iter()
        .filter_map(|f| f.path.rsplit_once('/').map(|(dir, _)| dir))
        .flat_map(|dir| {
            dir.match_indices('/')
                .map(move |(i, _)| &dir[..i])
                .chain(std::iter::once(dir))
        })
        .collect();
    // Level by level (a directory's parent is one level up), each level in parallel.
    let mut levels: Vec<Vec<&str>> = Vec::new();
    for dir in dirs {
        let depth = dir.matches('/').count();
        if levels.len() <= depth {
            levels.resize_with(depth + 1, Vec::new);
        }
        levels[depth].push(dir);
    }
    for level in levels {
        let failed = level.par_iter().find_map_first(|dir| {
            tmp.create_dir(dir)
                .err()
                .map(|e| io_err("create", &tmp_path.join(dir))(e))
        });
        if let Some(e) = failed {
            return Err(e);
        }
    }
    let failed = files.par_iter().enumerate().find_map_first(|(i, file)| {
        tmp.write(&file.path, &file.bytes)
            .and_then(|()| after_write(i))
            .err()
            .map(|e| io_err("write", &tmp_path.join(&file.path))(e))
    });
    if let Some(e) = failed {
        return Err(e);
    }
    let manifest = Manifest {
        version: 1,
        files: entries.to_vec(),
    };
    tmp.write(MANIFEST_NAME, manifest.to_bytes())
        .map_err(io_err("write", &tmp_path.join(MANIFEST_NAME)))?;
    Ok(())
}

/// Removes the directory `name` of `parent` and everything in it, subdirectories in parallel.
/// Best effort: what cannot be removed stays.
fn remove_tree(parent: &Dir, name: &str) {
    if let Ok(dir) = parent.open_dir(name) {
        let mut subdirs = Vec::new();
        for entry in dir.entries().into_iter().flatten().flatten() {
            let entry_name = entry.file_name();
            let Some(entry_name) = entry_name.to_str() else {
                continue;
            };
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                subdirs.push(entry_name.to_string());
            } else {
                let _ = dir.remove_file(entry_name);
            }
        }
        subdirs.par_iter().for_each(|sub| remove_tree(&dir, sub));
    }
    if parent.remove_dir(name).is_err() {
        // A name that is not valid UTF-8, say: the sequential removal handles everything.
        let _ = parent.remove_dir_all(name);
    }
}

/// Put the tree at `tmp` in place of `name`; afterwards the old tree (if any)
/// is deleted and `tmp` no longer exists.
fn swap(
    parent: &Dir,
    tmp: &str,
    name: &str,
    replaced: bool,
    out_dir: &Path,
) -> Result<(), EmitError> {
    if !replaced {
        return parent
            .rename(tmp, parent, name)
            .map_err(io_err("rename into", out_dir));
    }
    if exchange(parent, tmp, name).is_ok() {
        // `tmp` now holds the previous tree.
        remove_tree(parent, tmp);
        return Ok(());
    }
    let old = format!("{tmp}-old");
    parent
        .rename(name, parent, &old)
        .map_err(io_err("move aside", out_dir))?;
    if let Err(e) = parent.rename(tmp, parent, name) {
        let _ = parent.rename(&old, parent, name);
        return Err(io_err("rename into", out_dir)(e));
    }
    remove_tree(parent, &old);
    Ok(())
}

#[cfg(target_os = "linux")]
fn exchange(parent: &Dir, a: &str, b: &str) -> io::Result<()> {
    use rustix::fs::{RenameFlags, renameat_with};
    renameat_with(parent, a, parent, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_parent: &Dir, _a: &str, _b: &str) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

fn io_err<'a>(action: &'static str, path: &'a Path) -> impl Fn(io::Error) -> EmitError + 'a {
    move |source| EmitError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests;
