//! The report's global allocator: the system allocator, counting for every live allocation both
//! the bytes requested and the bytes the allocator really set aside for it.
//!
//! Requested bytes undercount a node: glibc's `malloc` rounds every request up to a 16-byte
//! size class of at least 32 bytes and keeps an 8-byte size word in front of each chunk. The
//! allocator tells what it handed out: `malloc_usable_size(ptr)` is the chunk's usable part,
//! and the chunk is that plus one size word. That is what [`Snapshot::chunk_bytes_since`] counts, so
//! a node's figure includes size-class rounding and per-allocation headers as well as the
//! unused capacity of the containers it lives in (not the free space `malloc` keeps around).
//!
//! This is the only `unsafe` of the benchmarks: a `GlobalAlloc` cannot be written without it,
//! and asking glibc for a usable size is a foreign call. Each block forwards the caller's
//! contract unchanged to [`System`].

#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

/// glibc's per-chunk header: the size word in front of every in-use chunk.
const CHUNK_HEADER: u64 = std::mem::size_of::<usize>() as u64;

/// The system allocator with two running totals.
pub struct Counting;

static REQUESTED: AtomicU64 = AtomicU64::new(0);
static REQUESTED_FREED: AtomicU64 = AtomicU64::new(0);
static CHUNKS: AtomicU64 = AtomicU64::new(0);
static CHUNKS_FREED: AtomicU64 = AtomicU64::new(0);

/// Cumulative counts since the process started.
#[derive(Clone, Copy, Debug, Default)]
pub struct Snapshot {
    requested: u64,
    requested_freed: u64,
    chunks: u64,
    chunks_freed: u64,
}

impl Snapshot {
    /// The counts now.
    pub fn now() -> Snapshot {
        Snapshot {
            requested: REQUESTED.load(Ordering::Relaxed),
            requested_freed: REQUESTED_FREED.load(Ordering::Relaxed),
            chunks: CHUNKS.load(Ordering::Relaxed),
            chunks_freed: CHUNKS_FREED.load(Ordering::Relaxed),
        }
    }

    /// Net bytes requested since `earlier` (allocated minus freed).
    pub fn requested_since(&self, earlier: &Snapshot) -> i64 {
        (self.requested - earlier.requested) as i64
            - (self.requested_freed - earlier.requested_freed) as i64
    }

    /// Net bytes of the chunks handed out since `earlier` (usable size plus header, allocated
    /// minus freed).
    pub fn chunk_bytes_since(&self, earlier: &Snapshot) -> i64 {
        (self.chunks - earlier.chunks) as i64 - (self.chunks_freed - earlier.chunks_freed) as i64
    }
}

/// The bytes glibc set aside for the live allocation at `ptr`.
fn chunk_size(ptr: *mut u8) -> u64 {
    // SAFETY: `ptr` was returned by `System` (glibc's malloc family) and is not freed yet;
    // `malloc_usable_size` only reads its chunk header.
    let usable = unsafe { libc::malloc_usable_size(ptr.cast()) };
    usable as u64 + CHUNK_HEADER
}

fn count_alloc(ptr: *mut u8, layout: Layout) {
    if !ptr.is_null() {
        REQUESTED.fetch_add(layout.size() as u64, Ordering::Relaxed);
        CHUNKS.fetch_add(chunk_size(ptr), Ordering::Relaxed);
    }
}

fn count_free(ptr: *mut u8, layout: Layout) {
    REQUESTED_FREED.fetch_add(layout.size() as u64, Ordering::Relaxed);
    CHUNKS_FREED.fetch_add(chunk_size(ptr), Ordering::Relaxed);
}

// SAFETY: every method forwards to `System` with the caller's arguments and returns its
// result; counting only reads the chunk of a live allocation.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is `System::alloc`'s.
        let ptr = unsafe { System.alloc(layout) };
        count_alloc(ptr, layout);
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        count_alloc(ptr, layout);
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count_free(ptr, layout);
        // SAFETY: `ptr` came from this allocator (so from `System`) with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old_chunk = chunk_size(ptr);
        // SAFETY: the caller's contract for `realloc` is `System::realloc`'s.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            REQUESTED_FREED.fetch_add(layout.size() as u64, Ordering::Relaxed);
            CHUNKS_FREED.fetch_add(old_chunk, Ordering::Relaxed);
            REQUESTED.fetch_add(new_size as u64, Ordering::Relaxed);
            CHUNKS.fetch_add(chunk_size(new), Ordering::Relaxed);
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_is_the_request_rounded_up_to_a_size_class_plus_a_header() {
        // glibc: at least 32 bytes, in steps of 16, counting the 8-byte size word.
        for (request, chunk) in [
            (1usize, 32u64),
            (24, 32),
            (25, 48),
            (100, 112),
            (1000, 1008),
        ] {
            let ptr = Box::into_raw(vec![0u8; request].into_boxed_slice());
            assert_eq!(
                chunk_size(ptr.cast()),
                chunk,
                "a request of {request} bytes"
            );
            // SAFETY: `ptr` came from `Box::into_raw` just above and is freed once.
            drop(unsafe { Box::from_raw(ptr) });
        }
    }
}
